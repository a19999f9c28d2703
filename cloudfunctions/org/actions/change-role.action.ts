import { changeRoleInput } from '../../../shared/contracts/org.contract';
import { defineAction, staffView } from '../../../server';
import { changeStaff, checkAssignment, loadManagedStaff } from '../org.service';

/** `changeRole` (head office; a branch manager within its branch): a new role for a staff member; the home unit must suit it (move first if not). */
export const changeRole = defineAction({
  schema: changeRoleInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const current = await loadManagedStaff(ctx, input.staffId, input.role);
    await checkAssignment(ctx, input.role, current.unitId, input.role === 'hq' ? [] : current.gridIds ?? []);
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'role',
      'role-change',
      (s) => (s.role === input.role ? null : { patch: { role: input.role, ...(input.role === 'hq' ? { gridIds: [] } : {}) }, before: { role: s.role }, after: { role: input.role } }),
      input.reason,
    );
    return staffView(staff);
  },
});
