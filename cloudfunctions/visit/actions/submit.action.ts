import type { z } from 'zod';
import { type SubmitVisitOutput, submitVisitInput } from '../../../shared/contracts/visit.contract';
import { type CheckItem, type CheckOutcome, tasksClosedBy, tasksToOpen } from '../../../shared/domain/check.rules';
import { distanceMeters } from '../../../shared/domain/geo.rules';
import { toLngLat } from '../../../shared/domain/merchant-file.rules';
import { kindsSettledBy, visitEffectOn } from '../../../shared/domain/task.rules';
import { followUpDueDay, isFlagged } from '../../../shared/domain/visit.rules';
import { type ActionContext, AppError, type EarlyTransaction, type PrepareContext, type StaffDoc, type Tx, afterCommit, assertInScope, defineAction, fieldError, getDoc, inTransaction, notFound, onVisitSubmitted, openTransactionEarly, writeOnce } from '../../../server';
import type { FieldSettings } from '../../../server/settings';
import { prefetchState } from '../../../server/rollup/state';
import { chinaDay } from '../../../shared/domain/period.rules';
import { assertGivenFiles, type GivenFile } from '../../../server/jobs/files';
import { remindAssigned } from '../../../server/notify';
import { visitStampWindow } from '../../../shared/domain/photo.rules';
import { PHOTO_KINDS } from '../../../shared/domain/storage-path.rules';
import { type MerchantDoc, photoFiles, toGeoPoint, toStoredPhotos } from '../../../server/merchant';
import { type TaskDoc, type VisitDoc, visitView } from '../visit.service';

/** A queued offline visit may arrive days later, but not from the future (clock skew allowed). */
const MAX_AGE_MS = 30 * 86400000;
const MAX_SKEW_MS = 5 * 60000;

/**
 * `submit`: records a visit (走访). Idempotent on the client-made visit id: a retry, even racing the first
 * call, gets the first result and nothing is stored twice. The GPS distance from the merchant is recorded
 * and a visit beyond the radius is flagged but accepted. On a revisit, each failed check opens a follow-up
 * task for the grid's maintenance assistant (one per merchant and check). The visit settles the merchant's
 * open tasks its type and outcome close (shared/domain/task.rules.ts): a passed check its follow-up, a
 * maintenance visit or revisit an abnormal-merchant task, a signed marketing visit a marketing or win-back
 * task; a flagged visit leaves them open, waiting for the leader's confirmation. Every write of a submit
 * happens in one transaction.
 */
export const submit = defineAction({
  schema: submitVisitInput,
  prepare: (input, ctx) => prepareSubmit(input, ctx),
  // A retry (of a committed submit, or racing one) is answered with the first result whatever failed this
  // time: the visit id already taken (duplicate key), a scope or time check, a write conflict.
  handler: async (input, ctx): Promise<SubmitVisitOutput> => {
    const early = ctx.prepared ?? prepareSubmit(input, ctx);
    try {
      return await writeOnce(
        () => record(input, ctx, early),
        () => replayOf(ctx, input.visitId, input.merchantId),
        () => new AppError('CONFLICT', '走访已提交', { reason: 'VISIT.EXISTS' }),
      );
    } finally {
      await early.dispose();
    }
  },
});

/** What a submit reads and opens while its caller is looked up (none of it depends on who calls). */
interface SubmitReads {
  settings: Promise<FieldSettings>;
  /** The merchant's open tasks of the kinds this visit may settle, as queried (re-read in the transaction). */
  settleable: Promise<TaskDoc[]>;
  tx: EarlyTransaction;
  dispose(): Promise<void>;
}

/**
 * The submit's first round trip, beside the caller's look-up: the settings, the transaction opened (its
 * snapshot is taken at its first read, the merchant's), the open tasks this visit may settle (a query,
 * which cannot run inside a CloudBase transaction), and the roll-up state the fold after the commit needs.
 * Nothing read is answered or written unless the caller is allowed and the merchant in their scope.
 */
