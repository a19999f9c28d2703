import { callAction } from './transport';
import type { Page, Task, Visit } from './types';

/** Submits a visit with its client-made id; a retried submit is answered with the first result. */
export function submitVisit(visit: Record<string, unknown>): Promise<{ visit: Visit; tasksOpened?: Task[]; tasksClosed?: Task[] }> {
  return callAction('visit', 'submit', visit);
}

/** Fetches a merchant's visits, newest first. */
export function fetchVisits(merchantId: string, cursor?: string): Promise<Page<Visit>> {
  return callAction('visit', 'list', { merchantId, cursor });
}

/** Fetches the caller's tasks (or a merchant's) by status. */
export function fetchTasks(filter: { status?: 'open' | 'done'; merchantId?: string; cursor?: string } = {}): Promise<Page<Task>> {
  return callAction('visit', 'listTasks', filter);
}
