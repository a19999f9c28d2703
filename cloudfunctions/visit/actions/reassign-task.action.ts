import { reassignTaskInput } from '../../../shared/contracts/visit.contract';
import { TASK_ASSIGNEE_ROLES_ANY, TASK_MANAGER_ROLES } from '../../../shared/domain/task.rules';
import { AppError, type StaffDoc, afterCommit, auditLog, defineAction, fieldError, getDoc, inTransaction, isInScope, notFound } from '../../../server';
import { chinaDay } from '../../../shared/domain/period.rules';
import { remindAssigned } from '../../../server/notify';
import { type TaskDoc, taskViews, loadTaskInScope } from '../visit.service';

/**
 * `reassignTask`: a leader or above gives an open task in scope to another active field staff member
 * working its grid (a member, marketing or maintenance assistant assigned to it). Audited. The new assignee
 * is sent the task-assigned reminder once the change is committed (once per task and day).
 */
export const reassignTask = defineAction({
  schema: reassignTaskInput,
  roles: TASK_MANAGER_ROLES,
  async handler(input, ctx) {
    const task = await loadTaskInScope(ctx, input.taskId);
    const to = await getDoc<StaffDoc>(ctx.db, 'staff', input.assigneeId);
    // One answer for unknown, inactive, other roles and other grids: nothing is told about staff out of scope.
    const works = to && to.status === 'active' && TASK_ASSIGNEE_ROLES_ANY.includes(to.role) && isInScope(ctx.caller, to.unitPath) && (to.gridIds ?? []).concat(to.unitId).includes(task.gridId);
    if (!works) throw fieldError('assigneeId', '该人员不是此任务网格的在岗人员', 'TASK.ASSIGNEE_NOT_IN_GRID');
    const moved = await inTransaction(ctx.db, async (tx) => {
      const cur = await getDoc<TaskDoc>(tx, 'tasks', task._id);
      if (!cur) throw notFound('任务', 'TASK.NOT_FOUND');
      if (cur.status !== 'open') throw new AppError('CONFLICT', '任务已关闭', { reason: 'TASK.CLOSED' });
      const patch = { assigneeId: to!._id, assignedAt: ctx.now, assignedBy: ctx.caller.staffId };
      await tx.collection('tasks').doc(cur._id).update({ data: patch });
      await auditLog(tx, ctx.caller, 'task-reassign', { collection: 'tasks', id: cur._id }, { from: cur.assigneeId ?? null, to: to!._id, ...(input.note ? { note: input.note } : {}) }, ctx.now, cur.unitPath);
      const day = chinaDay(ctx.now);
      afterCommit(tx, async (db) => {
        await remindAssigned(db, { ...cur, assigneeId: to!._id }, day, ctx.now);
      });
      return { ...cur, ...patch };
    });
    return (await taskViews(ctx.db, [moved], ctx.now))[0];
  },
});
