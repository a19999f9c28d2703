import { getStaffInput } from '../../../shared/contracts/org.contract';
import { type StaffDoc, defineAction, getDoc, iso, notFound, staffView } from '../../../server';
import { assertStaffInScope } from '../org.service';

/** `getStaff`: one staff member in scope with their change history (latest 50). */
export const getStaff = defineAction({
  schema: getStaffInput,
  async handler(input, ctx) {
    const staff = await getDoc<StaffDoc>(ctx.db, 'staff', input.staffId);
    if (!staff) throw notFound('人员', 'STAFF.NOT_FOUND');
    await assertStaffInScope(ctx, staff);
    const hist = await ctx.db.collection('staffHistory').where({ staffId: staff._id }).orderBy('at', 'desc').limit(50).get();
    return {
      staff: staffView(staff),
      history: hist.data.map((h: any) => ({ change: h.change, before: h.before ?? null, after: h.after ?? null, byStaffId: h.byStaffId ?? null, at: iso(h.at), reason: h.reason ?? null })),
    };
  },
});
