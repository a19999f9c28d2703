import type { z } from 'zod';
import { type SaveMerchantOutput, createMerchantInput } from '../../../shared/contracts/merchant.contract';
import { type ActionContext, AppError, type EarlyTransaction, assertInScope, defineAction, getDoc, inTransaction, onMerchantWritten, openTransactionEarly, writeOnce } from '../../../server';
import { prefetchState } from '../../../server/rollup/state';
import { assertGivenFiles } from '../../../server/jobs/files';
import { filingStampWindow } from '../../../shared/domain/photo.rules';
import { chinaDay } from '../../../shared/domain/period.rules';
import { PHOTO_KINDS } from '../../../shared/domain/storage-path.rules';
import { assertDuplicatesDecided, checkMarketAndGroup, lookUpDuplicates, merchantView, mobileHash, placeInGrid, recordMerchantChange, sealOperator, withCompleteness } from '../merchant.service';
import { type MerchantDoc, toGeoPoint, photoFiles, toStoredPhotos } from '../../../server/merchant';

/** Roles that file merchants (maintenance assistants revisit and install; they do not open files). */
const FILING_ROLES = ['hq', 'branch', 'leader', 'member', 'marketing'] as const;

/**
 * `create`: files a merchant (建档). Idempotent on the client-made id; placed in a grid by its boundary
 * when no grid is given; probable duplicates come back as CONFLICT `MERCHANT.DUPLICATE` for the user to
 * decide (resubmit with `confirmDuplicateOf` or `force`); an incomplete file is saved with its missing fields.
 */
export const create = defineAction({
  schema: createMerchantInput,
  roles: FILING_ROLES,
  // A retry (of a committed create, or racing one) is answered with the first result whatever failed this
  // time: the id already taken (duplicate key), the duplicate check finding the file itself, scope.
  // The transaction opens, and the roll-up state its fold needs is read, beside the caller's look-up (the
  // transaction's snapshot is taken at its first write, after the checks).
  prepare: (_input, ctx) => {
    void prefetchState(ctx.db);
    const tx = openTransactionEarly(ctx.db);
    return { tx, dispose: () => tx.dispose() };
  },
  handler: async (input, ctx) => {
    const early = ctx.prepared?.tx;
    try {
      return await writeOnce(
        () => file(input, ctx, early),
        () => replayOf(ctx, input.id),
        () => new AppError('CONFLICT', '商户已存在', { reason: 'MERCHANT.EXISTS' }),
      );
    } finally {
      await early?.dispose();
    }
  },
});

/**
 * Files a new merchant in one transaction. The id is not read first: adding an existing id fails
 * (duplicate key) and the caller answers with the stored result, so a first filing costs no extra read.
 */
async function file(input: z.output<typeof createMerchantInput>, ctx: ActionContext, early?: EarlyTransaction): Promise<SaveMerchantOutput> {
  const hash = mobileHash(input.operator?.mobile);
  // A mobile looked up for an answer the caller sees (not forced past duplicates) is a personal-data probe.
  const probe = { id: input.id, name: input.name, location: input.location, mobileHash: hash, licenceCode: input.licenceCode };
  const counted = Boolean(hash) && !input.force;
  // Placing the file and an uncounted duplicate lookup are independent reads: they go out together. A
  // counted one waits for the checks below, so a refused filing takes nothing from the caller's quota.
  const [{ grid, manual }, uncounted] = await Promise.all([placeInGrid(ctx, input.gridId, input.location), counted ? null : lookUpDuplicates(ctx, probe, 'merchant.create', false)]);
  // Links to a file's photos go to whoever may read the file: only the caller's own uploads may join it,
  // each stamped by the caller, lately, near where the file is filed, and present in storage.
  await assertGivenFiles(photoFiles(input.photos), filingStampWindow(ctx.caller.staffId, ctx.now, input.location ?? null), PHOTO_KINDS);
  await checkMarketAndGroup(ctx, grid, input.marketId, input.wechatGroupId);
  const found = uncounted ?? (await lookUpDuplicates(ctx, probe, 'merchant.create', true));
  const review = assertDuplicatesDecided(found, input);

  const doc = withCompleteness<MerchantDoc>(
    {
      _id: input.id,
      name: input.name,
      ...(input.address ? { address: input.address } : {}),
      ...(input.location ? { location: toGeoPoint(ctx, input.location) } : {}),
      gridId: grid._id,
      unitPath: grid.unitPath,
      area: grid.area ?? null,
      ...(input.industry ? { industry: input.industry } : {}),
      ...(input.operator ? { operator: sealOperator(input.operator) } : {}),
      ...(input.licenceCode ? { licenceCode: input.licenceCode } : {}),
      ...(input.photos ? { photos: toStoredPhotos(ctx, input.photos) } : {}),
      ...(input.products ? { products: input.products } : {}),
      ...(input.marketId ? { marketId: input.marketId } : {}),
      ...(input.wechatGroupId ? { wechatGroupId: input.wechatGroupId } : {}),
      isComplete: false,
      missingFields: [],
      acquiring: { status: 'none' },
      credit: { grantedFen: 0, drawnFen: 0 },
      depositFen: 0,
      lifecycleClass: 'to-win',
      classSince: chinaDay(ctx.now),
      createdAt: ctx.now,
      updatedAt: ctx.now,
      createdBy: ctx.caller.staffId,
      version: 1,
      // A new file has no open six-check follow-ups, so its first revisit need not look any up.
      openFollowUps: {},
      ...(review ? { duplicateReview: review } : {}),
      // Who picked the grid, when and why: the grid leader confirms it or moves the file (reviewPlacement).
      ...(manual ? { placement: { reason: manual, status: 'pending' as const, gridId: grid._id, by: ctx.caller.staffId, at: ctx.now } } : {}),
    },
    ctx,
  );

  await inTransaction(ctx.db, async (tx) => {
    await tx.collection('merchants').add({ data: doc });
    await recordMerchantChange(tx, { merchantId: doc._id, change: 'created', by: ctx.caller.staffId, at: ctx.now, toGridId: grid._id });
    if (doc.isComplete) await recordMerchantChange(tx, { merchantId: doc._id, change: 'completed', by: ctx.caller.staffId, at: ctx.now });
    await onMerchantWritten(tx, { before: null, after: doc, at: ctx.now });
  }, undefined, early);
  return { merchant: merchantView(doc), isReplay: false };
}

/**
 * The stored result of an earlier create with this id by the same caller (a retry), or null if none. The
 * file is shown as it is now, so only as `get` would show it: a file moved out of the caller's scope since
 * (a transfer) is FORBIDDEN, as `get` answers.
 */
async function replayOf(ctx: ActionContext, id: string): Promise<SaveMerchantOutput | null> {
  const existing = await getDoc<MerchantDoc>(ctx.db, 'merchants', id);
  if (!existing) return null;
  if (existing.createdBy !== ctx.caller.staffId) throw new AppError('CONFLICT', '该商户编号已被使用', { reason: 'MERCHANT.ID_TAKEN' });
  assertInScope(ctx.caller, existing.unitPath);
  return { merchant: merchantView(existing), isReplay: true };
}
