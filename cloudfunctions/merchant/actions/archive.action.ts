import { archiveMerchantInput } from '../../../shared/contracts/merchant.contract';
import { ARCHIVE_ROLES, type Closure, archiveDayProblem } from '../../../shared/domain/merchant-archive.rules';
import { chinaDay, toDay } from '../../../shared/domain/period.rules';
import { AppError, type Db, type Tx, afterCommit, auditLog, defineAction, fieldError, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';
import { merchantView, recordMerchantChange, withoutId } from '../merchant.service';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/** Open tasks closed inside the archive's transaction (with the merchant, its history, the audit and the delta: 16 writes). */
const TASKS_IN_TRANSACTION = 12;

/**
 * `archive` (head office, branch, grid leader, in scope): the shop closed, moved away, was merged or filed
 * by mistake on `day` (docs/domain.md §3). From that day it leaves the merchant and filed counts and the
 * coverage fraction (one roll-up delta, dated), earlier figures stay; the nightly classification leaves it
 * alone and its open tasks close with the reason `merchant-closed`. Audited. Archiving it again with the
 * same reason and day (a retry) answers the archive as it stands and changes nothing.
 */
export const archive = defineAction({
  schema: archiveMerchantInput,
  roles: ARCHIVE_ROLES,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    // Queries cannot run inside a CloudBase transaction; a merchant has at most a dozen open tasks.
    const open = m.archived ? [] : ((await ctx.db.collection('tasks').where({ merchantId: m._id, status: 'open' }).field({ _id: true }).limit(100).get()).data as { _id: string }[]);
    const result = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
      if (!cur) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      if (cur.archived) {
        if (cur.archived.reason === input.reason && cur.archived.day === input.day) return { after: cur, isReplay: true, tasksClosed: 0 };
        throw new AppError('CONFLICT', `商户已于 ${cur.archived.day} 停业/迁出归档，如需更改请先恢复`, { reason: 'MERCHANT.ARCHIVED' });
      }
      const closures: Closure[] = cur.closures ?? [];
      const problem = archiveDayProblem(input.day, { createdDay: toDay(cur.createdAt), lastReopenedDay: closures[closures.length - 1]?.to ?? null, today: chinaDay(ctx.now) });
      if (problem) throw fieldError('day', problem, 'MERCHANT.ARCHIVE_DAY');
      const after: MerchantDoc = {
        ...cur,
        archived: { reason: input.reason, day: input.day, note: input.note ?? null, byStaffId: ctx.caller.staffId, at: ctx.now },
        closures: [...closures, { from: input.day, to: null }],
        // Its follow-ups close below: no check is waiting for a revisit any more.
        openFollowUps: {},
        updatedAt: ctx.now,
        version: (cur.version ?? 1) + 1,
      };
      await tx.collection('merchants').doc(cur._id).set({ data: withoutId(after) });
      const patch = { status: 'done' as const, closedAt: ctx.now, closedBy: ctx.caller.staffId, closeReason: 'merchant-closed' as const, pendingVisitId: null };
      const close = async (db: Db | Tx, id: string) => {
        const t = await getDoc<{ status: string }>(db, 'tasks', id);
        if (t?.status !== 'open') return 0;
        await db.collection('tasks').doc(id).update({ data: patch });
        return 1;
      };
      let tasksClosed = 0;
      for (const t of open.slice(0, TASKS_IN_TRANSACTION)) tasksClosed += await close(tx, t._id);
      // CloudBase drops a transaction past about twenty written documents (docs/rollups.md): any more follow the commit.
      const later = open.slice(TASKS_IN_TRANSACTION);
      if (later.length) afterCommit(tx, async (db) => Promise.all(later.map((t) => close(db, t._id))));
      tasksClosed += later.length;
      await recordMerchantChange(tx, { merchantId: cur._id, change: 'archived', by: ctx.caller.staffId, at: ctx.now, reason: input.reason, day: input.day, note: input.note });
      await auditLog(tx, ctx.caller, 'merchant-archive', { collection: 'merchants', id: cur._id }, { reason: input.reason, day: input.day, tasksClosed: open.map((t) => t._id) }, ctx.now, cur.unitPath);
      await onMerchantWritten(tx, { before: cur, after, at: ctx.now });
      return { after, isReplay: false, tasksClosed };
    });
    return { merchant: merchantView(result.after), isReplay: result.isReplay, tasksClosed: result.tasksClosed };
  },
});
