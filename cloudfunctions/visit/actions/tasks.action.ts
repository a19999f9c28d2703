import { tasksInput } from '../../../shared/contracts/visit.contract';
import { AppError, decodeCursor, defineAction, encodeCursor, fieldError, getDoc, isInScope, scopeFilter, type UnitDoc, forbidden } from '../../../server';
import { chinaDay } from '../../../shared/domain/period.rules';
import { type TaskDoc, merchantNames, taskView } from '../visit.service';

/**
 * `tasks`: my tasks (default), or a unit's tasks for those who manage it (leaders and above; members for
 * their grids); open ones by due day, cursor-paged.
 */
export const tasks = defineAction({
  schema: tasksInput,
  async handler(input, ctx) {
    const { db } = ctx;
    const _ = db.command;
    const limit = input.limit ?? 20;
    const conds: Record<string, unknown>[] = [{ status: input.status }];
    if (input.scope === 'mine') {
      if (input.unitId) throw fieldError('unitId', '查看本人任务时不需要单元', 'TASK.UNIT_WITH_MINE');
      conds.push({ assigneeId: ctx.caller.staffId });
    } else {
      if (ctx.caller.role === 'marketing' || ctx.caller.role === 'maintenance') throw new AppError('FORBIDDEN', '当前角色只能查看本人任务', { reason: 'ROLE.NOT_ALLOWED' });
      const unitId = input.unitId ?? ctx.caller.unitId;
      const unit = await getDoc<UnitDoc>(db, 'units', unitId);
      if (!unit) throw fieldError('unitId', '单元不存在', 'UNIT.NOT_FOUND');
      if (!isInScope(ctx.caller, unit.unitPath)) {
        // A member's home unit may be above its grids: then its scope is its grids.
        if (input.unitId) throw forbidden();
      } else {
        conds.push({ unitPath: unit._id });
      }
      const scope = scopeFilter(ctx.caller);
      if (Object.keys(scope).length) conds.push(scope);
    }
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      const d = chinaDay(new Date(c.k));
      conds.push({ dueDay: _.gte(d) }, _.or([{ dueDay: _.gt(d) }, { _id: _.gt(c.id) }]));
    }
    const res = await db.collection('tasks').where(_.and(conds)).orderBy('dueDay', 'asc').orderBy('_id', 'asc').limit(limit + 1).get();
    const rows = res.data as TaskDoc[];
    const page = rows.slice(0, limit);
    const names = await merchantNames(db, page.map((t) => t.merchantId));
    const today = chinaDay(ctx.now);
    const last = page[page.length - 1];
    return {
      items: page.map((t) => taskView(t, names.get(t.merchantId) ?? null, today)),
      // The due day as the instant of its China-time midnight, so chinaDay() gives it back.
      nextCursor: rows.length > limit && last ? encodeCursor({ k: Date.parse(`${last.dueDay}T00:00:00+08:00`), id: last._id }) : null,
    };
  },
});
