import { reconcileInput } from '../../../shared/contracts/stats.contract';
import { addDays } from '../../../shared/domain/period.rules';
import { chinaDay, defineAction } from '../../../server';
import { runReconciliation } from '../stats.jobs';

/** `reconcile` (head office): recomputes [from, to] (default yesterday) from the raw records and lists every counter that differs. */
export const reconcile = defineAction({
  schema: reconcileInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const yesterday = addDays(chinaDay(ctx.now), -1);
    const from = input.from ?? input.to ?? yesterday;
    const to = input.to ?? from;
    return runReconciliation(ctx.db, { from, to }, ctx.caller.staffId, ctx.now);
  },
});
