import { historyInput } from '../../../shared/contracts/lifecycle.contract';
import { assertInScope, defineAction, getDoc, iso, notFound } from '../../../server';

/** `history`: every class change of a merchant with its day and reason, newest first. */
export const history = defineAction({
  schema: historyInput,
  async handler(input, ctx) {
    const m = await getDoc<any>(ctx.db, 'merchants', input.merchantId);
    if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    assertInScope(ctx.caller, m.unitPath);
    const res = (await ctx.db.collection('classHistory').where({ merchantId: input.merchantId }).orderBy('at', 'desc').limit(100).get()) as { data: any[] };
    return {
      merchantId: m._id,
      current: { cls: m.lifecycleClass ?? null, since: m.classSince ?? null, reason: m.classDetail ?? m.classReason ?? null },
      items: res.data.map((h) => ({ from: h.from ?? null, to: h.to, reason: h.reason, detail: h.detail ?? null, day: h.day, at: iso(h.at) })),
    };
  },
});
