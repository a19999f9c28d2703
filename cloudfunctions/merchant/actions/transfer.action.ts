import { transferMerchantInput } from '../../../shared/contracts/merchant.contract';
import { AppError, type StaffDoc, type Tx, afterCommit, defineAction, fieldError, getDoc, inTransaction, notFound, onMerchantWritten } from '../../../server';

/** Open tasks moved inside the transfer's transaction (with the merchant, its history and its delta: 15 writes). */
const TASKS_IN_TRANSACTION = 12;
import { type MerchantDoc, loadGridForWrite, loadMerchantInScope, merchantView, recordMerchantChange, withoutId } from '../merchant.service';

/**
 * `transfer` (head office, branch, grid leader): moves a merchant to another grid ("every merchant has
 * exactly one grid"), with history; its open tasks follow it to the new grid's maintenance assistant and
 * the old grid's WeChat group is cleared.
 */
export const transfer = defineAction({
  schema: transferMerchantInput,
  roles: ['hq', 'branch', 'leader'],
  async handler(input, ctx) {
    const m = await loadMerchantInScope(ctx, input.id);
    const grid = await loadGridForWrite(ctx, input.toGridId, 'toGridId');
    if (grid._id === m.gridId) throw fieldError('toGridId', '商户已在该网格', 'MERCHANT.SAME_GRID');
    const openTasks = (await ctx.db.collection('tasks').where({ merchantId: m._id, status: 'open' }).limit(100).get()).data as { _id: string; kind: string }[];
    const assistant = (await ctx.db.collection('staff').where({ role: 'maintenance', gridIds: grid._id, status: 'active' }).orderBy('_id', 'asc').limit(1).get()).data[0] as StaffDoc | undefined;
    const next = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
      if (!cur) throw notFound('商户', 'MERCHANT.NOT_FOUND');
      if (cur.gridId !== m.gridId) throw new AppError('CONFLICT', '商户网格已被他人调整，请刷新', { reason: 'MERCHANT.VERSION' });
      const after: MerchantDoc = { ...cur, gridId: grid._id, unitPath: grid.unitPath, area: grid.area ?? null, wechatGroupId: null, updatedAt: ctx.now, version: (cur.version ?? 1) + 1 };
      await tx.collection('merchants').doc(cur._id).set({ data: withoutId(after) });
      const follow = (db: Tx, t: { _id: string; kind: string }) =>
        db.collection('tasks').doc(t._id).update({ data: { gridId: grid._id, unitPath: grid.unitPath, ...(t.kind === 'check-followup' ? { assigneeId: assistant?._id ?? null } : {}) } });
      // CloudBase drops a transaction past about twenty written documents (docs/rollups.md): the open tasks
      // a merchant usually has (six checks at most, a lifecycle task or two) follow it inside; any beyond
      // follow right after the commit.
      for (const t of openTasks.slice(0, TASKS_IN_TRANSACTION)) await follow(tx, t);
      const later = openTasks.slice(TASKS_IN_TRANSACTION);
      if (later.length) afterCommit(tx, async (db) => Promise.all(later.map((t) => follow(db, t))));
      await recordMerchantChange(tx, { merchantId: cur._id, change: 'transferred', by: ctx.caller.staffId, at: ctx.now, fromGridId: cur.gridId, toGridId: grid._id, reason: input.reason });
      await onMerchantWritten(tx, { before: cur, after, at: ctx.now });
      return after;
    });
    return { merchant: merchantView(next), isReplay: false };
  },
});
