import { assignMerchantInput } from '../../../shared/contracts/merchant.contract';
import { defineAction, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';
import { checkMarketAndGroup, fileSnapshot, merchantView, recordMerchantChange, withoutId } from '../merchant.service';
import { fieldChanges } from '../../../shared/domain/timeline.rules';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/** `assign`: puts a merchant in a business district (商圈) and/or a grid WeChat group; null clears. */
export const assign = defineAction({
  schema: assignMerchantInput,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    await checkMarketAndGroup(ctx, { _id: m.gridId, unitPath: m.unitPath }, input.marketId, input.wechatGroupId);
    // Nothing to change (nothing given, or a retry of a change already made): no write, no second history entry.
    const changes = (input.marketId !== undefined && input.marketId !== (m.marketId ?? null)) || (input.wechatGroupId !== undefined && input.wechatGroupId !== (m.wechatGroupId ?? null));
    if (!changes) return { merchant: merchantView(m), isReplay: false };
    const next = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
      if (!cur) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      const after: MerchantDoc = {
        ...cur,
        ...(input.marketId !== undefined ? { marketId: input.marketId } : {}),
        ...(input.wechatGroupId !== undefined ? { wechatGroupId: input.wechatGroupId } : {}),
        updatedAt: ctx.now,
        version: (cur.version ?? 1) + 1,
      };
      await tx.collection('merchants').doc(cur._id).set({ data: withoutId(after) });
      await recordMerchantChange(tx, { merchantId: cur._id, change: 'assigned', by: ctx.caller.staffId, at: ctx.now, fields: Object.keys(input).filter((k) => k !== 'id'), changes: fieldChanges(fileSnapshot(cur), fileSnapshot(after)) });
      await onMerchantWritten(tx, { before: cur, after, at: ctx.now });
      return after;
    });
    return { merchant: merchantView(next), isReplay: false };
  },
});
