import { closeTaskInput } from '../../../shared/contracts/visit.contract';
import { manualCloseProblem } from '../../../shared/domain/task.rules';
import { AppError, auditLog, defineAction, fieldError, getDoc, inTransaction, notFound } from '../../../server';
import { type TaskDoc, dropFollowUp, taskViews, loadTaskInScope } from '../visit.service';

/**
 * `closeTask`: closes a task by hand where the rules allow it (shared/domain/task.rules.ts), with a reason:
 * a six-check follow-up only by a leader or above (otherwise a later passing revisit closes it); another
 * task by its assignee (a reason optional) or a leader or above (a reason required). Audited.
 */
export const closeTask = defineAction({
  schema: closeTaskInput,
  async handler(input, ctx) {
    const task = await loadTaskInScope(ctx, input.taskId);
    const problem = manualCloseProblem(task, ctx.caller, input.reason);
    if (problem === 'TASK.CLOSE_BY_VISIT') throw new AppError('CONFLICT', '六个必查整改任务需在回访检查通过后自动关闭，或由网格长注明原因关闭', { reason: problem });
    if (problem === 'TASK.NOT_ASSIGNEE') throw new AppError('FORBIDDEN', '只能关闭分配给自己的任务', { reason: problem });
    if (problem) throw fieldError('reason', '请选择关闭原因', problem);
    const closed = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<TaskDoc>(tx, 'tasks', task._id);
      if (!cur) throw notFound('任务', 'TASK.NOT_FOUND');
      if (cur.status !== 'open') throw new AppError('CONFLICT', '任务已关闭', { reason: 'TASK.CLOSED' });
      const patch = { status: 'done' as const, closedAt: ctx.now, closedBy: ctx.caller.staffId, closeReason: input.reason ?? null, pendingVisitId: null, ...(input.note ? { note: input.note } : {}) };
      await tx.collection('tasks').doc(cur._id).update({ data: patch });
      if (cur.kind === 'check-followup') await dropFollowUp(tx, cur);
      await auditLog(tx, ctx.caller, 'task-close', { collection: 'tasks', id: cur._id }, { reason: input.reason, kind: cur.kind }, ctx.now, cur.unitPath);
      return { ...cur, ...patch };
    });
    return (await taskViews(ctx.db, [closed], ctx.now))[0];
  },
});
