import type { z } from 'zod';
import { type SaveMerchantOutput, transferMerchantInput } from '../../../shared/contracts/merchant.contract';
import { transferNeedsReason } from '../../../shared/domain/transfer.rules';
import { type TaskKind, taskAssignee } from '../../../shared/domain/visit.rules';
import {
  type ActionContext,
  AppError,
  type Db,
  type StaffDoc,
  type Tx,
  type UnitDoc,
  afterCommit,
  auditLog,
  computeScope,
  defineAction,
  fieldError,
  getDoc,
  inTransaction,
  isInScope,
  notFound,
  onMerchantWritten,
  writeOnce,
} from '../../../server';
import { loadGridForWrite, merchantView, recordMerchantChange, suggestedGridOf, withoutId } from '../merchant.service';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/** Open tasks moved inside the transfer's transaction (with the merchant, its history, its audit and its delta: 16 writes). */
const TASKS_IN_TRANSACTION = 12;

const MANAGERS: readonly string[] = ['hq', 'branch', 'leader'];

interface OpenTask {
  _id: string;
  kind: TaskKind;
  assigneeId: string | null;
}

/**
 * `transfer` (head office, branch, grid leader): moves a merchant to another grid ("every merchant has
 * exactly one grid"), with history. Every open task moves with it to someone who can act on it in the new
 * grid: its assignee when the new grid is in their scope and the kind is theirs, else the new grid's staff
 * for that kind (shared TASK_ASSIGNEE_ROLES), else nobody (the unit's managers see it). The old grid's
 * WeChat group is cleared.
 */
export const transfer = defineAction({
  schema: transferMerchantInput,
  roles: ['hq', 'branch', 'leader'],
  // With a client transferId the history entry carries it as its _id: a retry (after a commit whose answer
  // was lost, or racing the first) answers the first transfer and writes nothing twice.
  handler: (input, ctx) => {
    const transferId = input.transferId;
    if (!transferId) return move(input, ctx);
    return writeOnce(
      () => move(input, ctx),
      () => replayOf(ctx, transferId, input.id),
      () => new AppError('CONFLICT', '该移交编号已被使用', { reason: 'MERCHANT.TRANSFER_ID_TAKEN' }),
    );
  },
});

async function move(input: z.output<typeof transferMerchantInput>, ctx: ActionContext): Promise<SaveMerchantOutput> {
  const m = await loadMerchantInScope(ctx, input.id);
  const grid = await loadGridForWrite(ctx, input.toGridId, 'toGridId');
  if (grid._id === m.gridId) throw fieldError('toGridId', '商户已在该网格', 'MERCHANT.SAME_GRID');
  // The boundary containing the merchant suggests its grid; a move anywhere else must say why.
  const suggested = await suggestedGridOf(ctx, m);
  if (transferNeedsReason(suggested, grid._id) && !input.reason) {
    throw fieldError('reason', '商户位置不在目标网格边界内，请填写移交原因', 'MERCHANT.TRANSFER_REASON_REQUIRED');
  }
  const next = await moveMerchant(ctx, m, grid, { reason: input.reason, transferId: input.transferId, suggested });
  return { merchant: merchantView(next), isReplay: false };
}

/**
 * Moves a merchant the caller may see to a grid in scope, its open tasks following, audited with its
 * history. A manual placement still waiting for review is settled as moved (`review`: the reviewer's
 * audit, written in the same transaction).
 */
