import { staffIdInput } from '../../../shared/contracts/org.contract';
import { AppError, defineAction, staffView } from '../../../server';
import { changeStaff } from '../org.service';

/** `disableStaff` (head office; a branch manager within its branch): the staff member can no longer call any function; their binding and codes are void. */
export const disableStaff = defineAction({
  schema: staffIdInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    if (input.staffId === ctx.caller.staffId) throw new AppError('CONFLICT', '不能停用自己', { reason: 'STAFF.SELF' });
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'disable',
      'staff-disable',
      (s) => {
        if (s.status === 'disabled') throw new AppError('CONFLICT', '该人员已停用', { reason: 'STAFF.DISABLED' });
        return { patch: { status: 'disabled', bindCodeHash: null, bindCodeExpiresAt: null }, before: { status: s.status }, after: { status: 'disabled' } };
      },
      input.reason,
    );
    return staffView(staff);
  },
});

/** `enableStaff` (head office; a branch manager within its branch): re-activates a disabled staff member. */
export const enableStaff = defineAction({
  schema: staffIdInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'enable',
      'staff-enable',
      (s) => {
        if (s.status === 'active') throw new AppError('CONFLICT', '该人员已是在职状态', { reason: 'STAFF.ACTIVE' });
        return { patch: { status: 'active' }, before: { status: s.status }, after: { status: 'active' } };
      },
      input.reason,
    );
    return staffView(staff);
  },
});
