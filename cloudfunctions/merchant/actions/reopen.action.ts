import { reopenMerchantInput } from '../../../shared/contracts/merchant.contract';
import { ARCHIVE_ROLES, reopenDayProblem } from '../../../shared/domain/merchant-archive.rules';
import { chinaDay } from '../../../shared/domain/period.rules';
import { AppError, auditLog, defineAction, fieldError, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';
import { merchantView, recordMerchantChange, withoutId } from '../merchant.service';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/**
 * `reopen` (head office, branch, grid leader, in scope): an archived merchant counts again from `day` (the
 * day it was archived undoes the archive: no day is left out). The closed stretch stays on the file, so
 * figures of the days between stay as they were. Audited. Reopening it again on the same day (a retry)
 * answers the file as it stands.
 */
export const reopen = defineAction({
  schema: reopenMerchantInput,
  roles: ARCHIVE_ROLES,
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    const result = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
      if (!cur) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      const closures = cur.closures ?? [];
      const last = closures[closures.length - 1];
      if (!cur.archived || !last || last.to !== null) {
        if (last?.to === input.day) return { after: cur, isReplay: true };
        throw new AppError('CONFLICT', '商户未停业/迁出归档', { reason: 'MERCHANT.NOT_ARCHIVED' });
      }
      const problem = reopenDayProblem(input.day, { archivedDay: last.from, today: chinaDay(ctx.now) });
      if (problem) throw fieldError('day', problem, 'MERCHANT.ARCHIVE_DAY');
      const after: MerchantDoc = {
        ...cur,
        archived: null,
        closures: [...closures.slice(0, -1), { from: last.from, to: input.day }],
        updatedAt: ctx.now,
        version: (cur.version ?? 1) + 1,
      };
      await tx.collection('merchants').doc(cur._id).set({ data: withoutId(after) });
      await recordMerchantChange(tx, { merchantId: cur._id, change: 'reopened', by: ctx.caller.staffId, at: ctx.now, day: input.day, note: input.note });
      await auditLog(tx, ctx.caller, 'merchant-reopen', { collection: 'merchants', id: cur._id }, { day: input.day, archivedDay: last.from, reason: cur.archived.reason }, ctx.now, cur.unitPath);
      await onMerchantWritten(tx, { before: cur, after, at: ctx.now });
      return { after, isReplay: false };
    });
    return { merchant: merchantView(result.after), isReplay: result.isReplay, tasksClosed: 0 };
  },
});
