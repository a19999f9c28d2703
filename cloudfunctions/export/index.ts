/** Cloud function `export`: the grid report exported as XLSX (head office; a branch for its own scope). */
import { isTimerCall } from '../../server/trigger';
import { createMain, getDb, toEnvelope } from '../../server';
import { resumeJobs } from '../../server/jobs/runner';
import { ok } from '../../shared/envelope';
import { startExport, getExport, listExports } from './actions/start.action';
import { JOB_KINDS, TIMER_BUDGET_MS } from './export.jobs';

const routed = createMain({ start: startExport, get: getExport, list: listExports }, 'export');

/**
 * The `jobs-continue` timer (config.json, every minute) runs unfinished or abandoned exports on; only the
 * platform's word makes a call the timer's (isTimerCall), never the event body. User calls go through the router.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      return ok(await resumeJobs(getDb(), JOB_KINDS, { budgetMs: TIMER_BUDGET_MS }));
    } catch (err) {
      return toEnvelope(err, 'export', 'timer');
    }
  }
  return routed(event, context);
}
