import type { ReclassifyJobView } from '../../shared/contracts/lifecycle.contract';
import { type Db, loadBankDay } from '../../server';
import { type ReclassifyParams, type ReclassifyTally, reclassifyJob, reclassifyParams } from '../../server/jobs/reclassify';
import { remindersJob } from '../../server/jobs/reminders';
import { searchKeysJob } from '../../server/search-keys';
import { type JobDoc, type JobKind, createJob, runJob, toJobView } from '../../server/jobs/runner';

/** The job kinds this function runs (its polls and its minute timer). */
export const JOB_KINDS: Record<string, JobKind> = { reclassify: reclassifyJob, reminders: remindersJob, [searchKeysJob.kind]: searchKeysJob };

/** Starts (or finds) the day's reminders job, `reminders-<day>`, and runs it for up to `budgetMs`. */
export async function startReminders(db: Db, day: string, budgetMs: number): Promise<JobDoc> {
  const { job } = await createJob(db, remindersJob, { id: `reminders-${day}`, params: { day }, byStaffId: null, now: new Date(), total: null });
  return (await runJob(db, JOB_KINDS, job._id, { budgetMs })) ?? job;
}

/** Time the call that starts a job spends on it before answering (the rest: polls and the timer). */
export const START_BUDGET_MS = 20_000;
/** Time a poll spends on the next chunks before answering. */
export const POLL_BUDGET_MS = 8_000;
/** Time a timer run spends on unfinished jobs: inside the 60 s a function may run. */
export const TIMER_BUDGET_MS = 40_000;

/** A reclassification job with what it has found so far. */
export function reclassifyView(job: JobDoc<ReclassifyParams, ReclassifyTally>): ReclassifyJobView {
  const s = job.state;
  return { ...toJobView(job), jobId: job._id, asOf: job.params.asOf, checked: s.checked, changed: s.changed, tasksOpened: s.tasksOpened, byClass: s.byClass };
}

/** Starts (or finds, by id) a reclassification job (as of the bank's day unless told) and runs it for up to `budgetMs`. */
export async function startReclassification(db: Db, opts: { id?: string; asOf?: string; merchantIds?: string[] | null; byStaffId: string | null; now: Date; budgetMs: number }): Promise<JobDoc<ReclassifyParams, ReclassifyTally>> {
  const params = await reclassifyParams(db, { asOf: opts.asOf ?? (await loadBankDay(db, opts.now)), merchantIds: opts.merchantIds ?? null, now: opts.now });
  const total = params.merchantIds ? params.merchantIds.length : ((await db.collection('merchants').count()) as { total: number }).total;
  const { job } = await createJob(db, reclassifyJob, { id: opts.id, params, byStaffId: opts.byStaffId, now: opts.now, total });
  return ((await runJob(db, JOB_KINDS, job._id, { budgetMs: opts.budgetMs })) ?? job) as JobDoc<ReclassifyParams, ReclassifyTally>;
}
