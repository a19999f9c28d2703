import { type Db, newId } from '../../server';
import { type ReconcileResult, reconcileRollups } from '../../server/rollup';

/**
 * Runs a reconciliation and records it as a job document (`jobs`, kind `reconcile`) with its differences
 * (the first 500), so operators see what the timer found.
 */
export async function runReconciliation(db: Db, range: { from: string; to: string }, byStaffId: string | null, now: Date): Promise<ReconcileResult & { jobId: string }> {
  const jobId = newId();
  await db.collection('jobs').add({ data: { _id: jobId, kind: 'reconcile', status: 'running', progress: 0, range, byStaffId, createdAt: now } });
  try {
    const res = await reconcileRollups(db, range);
    await db.collection('jobs').doc(jobId).update({
      data: { status: 'done', progress: 1, differenceCount: res.differences.length, differences: res.differences.slice(0, 500), checkedValues: res.checkedValues, finishedAt: new Date() },
    });
    if (res.differences.length) console.warn(JSON.stringify({ level: 'warn', fn: 'stats', job: 'reconcile', range, differences: res.differences.length }));
    return { ...res, jobId };
  } catch (err) {
    await db.collection('jobs').doc(jobId).update({ data: { status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() } });
    throw err;
  }
}
