import { tasksInput } from '../../../shared/contracts/visit.contract';
import { AppError, decodeCursor, defineAction, encodeCursor, fieldError, forbidden, getDoc, isInScope, loadBankDay, scopeFilter, type UnitDoc } from '../../../server';
import { chinaDay } from '../../../shared/domain/period.rules';
import { TASK_BOARD_ROLES, hasRole } from '../../../shared/domain/roles';
import { loadMerchantInScope } from '../../../server/merchant';
import { type TaskDoc, taskViews } from '../visit.service';

/**
 * `tasks`: my tasks (default); a unit's tasks for those who manage it (leaders and above; members for their
 * grids): the team board, by kind, assignee, overdue and grid (a grid is a unit); or one merchant's tasks
 * for anyone who may see the merchant. Open ones by due day, cursor-paged; every filter is an equality or a
 * due-day range on an index of `tasks` (database/collections.json), so a page costs the same at any size.
 */
export const tasks = defineAction({
  schema: tasksInput,
  async handler(input, ctx) {
    const { db } = ctx;
    const _ = db.command;
    const limit = input.limit ?? 20;
    // Overdue is as of the bank's day (a demo bank's records end on a fixed day), read beside the scope's reads.
    const bankDay = loadBankDay(db, ctx.now);
    bankDay.catch(() => undefined);
    const conds: Record<string, unknown>[] = [];
    if (input.merchantId) {
      const m = await loadMerchantInScope(ctx, input.merchantId);
      conds.push({ merchantId: m._id });
    } else if (input.scope === 'mine') {
      if (input.unitId) throw fieldError('unitId', '查看本人任务时不需要单元', 'TASK.UNIT_WITH_MINE');
      conds.push({ assigneeId: ctx.caller.staffId });
    } else {
      if (!hasRole(ctx.caller.role, TASK_BOARD_ROLES)) throw new AppError('FORBIDDEN', '当前角色只能查看本人任务', { reason: 'ROLE.NOT_ALLOWED' });
      const unitId = input.unitId ?? ctx.caller.unitId;
      const unit = await getDoc<UnitDoc>(db, 'units', unitId);
      if (!unit) throw fieldError('unitId', '单元不存在', 'UNIT.NOT_FOUND');
      if (isInScope(ctx.caller, unit.unitPath)) conds.push({ unitPath: unit._id });
      // A member's home unit may be above its grids: then its scope is its grids.
      else if (input.unitId) throw forbidden();
      else conds.push(scopeFilter(ctx.caller));
      if (input.assigneeId) conds.push({ assigneeId: input.assigneeId });
    }
    conds.push({ status: input.status });
    if (input.kind) conds.push({ kind: input.kind });
    const today = await bankDay;
    if (input.overdue) conds.push({ dueDay: _.lt(today) });
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      const d = chinaDay(new Date(c.k));
      conds.push({ dueDay: _.gte(d) }, _.or([{ dueDay: _.gt(d) }, { _id: _.gt(c.id) }]));
    }
    const res = await db.collection('tasks').where(_.and(conds)).orderBy('dueDay', 'asc').orderBy('_id', 'asc').limit(limit + 1).get();
    const rows = res.data as TaskDoc[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await taskViews(db, page, today),
      // The due day as the instant of its China-time midnight, so chinaDay() gives it back.
      nextCursor: rows.length > limit && last ? encodeCursor({ k: Date.parse(`${last.dueDay}T00:00:00+08:00`), id: last._id }) : null,
    };
  },
});