function prepareSubmit(input: z.output<typeof submitVisitInput>, ctx: PrepareContext): SubmitReads {
  const settings = ctx.settings();
  const settles = kindsSettledBy(input.type, input.outcome);
  const settleable: Promise<TaskDoc[]> = settles.length
    ? ctx.db.collection('tasks').where({ merchantId: input.merchantId, status: 'open', kind: ctx.db.command.in(settles) }).limit(100).get().then((res) => res.data as TaskDoc[])
    : Promise.resolve([]);
  // A failure here is the handler's to answer, when it needs the value.
  settings.catch(() => undefined);
  settleable.catch(() => undefined);
  void prefetchState(ctx.db);
  const tx = openTransactionEarly(ctx.db);
  return { settings, settleable, tx, dispose: () => tx.dispose() };
}

/**
 * Records a new visit in one transaction. The visit id is not read first: adding an existing id fails
 * (duplicate key) and the caller answers with the stored result, so a first submit costs no extra read.
 */
async function record(input: z.output<typeof submitVisitInput>, ctx: ActionContext, early: SubmitReads): Promise<SubmitVisitOutput> {
  const at = input.at ?? ctx.now;
  if (at.getTime() > ctx.now.getTime() + MAX_SKEW_MS) throw fieldError('at', '走访时间不能晚于当前时间', 'VISIT.FUTURE');
  if (at.getTime() < ctx.now.getTime() - MAX_AGE_MS) throw fieldError('at', '走访时间超过 30 天，无法补录', 'VISIT.TOO_OLD');
  const settingsRead = early.settings;
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
  // The merchant's open tasks of the kinds this visit may settle (none for most visits: no read), queried
  // with the call's first reads.
  const settleable = async (tx: Tx, merchantId: string): Promise<TaskDoc[]> => {
    const found = merchantId === input.merchantId ? await early.settleable : [];
    // Read again inside the transaction: a task settled meanwhile is left as it is.
    const now: TaskDoc[] = [];
    for (const t of found) {
      const cur = await getDoc<TaskDoc>(tx, 'tasks', t._id);
      if (cur?.status === 'open') now.push(cur);
    }
    return now;
  };
  let assistant: Promise<StaffDoc | undefined> | null = null;
  const assistantOf = (gridId: string) =>
    (assistant ??= ctx.db
      .collection('staff')
      .where({ role: 'maintenance', gridIds: gridId, status: 'active' })
      .orderBy('_id', 'asc')
      .limit(1)
      .get()
      .then((res) => res.data[0] as StaffDoc | undefined));

  // Links to a visit's photos go to whoever may read the visit: only the caller's own uploads may join it,
  // each stamped by the caller during the visit near its GPS fix (a check's photo too), and present in storage.
  await assertGivenFiles([...photoFiles(input.photos), ...checkPhotoFiles(input.checks)], visitStampWindow(ctx.caller.staffId, at, input.location), PHOTO_KINDS);

  return inTransaction(ctx.db, async (tx) => {
    // The merchant is read once, inside the transaction: scope, location and open follow-ups all come from it.
    const m = await getDoc<MerchantDoc & { openFollowUps?: Partial<Record<CheckItem, string>> }>(tx, 'merchants', input.merchantId);
    if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    assertInScope(ctx.caller, m.unitPath);
    // A closed or moved shop is not visited: its checks would open follow-ups for a file out of every count.
    if (m.archived) throw new AppError('CONFLICT', '该商户已停业/迁出，请先恢复营业', { reason: 'MERCHANT.ARCHIVED' });
    if (input.taskId) {
      const from = await getDoc<TaskDoc>(tx, 'tasks', input.taskId);
      if (!from || from.merchantId !== m._id) throw fieldError('taskId', '任务不属于该商户', 'TASK.NOT_FOR_MERCHANT');
    }
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
    // A flagged revisit does not close a follow-up: the task waits for the leader's confirmation.
    const passing = checks ? tasksClosedBy(checks, open) : [];
    const toClose = flagged ? [] : passing;
    const facts = { type: input.type, outcome: input.outcome ?? null, isFlagged: flagged, checks };
    const others = (await settleable(tx, m._id)).map((t) => ({ t, effect: visitEffectOn(t, facts) })).filter((x) => x.effect);
    const openedTaskIds = toOpen.map((c) => `${input.visitId}:${c}`);
    const closedTaskIds = [...toClose.map((t) => t.id), ...others.filter((x) => x.effect === 'close').map((x) => x.t._id)];
    const pendingTaskIds = [...(flagged ? passing.map((t) => t.id) : []), ...others.filter((x) => x.effect === 'confirm').map((x) => x.t._id)];

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
      ...(input.checks ? { checks: storedChecks(input.checks) } : {}),
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.note ? { note: input.note } : {}),
      photos: toStoredPhotos(ctx, input.photos) ?? [],
      ...(input.productsPitched ? { productsPitched: input.productsPitched } : {}),
      result: { openedTaskIds, closedTaskIds, pendingTaskIds },
      ...(input.taskId ? { taskId: input.taskId } : {}),
      createdAt: ctx.now,
    };
    // The grid's maintenance assistant is looked up only when a follow-up opens, while the visit is written.
    const maintainerRead = toOpen.length ? assistantOf(m.gridId) : Promise.resolve(undefined);
    maintainerRead.catch(() => undefined); // a failed visit write answers first
    await tx.collection('visits').add({ data: visit });
    const maintainer = await maintainerRead;
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
      // Its assignee is told once the visit commits (task-assigned, once per task and day).
      afterCommit(tx, (db) => remindAssigned(db, task, chinaDay(ctx.now), ctx.now, m.name, maintainer?.openid).then(() => undefined));
    }
    for (const t of toClose) {
      await tx.collection('tasks').doc(t.id).update({ data: { status: 'done', closedByVisitId: input.visitId, closedAt: ctx.now, pendingVisitId: null } });
      delete openMap[t.check];
    }
    for (const { t, effect } of others) {
      const patch = effect === 'close' ? { status: 'done', closedByVisitId: input.visitId, closedAt: ctx.now, pendingVisitId: null } : { pendingVisitId: input.visitId };
      await tx.collection('tasks').doc(t._id).update({ data: patch });
    }
    if (flagged) for (const t of passing) await tx.collection('tasks').doc(t.id).update({ data: { pendingVisitId: input.visitId } });
    const _ = ctx.db.command;
    await tx.collection('merchants').doc(m._id).update({
      data: { openFollowUps: _.set(openMap), lastVisitAt: at, lastVisitType: input.type, ...(input.type === 'revisit' ? { lastRevisitAt: at } : {}) },
    });
    await onVisitSubmitted(tx, { visit, merchant: m, at: ctx.now, staffPath: [...ctx.caller.unitPath, ...ctx.caller.gridIds] });
    return { visit: visitView(visit), openedTaskIds, closedTaskIds, pendingTaskIds, isReplay: false };
  }, undefined, early.tx);
}

type CheckInput = NonNullable<z.output<typeof submitVisitInput>['checks']>[number];

/** The checks' photos as files given to the visit: the photo's field names the file, its stamp fields below it. */
function checkPhotoFiles(checks: CheckInput[] | undefined): GivenFile[] {
  return (checks ?? []).flatMap((c, i) => (c.photo ? [{ field: `checks.${i}.photo`, fileId: c.photo.fileId, stamp: { field: `checks.${i}.photo`, value: c.photo } }] : []));
}

/** The checks as a visit stores them: a photo by its file id (its stamp, checked, is drawn on the picture). */
function storedChecks(checks: CheckInput[]): NonNullable<VisitDoc['checks']> {
  return checks.map(({ photo, ...c }) => (photo ? { ...c, photo: photo.fileId } : c));
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
  return { visit: visitView(v), openedTaskIds: v.result?.openedTaskIds ?? [], closedTaskIds: v.result?.closedTaskIds ?? [], pendingTaskIds: v.result?.pendingTaskIds ?? [], isReplay: true };
}
