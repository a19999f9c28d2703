import { type Db, fieldError, isDuplicateKey, newId } from '../../server';
import {
  BuildAbandoned,
  type ReconcileJob,
  type ReconcileResult,
  type RebuildJob,
  newRebuildJob,
  newReconcileJob,
  rebuildStep,
  reconcileStep,
  resultOf,
} from '../../server/rollup';

/**
 * Roll-up jobs (`jobs`, kinds `reconcile` and `rebuild`): each runs step by step (server/rollup: one
 * chunk per step, far inside the function time limit), its state saved on the job document after every
 * step with a heartbeat. The call that starts a job steps it until done or until its time budget is
 * spent; the minute timer steps on any job whose heartbeat has stopped (its call ended or died).
 */
export const JOB_BUDGET_MS = 40_000;
/** A running job not stepped for this long is continued by the timer. */
export const JOB_STALE_MS = 90_000;

type Kind = 'reconcile' | 'rebuild';
type StateOf<K extends Kind> = K extends 'reconcile' ? ReconcileJob : RebuildJob;

const isDone = (kind: Kind, state: ReconcileJob | RebuildJob) => (kind === 'reconcile' ? (state as ReconcileJob).phase === 'done' : (state as RebuildJob).status === 'done');

async function step<K extends Kind>(db: Db, kind: K, state: StateOf<K>): Promise<StateOf<K>> {
  return (kind === 'reconcile' ? reconcileStep(db, state as ReconcileJob) : rebuildStep(db, state as RebuildJob)) as Promise<StateOf<K>>;
}

/** What the job document shows of a state: progress and, for a reconciliation, its findings. */
function summary(kind: Kind, state: ReconcileJob | RebuildJob): Record<string, unknown> {
  if (kind === 'reconcile') {
    const r = state as ReconcileJob;
    const progress = r.phase === 'done' ? 1 : r.phase === 'build' ? 0.5 : 0.9;
    return { progress, phase: r.phase, differenceCount: r.differenceCount, differences: r.differences.slice(0, 500), checkedValues: r.checkedValues };
  }
  const b = state as RebuildJob;
  return { progress: b.status === 'done' ? 1 : 0.5, chunks: b.chunks, merchants: b.merchants, visits: b.visits, restarts: b.restarts };
}

/** Steps a job until it is done or `budgetMs` is spent, saving its state after each step. */
export async function driveJob<K extends Kind>(db: Db, jobId: string, kind: K, state: StateOf<K>, budgetMs = JOB_BUDGET_MS): Promise<StateOf<K>> {
  const until = Date.now() + budgetMs;
  let s = state;
  try {
    while (!isDone(kind, s) && Date.now() < until) {
      s = await step(db, kind, s);
      const done = isDone(kind, s);
      await db.collection('jobs').doc(jobId).update({ data: { state: s, ...summary(kind, s), heartbeatAt: new Date(), ...(done ? { status: 'done', finishedAt: new Date() } : {}) } });
    }
    // Budget spent: released, so the next call from the screen, or the timer, goes on at once.
    if (!isDone(kind, s)) await db.collection('jobs').doc(jobId).update({ data: { heartbeatAt: new Date(0) } });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Given up for good: the job has failed. Any other failed step is retried, by the timer once the
    // heartbeat is stale (chunks are idempotent).
    if (err instanceof BuildAbandoned) await db.collection('jobs').doc(jobId).update({ data: { status: 'failed', error: message, finishedAt: new Date() } });
    else await db.collection('jobs').doc(jobId).update({ data: { lastError: message, heartbeatAt: new Date(0) } });
    throw err;
  }
  return s;
}

/**
 * Starts a reconciliation of `range` as a job and steps it (see `driveJob`); answers with what it found
 * so far (the whole result when it finished within the budget).
 */
export async function runReconciliation(db: Db, range: { from: string; to: string }, byStaffId: string | null, now: Date, budgetMs = JOB_BUDGET_MS, jobId: string = newId()): Promise<ReconcileResult & { jobId: string; status: 'running' | 'done' }> {
  const state = newReconcileJob(range);
  await db.collection('jobs').add({ data: { _id: jobId, kind: 'reconcile', status: 'running', progress: 0, range, byStaffId, state, heartbeatAt: now, createdAt: now } });
  const end = await driveJob(db, jobId, 'reconcile', state, budgetMs);
  if (end.phase === 'done' && end.differenceCount) console.warn(JSON.stringify({ level: 'warn', fn: 'metrics', job: 'reconcile', range, differences: end.differenceCount }));
  return { ...resultOf(end), jobId, status: end.phase === 'done' ? 'done' : 'running' };
}

/**
 * Starts a rebuild as a job (under the client's id when it gives one) and steps it; answers with its
 * progress. A start retried with the same id (its first call died with its instance) goes on with that job.
 */
export async function runRebuild(db: Db, byStaffId: string | null, now: Date, budgetMs = JOB_BUDGET_MS, jobId: string = newId()): Promise<RebuildJob & { jobId: string; status: 'running' | 'done' }> {
  const state = newRebuildJob();
  try {
    await db.collection('jobs').add({ data: { _id: jobId, kind: 'rebuild', status: 'running', progress: 0, byStaffId, state, heartbeatAt: now, createdAt: now } });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const { state: current, status } = await continueJob(db, jobId, 'rebuild', budgetMs);
    return { ...current, jobId, status };
  }
  const end = await driveJob(db, jobId, 'rebuild', state, budgetMs);
  return { ...end, jobId, status: end.status };
}

/**
 * Goes on with a roll-up job of `kind` (a call from the screen that started it): steps it within the
 * budget unless another call is stepping it now (fresh heartbeat), and answers its state.
 */
export async function continueJob<K extends Kind>(db: Db, jobId: string, kind: K, budgetMs = JOB_BUDGET_MS): Promise<{ state: StateOf<K>; status: 'running' | 'done' }> {
  const res = (await db.collection('jobs').doc(jobId).get()) as { data: any };
  const job = Array.isArray(res.data) ? res.data[0] : res.data;
  if (!job || job.kind !== kind) throw fieldError('jobId', '任务不存在', 'JOB.NOT_FOUND');
  let state = job.state as StateOf<K>;
  const busy = job.heartbeatAt && Date.now() - new Date(job.heartbeatAt).getTime() < 5_000;
  if (job.status === 'running' && !busy) state = await driveJob(db, jobId, kind, state, budgetMs);
  return { state, status: isDone(kind, state) ? 'done' : 'running' };
}

/** The timer's part: steps on roll-up jobs whose call ended before they were done. */
export async function continueStaleJobs(db: Db, budgetMs = JOB_BUDGET_MS): Promise<number> {
  const _ = db.command;
  const res = (await db.collection('jobs').where({ kind: _.in(['reconcile', 'rebuild']), status: 'running', heartbeatAt: _.lt(new Date(Date.now() - JOB_STALE_MS)) }).limit(10).get()) as { data: { _id: string; kind: Kind; state: ReconcileJob | RebuildJob }[] };
  const until = Date.now() + budgetMs;
  let n = 0;
  for (const job of res.data) {
    const left = until - Date.now();
    if (left <= 0) break;
    // Claim it first: a heartbeat now keeps another timer run off it.
    await db.collection('jobs').doc(job._id).update({ data: { heartbeatAt: new Date() } });
    await driveJob(db, job._id, job.kind, job.state as never, left).catch(() => undefined);
    n++;
  }
  return n;
}
