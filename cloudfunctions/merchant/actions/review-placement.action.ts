import { reviewPlacementInput } from '../../../shared/contracts/merchant.contract';
import { AppError, auditLog, defineAction, getDoc, inTransaction, onMerchantWritten } from '../../../server';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';
import { loadGridForWrite, merchantView, recordMerchantChange, withoutId } from '../merchant.service';
import { PLACEMENT_REVIEWERS } from './placements.action';
import { moveMerchant } from './transfer.action';

/**
 * `reviewPlacement` (grid leader, branch, head office): settles a manual placement. `confirm` keeps the
 * picked grid; `move` transfers the merchant (its open tasks follow, as a transfer's do). Either is audited
 * (`placement-review`) with the merchant's history, in the write's transaction.
 */
export const reviewPlacement = defineAction({
  schema: reviewPlacementInput,
  roles: PLACEMENT_REVIEWERS,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    if (m.placement?.status !== 'pending') throw new AppError('CONFLICT', '该商户没有待确认的手动定格', { reason: 'PLACEMENT.NOT_PENDING' });
    const audit = (tx: Parameters<typeof auditLog>[0], toGridId: string) =>
      auditLog(tx, ctx.caller, 'placement-review', { collection: 'merchants', id: m._id }, { decision: input.decision, reason: m.placement!.reason, fromGridId: m.gridId, toGridId, ...(input.reason ? { note: input.reason } : {}) }, ctx.now, m.unitPath);

    if (input.decision === 'move') {
      const grid = await loadGridForWrite(ctx, input.toGridId!, 'toGridId');
      const after = await moveMerchant(ctx, m, grid, { reason: input.reason ?? '手动定格调整', review: (tx) => audit(tx, grid._id) });
      return { merchant: merchantView(after) };
    }

    const after = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
      if (!cur || cur.placement?.status !== 'pending' || cur.gridId !== m.gridId) throw new AppError('CONFLICT', '商户网格已被他人调整，请刷新', { reason: 'MERCHANT.VERSION' });
      const next: MerchantDoc = { ...cur, placement: { ...cur.placement, status: 'confirmed', reviewedBy: ctx.caller.staffId, reviewedAt: ctx.now }, updatedAt: ctx.now, version: (cur.version ?? 1) + 1 };
      await tx.collection('merchants').doc(cur._id).set({ data: withoutId(next) });
      await recordMerchantChange(tx, { merchantId: cur._id, change: 'placement-confirmed', by: ctx.caller.staffId, at: ctx.now, toGridId: cur.gridId, ...(input.reason ? { reason: input.reason } : {}) });
      await onMerchantWritten(tx, { before: cur, after: next, at: ctx.now });
      await audit(tx, cur.gridId);
      return next;
    });
    return { merchant: merchantView(after) };
  },
});
