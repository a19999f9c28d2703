import { reclassifyInput } from '../../../shared/contracts/lifecycle.contract';
import { auditLog, chinaDay, defineAction } from '../../../server';
import { reclassifyMerchants } from '../lifecycle.service';

/**
 * `reclassify` (head office): runs the class rules now (the daily timer does the same), optionally for some
 * merchants only. A person starting the job is audited.
 */
export const reclassify = defineAction({
  schema: reclassifyInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const asOf = input.asOf ?? chinaDay(ctx.now);
    const res = await reclassifyMerchants(ctx.db, { asOf, merchantIds: input.merchantIds, now: ctx.now });
    await auditLog(ctx.db, ctx.caller, 'job-run', { collection: 'merchants', id: input.merchantIds ? 'listed' : 'all' }, { job: 'reclassify', asOf, merchants: input.merchantIds?.length ?? null, changed: res.changed }, ctx.now);
    return res;
  },
});
