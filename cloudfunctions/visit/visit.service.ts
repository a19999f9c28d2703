import type { TaskOut, VisitOut } from '../../shared/contracts/visit.contract';
import { type TaskCloseReason, taskState } from '../../shared/domain/task.rules';
import { isOverdue } from '../../shared/domain/visit.rules';
import { type ActionContext, type Db, type Tx, assertInScope, getDb, getDoc, iso, loadBankDay, notFound } from '../../server';
import { chinaDay } from '../../shared/domain/period.rules';
import { pointOut } from '../../server/merchant';

/** A stored visit (data-model `visits`); `result` keeps what the first submit answered, for retries. */
export interface VisitDoc {
  _id: string;
  merchantId: string;
  staffId: string;
  type: VisitOut['type'];
  at: Date;
  day: string;
  location: unknown;
  distanceM: number | null;
  isFlagged: boolean;
  gridId: string;
  unitPath: string[];
  checks?: VisitOut['checks'];
  outcome?: string;
  note?: string;
  photos: { fileId: string; takenAt: Date; location: unknown; staffId: string }[];
  productsPitched?: string[];
  result?: { openedTaskIds: string[]; closedTaskIds: string[]; pendingTaskIds?: string[] };
  /** the task the visit was started from */
  taskId?: string;
  createdAt: Date;
}

export interface TaskDoc {
  _id: string;
  kind: TaskOut['kind'];
  merchantId: string;
  gridId: string;
  unitPath: string[];
  assigneeId: string | null;
  check?: TaskOut['check'];
  products?: string[];
  dueDay: string;
  status: 'open' | 'done';
  openedBy?: { visitId?: string; reason: string; detail?: string };
  closedByVisitId?: string | null;
  closedBy?: string | null;
  closeReason?: TaskCloseReason | null;
  /** a flagged visit that would close the task, waiting for the leader's confirmation */
  pendingVisitId?: string | null;
  note?: string;
  createdAt: Date;
  closedAt?: Date | null;
}

/** The visit as clients see it. */
export function visitView(v: VisitDoc): VisitOut {
  return {
    id: v._id,
    merchantId: v.merchantId,
    staffId: v.staffId,
    type: v.type,
    at: iso(v.at),
    day: v.day,
    location: pointOut(v.location),
    distanceM: v.distanceM ?? null,
    isFlagged: Boolean(v.isFlagged),
    gridId: v.gridId,
    checks: v.checks ?? null,
    outcome: v.outcome ?? null,
    note: v.note ?? null,
    photos: (v.photos ?? []).map((p) => ({ fileId: p.fileId, takenAt: iso(p.takenAt) ?? '', location: pointOut(p.location), staffId: p.staffId })),
    productsPitched: v.productsPitched ?? null,
    createdAt: iso(v.createdAt),
  };
}

/** The task as clients see it (with the merchant's name when known). */
export function taskView(t: TaskDoc, merchantName: string | null, today = chinaDay(new Date()), assigneeName: string | null = null): TaskOut {
  return {
    id: t._id,
    kind: t.kind,
    merchantId: t.merchantId,
    merchantName,
    gridId: t.gridId,
    assigneeId: t.assigneeId ?? null,
    check: t.check ?? null,
    dueDay: t.dueDay,
    isOverdue: t.status === 'open' && isOverdue(t.dueDay, today),
    status: t.status,
    openedBy: t.openedBy ?? null,
    closedByVisitId: t.closedByVisitId ?? null,
    createdAt: iso(t.createdAt),
    closedAt: iso(t.closedAt),
    assigneeName,
    state: taskState(t, today),
    pendingVisitId: t.pendingVisitId ?? null,
    closeReason: t.closeReason ?? null,
    closedBy: t.closedBy ?? null,
    products: t.products ?? null,
  };
}

/** Staff names by id, for task lists (names only: nothing personal). */
export async function staffNames(db: Db, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 100) {
    const res = await db.collection('staff').where({ _id: getDb().command.in(unique.slice(i, i + 100)) }).field({ _id: true, name: true }).limit(100).get();
    for (const s of res.data as { _id: string; name: string }[]) out.set(s._id, s.name);
  }
  return out;
}

/**
 * Tasks as clients see them, with merchant and assignee names (two reads a page). Overdue is as of the bank's
 * day (`today`, or the bank day at the instant given: today, or a demo bank's fixed as-of day; loadBankDay),
 * never the phone's.
 */
export async function taskViews(db: Db, tasks: TaskDoc[], today: string | Date): Promise<TaskOut[]> {
  const [names, staff, day] = await Promise.all([
    merchantNames(db, tasks.map((t) => t.merchantId)),
    staffNames(db, tasks.map((t) => t.assigneeId)),
    typeof today === 'string' ? today : loadBankDay(db, today),
  ]);
  today = day;
  return tasks.map((t) => taskView(t, names.get(t.merchantId) ?? null, today, t.assigneeId ? (staff.get(t.assigneeId) ?? null) : null));
}

/** Merchant names by id, for task lists. */
export async function merchantNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 100) {
    const res = await db.collection('merchants').where({ _id: getDb().command.in(unique.slice(i, i + 100)) }).field({ _id: true, name: true }).limit(100).get();
    for (const m of res.data as { _id: string; name: string }[]) out.set(m._id, m.name);
  }
  return out;
}

/**
 * Takes a follow-up closed without a revisit off its merchant's map of open follow-ups (the map submit
 * keeps so a revisit needs no query), so the next failure of that check opens a new one.
 */
export async function dropFollowUp(tx: Tx, task: TaskDoc): Promise<void> {
  if (!task.check) return;
  const m = await getDoc<{ _id: string; openFollowUps?: Record<string, string> }>(tx, 'merchants', task.merchantId);
  if (!m?.openFollowUps || m.openFollowUps[task.check] !== task._id) return;
  const next = { ...m.openFollowUps };
  delete next[task.check];
  await tx.collection('merchants').doc(m._id).update({ data: { openFollowUps: getDb().command.set(next) } });
}

/** Loads a task the caller may act on, else NOT_FOUND/FORBIDDEN (the tasks of a merchant follow its scope). */
export async function loadTaskInScope(ctx: ActionContext, id: string): Promise<TaskDoc> {
  const task = await getDoc<TaskDoc>(ctx.db, 'tasks', id);
  if (!task) throw notFound('任务', 'TASK.NOT_FOUND');
  assertInScope(ctx.caller, task.unitPath);
  return task;
}
