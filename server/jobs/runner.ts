import type { Db } from '../db';
import { getDoc } from '../db';
import { newId } from '../ids';
import { isDuplicateKey } from '../tx';
import { iso } from '../org';
import { chunkItemsFromEnv } from './chunk-items';
import type { JobView } from '../../shared/contracts/job.contract';

/**
 * Resumable jobs: long work (reclassification, exports, ...) cut into chunks, each far inside CloudBase's
 * function timeout (at most 60 s: https://docs.cloudbase.net/cloud-function/function-configuration), with
 * its cursor, progress and accumulated state in one `jobs` document. docs/jobs.md explains how to write a
 * kind and how the chunks are continued (the call that starts the job, every poll, and a timer).
 *
 * A chunk is claimed by a lease written with a compare-and-set on the document's `rev`; it commits its new
 * cursor, state and progress with another compare-and-set. A chunk whose instance dies never commits: when
 * its lease runs out the next caller runs the same chunk again from the same cursor and the same state, so
 * a kind's chunk must be idempotent in its writes and deterministic in what it adds to the state. After
 * MAX_ATTEMPTS tries of one chunk the job fails with the last error.
 */

export const JOBS = 'jobs';

/** A lease outlives the longest function run (60 s), so a live chunk is never taken for dead. */
export const LEASE_MS = 75_000;
/** Tries of one chunk before the job fails. */
export const MAX_ATTEMPTS = 4;
/** Wall-clock budget of one chunk: a fifth of the function timeout, room for a slow database. */
export const CHUNK_BUDGET_MS = 12_000;

export type JobStatus = 'running' | 'done' | 'failed';

export interface JobDoc<P = any, S = any> {
  _id: string;
  kind: string;
  status: JobStatus;
  params: P;
  /** where the next chunk starts; null before the first */
  cursor: unknown;
  /** what the committed chunks have accumulated (small: counters, not rows) */
  state: S;
  progress: { done: number; total: number | null };
  /** tries of the chunk at `cursor` (reset when a chunk commits) */
  attempts: number;
  /** chunks committed */
  chunks: number;
  /** the run holding the current chunk, until when */
  lease: { token: string; until: Date } | null;
  /** bumped by every write of the runner: the compare-and-set token */
  rev: number;
  error: string | null;
  byStaffId: string | null;
  createdAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
}

/** What a chunk sees. */
export interface ChunkContext<P, S> {
  db: Db;
  job: JobDoc<P, S>;
  /** Date.now() by which the chunk should stop taking more work */
  deadline: number;
  /** items a chunk may take at most (a kind's own default when undefined) */
  maxItems?: number;
  /** Extends the lease (call it between slow steps of a long chunk); false when the lease was lost. */
  heartbeat(): Promise<boolean>;
}

/** What a chunk hands back: the next cursor, the new state, and how far along the job is. */
export interface ChunkResult<S> {
  cursor: unknown;
  state: S;
  /** items done so far in total (not in this chunk) */
  done: number;
  total?: number | null;
  finished: boolean;
}

/** A kind of job: its initial state and its chunk. */
export interface JobKind<P = any, S = any> {
  kind: string;
  initialState(params: P): S;
  step(ctx: ChunkContext<P, S>): Promise<ChunkResult<S>>;
  /** Runs once when a job fails for good (cleanup of staged files, ...). */
  onFailed?(db: Db, job: JobDoc<P, S>): Promise<void>;
}

