/**
 * `JOB_CHUNK_ITEMS`: the most items one chunk of a job takes (file rows or version rows of an import, merchants
 * of a reclassification, an export or a roll-up build's grid). Unset, each kind keeps its own size (500 rows,
 * 1,000 merchants, 200 merchants of a grid, ...); set, it can only lower it. A small bank's jobs then run in
 * several chunks, as a province's do: the kill -9 test (test/jobs/crash.soak.ts) and a demo of the progress
 * screens use it (docs/jobs.md).
 */
export const CHUNK_ITEMS_ENV = 'JOB_CHUNK_ITEMS';

/** The configured chunk size, or undefined when unset; a value that is not a whole number 1–100000 is refused by name. */
export function chunkItemsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[CHUNK_ITEMS_ENV];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${CHUNK_ITEMS_ENV} must be a whole number 1–100000, not "${raw}"`);
  return n;
}

/** A kind's own chunk size, lowered to JOB_CHUNK_ITEMS when that is set. */
export function chunkItems(own: number): number {
  return Math.min(own, chunkItemsFromEnv() ?? own);
}
