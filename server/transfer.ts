/**
 * Moving a merchant to another grid with its history (docs/domain.md §2 "Transfers"): the merchant
 * function's `transfer` and placement review, and the org function's boundary edits, move merchants the
 * same way, so the move lives here (docs/architecture.md: a function never reaches into another's folder).
 */
import type { FieldChange } from '../shared/domain/timeline.rules';
import { transferNeedsReason } from '../shared/domain/transfer.rules';
import { type TaskKind, taskAssignee } from '../shared/domain/visit.rules';
import { auditLog } from './audit';
import { merchantSearchKeys } from '../shared/domain/search.rules';
import { type StaffDoc, computeScope } from './caller';
import { type Db, type Tx, getDoc } from './db';
import { AppError, fieldError, notFound } from './errors';
import { onMerchantWritten } from './hooks';
import { newId } from './ids';
import type { UnitDoc } from './org';
import { findGridForPoint } from './placement';
import type { ActionContext } from './router';
import { isInScope } from './scope';
import { afterCommit, inTransaction } from './tx';
import { type MerchantDoc, pointOut } from './merchant';

/** Open tasks moved inside the transfer's transaction (with the merchant, its history, its audit and its delta: 16 writes). */
const TASKS_IN_TRANSACTION = 12;

const MANAGERS: readonly string[] = ['hq', 'branch', 'leader'];

interface OpenTask {
  _id: string;
  kind: TaskKind;
  assigneeId: string | null;
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

/** Appends a merchantHistory entry inside the write's transaction. */
export async function recordMerchantChange(
  tx: Tx,
  entry: {
    /** a client id that makes the change idempotent (a transfer's `transferId`); new otherwise */
    id?: string;
    merchantId: string;
    change: 'created' | 'updated' | 'transferred' | 'completed' | 'products' | 'assigned' | 'archived' | 'reopened' | 'placement-confirmed';
    by: string;
    at: Date;
    fromGridId?: string;
    toGridId?: string;
    reason?: string;
    fields?: string[];
    /** an edit's changed fields with their values before and after (display values, personal data masked) */
    changes?: FieldChange[];
    day?: string;
    note?: string;
    suggestedGridId?: string;
    againstBoundary?: boolean;
  },
): Promise<void> {
  const { id, merchantId, change, by, at, ...rest } = entry;
  const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  await tx.collection('merchantHistory').add({ data: { _id: id ?? newId(), merchantId, change, byStaffId: by, at, ...extra } });
}

/** The document without `_id`, for `doc(id).set()`. */
export function withoutId(m: MerchantDoc): Omit<MerchantDoc, '_id'> {
  const { _id: _ignored, ...rest } = m;
  // Every write of a whole file goes through here: its search keys follow its address and grid.
  return { ...rest, searchKeys: merchantSearchKeys(m) };
}

/** The grid whose boundary contains the merchant's location (null without a location or a containing boundary). */
export async function suggestedGridOf(ctx: ActionContext, m: Pick<MerchantDoc, 'location'>): Promise<string | null> {
  const p = pointOut(m.location);
  return p ? findGridForPoint(ctx.db, p.lng, p.lat) : null;
}
