import { listStaffInput } from '../../../shared/contracts/org.contract';
import { type StaffDoc, decodeCursor, defineAction, encodeCursor, scopeFilter, scopeGridIds, staffView } from '../../../server';
import { loadUnitInScope } from '../org.service';

/**
 * `listStaff`: staff whose home unit or assigned grids are in scope (masked mobiles), paged by id. With `q`,
 * those whose name begins with it: a range on the name index (`name_1__id_1`, every name in
 * [q, q + U+FFFF)), the scope and filters checked on the few it finds, so a search is one keyed read
 * however many staff the bank has.
 */
export const listStaff = defineAction({
  schema: listStaffInput,
  async handler(input, ctx) {
    const _ = ctx.db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [];
    const grids = await scopeGridIds(ctx.db, ctx.caller);
    if (grids !== 'all') conds.push(_.or([scopeFilter(ctx.caller), { gridIds: _.in(grids) }]));
    if (input.unitId) {
      const unit = await loadUnitInScope(ctx, input.unitId);
      conds.push(_.or([{ unitPath: unit._id }, { gridIds: unit._id }]));
    }
    if (input.role) conds.push({ role: input.role });
    if (input.status) conds.push({ status: input.status });
    if (input.q) conds.push({ name: _.gte(input.q).and(_.lt(`${input.q}\uffff`)) });
    if (input.cursor) conds.push({ _id: _.gt(decodeCursor(input.cursor).id) });
    const where = conds.length === 0 ? {} : conds.length === 1 ? conds[0] : _.and(conds);
    const res = await ctx.db.collection('staff').where(where).orderBy('_id', 'asc').limit(limit + 1).get();
    const rows = res.data as StaffDoc[];
    const page = rows.slice(0, limit);
    return { items: page.map(staffView), nextCursor: rows.length > limit ? encodeCursor({ k: 0, id: page[page.length - 1]._id }) : null };
  },
});
