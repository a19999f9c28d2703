import { revealPiInput } from '../../../shared/contracts/merchant.contract';
import { AppError, auditLog, defineAction, openPi } from '../../../server';
import { loadMerchantInScope } from '../../../server/merchant';

/**
 * `revealPi`: the operator's full mobile and ID number for an entitled role (settings `piRevealRoles`),
 * recorded in the audit log before anything is shown (docs/domain.md §8).
 */
export const revealPi = defineAction({
  schema: revealPiInput,
  async handler(input, ctx) {
    const settings = await ctx.settings();
    if (!settings.piRevealRoles.includes(ctx.caller.role)) throw new AppError('FORBIDDEN', '当前角色无权查看完整个人信息', { reason: 'PI.NOT_ENTITLED' });
    const m = await loadMerchantInScope(ctx, input.id);
    const fields = ['operator.mobile', 'operator.idNumber'].filter((f) => (f === 'operator.mobile' ? m.operator?.mobile : m.operator?.idNumber));
    await auditLog(ctx.db, ctx.caller, 'view-pi', { collection: 'merchants', id: m._id }, { fields }, ctx.now, m.unitPath);
    return {
      id: m._id,
      operator: {
        name: m.operator?.name ?? null,
        mobile: m.operator?.mobile ? openPi(m.operator.mobile) : null,
        idNumber: m.operator?.idNumber ? openPi(m.operator.idNumber) : null,
      },
    };
  },
});
