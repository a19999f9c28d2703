/** Cloud function `lifecycle`: merchant classes, lists as to-do lists, class history, thresholds, 去营销. */
import { callerOpenid } from '../../server/db';
import { chinaDay, createMain, getDb, toEnvelope } from '../../server';
import { resumeJobs } from '../../server/jobs/runner';
import { ok } from '../../shared/envelope';
import { goMarket, startMarketing } from './actions/go-market.action';
import { history } from './actions/history.action';
import { list } from './actions/list.action';
import { reclassify, reclassifyJobStatus } from './actions/reclassify.action';
import { getSettings, updateSettings } from './actions/settings.action';
import { JOB_KINDS, TIMER_BUDGET_MS, reclassifyView, startReclassification } from './lifecycle.jobs';

const routed = createMain({ reclassify, job: reclassifyJobStatus, list, history, getSettings, updateSettings, goMarket, startMarketing }, 'lifecycle');

/**
 * Timers (config.json): `reclassify-daily` starts the day's reclassification of every merchant as a job
 * (one per day: its id is the day) and runs it for up to 40 s; `jobs-continue` (every minute) runs any
 * unfinished or abandoned job on. User calls go through the router.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (event && event.Type === 'Timer' && !callerOpenid()) {
    try {
      const db = getDb();
      if (event.TriggerName === 'jobs-continue') return ok(await resumeJobs(db, JOB_KINDS, { budgetMs: TIMER_BUDGET_MS }));
      const now = new Date();
      const asOf = chinaDay(now);
      const job = await startReclassification(db, { id: `reclassify-${asOf}`, asOf, byStaffId: null, now, budgetMs: TIMER_BUDGET_MS });
      return ok(reclassifyView(job));
    } catch (err) {
      return toEnvelope(err, 'lifecycle', 'timer');
    }
  }
  return routed(event, context);
}
