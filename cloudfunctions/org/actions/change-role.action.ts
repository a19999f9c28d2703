import { changeRoleInput } from '../../../shared/contracts/org.contract';
import { type StaffDoc, defineAction, getDoc, notFound, staffView } from '../../../server';
import { changeStaff, checkAssignment } from '../org.service';

/** `changeRole` (head office): a new role for a staff member; the home unit must suit it (move first if not). */
export const changeRole = defineAction({
  schema: changeRoleInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const current = await getDoc<StaffDoc>(ctx.db, 'staff', input.staffId);
    if (!current) throw notFound('人员', 'STAFF.NOT_FOUND');
    await checkAssignment(ctx, input.role, current.unitId, input.role === 'hq' ? [] : current.gridIds ?? []);
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'role',
      'role-change',
      (s) => ({ patch: { role: input.role, ...(input.role === 'hq' ? { gridIds: [] } : {}) }, before: { role: s.role }, after: { role: input.role } }),
      input.reason,
    );
    return staffView(staff);
  },
});
