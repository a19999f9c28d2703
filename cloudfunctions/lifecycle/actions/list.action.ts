import { type ClassListItem, listByClassInput } from '../../../shared/contracts/lifecycle.contract';
import { assertInScope, defineAction, fieldError, getDoc, scopeFilter } from '../../../server';
import { reasonLabel } from '../../../shared/domain/labels';

/**
 * `list`: the merchants of one class in the caller's scope (or one unit of it), worked as a to-do list:
 * each with its reason and its open lifecycle task. Cursor paging on `_id` (no deep skip).
 */
export const list = defineAction({
  schema: listByClassInput,
  async handler(input, ctx) {
    const _ = ctx.db.command;
    // Conditions are and-ed: the class, the caller's scope, the chosen unit's subtree, the cursor.
    // An archived merchant (closed or moved) is on no list: nothing there to work.
    const conds: Record<string, unknown>[] = [{ lifecycleClass: input.cls }, { archived: null }];
    if (ctx.caller.scope !== 'all') conds.push(scopeFilter(ctx.caller));
    if (input.unitId) {
      const unit = await getDoc<any>(ctx.db, 'units', input.unitId);
      if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
      assertInScope(ctx.caller, unit.unitPath);
      conds.push({ unitPath: input.unitId });
    }
    if (input.cursor) {
      const last = Buffer.from(input.cursor, 'base64url').toString('utf8');
      if (!last || last.length > 128) throw fieldError('cursor', '分页游标无效');
      conds.push({ _id: _.gt(last) });
    }
    const limit = input.limit ?? 20;
    const res = (await ctx.db
      .collection('merchants')
      .where(conds.length === 1 ? conds[0] : _.and(conds))
      .field({ _id: true, name: true, gridId: true, lifecycleClass: true, classSince: true, classReason: true, classDetail: true, 'operator.mobile.masked': true })
      .orderBy('_id', 'asc')
      .limit(limit + 1)
      .get()) as { data: any[] };
    const rows = res.data.slice(0, limit);
    const ids = rows.map((r) => r._id);
    const tasks = ids.length
      ? ((await ctx.db.collection('tasks').where({ merchantId: _.in(ids), status: 'open', kind: _.in(['abnormal-visit', 'win-back']) }).limit(1000).get()) as { data: any[] }).data
      : [];
    const items: ClassListItem[] = rows.map((r) => {
      const t = tasks.find((x) => x.merchantId === r._id);
      return {
        id: r._id,
        name: r.name,
        gridId: r.gridId,
        cls: r.lifecycleClass,
        classSince: r.classSince ?? null,
        reason: r.classDetail ?? (r.classReason ? reasonLabel(r.classReason) : null),
        operatorMobile: r.operator?.mobile?.masked ?? null,
        openTask: t ? { id: t._id, kind: t.kind, dueDay: t.dueDay } : null,
      };
    });
    const next = res.data.length > limit ? Buffer.from(rows[rows.length - 1]._id, 'utf8').toString('base64url') : null;
    return { items, nextCursor: next };
  },
});
