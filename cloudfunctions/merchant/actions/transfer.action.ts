import type { z } from 'zod';
import { type SaveMerchantOutput, transferMerchantInput } from '../../../shared/contracts/merchant.contract';
import { transferNeedsReason } from '../../../shared/domain/transfer.rules';
import { type ActionContext, AppError, defineAction, fieldError, getDoc, writeOnce } from '../../../server';
import { loadGridForWrite, merchantView, suggestedGridOf } from '../merchant.service';
import { moveMerchant } from '../../../server/transfer';
import { loadMerchantInScope } from '../../../server/merchant';

export { moveMerchant };

/**
 * `transfer` (head office, branch, grid leader): moves a merchant to another grid ("every merchant has
 * exactly one grid"), with history. Every open task moves with it to someone who can act on it in the new
 * grid: its assignee when the new grid is in their scope and the kind is theirs, else the new grid's staff
 * for that kind (shared TASK_ASSIGNEE_ROLES), else nobody (the unit's managers see it). The old grid's
 * WeChat group is cleared.
 */
export const transfer = defineAction({
  schema: transferMerchantInput,
  roles: ['hq', 'branch', 'leader'],
  // With a client transferId the history entry carries it as its _id: a retry (after a commit whose answer
  // was lost, or racing the first) answers the first transfer and writes nothing twice.
  handler: (input, ctx) => {
    const transferId = input.transferId;
    if (!transferId) return move(input, ctx);
    return writeOnce(
      () => move(input, ctx),
      () => replayOf(ctx, transferId, input.id),
      () => new AppError('CONFLICT', '该移交编号已被使用', { reason: 'MERCHANT.TRANSFER_ID_TAKEN' }),
    );
  },
});

async function move(input: z.output<typeof transferMerchantInput>, ctx: ActionContext): Promise<SaveMerchantOutput> {
  const m = await loadMerchantInScope(ctx, input.id);
  const grid = await loadGridForWrite(ctx, input.toGridId, 'toGridId');
  if (grid._id === m.gridId) throw fieldError('toGridId', '商户已在该网格', 'MERCHANT.SAME_GRID');
  // The boundary containing the merchant suggests its grid; a move anywhere else must say why.
  const suggested = await suggestedGridOf(ctx, m);
  if (transferNeedsReason(suggested, grid._id) && !input.reason) {
    throw fieldError('reason', '商户位置不在目标网格边界内，请填写移交原因', 'MERCHANT.TRANSFER_REASON_REQUIRED');
  }
  const next = await moveMerchant(ctx, m, grid, { reason: input.reason, transferId: input.transferId, suggested });
  return { merchant: merchantView(next), isReplay: false };
}

/** The first answer of a transfer already made under this id by this caller, as the merchant is now. */
async function replayOf(ctx: ActionContext, transferId: string, merchantId: string): Promise<SaveMerchantOutput | null> {
  const entry = await getDoc<{ merchantId: string; change: string; byStaffId: string }>(ctx.db, 'merchantHistory', transferId);
  if (!entry) return null;
  if (entry.change !== 'transferred' || entry.merchantId !== merchantId || entry.byStaffId !== ctx.caller.staffId) {
    throw new AppError('CONFLICT', '该移交编号已被使用', { reason: 'MERCHANT.TRANSFER_ID_TAKEN' });
  }
  const m = await loadMerchantInScope(ctx, merchantId);
  return { merchant: merchantView(m), isReplay: true };
}
