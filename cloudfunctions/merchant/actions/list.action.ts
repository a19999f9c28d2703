import { listMerchantsInput } from '../../../shared/contracts/merchant.contract';
import { decodeCursor, defineAction, encodeCursor } from '../../../server';
import { merchantRow } from '../merchant.service';
import { type MerchantDoc } from '../../../server/merchant';
import { searchMerchants } from '../search.service';

/** Newest change first, then `_id` descending: the list order and the cursor's key. */
function byRecency(a: MerchantDoc, b: MerchantDoc): number {
  const d = new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime();
  return d !== 0 ? d : a._id < b._id ? 1 : a._id > b._id ? -1 : 0;
}

/**
 * `list`: merchants in scope with filters, newest change first, 20 a page by default. The cursor holds the
 * last row's `updatedAt` and `_id`; a page reads along the (unit or grid, update time, id) index from the
 * cursor on (the rest of the cursor's instant, then older ones), so a deep page costs what the first does
 * (no `skip`). A branch or group reads its unit's entries of the multikey `unitPath` index in order; a field
 * role holding several grids reads each scope unit that way and merges the pages.
 */
export const list = defineAction({
  schema: listMerchantsInput,
  async handler(input, ctx) {
    const { db } = ctx;
    const _ = db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [];
    if (input.lifecycleClass) conds.push({ lifecycleClass: input.lifecycleClass });
    if (input.industry) conds.push({ industry: input.industry });
    if (input.marketId) conds.push({ marketId: input.marketId });
    if (input.wechatGroupId) conds.push({ wechatGroupId: input.wechatGroupId });
    if (input.isComplete !== undefined) conds.push({ isComplete: input.isComplete });
    // Open files have no archive (absent or null: a missing field matches null).
    if (input.archived !== undefined) conds.push({ archived: input.archived ? _.neq(null) : null });
    const held = (p: string) => (p === 'acquiring' ? { 'acquiring.status': 'active' } : { products: _.elemMatch({ product: p, bank: 'ours', status: 'active' }) });
    if (input.productHeld) conds.push(held(input.productHeld));
    if (input.productMissing) conds.push(_.nor([held(input.productMissing)]));
    // A search reads its own indexes, in its own order, with its own cursor (search.service.ts).
    if (input.q) {
      const found = await searchMerchants(ctx, input, conds, limit);
      return { items: found.rows.map(merchantRow), nextCursor: found.nextCursor };
    }
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    const merchants = db.collection('merchants');

    /** Up to limit+1 rows after the cursor among the merchants matching `base`. */
    const readPage = async (base: Record<string, unknown>[]): Promise<MerchantDoc[]> => {
      const where = (extra: Record<string, unknown>[]) => {
        const all = [...base, ...conds, ...extra];
        return merchants.where(all.length === 0 ? {} : all.length === 1 ? all[0] : _.and(all));
      };
      if (!cursor) return (await where([]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
      // After the cursor: the rest of its update instant by id, then older instants; two range reads on the index
      // (one read with an $or would walk the whole instant, and seeded or imported merchants share instants).
      const t = new Date(cursor.k);
      const same = (await where([{ updatedAt: t }, { _id: _.lt(cursor.id) }]).orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
      if (same.length > limit) return same;
      const older = (await where([{ updatedAt: _.lt(t) }]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1 - same.length).get()).data as MerchantDoc[];
      return [...same, ...older];
    };

    const scope = ctx.caller.scope;
    // A unit asked for goes first: its equality is what the index reads (the scope condition only filters).
    const unit = input.unitId ? [{ unitPath: input.unitId }] : [];
    let rows: MerchantDoc[];
    if (scope === 'all') {
      rows = await readPage([...(input.gridId ? [{ gridId: input.gridId }] : []), ...unit]);
    } else if (scope.length === 0) {
      rows = [];
    } else if (input.gridId || input.unitId || scope.length === 1) {
      // With a grid or unit asked for, the scope is an $in so the planner reads along that grid's or unit's entries.
      const inScope = { unitPath: scope.length === 1 && !input.gridId && !input.unitId ? scope[0] : _.in(scope) };
      rows = await readPage([...(input.gridId ? [{ gridId: input.gridId }] : []), ...unit, inScope]);
    } else {
      // Several scope units (a field role's grids): each read in index order, merged; a merchant under two counts once.
      const parts = await Promise.all(scope.map((u) => readPage([{ unitPath: u }])));
      const seen = new Set<string>();
      rows = parts.flat().sort(byRecency).filter((m) => !seen.has(m._id) && !!seen.add(m._id)).slice(0, limit + 1);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(merchantRow),
      nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.updatedAt).getTime(), id: last._id }) : null,
    };
  },
});

