import { reclassifyInput } from '../../../shared/contracts/lifecycle.contract';
import { chinaDay, defineAction } from '../../../server';
import { reclassifyMerchants } from '../lifecycle.service';

/** `reclassify` (head office): runs the class rules now (the daily timer does the same), optionally for some merchants only. */
export const reclassify = defineAction({
  schema: reclassifyInput,
  roles: ['hq'],
  async handler(input, ctx) {
    return reclassifyMerchants(ctx.db, { asOf: input.asOf ?? chinaDay(ctx.now), merchantIds: input.merchantIds, now: ctx.now });
  },
});
