import { listMerchantsInput } from '../../../shared/contracts/merchant.contract';
import { type ActionContext, decodeCursor, defineAction, encodeCursor, scopeGridIds } from '../../../server';
import { type MerchantDoc, merchantRow } from '../merchant.service';

/** Escapes text for a literal match inside a regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Up to this many grids in scope, a list reads their merchants by grid; above, it walks the sort index. */
const FEW_GRIDS = 6;

/**
 * The scope part of the list query, shaped for the indexes (data-model: merchants by grid and update time,
 * and by update time alone): one grid → `gridId` equality (the index gives the order); a few grids → `gridId`
 * in them; a large scope → `unitPath` containing the scope unit, read along the update-time index. Null when
 * an explicit grid lies outside the caller's scope (nothing to read).
 */
async function scopeCondition(ctx: ActionContext, gridId: string | undefined): Promise<Record<string, unknown>[] | null> {
  const _ = ctx.db.command;
  const grids = await scopeGridIds(ctx.db, ctx.caller);
  if (gridId) return grids === 'all' || grids.includes(gridId) ? [{ gridId }] : null;
  if (grids === 'all') return [];
  if (grids.length === 0) return null;
  if (grids.length === 1) return [{ gridId: grids[0] }];
  if (grids.length <= FEW_GRIDS) return [{ gridId: _.in(grids) }];
  const units = ctx.caller.scope as string[];
  // `$all` of one unit means "the path contains it", like equality, read along the update-time order.
  return [units.length === 1 ? { unitPath: _.all(units) } : { unitPath: _.in(units) }];
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
    const scope = await scopeCondition(ctx, input.gridId);
    if (scope === null) return { items: [], nextCursor: null };
    conds.push(...scope);
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
    const merchants = db.collection('merchants');
    const query = (extra: Record<string, unknown>[]) => {
      const all = [...conds, ...extra];
      return merchants.where(all.length === 0 ? {} : all.length === 1 ? all[0] : _.and(all));
    };
    let rows: MerchantDoc[];
    if (!input.cursor) {
      rows = (await query([]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
    } else {
      // After the cursor: first the rest of its update instant (by id), then older instants. Two range reads
      // on the (updatedAt, _id) index, so a page deep in a run of equal instants costs what the first does.
      const c = decodeCursor(input.cursor);
      const t = new Date(c.k);
      const same = (await query([{ updatedAt: t }, { _id: _.lt(c.id) }]).orderBy('_id', 'desc').limit(limit + 1).get()).data as MerchantDoc[];
      const older =
        same.length > limit ? [] : ((await query([{ updatedAt: _.lt(t) }]).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1 - same.length).get()).data as MerchantDoc[]);
      rows = [...same, ...older];
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(merchantRow),
      nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.updatedAt).getTime(), id: last._id }) : null,
    };
  },
});
