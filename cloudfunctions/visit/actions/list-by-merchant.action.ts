import { listByMerchantInput } from '../../../shared/contracts/visit.contract';
import { decodeCursor, defineAction, encodeCursor } from '../../../server';
import { loadMerchantInScope } from '../../../server/merchant';
import { type VisitDoc, staffNames, visitView } from '../visit.service';

/** `listByMerchant`: a merchant's visits, latest first, cursor-paged on the visit time, each with its visitor's name. */
export const listByMerchant = defineAction({
  schema: listByMerchantInput,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.merchantId);
    const _ = ctx.db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [{ merchantId: m._id }];
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      const t = new Date(c.k);
      conds.push({ at: _.lte(t) }, _.or([{ at: _.lt(t) }, { _id: _.lt(c.id) }]));
    }
    const res = await ctx.db.collection('visits').where(_.and(conds)).orderBy('at', 'desc').orderBy('_id', 'desc').limit(limit + 1).get();
    const rows = res.data as VisitDoc[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const names = await staffNames(ctx.db, page.map((v) => v.staffId));
    return { items: page.map((v) => ({ ...visitView(v), staffName: names.get(v.staffId) ?? null })), nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.at).getTime(), id: last._id }) : null };
  },
});
