import { assignGridsInput } from '../../../shared/contracts/org.contract';
import { defineAction, notFound, getDoc, type StaffDoc, staffView } from '../../../server';
import { changeStaff, checkAssignment } from '../org.service';

/** `assignGrids` (head office): replaces the grids a staff member is assigned to ("定格、定员"). */
export const assignGrids = defineAction({
  schema: assignGridsInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const current = await getDoc<StaffDoc>(ctx.db, 'staff', input.staffId);
    if (!current) throw notFound('人员', 'STAFF.NOT_FOUND');
    const gridIds = [...new Set(input.gridIds)];
    await checkAssignment(ctx, current.role, current.unitId, gridIds);
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'grids',
      'grid-change',
      (s) => ({ patch: { gridIds }, before: { gridIds: s.gridIds ?? [] }, after: { gridIds } }),
      input.reason,
    );
    return staffView(staff);
  },
});
