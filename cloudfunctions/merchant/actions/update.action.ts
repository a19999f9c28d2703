import { updateMerchantInput } from '../../../shared/contracts/merchant.contract';
import { AppError, defineAction, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';
import { assertDuplicatesDecided, checkMarketAndGroup, fileSnapshot, lookUpDuplicates, merchantView, mobileHash, recordMerchantChange, sealOperator, withCompleteness, withoutId } from '../merchant.service';
import { fieldChanges } from '../../../shared/domain/timeline.rules';
import { type MerchantDoc, loadMerchantInScope, photoFiles, pointOut, toGeoPoint, toStoredPhotos } from '../../../server/merchant';
import { assertGivenFiles } from '../../../server/jobs/files';
import { filingStampWindow } from '../../../shared/domain/photo.rules';
import { PHOTO_KINDS } from '../../../shared/domain/storage-path.rules';

/**
 * `update`: completes or corrects a file. Fields given replace the stored ones (the operator field by
 * field, so the sealed mobile need not be resent); the duplicate check runs again when the name, place,
 * mobile or licence changed; `expectedVersion` guards against overwriting someone else's edit.
 */
export const update = defineAction({
  schema: updateMerchantInput,
  async handler(input, ctx) {
    const current = await loadMerchantInScope(ctx, input.id);
    // Photos the file already holds may stay; each new one must be the caller's own upload, stamped by
    // them lately near the file's place, and present in storage.
    const held = new Set((current.photos ?? []).map((p) => p.fileId));
    const place = input.location ?? pointOut(current.location);
    await assertGivenFiles(photoFiles(input.photos), filingStampWindow(ctx.caller.staffId, ctx.now, place), PHOTO_KINDS, held);
    await checkMarketAndGroup(ctx, { _id: current.gridId, unitPath: current.unitPath }, input.marketId, input.wechatGroupId);
    const identityChanged = input.name !== undefined || input.location !== undefined || input.operator?.mobile !== undefined || input.licenceCode !== undefined;
    let review: unknown;
    if (identityChanged) {
      const here = input.location ?? pointOut(current.location);
      const newMobile = input.operator?.mobile !== undefined;
      const probe = {
        id: current._id,
        name: input.name ?? current.name,
        location: here,
        mobileHash: newMobile ? mobileHash(input.operator!.mobile) : (current.operator?.mobile?.hash ?? null),
        licenceCode: input.licenceCode ?? current.licenceCode ?? null,
      };
      // A new mobile looked up for an answer the caller sees is a personal-data probe (the stored one is not).
      const found = await lookUpDuplicates(ctx, probe, 'merchant.update', newMobile && !input.force);
      review = assertDuplicatesDecided(found, input);
    }
    const fields = Object.keys(input).filter((k) => !['id', 'expectedVersion', 'confirmDuplicateOf', 'force'].includes(k));
    const sealed = input.operator ? sealOperator(input.operator) : null;
    const next = await inTransaction(ctx.db, async (tx) => {
      const m = await getDoc<MerchantDoc>(tx, 'merchants', input.id);
      if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      if (input.expectedVersion !== undefined && input.expectedVersion !== (m.version ?? 1)) {
        throw new AppError('CONFLICT', '档案已被他人修改，请刷新后再编辑', { reason: 'MERCHANT.VERSION', details: { version: m.version ?? 1 } });
      }
      const draft: MerchantDoc = {
        ...m,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.address !== undefined ? { address: { ...(m.address ?? {}), ...input.address } } : {}),
        ...(input.location !== undefined ? { location: toGeoPoint(ctx, input.location) } : {}),
        ...(input.industry !== undefined ? { industry: input.industry } : {}),
        ...(sealed ? { operator: { ...(m.operator ?? {}), ...sealed } } : {}),
        ...(input.licenceCode !== undefined ? { licenceCode: input.licenceCode } : {}),
        ...(input.photos !== undefined ? { photos: toStoredPhotos(ctx, input.photos) } : {}),
        ...(input.products !== undefined ? { products: input.products } : {}),
        ...(input.marketId !== undefined ? { marketId: input.marketId } : {}),
        ...(input.wechatGroupId !== undefined ? { wechatGroupId: input.wechatGroupId } : {}),
        ...(review ? { duplicateReview: review } : {}),
        updatedAt: ctx.now,
        version: (m.version ?? 1) + 1,
      };
      const after = withCompleteness(draft, ctx);
      await tx.collection('merchants').doc(m._id).set({ data: withoutId(after) });
      // What changed, from what to what, for the timeline (personal data as its mask).
      const changes = fieldChanges(fileSnapshot(m), fileSnapshot(after));
      await recordMerchantChange(tx, { merchantId: m._id, change: 'updated', by: ctx.caller.staffId, at: ctx.now, fields, changes });
      if (after.isComplete && !m.isComplete) await recordMerchantChange(tx, { merchantId: m._id, change: 'completed', by: ctx.caller.staffId, at: ctx.now });
      await onMerchantWritten(tx, { before: m, after, at: ctx.now });
      return after;
    });
    return { merchant: merchantView(next), isReplay: false };
  },
});
