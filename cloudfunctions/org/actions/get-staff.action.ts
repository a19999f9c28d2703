import { type StaffDetail, getStaffInput } from '../../../shared/contracts/org.contract';
import { type StaffDoc, defineAction, getDoc, iso, loadUnits, notFound, staffView } from '../../../server';
import { assertStaffInScope } from '../org.service';

/** Open tasks listed on a staff member's page; the count covers all of them. */
const OPEN_TASKS_SHOWN = 20;

/**
 * `getStaff`: one staff member in scope with their grids (names), their open tasks (assigned to them,
 * soonest due first, index `assigneeId_1_status_1_dueDay_1__id_1`) and their change history (latest 50).
 */
export const getStaff = defineAction({
  schema: getStaffInput,
  async handler(input, ctx): Promise<StaffDetail> {
    const staff = await getDoc<StaffDoc>(ctx.db, 'staff', input.staffId);
    if (!staff) throw notFound('人员', 'STAFF.NOT_FOUND');
    await assertStaffInScope(ctx, staff);
    const open = { assigneeId: staff._id, status: 'open' };
    const [hist, grids, tasks, openCount] = await Promise.all([
      ctx.db.collection('staffHistory').where({ staffId: staff._id }).orderBy('at', 'desc').limit(50).get(),
      loadUnits(ctx.db, staff.gridIds ?? []),
      ctx.db.collection('tasks').where(open).orderBy('dueDay', 'asc').orderBy('_id', 'asc').limit(OPEN_TASKS_SHOWN).get(),
      ctx.db.collection('tasks').where(open).count(),
    ]);
    return {
      staff: staffView(staff),
      grids: (staff.gridIds ?? []).map((id) => ({ id, name: grids.get(id)?.name ?? id })),
      openTasks: {
        total: openCount.total,
        items: tasks.data.map((t: any) => ({ id: t._id, kind: t.kind, merchantId: t.merchantId, gridId: t.gridId ?? null, dueDay: t.dueDay ?? null })),
      },
      history: hist.data.map((h: any) => ({ change: h.change, before: h.before ?? null, after: h.after ?? null, byStaffId: h.byStaffId ?? null, at: iso(h.at), reason: h.reason ?? null })),
    };
  },
});
