import type { Db } from '../db';
import { inTransaction } from '../tx';
import { readDoc } from './store';

/**
 * The roll-ups' control document (`rollupState/main`): which generation of roll-up documents readers
 * read, and the generations being built beside it (a rebuild, or the scratch copy a reconciliation
 * compares with). Writers never write it; only builds and their flips do, each in one small transaction.
 */
export const ROLLUP_STATE = 'rollupState';
const STATE_ID = 'main';

/** A generation being built from the raw records, grid by grid, merchants of a grid in `_id` order. */
export interface BuildState {
  id: string;
  gen: number;
  kind: 'rebuild' | 'reconcile';
  /** A reconciliation builds only the documents of its range (days, and the months and years it covers). */
  range: { from: string; to: string } | null;
  /** Epoch ms when the build started (deltas committed after it are watched, see `build.ts`). */
  startedAt: number;
  /** Cursor: merchants up to (`grid`, `after`) are built; `after` null = none of that grid yet. */
  grid: string | null;
  after: string | null;
  /** True once every grid is built. */
  built: boolean;
  /**
   * The chunk being written (kept so a retried chunk covers the same merchants): consecutive grids' merchants
   * in (`after`, `end`] each, in cursor order.
   */
  planned: { parts: { grid: string; after: string | null; end: string }[]; seq: number } | null;
  seq: number;
  restarts: number;
  /** Merchants per chunk (default `BUILD_CHUNK`). */
  chunk?: number;
  /**
   * Deltas committed when the build started that its cursor cannot place: batches, and the earlier
   * deltas of a merchant since moved to another grid (filed under the old grid). Its records count them.
   */
  known: string[];
}

export interface RollupState {
  /** The serving generation. */
  gen: number;
  nextGen: number;
  builds: BuildState[];
  /** Generations no longer served, deleted in chunks once no reader can still be reading them. */
  retired: { gen: number; at: number }[];
  /**
   * Generations whose ranking documents (`r:all`, store.ts `withRanks`) are complete: built whole by a
   * seed or a rebuild. Dashboards rank from them only then; in any other generation (roll-ups written
   * before the ranking documents existed) they read every owner's own documents.
   */
  ranked: number[];
}

const EMPTY: RollupState = { gen: 0, nextGen: 1, builds: [], retired: [], ranked: [] };

/**
 * How long an instance reuses the state it read. A reader on a just-retired generation stays exact: the
 * deltas folded since the flip are not folded into it, so they stay visible to it until they are pruned
 * (`PRUNE_AFTER_MS`, 25 s after their fold), and its documents until it is deleted a minute after the flip.
 */
export const STATE_CACHE_MS = 10_000;

let cached: { at: number; state: RollupState; db: Db } | null = null;

function normalise(doc: Partial<RollupState> | null): RollupState {
  return { ...EMPTY, ...(doc ?? {}), builds: doc?.builds ?? [], retired: doc?.retired ?? [], ranked: doc?.ranked ?? [] };
}

/** The state, read at most every `STATE_CACHE_MS` per instance (`fresh` reads it now). */
export async function readState(db: Db, fresh = false): Promise<RollupState> {
  if (!fresh && cached && cached.db === db && Date.now() - cached.at < STATE_CACHE_MS) return cached.state;
  const state = normalise(await readDoc<RollupState>(db, ROLLUP_STATE, STATE_ID));
  cached = { at: Date.now(), state, db };
  return state;
}

/**
 * Reads the state now if the instance's copy would be stale by the time the call needs it (its fold
 * after the commit, its roll-up reads): started with the call's first round trip, the read adds nothing
 * to the call's depth, and the later `readState` finds it cached. Never fails (that later read reads
 * again). A read is never shared between calls: a call's request ends with the call.
 */
export function prefetchState(db: Db): Promise<unknown> {
  if (cached && cached.db === db && Date.now() - cached.at < STATE_CACHE_MS / 2) return Promise.resolve();
  return readState(db, true).catch(() => undefined);
}

/** Forgets the cached state (tests, and right after this instance changed it). */
export function forgetState(): void {
  cached = null;
}

/**
 * Changes the state in one transaction (read, change, write: one document). `change` returns the new
 * state, or null to leave it as it is; conflicting changes are retried by `inTransaction`.
 */
export async function updateState(db: Db, change: (s: RollupState) => RollupState | null): Promise<RollupState> {
  const out = await inTransaction(db, async (tx) => {
    const cur = normalise(await readDoc<RollupState>(tx, ROLLUP_STATE, STATE_ID));
    const next = change(structuredClone(cur));
    if (!next) return cur;
    const { gen, nextGen, builds, retired, ranked } = next;
    await tx.collection(ROLLUP_STATE).doc(STATE_ID).set({ data: { gen, nextGen, builds, retired, ranked } });
    return next;
  });
  cached = { at: Date.now(), state: out, db };
  return out;
}

/** Every generation documents are kept in now: the serving one and those being built. */
export function liveGens(s: RollupState): number[] {
  return [s.gen, ...s.builds.map((b) => b.gen)];
}
