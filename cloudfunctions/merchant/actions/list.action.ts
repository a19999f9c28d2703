import { listMerchantsInput } from '../../../shared/contracts/merchant.contract';
import { decodeCursor, defineAction, encodeCursor, scopeFilter } from '../../../server';
import { type MerchantDoc, merchantRow } from '../merchant.service';

/** Escapes text for a literal match inside a regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `list`: merchants in scope with filters, newest change first, 20 a page by default. The cursor holds
 * the last row's `updatedAt` and `_id`; the next page continues with a range on that indexed key, so a
 * deep page costs what the first does (no `skip`).
 */
export const list = defineAction({
  schema: listMerchantsInput,
  async handler(input, ctx) {
    const { db } = ctx;
    const _ = db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [];
    const scope = scopeFilter(ctx.caller);
    if (Object.keys(scope).length) conds.push(scope);
    if (input.unitId) conds.push({ unitPath: input.unitId });
    if (input.gridId) conds.push({ gridId: input.gridId });
    if (input.lifecycleClass) conds.push({ lifecycleClass: input.lifecycleClass });
    if (input.industry) conds.push({ industry: input.industry });
    if (input.marketId) conds.push({ marketId: input.marketId });
    if (input.wechatGroupId) conds.push({ wechatGroupId: input.wechatGroupId });
    if (input.isComplete !== undefined) conds.push({ isComplete: input.isComplete });
    const held = (p: string) => (p === 'acquiring' ? { 'acquiring.status': 'active' } : { products: _.elemMatch({ product: p, bank: 'ours', status: 'active' }) });
    if (input.productHeld) conds.push(held(input.productHeld));
    if (input.productMissing) conds.push(_.nor([held(input.productMissing)]));
    if (input.q) {
      const re = db.RegExp({ regexp: escapeRegExp(input.q), options: 'i' });
      conds.push(_.or([{ name: re }, { 'address.text': re }]));
    }
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      const t = new Date(c.k);
      conds.push({ updatedAt: _.lte(t) });
      conds.push(_.or([{ updatedAt: _.lt(t) }, { _id: _.lt(c.id) }]));
    }
    const where = conds.length === 0 ? {} : conds.length === 1 ? conds[0] : _.and(conds);
    const res = await db.collection('merchants').where(where).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1).get();
    const rows = res.data as MerchantDoc[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(merchantRow),
      nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.updatedAt).getTime(), id: last._id }) : null,
    };
  },
});
