import { staffIdInput } from '../../../shared/contracts/org.contract';
import { AppError, defineAction, staffView } from '../../../server';
import { changeStaff } from '../org.service';

/** `unbindStaff` (head office; a branch manager within its branch): detaches the staff member's WeChat (lost phone, new phone); a new code is then issued. */
export const unbindStaff = defineAction({
  schema: staffIdInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const _ = ctx.db.command;
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'unbind',
      'unbind',
      (s) => {
        if (!s.openid) throw new AppError('CONFLICT', '该人员尚未绑定', { reason: 'STAFF.NOT_BOUND' });
        return { patch: { openid: _.remove() }, before: { isBound: true }, after: { isBound: false } };
      },
      input.reason,
    );
    return staffView({ ...staff, openid: null });
  },
});
