import type { z } from 'zod';
import { type SubmitVisitOutput, submitVisitInput } from '../../../shared/contracts/visit.contract';
import { type CheckItem, type CheckOutcome, tasksClosedBy, tasksToOpen } from '../../../shared/domain/check.rules';
import { distanceMeters } from '../../../shared/domain/geo.rules';
import { toLngLat } from '../../../shared/domain/merchant-file.rules';
import { followUpDueDay, isFlagged } from '../../../shared/domain/visit.rules';
import { type ActionContext, AppError, type StaffDoc, assertInScope, chinaDay, defineAction, fieldError, getDoc, inTransaction, isDuplicateKey, notFound, onVisitSubmitted } from '../../../server';
import { assertOwnUploads } from '../../../server/jobs/files';
import { PHOTO_KINDS } from '../../../shared/domain/storage-path.rules';
import { type MerchantDoc, toGeoPoint, toStoredPhotos } from '../../merchant/merchant.service';
import { type TaskDoc, type VisitDoc, visitView } from '../visit.service';

/** A queued offline visit may arrive days later, but not from the future (clock skew allowed). */
const MAX_AGE_MS = 30 * 86400000;
const MAX_SKEW_MS = 5 * 60000;

/**
 * `submit`: records a visit (走访). Idempotent on the client-made visit id: a retry, even racing the first
 * call, gets the first result and nothing is stored twice. The GPS distance from the merchant is recorded
 * and a visit beyond the radius is flagged but accepted. On a revisit, each failed check opens a follow-up
 * task for the grid's maintenance assistant (one per merchant and check) and each passed check closes the
 * open one. Every write of a submit happens in one transaction.
 */
export const submit = defineAction({
  schema: submitVisitInput,
  async handler(input, ctx): Promise<SubmitVisitOutput> {
    try {
      return await record(input, ctx);
    } catch (err) {
      // A retry (of a committed submit, or racing one) is answered with the first result whatever failed
      // this time: the visit id already taken (duplicate key), a scope or time check, a write conflict.
      let again: SubmitVisitOutput | null;
      try {
        again = await replayOf(ctx, input.visitId, input.merchantId);
      } catch (replayErr) {
        if (replayErr instanceof AppError) throw replayErr;
        throw err;
      }
      if (again) return again;
      if (isDuplicateKey(err)) throw new AppError('CONFLICT', '走访已提交', { reason: 'VISIT.EXISTS' });
      throw err;
    }
  },
});

/**
 * Records a new visit in one transaction. The visit id is not read first: adding an existing id fails
 * (duplicate key) and the caller answers with the stored result, so a first submit costs no extra read.
 */
