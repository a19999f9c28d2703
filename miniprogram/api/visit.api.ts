import { filesContract, visitContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';

export type VisitOut = import('../vendor/shared').visitContract.VisitOut;
export type TaskOut = import('../vendor/shared').visitContract.TaskOut;
export type SubmitVisitOutput = import('../vendor/shared').visitContract.SubmitVisitOutput;
type V = typeof import('../vendor/shared').visitContract;
export type SubmitVisit = InputOf<V['submitVisitInput']>;

/** Submits a visit with its client-made `visitId`; a retried submit is answered with the first result. */
export function submitVisit(visit: SubmitVisit): Promise<SubmitVisitOutput> {
  return callAction('visit', 'submit', parseInput(C.submitVisitInput, visit));
}

/** Fetches a merchant's visits, newest first, a page at a time. */
export function fetchVisits(merchantId: string, cursor?: string): Promise<{ items: VisitOut[]; nextCursor: string | null }> {
  return callAction('visit', 'listByMerchant', parseInput(C.listByMerchantInput, { merchantId, cursor }));
}

type TasksFilter = InputOf<V['tasksInput']>;
export type TaskCloseReason = NonNullable<TaskOut['closeReason']>;

/** Fetches tasks: mine (default), a unit's (the team board, with its filters) or one merchant's; open (default) or done. */
export function fetchTasks(filter: TasksFilter = {}): Promise<{ items: TaskOut[]; nextCursor: string | null }> {
  return callAction('visit', 'tasks', parseInput(C.tasksInput, filter));
}

/** Closes a task by hand with a reason where the rules allow it (a check follow-up: leaders and above only). */
export function closeTask(taskId: string, reason: TaskCloseReason, note?: string): Promise<TaskOut> {
  return callAction('visit', 'closeTask', parseInput(C.closeTaskInput, { taskId, reason, note }));
}

/** Gives a task to another of its grid's field staff (leaders and above). */
export function reassignTask(taskId: string, assigneeId: string, note?: string): Promise<TaskOut> {
  return callAction('visit', 'reassignTask', parseInput(C.reassignTaskInput, { taskId, assigneeId, note }));
}

/** Accepts (closes) or refuses a flagged visit's closing of a task (leaders and above). */
export function confirmTask(taskId: string, accept: boolean, note?: string): Promise<TaskOut> {
  return callAction('visit', 'confirmTask', parseInput(C.confirmTaskInput, { taskId, accept, note }));
}

/** Short-lived links to a visit's photos (the function checks scope first). */
export function fetchVisitPhotoUrls(visitId: string): Promise<import('../vendor/shared').filesContract.FileLinksOutput> {
  return callAction('visit', 'photoUrls', parseInput(filesContract.visitPhotoUrlsInput, { visitId }));
}
