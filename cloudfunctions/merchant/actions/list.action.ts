import { listMerchantsInput } from '../../../shared/contracts/merchant.contract';
import { decodeCursor, defineAction, encodeCursor, scopeGridIds } from '../../../server';
import { type MerchantDoc, merchantRow } from '../merchant.service';

/** Escapes text for a literal match inside a regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Above this many grids in scope, a list reads the scope's units at once instead of grid by grid. */
const MAX_MERGED_GRIDS = 60;

/** Newest change first, then `_id` descending: the list order and the cursor's key. */
function byRecency(a: MerchantDoc, b: MerchantDoc): number {
  const d = new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime();
  return d !== 0 ? d : a._id < b._id ? 1 : a._id > b._id ? -1 : 0;
}

/**
 * `list`: merchants in scope with filters, newest change first, 20 a page by default. The cursor holds the
 * last row's `updatedAt` and `_id`; the next page continues with range reads on the (grid,) update-time and
 * id index, so a deep page costs what the first does (no `skip`). Head office reads along the bank-wide
 * index; a scope of grids is read grid by grid (each in index order) and merged, so a branch never waits
 * behind the rest of the bank's merchants.
 */
export const list = defineAction({
  schema: listMerchantsInput,
  async handler(input, ctx) {
    const { db } = ctx;
    const _ = db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [];
    if (input.unitId) conds.push({ unitPath: _.all([input.unitId]) });
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
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    const merchants = db.collection('merchants');

    /** Up to limit+1 rows after the cursor among the merchants matching `base`. */
    const readPage = async (base: Record<string, unknown>[]): Promise<MerchantDoc[]> => {
      const where = (extra: Record<string, unknown>[]) => {
        const all = [...base, ...extra];
        return merchants.where(all.length === 0 ? {} : all.length === 1 ? all[0] : _.and(all));
      };
      if (!cursor) return (await where([]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
      // After the cursor: first the rest of its update instant (by id), then older instants, two range reads.
      const t = new Date(cursor.k);
      const same = (await where([{ updatedAt: t }, { _id: _.lt(cursor.id) }]).orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
      if (same.length > limit) return same;
      const older = (await where([{ updatedAt: _.lt(t) }]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1 - same.length).get()).data as MerchantDoc[];
      return [...same, ...older];
    };

    const grids = await scopeGridIds(db, ctx.caller);
    let rows: MerchantDoc[];
    if (input.gridId) {
      rows = grids === 'all' || grids.includes(input.gridId) ? await readPage([{ gridId: input.gridId }, ...conds]) : [];
    } else if (grids === 'all') {
      rows = await readPage(conds);
    } else if (grids.length <= MAX_MERGED_GRIDS) {
      const parts = [];
      for (const g of grids) parts.push(...(await readPage([{ gridId: g }, ...conds])));
      rows = parts.sort(byRecency).slice(0, limit + 1);
    } else {
      rows = await readPage([{ unitPath: _.in(ctx.caller.scope as string[]) }, ...conds]);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(merchantRow),
      nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.updatedAt).getTime(), id: last._id }) : null,
    };
  },
});

