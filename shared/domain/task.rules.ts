/**
 * Tasks as work (docs/domain.md §5 "Tasks"): which visit closes which task, who closes or reassigns one
 * by hand, and when a task is overdue.
 *
 * Why: a task is a promise to go and do something at a merchant. It is settled by the visit that does
 * it, recorded on site: a follow-up by the revisit where its check passes, an abnormal merchant by a
 * maintenance visit or a revisit, a marketing or win-back task by a marketing visit that signs. A visit
 * recorded far from the merchant (flagged, §5) cannot prove that, so it leaves the task waiting for the
 * grid leader's confirmation instead of closing it.
 */
import { type CheckItem, type CheckOutcome, isCheckItem, tasksClosedBy } from './check.rules';
import type { Role } from './roles';
import { type MarketingOutcome, type TaskKind, type VisitType, isOverdue } from './visit.rules';

/** The visit types that settle a task of each kind (a follow-up also needs its check to pass). */
export const TASK_SETTLED_BY: Record<TaskKind, { types: readonly VisitType[]; outcome?: MarketingOutcome }> = {
  'check-followup': { types: ['revisit'] },
  'abnormal-visit': { types: ['maintenance', 'revisit'] },
  'win-back': { types: ['marketing'], outcome: 'signed' },
  marketing: { types: ['marketing'], outcome: 'signed' },
};

/** A task as far as these rules need it. */
export interface TaskRef {
  kind: TaskKind;
  check?: CheckItem | null;
}

/** A visit as far as these rules need it. */
export interface VisitFacts {
  type: VisitType;
  outcome?: string | null;
  isFlagged: boolean;
  checks?: readonly CheckOutcome[] | null;
}

/**
 * What a visit does to an open task of its merchant: 'close' it, leave it waiting for the leader's
 * 'confirm' (it would close it, but the visit is flagged), or nothing (null). A follow-up settles only
 * when its check passes (n/a and fail leave it open, check.rules.ts `tasksClosedBy`).
 */
export function visitEffectOn(task: TaskRef, visit: VisitFacts): 'close' | 'confirm' | null {
  const rule = TASK_SETTLED_BY[task.kind];
  if (!rule || !rule.types.includes(visit.type)) return null;
  if (rule.outcome && visit.outcome !== rule.outcome) return null;
  if (task.kind === 'check-followup') {
    if (!isCheckItem(task.check)) return null;
    if (!tasksClosedBy(visit.checks ?? [], [task]).length) return null;
  }
  return visit.isFlagged ? 'confirm' : 'close';
}

/** The task kinds other than follow-ups that a visit of this type and outcome may settle (for the lookup). */
export function kindsSettledBy(type: VisitType, outcome?: string | null): TaskKind[] {
  return (Object.keys(TASK_SETTLED_BY) as TaskKind[]).filter(
    (k) => k !== 'check-followup' && TASK_SETTLED_BY[k].types.includes(type) && (!TASK_SETTLED_BY[k].outcome || TASK_SETTLED_BY[k].outcome === outcome),
  );
}

/** Why a task is closed by hand (closing without a visit always names one). */
export const TASK_CLOSE_REASONS = ['done-otherwise', 'merchant-closed', 'merchant-declined', 'duplicate', 'not-needed'] as const;
export type TaskCloseReason = (typeof TASK_CLOSE_REASONS)[number];

export const TASK_CLOSE_REASON_LABELS: Record<TaskCloseReason, string> = {
  'done-otherwise': '已通过其他方式完成',
  'merchant-closed': '商户已停业或迁走',
  'merchant-declined': '商户明确拒绝',
  duplicate: '重复任务',
  'not-needed': '无需处理',
};

/** Roles that run a team's tasks: reassign, close with a reason, confirm a flagged visit (§2: leaders and above). */
export const TASK_MANAGER_ROLES: readonly Role[] = ['hq', 'branch', 'leader'];

/** Roles a task can be assigned to: the grid's field staff (the iron triangle). */
export const TASK_ASSIGNEE_ROLES_ANY: readonly Role[] = ['member', 'marketing', 'maintenance'];

export function canManageTasks(role: Role): boolean {
  return TASK_MANAGER_ROLES.includes(role);
}

/**
 * Why this caller may not close this task by hand, as a reason code, or null. A follow-up closes by hand
 * only with a reason and only by a leader or above (otherwise a passing revisit closes it); another task
 * by its assignee (who may add a reason) or by a leader or above, who always gives one: closing someone
 * else's work is a decision the audit must explain.
 */
export function manualCloseProblem(task: TaskRef & { assigneeId?: string | null }, caller: { role: Role; staffId: string }, reason: TaskCloseReason | null | undefined): 'TASK.CLOSE_BY_VISIT' | 'TASK.NOT_ASSIGNEE' | 'TASK.REASON_REQUIRED' | null {
  const manager = canManageTasks(caller.role);
  if (task.kind === 'check-followup' && (!reason || !manager)) return 'TASK.CLOSE_BY_VISIT';
  const own = task.assigneeId === caller.staffId;
  if (!manager && !own) return 'TASK.NOT_ASSIGNEE';
  if (!reason && !own) return 'TASK.REASON_REQUIRED';
  return null;
}

/** The state a task is shown in: done, waiting for the leader's confirmation, overdue or open. */
export type TaskState = 'done' | 'pending' | 'overdue' | 'open';
export function taskState(task: { status: 'open' | 'done'; dueDay: string; pendingVisitId?: string | null }, today: string): TaskState {
  if (task.status === 'done') return 'done';
  if (task.pendingVisitId) return 'pending';
  return isOverdue(task.dueDay, today) ? 'overdue' : 'open';
}

/** The visit type a task is worked with, for opening it from a list. */
export function visitTypeFor(kind: TaskKind): VisitType {
  return kind === 'check-followup' ? 'revisit' : kind === 'abnormal-visit' ? 'maintenance' : 'marketing';
}
