import type { Db } from '../db';
import { buildStep, flipBuild, settleBuild, startBuild } from './build';

export interface RebuildResult {
  merchants: number;
  visits: number;
  deposits: number;
  docs: number;
  marks: number;
  ms: number;
}

/** A rebuild's progress, carried from one step to the next (a job document keeps it between calls). */
export interface RebuildJob {
  buildId: string | null;
  status: 'running' | 'done';
  /** The generation built (and, once done, serving). */
  gen: number | null;
  chunks: number;
  merchants: number;
  visits: number;
  deposits: number;
  docs: number;
  marks: number;
  restarts: number;
  startedAt: number;
  /** Merchants per chunk (default: build.ts `BUILD_CHUNK`). */
  chunk?: number;
}

export function newRebuildJob(opts: { chunk?: number } = {}): RebuildJob {
  return { buildId: null, status: 'running', gen: null, chunks: 0, merchants: 0, visits: 0, deposits: 0, docs: 0, marks: 0, restarts: 0, startedAt: Date.now(), ...opts };
}

/**
 * One step of a rebuild, far inside a function's time limit: start a new generation, build one chunk
 * (see build.ts), or, once every grid is built, fold what came in meanwhile and flip the serving
 * generation. Dashboards read the old generation, complete and exact, until the flip; a rebuild stopped
 * at any point leaves them as they were, and goes on from its cursor when stepped again.
 */
export async function rebuildStep(db: Db, job: RebuildJob = newRebuildJob()): Promise<RebuildJob> {
  if (job.status === 'done') return job;
  if (!job.buildId) {
    const b = await startBuild(db, 'rebuild', null, undefined, job.chunk);
    return { ...job, buildId: b.id, gen: b.gen };
  }
  const { build, chunk } = await buildStep(db, job.buildId);
  if (!build) return { ...job, status: 'done' };
  const next: RebuildJob = { ...job, gen: build.gen, restarts: build.restarts };
  if (build.gen !== job.gen && job.gen !== null) Object.assign(next, { chunks: 0, merchants: 0, visits: 0, deposits: 0, docs: 0, marks: 0 });
  if (chunk) {
    next.chunks++;
    next.merchants += chunk.merchants;
    next.visits += chunk.visits;
    next.deposits += chunk.deposits;
    next.docs += chunk.docs;
    next.marks += chunk.marks;
    return next;
  }
  if (!build.built) return next;
  const settled = await settleBuild(db, build.id);
  if (!settled || settled.gen !== build.gen || !settled.built) return { ...next, gen: settled?.gen ?? next.gen, restarts: settled?.restarts ?? next.restarts };
  await flipBuild(db, build.id);
  return { ...next, status: 'done' };
}

/**
 * Recomputes every roll-up from the raw records (merchants, deposit balances, visits) into a new
 * generation and makes it the serving one: used as the repair the reconciliation job points to. Runs
 * every step in this call (the job runner steps it across calls instead). `parts` is accepted for
 * callers of the former API; a generation is always built whole.
 */
export async function rebuildRollups(db: Db, _opts: { parts?: ('stock' | 'flow')[] } = {}): Promise<RebuildResult> {
  const started = Date.now();
  let job = newRebuildJob();
  while (job.status !== 'done') job = await rebuildStep(db, job);
  return { merchants: job.merchants, visits: job.visits, deposits: job.deposits, docs: job.docs, marks: job.marks, ms: Date.now() - started };
}
