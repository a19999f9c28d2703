import { closeTaskInput } from '../../../shared/contracts/visit.contract';
import { AppError, assertInScope, defineAction, getDoc, inTransaction, notFound } from '../../../server';
import { type TaskDoc, merchantNames, taskView } from '../visit.service';

/**
 * `closeTask`: closes a task by hand where the rules allow it: a six-check follow-up closes only with a
 * later visit where that check passes (docs/domain.md §5); other tasks close by their assignee or a manager.
 */
export const closeTask = defineAction({
  schema: closeTaskInput,
  async handler(input, ctx) {
    const task = await getDoc<TaskDoc>(ctx.db, 'tasks', input.taskId);
    if (!task) throw notFound('任务', 'TASK.NOT_FOUND');
    assertInScope(ctx.caller, task.unitPath);
    if (task.kind === 'check-followup') throw new AppError('CONFLICT', '六个必查整改任务需在回访检查通过后自动关闭', { reason: 'TASK.CLOSE_BY_VISIT' });
    const isManager = ctx.caller.role === 'hq' || ctx.caller.role === 'branch' || ctx.caller.role === 'leader';
    if (task.assigneeId !== ctx.caller.staffId && !isManager) throw new AppError('FORBIDDEN', '只能关闭分配给自己的任务', { reason: 'TASK.NOT_ASSIGNEE' });
    const closed = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<TaskDoc>(tx, 'tasks', task._id);
      if (!cur) throw notFound('任务', 'TASK.NOT_FOUND');
      if (cur.status !== 'open') throw new AppError('CONFLICT', '任务已关闭', { reason: 'TASK.CLOSED' });
      const patch = { status: 'done' as const, closedAt: ctx.now, closedBy: ctx.caller.staffId, ...(input.note ? { note: input.note } : {}) };
      await tx.collection('tasks').doc(cur._id).update({ data: patch });
      return { ...cur, ...patch };
    });
    const names = await merchantNames(ctx.db, [closed.merchantId]);
    return taskView(closed, names.get(closed.merchantId) ?? null);
  },
});
