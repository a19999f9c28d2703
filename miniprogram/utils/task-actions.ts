import { closeTask, type TaskCloseReason, type TaskOut } from '../api/visit.api';
import { TASK_CLOSE_REASONS, TASK_CLOSE_REASON_LABELS, manualCloseProblem } from '../vendor/shared';

/**
 * Task actions every screen that lists tasks shares (the team board, my tasks): one reason sheet, one rule
 * for who may close, so a screen cannot offer what the server refuses.
 */

/** Whether this caller may close this task by hand with a reason (the server's rule: not a follow-up unless a leader; own tasks or a leader's team). */
export function mayCloseTask(t: Pick<TaskOut, 'kind' | 'assigneeId' | 'status'>, caller: { role: string; staffId: string } | null): boolean {
  if (!caller || t.status !== 'open') return false;
  return manualCloseProblem(t as Parameters<typeof manualCloseProblem>[0], caller as Parameters<typeof manualCloseProblem>[1], TASK_CLOSE_REASONS[0]) === null;
}

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
