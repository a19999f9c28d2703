import { moveStaffInput } from '../../../shared/contracts/org.contract';
import { defineAction, loadUnits, staffView } from '../../../server';
import { changeStaff, checkAssignment, loadManagedStaff } from '../org.service';

/** `moveStaff` (head office; a branch manager within its branch): moves a staff member to another home unit; grids outside the new branch are dropped. */
export const moveStaff = defineAction({
  schema: moveStaffInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const current = await loadManagedStaff(ctx, input.staffId);
    const home = await checkAssignment(ctx, current.role, input.unitId, []);
    const grids = await loadUnits(ctx.db, current.gridIds ?? []);
    const keep = (id: string) => home.kind === 'bank' || grids.get(id)?.unitPath[1] === home.unitPath[1];
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'move',
      'staff-move',
      (s) => {
        const gridIds = (s.gridIds ?? []).filter(keep);
        if (s.unitId === home._id && gridIds.length === (s.gridIds ?? []).length) return null;
        return { patch: { unitId: home._id, unitPath: home.unitPath, gridIds }, before: { unitId: s.unitId, gridIds: s.gridIds }, after: { unitId: home._id, gridIds } };
      },
      input.reason,
    );
    return staffView(staff);
  },
});
