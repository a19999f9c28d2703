import { fetchStaff } from '../api/org.api';
import { closeTask, confirmTask, reassignTask, type TaskCloseReason, type TaskOut } from '../api/visit.api';
import { describeError } from './errors';
import { CHECK_LABELS, TASK_KIND_LABELS, reasonLabel } from './labels';
import { TASK_CLOSE_REASONS, TASK_CLOSE_REASON_LABELS, TASK_MANAGER_ROLES, manualCloseProblem } from '../vendor/shared';

/**
 * Task rows and actions every screen that lists a team's tasks shares (the team board, my tasks, a merchant's
 * 任务 tab): one row, one reason sheet, one reassign and one confirm flow, and the server's own rule for who may
 * close, so no screen offers what the function refuses. The row's markup is templates/task-row.wxml.
 */

export type Caller = { role: string; staffId: string } | null;

const STATE_LABELS: Record<string, string> = { open: '待办', overdue: '已逾期', pending: '待确认', done: '已完成' };

/** Whether a caller runs a team's tasks (reassign, confirm a flagged visit, close with a reason). */
export function managesTasks(caller: Caller): boolean {
  return Boolean(caller && (TASK_MANAGER_ROLES as readonly string[]).includes(caller.role));
}

/** Whether this caller may close this task by hand with a reason (the server's rule: a follow-up only by a leader; otherwise one's own task or a leader's team). */
export function mayCloseTask(t: Pick<TaskOut, 'kind' | 'assigneeId' | 'status'>, caller: Caller): boolean {
  if (!caller || t.status !== 'open') return false;
  return manualCloseProblem(t as Parameters<typeof manualCloseProblem>[0], caller as Parameters<typeof manualCloseProblem>[1], TASK_CLOSE_REASONS[0]) === null;
}

/** A task as a team's list shows it, with the actions this caller is offered (none without a caller: read only). */
export function toTaskCard(t: TaskOut, caller: Caller = null) {
  const open = t.status !== 'done';
  return {
    id: t.id,
    merchantId: t.merchantId,
    gridId: t.gridId,
    merchantName: t.merchantName ?? '商户',
    kindLabel: TASK_KIND_LABELS[t.kind] ?? t.kind,
    detail: t.check ? `整改：${CHECK_LABELS[t.check] ?? t.check}` : (t.openedBy?.detail ?? reasonLabel(t.openedBy?.reason)),
    assignee: t.assigneeName ?? (t.assigneeId ? t.assigneeId : '未分配'),
    state: t.state,
    stateLabel: STATE_LABELS[t.state] ?? t.state,
    due: t.status === 'done' ? `完成于 ${(t.closedAt ?? '').slice(0, 10)}` : `${t.dueDay} 前完成`,
    canManage: open && managesTasks(caller),
    canClose: open && mayCloseTask(t, caller),
  };
}
export type TaskCard = ReturnType<typeof toTaskCard>;

/** 关闭: asks for the reason in an action sheet and closes the task; the task as the server answered, or null when the sheet was dismissed. */
export function closeTaskWithReason(id: string): Promise<TaskOut | null> {
  return new Promise((resolve, reject) =>
    wx.showActionSheet({
      itemList: TASK_CLOSE_REASONS.map((r) => TASK_CLOSE_REASON_LABELS[r]),
      success: (r) => closeTask(id, TASK_CLOSE_REASONS[r.tapIndex] as TaskCloseReason).then(resolve, reject),
      fail: () => resolve(null),
    }),
  );
}

/** 确认走访: a flagged visit closes the task when confirmed, and leaves it open when sent back (退回). */
export function confirmFlaggedVisit(id: string): Promise<TaskOut | null> {
  return new Promise((resolve, reject) =>
    wx.showModal({
      title: '确认走访',
      content: '该走访超出商户范围。确认后任务按此走访关闭；退回则任务保持待办。',
      confirmText: '确认关闭',
      cancelText: '退回',
      success: (r) => confirmTask(id, Boolean(r.confirm)).then(resolve, reject),
      fail: () => resolve(null),
    }),
  );
}

/**
 * 改派: the grid's active field staff in an action sheet, at most six (its limit); with more, the name is asked
 * and searched by the server (listStaff `q`: names beginning with it, in the grid). The task as answered, a
 * sentence when nobody can take it, or null when dismissed.
 */
export async function reassignInGrid(task: { id: string; gridId: string }): Promise<TaskOut | string | null> {
  const field = (s: { role: string }) => s.role === 'member' || s.role === 'marketing' || s.role === 'maintenance';
  const staff = await fetchStaff({ unitId: task.gridId, status: 'active', limit: 50 });
  let people = staff.items.filter(field);
  if (people.length > 6 || staff.nextCursor) {
    const name = await askName();
    if (!name) return null;
    people = (await fetchStaff({ unitId: task.gridId, status: 'active', q: name, limit: 20 })).items.filter(field);
    if (!people.length) return `该网格没有姓名以「${name}」开头的在岗人员。`;
  }
  people = people.slice(0, 6);
  if (!people.length) return '该网格没有可改派的在岗人员。';
  return new Promise((resolve, reject) =>
    wx.showActionSheet({
      itemList: people.map((p) => p.name),
      success: (r) => reassignTask(task.id, people[r.tapIndex].id).then(resolve, reject),
      fail: () => resolve(null),
    }),
  );
}

/**
 * Runs one of a row's actions (close, confirm, reassign) for a screen that lists tasks: the task as the server
 * answered goes to `replace`, a sentence (nobody to reassign to) or a refusal to the screen's `notice`; a
 * dismissed sheet changes nothing.
 */
export async function actOnTask(screen: { setData(data: Record<string, unknown>): void }, action: () => Promise<TaskOut | string | null>, replace: (t: TaskOut) => void): Promise<void> {
  try {
    const answer = await action();
    if (typeof answer === 'string') screen.setData({ notice: answer });
    else if (answer) replace(answer);
  } catch (err) {
    screen.setData({ notice: describeError(err) });
  }
}

/** Asks for (the beginning of) a name in a modal with a text box; '' when cancelled or left empty. */
function askName(): Promise<string> {
  return new Promise((resolve) =>
    wx.showModal({
      title: '改派给',
      editable: true,
      placeholderText: '输入姓名（可只输姓）',
      success: (r) => resolve(r.confirm ? String((r as { content?: string }).content ?? '').trim() : ''),
      fail: () => resolve(''),
    }),
  );
}
