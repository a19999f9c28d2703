import { assignGridsInput } from '../../../shared/contracts/org.contract';
import { defineAction, staffView } from '../../../server';
import { changeStaff, checkAssignment, loadManagedStaff } from '../org.service';

/** `assignGrids` (head office; a branch manager within its branch): replaces the grids a staff member is assigned to ("定格、定员"). */
export const assignGrids = defineAction({
  schema: assignGridsInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const current = await loadManagedStaff(ctx, input.staffId);
    const gridIds = [...new Set(input.gridIds)];
    await checkAssignment(ctx, current.role, current.unitId, gridIds);
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'grids',
      'grid-change',
      (s) => {
        const was = s.gridIds ?? [];
        if (was.length === gridIds.length && gridIds.every((g) => was.includes(g))) return null;
        return { patch: { gridIds }, before: { gridIds: was }, after: { gridIds } };
      },
      input.reason,
    );
    return staffView(staff);
  },
});
