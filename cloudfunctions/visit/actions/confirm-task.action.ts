import { confirmTaskInput } from '../../../shared/contracts/visit.contract';
import { TASK_MANAGER_ROLES } from '../../../shared/domain/task.rules';
import { AppError, auditLog, defineAction, getDoc, inTransaction, notFound } from '../../../server';
import { type TaskDoc, dropFollowUp, taskViews, loadTaskInScope } from '../visit.service';

/**
 * `confirmTask`: a leader or above answers a flagged visit that would close a task in scope: accepted, the
 * task closes by that visit; refused, it stays open and the visit no longer waits. Audited.
 */
export const confirmTask = defineAction({
  schema: confirmTaskInput,
  roles: TASK_MANAGER_ROLES,
  async handler(input, ctx) {
    const task = await loadTaskInScope(ctx, input.taskId);
    const done = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<TaskDoc>(tx, 'tasks', task._id);
      if (!cur) throw notFound('任务', 'TASK.NOT_FOUND');
      if (cur.status !== 'open') throw new AppError('CONFLICT', '任务已关闭', { reason: 'TASK.CLOSED' });
      if (!cur.pendingVisitId) throw new AppError('CONFLICT', '该任务没有待确认的走访', { reason: 'TASK.NOTHING_PENDING' });
      const patch = input.accept
        ? { status: 'done' as const, closedByVisitId: cur.pendingVisitId, closedAt: ctx.now, confirmedBy: ctx.caller.staffId, pendingVisitId: null }
        : { pendingVisitId: null };
      await tx.collection('tasks').doc(cur._id).update({ data: patch });
      if (input.accept && cur.kind === 'check-followup') await dropFollowUp(tx, cur);
      await auditLog(tx, ctx.caller, 'task-confirm', { collection: 'tasks', id: cur._id }, { visitId: cur.pendingVisitId, accept: input.accept, ...(input.note ? { note: input.note } : {}) }, ctx.now, cur.unitPath);
      return { ...cur, ...patch };
    });
    return (await taskViews(ctx.db, [done], ctx.now))[0];
  },
});
