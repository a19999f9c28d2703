import { historyInput } from '../../../shared/contracts/merchant.contract';
import { defineAction, iso } from '../../../server';
import { loadMerchantInScope } from '../../../server/merchant';

/** `history`: the file's changes (created, completed, updated, transferred...), latest first (50). */
export const history = defineAction({
  schema: historyInput,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    const res = await ctx.db.collection('merchantHistory').where({ merchantId: m._id }).orderBy('at', 'desc').limit(50).get();
    return {
      items: res.data.map((h: any) => ({
        change: h.change,
        at: iso(h.at),
        byStaffId: h.byStaffId ?? null,
        fromGridId: h.fromGridId ?? null,
        toGridId: h.toGridId ?? null,
        reason: h.reason ?? null,
        fields: h.fields ?? null,
      })),
    };
  },
});