export interface RunOptions {
  /** stop starting chunks after this many ms (default: one chunk budget) */
  budgetMs?: number;
  /** a chunk's own time budget (default CHUNK_BUDGET_MS) */
  chunkBudgetMs?: number;
  /** items per chunk at most (tests use small chunks; default JOB_CHUNK_ITEMS, else the kind's own) */
  maxItems?: number;
  /** the clock (tests move it to expire leases) */
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (err: unknown) => (err instanceof Error ? err.message : String((err as { errMsg?: unknown })?.errMsg ?? err)).slice(0, 500);

/** Reads a job, or null. */
export function getJob<P = any, S = any>(db: Db, id: string): Promise<JobDoc<P, S> | null> {
  return getDoc<JobDoc<P, S>>(db, JOBS, id);
}

/** Writes `patch` when the job still has revision `rev`; false when another run changed it first. */
async function compareAndSet(db: Db, job: JobDoc, patch: Partial<JobDoc>): Promise<boolean> {
  // An object in an update is merged field by field by the CloudBase client; `_.set` replaces it whole
  // (a lease over a null one, a state that dropped a key).
  const data: Record<string, unknown> = { rev: job.rev + 1 };
  for (const [k, v] of Object.entries(patch)) data[k] = v !== null && typeof v === 'object' && !(v instanceof Date) ? db.command.set(v) : v;
  const res = await db.collection(JOBS).where({ _id: job._id, rev: job.rev }).update({ data });
  return (res?.stats?.updated ?? 0) === 1;
}

/**
 * Creates a job (status running, no cursor), or answers the one that already has this id: a retried
 * start never makes a second job. `id` defaults to a new one.
 */
export async function createJob<P, S>(db: Db, def: JobKind<P, S>, opts: { id?: string; params: P; byStaffId: string | null; now: Date; total?: number | null }): Promise<{ job: JobDoc<P, S>; created: boolean }> {
  const id = opts.id ?? newId();
  const job: JobDoc<P, S> = {
    _id: id,
    kind: def.kind,
    status: 'running',
    params: opts.params,
    cursor: null,
    state: def.initialState(opts.params),
    progress: { done: 0, total: opts.total ?? null },
    attempts: 0,
    chunks: 0,
    lease: null,
    rev: 0,
    error: null,
    byStaffId: opts.byStaffId,
    createdAt: opts.now,
    heartbeatAt: opts.now,
    finishedAt: null,
  };
  try {
    await db.collection(JOBS).add({ data: job });
    return { job, created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await getJob<P, S>(db, id);
    if (!existing) throw err;
    return { job: existing, created: false };
  }
}

/**
 * Starts a failed job again from where it stopped (its cursor and state kept, its tries reset); a running
 * or finished job is left as it is.
 */
export async function retryJob(db: Db, id: string, now: Date): Promise<JobDoc | null> {
  const job = await getJob(db, id);
  if (!job || job.status !== 'failed') return job;
  await compareAndSet(db, job, { status: 'running', attempts: 0, lease: null, error: null, finishedAt: null, heartbeatAt: now });
  return getJob(db, id);
}

/** True when a running job's chunk lease has run out (its instance died) or no chunk holds it. */
export function isClaimable(job: JobDoc, now: number): boolean {
  return job.status === 'running' && (!job.lease || new Date(job.lease.until).getTime() <= now);
}

/**
 * Claims the next chunk of a job: counts the try, and fails the job when the chunk has been tried
 * MAX_ATTEMPTS times already. Null when the job is finished, failed, or another run holds a live lease.
 */
async function claim(db: Db, def: JobKind, job: JobDoc, token: string, now: number): Promise<JobDoc | null> {
  if (!isClaimable(job, now)) return null;
  if (job.attempts >= MAX_ATTEMPTS) {
    const failed = await compareAndSet(db, job, { status: 'failed', lease: null, finishedAt: new Date(now), heartbeatAt: new Date(now), error: job.error ?? '任务多次中断' });
    if (failed && def.onFailed) await def.onFailed(db, job).catch(() => undefined);
    return null;
  }
  const lease = { token, until: new Date(now + LEASE_MS) };
  const patch = { lease, attempts: job.attempts + 1, heartbeatAt: new Date(now) };
  if (!(await compareAndSet(db, job, patch))) return null;
  return { ...job, ...patch, rev: job.rev + 1 };
}

/**
 * Runs chunks of one job until it finishes, fails, another run holds it, or `budgetMs` is spent; answers
 * the job as it stands then. A chunk that throws keeps its cursor (the next run tries it again) and
 * records the error; one that outlives its lease loses its commit to whichever run took it over.
 */
export async function runJob(db: Db, kinds: Record<string, JobKind>, id: string, opts: RunOptions = {}): Promise<JobDoc | null> {
  const clock = opts.now ?? Date.now;
  const started = clock();
  const budget = opts.budgetMs ?? CHUNK_BUDGET_MS;
  const token = newId();
  let job = await getJob(db, id);
  // At least one chunk per run, however small the budget: every call moves the job on.
  for (let first = true; job && job.status === 'running' && (first || clock() - started < budget); first = false) {
    const def = kinds[job.kind];
    if (!def) throw new Error(`no job kind "${job.kind}" here`);
    const mine = await claim(db, def, job, token, clock());
    if (!mine) return getJob(db, id);
    let current = mine;
    const heartbeat = async () => {
      const at = clock();
      const lease = { token, until: new Date(at + LEASE_MS) };
      if (!(await compareAndSet(db, current, { lease, heartbeatAt: new Date(at) }))) return false;
      current = { ...current, lease, heartbeatAt: new Date(at), rev: current.rev + 1 };
      return true;
    };
    let out: ChunkResult<unknown>;
    try {
      out = await def.step({ db, job: mine, deadline: clock() + (opts.chunkBudgetMs ?? CHUNK_BUDGET_MS), maxItems: opts.maxItems ?? chunkItemsFromEnv(), heartbeat });
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', job: mine.kind, jobId: id, chunk: mine.chunks, attempt: mine.attempts, error: message(err) }));
      // The lease is given back so the next run retries at once; the try stays counted.
      await compareAndSet(db, current, { lease: null, error: message(err), heartbeatAt: new Date(clock()) });
      await sleep(Math.min(2000, 250 * mine.attempts));
      job = await getJob(db, id);
      continue;
    }
    const at = new Date(clock());
    const patch: Partial<JobDoc> = {
      cursor: out.cursor,
      state: out.state,
      progress: { done: out.done, total: out.total === undefined ? current.progress.total : out.total },
      attempts: 0,
      chunks: current.chunks + 1,
      lease: null,
      error: null,
      heartbeatAt: at,
      ...(out.finished ? { status: 'done' as const, finishedAt: at } : {}),
    };
    // Lost the lease meanwhile (this run was too slow): the run that took over commits instead.
    if (!(await compareAndSet(db, current, patch))) return getJob(db, id);
    job = { ...current, ...patch, rev: current.rev + 1 } as JobDoc;
  }
  return job;
}

/**
 * The timer's sweep: runs the running jobs of these kinds whose chunk is free or abandoned, oldest first,
 * within `budgetMs`. Answers how many chunks' jobs it touched and how many it finished.
 */
export async function resumeJobs(db: Db, kinds: Record<string, JobKind>, opts: RunOptions = {}): Promise<{ resumed: number; finished: number; failed: number }> {
  const clock = opts.now ?? Date.now;
  const started = clock();
  const budget = opts.budgetMs ?? CHUNK_BUDGET_MS;
  const _ = db.command;
  const res = (await db
    .collection(JOBS)
    .where({ status: 'running', kind: _.in(Object.keys(kinds)) })
    .orderBy('heartbeatAt', 'asc')
    .limit(20)
    .get()) as { data: JobDoc[] };
  const out = { resumed: 0, finished: 0, failed: 0 };
  for (const job of res.data) {
    const left = budget - (clock() - started);
    if (left <= 0) break;
    if (!isClaimable(job, clock())) continue;
    out.resumed++;
    const after = await runJob(db, kinds, job._id, { ...opts, budgetMs: left });
    if (after?.status === 'done') out.finished++;
    if (after?.status === 'failed') out.failed++;
  }
  return out;
}

/** A job's progress as a share 0..1 (null while its total is unknown). */
export function progressShare(job: Pick<JobDoc, 'status' | 'progress'>): number {
  if (job.status === 'done') return 1;
  const { done, total } = job.progress ?? { done: 0, total: null };
  return total ? Math.min(1, done / total) : 0;
}

/** The job as screens see it (shared/contracts/job.contract). */
export function toJobView(job: JobDoc): JobView {
  return {
    id: job._id,
    kind: job.kind,
    status: job.status,
    progress: { done: job.progress?.done ?? 0, total: job.progress?.total ?? null, share: progressShare(job) },
    // What went wrong stays in the document for operators; the user is told what to do.
    error: job.status === 'failed' ? '任务多次中断后已停止，请重新发起' : null,
    createdAt: iso(job.createdAt) ?? '',
    finishedAt: iso(job.finishedAt),
  };
}
