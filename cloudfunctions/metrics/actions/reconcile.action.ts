import { reconcileInput } from '../../../shared/contracts/metrics.contract';
import { addDays, chinaDay } from '../../../shared/domain/period.rules';
import { auditLog, defineAction } from '../../../server';
import { resultOf } from '../../../server/rollup';
import { continueJob, runReconciliation } from '../metrics.jobs';

/**
 * `reconcile` (head office): recomputes [from, to] (default yesterday) from the raw records and lists every
 * counter that differs. A job: answers `status: 'running'` when it did not finish within this call; called
 * again with its `jobId` it goes on (the minute timer also does). The timer runs the same job nightly; a
 * person starting it is audited.
 */
export const reconcile = defineAction({
  schema: reconcileInput,
  roles: ['hq'],
  async handler(input, ctx) {
    if (input.jobId) {
      const { state, status } = await continueJob(ctx.db, input.jobId, 'reconcile');
      return { ...resultOf(state), jobId: input.jobId, status };
    }
    const yesterday = addDays(chinaDay(ctx.now), -1);
    const from = input.from ?? input.to ?? yesterday;
    const to = input.to ?? from;
    const res = await runReconciliation(ctx.db, { from, to }, ctx.caller.staffId, ctx.now);
    await auditLog(ctx.db, ctx.caller, 'job-run', { collection: 'jobs', id: res.jobId }, { job: 'reconcile', from, to, differences: res.differences.length }, ctx.now);
    return res;
  },
});
