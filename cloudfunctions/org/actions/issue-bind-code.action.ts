import { staffIdInput } from '../../../shared/contracts/org.contract';
import { AppError, defineAction, hashPi, newBindCode, staffView } from '../../../server';
import { bindCodeQr } from '../../../server/wxacode';
import { changeStaff } from '../org.service';

/** `issueBindCode` (head office; a branch manager within its branch): a fresh one-time code for an unbound staff member (the old one stops working). */
export const issueBindCode = defineAction({
  schema: staffIdInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const settings = await ctx.settings();
    const code = newBindCode();
    const expiresAt = new Date(ctx.now.getTime() + settings.bindCodeTtlHours * 3600000);
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'bind-code',
      'bind-code-issued',
      (s) => {
        if (s.openid) throw new AppError('CONFLICT', '该人员已绑定微信，请先解绑', { reason: 'STAFF.ALREADY_BOUND' });
        if (s.status !== 'active') throw new AppError('CONFLICT', '该人员已停用', { reason: 'STAFF.DISABLED' });
        return { patch: { bindCodeHash: hashPi(`bindcode:${code}`), bindCodeExpiresAt: expiresAt }, before: null, after: { expiresAt: expiresAt.toISOString() } };
      },
      input.reason,
    );
    return { staff: staffView(staff), bindCode: code, bindCodeExpiresAt: expiresAt.toISOString(), bindCodeQr: await bindCodeQr(code) };
  },
});