async function record(input: z.output<typeof submitVisitInput>, ctx: ActionContext): Promise<SubmitVisitOutput> {
  const at = input.at ?? ctx.now;
  if (at.getTime() > ctx.now.getTime() + MAX_SKEW_MS) throw fieldError('at', '走访时间不能晚于当前时间', 'VISIT.FUTURE');
  if (at.getTime() < ctx.now.getTime() - MAX_AGE_MS) throw fieldError('at', '走访时间超过 30 天，无法补录', 'VISIT.TOO_OLD');
  // Read while the transaction starts and reads the merchant (independent round trips); needed only after.
  const settingsRead = ctx.settings();
  settingsRead.catch(() => undefined); // a transaction failing first answers with its own error
  const day = chinaDay(at);
  const checks = (input.checks ?? null) as CheckOutcome[] | null;
  // Queries cannot run inside a CloudBase transaction: these two go through the database directly, once
  // each at most, and only when needed.
  let queried: Promise<TaskDoc[]> | null = null;
  const seededFollowUps = (merchantId: string) =>
    (queried ??= ctx.db
      .collection('tasks')
      .where({ merchantId, kind: 'check-followup', status: 'open' })
      .limit(100)
      .get()
      .then((res) => res.data as TaskDoc[]));
  let assistant: Promise<StaffDoc | undefined> | null = null;
  const assistantOf = (gridId: string) =>
    (assistant ??= ctx.db
      .collection('staff')
      .where({ role: 'maintenance', gridIds: gridId, status: 'active' })
      .orderBy('_id', 'asc')
      .limit(1)
      .get()
      .then((res) => res.data[0] as StaffDoc | undefined));

  return inTransaction(ctx.db, async (tx) => {
    // The merchant is read once, inside the transaction: scope, location and open follow-ups all come from it.
    const m = await getDoc<MerchantDoc & { openFollowUps?: Partial<Record<CheckItem, string>> }>(tx, 'merchants', input.merchantId);
    if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    assertInScope(ctx.caller, m.unitPath);
    // Links to a visit's photos go to whoever may read the visit: only the caller's own uploads may join it.
    assertOwnUploads(
      [
        ...input.photos.map((p, i) => ({ field: `photos.${i}.fileId`, fileId: p.fileId })),
        ...(input.checks ?? []).flatMap((c, i) => (c.photo ? [{ field: `checks.${i}.photo`, fileId: c.photo }] : [])),
      ],
      ctx.caller.staffId,
      PHOTO_KINDS,
    );
    const settings = await settingsRead;
    const home = toLngLat(m.location as never);
    const distanceM = home ? Math.round(distanceMeters([input.location.lng, input.location.lat], home)) : null;
    const flagged = isFlagged(distanceM, settings.visitRadiusM);

    const openMap: Partial<Record<CheckItem, string>> = { ...(m.openFollowUps ?? {}) };
    // Follow-ups opened before any submit kept the merchant's map (the seeded ones) are looked up once;
    // after that the map is the whole set, as only submits open and close six-check follow-ups.
    if (checks && !m.openFollowUps) for (const t of await seededFollowUps(m._id)) if (t.check && !openMap[t.check]) openMap[t.check] = t._id;
    const open = Object.entries(openMap).map(([check, id]) => ({ check: check as CheckItem, id: id as string }));
    const toOpen = checks ? tasksToOpen(checks, open) : [];
    const toClose = checks ? tasksClosedBy(checks, open) : [];
    const openedTaskIds = toOpen.map((c) => `${input.visitId}:${c}`);
    const closedTaskIds = toClose.map((t) => t.id);

    const visit: VisitDoc = {
      _id: input.visitId,
      merchantId: m._id,
      staffId: ctx.caller.staffId,
      type: input.type,
      at,
      day,
      location: toGeoPoint(ctx, input.location),
      distanceM,
      isFlagged: flagged,
      gridId: m.gridId,
      unitPath: m.unitPath,
      ...(checks ? { checks: input.checks } : {}),
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.note ? { note: input.note } : {}),
      photos: toStoredPhotos(ctx, input.photos) ?? [],
      ...(input.productsPitched ? { productsPitched: input.productsPitched } : {}),
      result: { openedTaskIds, closedTaskIds },
      createdAt: ctx.now,
    };
    await tx.collection('visits').add({ data: visit });
    // The grid's maintenance assistant is looked up only when a follow-up opens.
    const maintainer = toOpen.length ? await assistantOf(m.gridId) : undefined;
    for (const check of toOpen) {
      const task: TaskDoc = {
        _id: `${input.visitId}:${check}`,
        kind: 'check-followup',
        merchantId: m._id,
        gridId: m.gridId,
        unitPath: m.unitPath,
        assigneeId: maintainer?._id ?? null,
        check,
        dueDay: followUpDueDay(day, settings),
        status: 'open',
        openedBy: { visitId: input.visitId, reason: `check-failed:${check}` },
        createdAt: ctx.now,
      };
      await tx.collection('tasks').add({ data: task });
      openMap[check] = task._id;
    }
    for (const t of toClose) {
      await tx.collection('tasks').doc(t.id).update({ data: { status: 'done', closedByVisitId: input.visitId, closedAt: ctx.now } });
      delete openMap[t.check];
    }
    const _ = ctx.db.command;
    await tx.collection('merchants').doc(m._id).update({
      data: { openFollowUps: _.set(openMap), lastVisitAt: at, lastVisitType: input.type, ...(input.type === 'revisit' ? { lastRevisitAt: at } : {}) },
    });
    await onVisitSubmitted(tx, { visit, merchant: m, at: ctx.now, staffPath: [...ctx.caller.unitPath, ...ctx.caller.gridIds] });
    return { visit: visitView(visit), openedTaskIds, closedTaskIds, isReplay: false };
  });
}

/**
 * The first result of an earlier submit of this visit id by the same caller, or null if none; shown only
 * as `get` would show it (the caller's scope re-checked: a grid taken from them since is FORBIDDEN).
 */
async function replayOf(ctx: ActionContext, visitId: string, merchantId: string): Promise<SubmitVisitOutput | null> {
  const v = await getDoc<VisitDoc>(ctx.db, 'visits', visitId);
  if (!v) return null;
  if (v.staffId !== ctx.caller.staffId || v.merchantId !== merchantId) throw new AppError('CONFLICT', '该走访编号已被使用', { reason: 'VISIT.ID_TAKEN' });
  assertInScope(ctx.caller, v.unitPath);
  return { visit: visitView(v), openedTaskIds: v.result?.openedTaskIds ?? [], closedTaskIds: v.result?.closedTaskIds ?? [], isReplay: true };
}
