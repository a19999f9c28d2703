import { reclassifyInput, reclassifyJobInput } from '../../../shared/contracts/lifecycle.contract';
import { auditLog, defineAction, fieldError, notFound } from '../../../server';
import { type JobDoc, getJob, runJob } from '../../../server/jobs/runner';
import { JOB_KINDS, POLL_BUDGET_MS, START_BUDGET_MS, reclassifyView, startReclassification } from '../lifecycle.jobs';

/**
 * `reclassify` (head office): runs the class rules now (the daily timer does the same), optionally for
 * some merchants only, as a resumable job. Answers when done, or with the job's progress after about
 * 20 s; `job` polls it (and drives it on). The job id may be the client's: a retry answers the same job.
 * Audited.
 */
export const reclassify = defineAction({
  schema: reclassifyInput,
  roles: ['hq'],
  async handler(input, ctx) {
    if (input.jobId) {
      const existing = await getJob(ctx.db, input.jobId);
      if (existing && existing.kind !== 'reclassify') throw fieldError('jobId', '该任务 id 已用于另一个任务', 'JOB.ID_TAKEN');
    }
    const job = await startReclassification(ctx.db, { id: input.jobId, asOf: input.asOf, merchantIds: input.merchantIds, byStaffId: ctx.caller.staffId, now: ctx.now, budgetMs: START_BUDGET_MS });
    await auditLog(ctx.db, ctx.caller, 'job-run', { collection: 'jobs', id: job._id }, { job: 'reclassify', asOf: job.params.asOf, merchants: input.merchantIds?.length ?? null }, ctx.now);
    return reclassifyView(job);
  },
});

/** `job` (head office): a reclassification job's progress; while it runs, this call runs its next chunks. */
export const reclassifyJobStatus = defineAction({
  schema: reclassifyJobInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const job = await getJob(ctx.db, input.jobId);
    if (!job || job.kind !== 'reclassify') throw notFound('任务', 'JOB.NOT_FOUND');
    const now = job.status === 'running' ? ((await runJob(ctx.db, JOB_KINDS, job._id, { budgetMs: POLL_BUDGET_MS })) ?? job) : job;
    return reclassifyView(now as JobDoc);
  },
});
