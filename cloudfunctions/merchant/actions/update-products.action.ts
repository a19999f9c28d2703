import { updateProductsInput } from '../../../shared/contracts/merchant.contract';
import { AppError, defineAction, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';
import { merchantView, recordMerchantChange, withCompleteness, withoutId } from '../merchant.service';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/** `updateProducts`: replaces the product matrix, ours and other banks' (本行/他行产品覆盖). */
export const updateProducts = defineAction({
  schema: updateProductsInput,
  async handler(input, ctx) {
    await loadMerchantInScope(ctx, input.id);
    const next = await inTransaction(ctx.db, async (tx) => {
      const m = await getDoc<MerchantDoc>(tx, 'merchants', input.id);
      if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      if (input.expectedVersion !== undefined && input.expectedVersion !== (m.version ?? 1)) {
        throw new AppError('CONFLICT', '档案已被他人修改，请刷新后再编辑', { reason: 'MERCHANT.VERSION', details: { version: m.version ?? 1 } });
      }
      const after = withCompleteness<MerchantDoc>({ ...m, products: input.products, updatedAt: ctx.now, version: (m.version ?? 1) + 1 }, ctx);
      await tx.collection('merchants').doc(m._id).set({ data: withoutId(after) });
      await recordMerchantChange(tx, { merchantId: m._id, change: 'products', by: ctx.caller.staffId, at: ctx.now });
      if (after.isComplete && !m.isComplete) await recordMerchantChange(tx, { merchantId: m._id, change: 'completed', by: ctx.caller.staffId, at: ctx.now });
      await onMerchantWritten(tx, { before: m, after, at: ctx.now });
      return after;
    });
    return { merchant: merchantView(next), isReplay: false };
  },
});
