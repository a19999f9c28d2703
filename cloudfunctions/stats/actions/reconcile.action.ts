import { reconcileInput } from '../../../shared/contracts/stats.contract';
import { addDays } from '../../../shared/domain/period.rules';
import { auditLog, chinaDay, defineAction } from '../../../server';
import { runReconciliation } from '../stats.jobs';

/**
 * `reconcile` (head office): recomputes [from, to] (default yesterday) from the raw records and lists every
 * counter that differs. The nightly timer runs the same job; a person starting it is audited.
 */
export const reconcile = defineAction({
  schema: reconcileInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const yesterday = addDays(chinaDay(ctx.now), -1);
    const from = input.from ?? input.to ?? yesterday;
    const to = input.to ?? from;
    const res = await runReconciliation(ctx.db, { from, to }, ctx.caller.staffId, ctx.now);
    await auditLog(ctx.db, ctx.caller, 'job-run', { collection: 'jobs', id: res.jobId }, { job: 'reconcile', from, to, differences: res.differences.length }, ctx.now);
    return res;
  },
});