export async function moveMerchant(
  ctx: ActionContext,
  m: MerchantDoc,
  grid: UnitDoc,
  opts: { reason?: string; transferId?: string; suggested?: string | null; review?: (tx: Tx, after: MerchantDoc) => Promise<unknown> },
): Promise<MerchantDoc> {
  if (grid._id === m.gridId) throw fieldError('toGridId', '商户已在该网格', 'MERCHANT.SAME_GRID');
  const suggested = opts.suggested !== undefined ? opts.suggested : await suggestedGridOf(ctx, m);
  const { reason, review } = opts;
  // Queries cannot run inside a CloudBase transaction; a merchant has at most a dozen open tasks
  // (six follow-ups, one of each lifecycle kind, one marketing).
  const openTasks = (await ctx.db.collection('tasks').where({ merchantId: m._id, status: 'open' }).field({ _id: true, kind: true, assigneeId: true }).limit(100).get()).data as OpenTask[];
  const assignees = openTasks.length ? await assigneesIn(ctx.db, grid, openTasks) : new Map<string, string | null>();
  return inTransaction(ctx.db, async (tx) => {
    const cur = await getDoc<MerchantDoc>(tx, 'merchants', m._id);
    if (!cur) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    if (cur.gridId !== m.gridId) throw new AppError('CONFLICT', '商户网格已被他人调整，请刷新', { reason: 'MERCHANT.VERSION' });
    const settled = cur.placement?.status === 'pending' ? { placement: { ...cur.placement, status: 'moved' as const, reviewedBy: ctx.caller.staffId, reviewedAt: ctx.now, toGridId: grid._id } } : {};
    const after: MerchantDoc = { ...cur, ...settled, gridId: grid._id, unitPath: grid.unitPath, area: grid.area ?? null, wechatGroupId: null, updatedAt: ctx.now, version: (cur.version ?? 1) + 1 };
    await tx.collection('merchants').doc(cur._id).set({ data: withoutId(after) });
    const follow = (db: Db | Tx, t: OpenTask) => {
      const assigneeId = assignees.get(t._id) ?? null;
      const moved = { fromGridId: cur.gridId, fromAssigneeId: t.assigneeId ?? null, at: ctx.now };
      return db.collection('tasks').doc(t._id).update({ data: { gridId: grid._id, unitPath: grid.unitPath, assigneeId, movedFrom: moved } });
    };
    // CloudBase drops a transaction past about twenty written documents (docs/rollups.md): the open tasks
    // a merchant usually has (six checks at most, a lifecycle task or two) follow it inside; any beyond
    // follow right after the commit.
    for (const t of openTasks.slice(0, TASKS_IN_TRANSACTION)) await follow(tx, t);
    const later = openTasks.slice(TASKS_IN_TRANSACTION);
    if (later.length) afterCommit(tx, async (db) => Promise.all(later.map((t) => follow(db, t))));
    const againstBoundary = transferNeedsReason(suggested, grid._id);
    await recordMerchantChange(tx, {
      id: opts.transferId,
      merchantId: cur._id,
      change: 'transferred',
      by: ctx.caller.staffId,
      at: ctx.now,
      fromGridId: cur.gridId,
      toGridId: grid._id,
      reason,
      suggestedGridId: suggested ?? undefined,
      againstBoundary,
    });
    // A placement review audits the move itself (`placement-review`, with both grids).
    if (!review) await auditLog(tx, ctx.caller, 'merchant-transfer', { collection: 'merchants', id: cur._id }, { fromGridId: cur.gridId, toGridId: grid._id, againstBoundary, ...(reason ? { reason } : {}) }, ctx.now, [...(cur.unitPath ?? []), ...(grid.unitPath ?? [])]);
    await onMerchantWritten(tx, { before: cur, after, at: ctx.now });
    if (review) await review(tx, after);
    return after;
  });
}

/** The first answer of a transfer already made under this id by this caller, as the merchant is now. */
async function replayOf(ctx: ActionContext, transferId: string, merchantId: string): Promise<SaveMerchantOutput | null> {
  const entry = await getDoc<{ merchantId: string; change: string; byStaffId: string }>(ctx.db, 'merchantHistory', transferId);
  if (!entry) return null;
  if (entry.change !== 'transferred' || entry.merchantId !== merchantId || entry.byStaffId !== ctx.caller.staffId) {
    throw new AppError('CONFLICT', '该移交编号已被使用', { reason: 'MERCHANT.TRANSFER_ID_TAKEN' });
  }
  const m = await loadMerchantInScope(ctx, merchantId);
  return { merchant: merchantView(m), isReplay: true };
}

/** The assignee each open task gets in the new grid (task id → staff id or null). */
async function assigneesIn(db: Db, grid: UnitDoc, tasks: OpenTask[]): Promise<Map<string, string | null>> {
  const _ = db.command;
  const gridStaff = (await db.collection('staff').where({ gridIds: grid._id, status: 'active' }).limit(100).get()).data as StaffDoc[];
  const current = [...new Set(tasks.map((t) => t.assigneeId).filter((id): id is string => Boolean(id)))];
  const holders = current.length ? ((await db.collection('staff').where({ _id: _.in(current) }).limit(100).get()).data as StaffDoc[]) : [];
  const byId = new Map(holders.map((s) => [s._id, s]));
  const out = new Map<string, string | null>();
  for (const t of tasks) {
    const holder = t.assigneeId ? byId.get(t.assigneeId) : undefined;
    // Home unit a grid only matters here when it is the new grid itself. Managers act on any task in scope.
    const fits = holder && (MANAGERS.includes(holder.role) || taskAssignee(t.kind, [holder]) !== null);
    const canAct = holder && fits && holder.status === 'active' && isInScope({ scope: computeScope(holder, holder.unitId === grid._id) }, grid.unitPath);
    out.set(t._id, canAct ? holder._id : (taskAssignee(t.kind, gridStaff)?._id ?? null));
  }
  return out;
}
