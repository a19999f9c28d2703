/** Cloud function `metrics`: the dashboard, workload, targets (set, and read against the actual figures), and the nightly roll-up reconciliation. */
import { createMain, getDb, toEnvelope } from '../../server';
import { ok } from '../../shared/envelope';
import { addDays, chinaDay, chinaMinuteOfDay } from '../../shared/domain/period.rules';
import { isTimerCall } from '../../server/trigger';
import { dashboard } from './actions/dashboard.action';
import { targets } from './actions/targets.action';
import { rebuild } from './actions/rebuild.action';
import { reconcile } from './actions/reconcile.action';
import { setTarget } from './actions/set-target.action';
import { workload } from './actions/workload.action';
import { rollupMaintenance } from '../../server/rollup';
import { continueStaleJobs, runReconciliation } from './metrics.jobs';
import { getDoc } from '../../server/db';

const routed = createMain({ dashboard, workload, setTarget, targets, reconcile, rebuild }, 'metrics');

/** China-time minute of the day from which the timer reconciles yesterday (02:30, after the day has closed). */
export const RECONCILE_FROM_MINUTE = 2 * 60 + 30;

/**
 * The one timer (config.json; CloudBase allows one trigger per function) fires every minute: the roll-up
 * maintenance (deltas the writers left unfolded, pruning, retired generations) and any roll-up job whose
 * call ended before it was done; from 02:30 China time, once a day, a reconciliation of yesterday (its job
 * id is the day). Only the platform's word makes a call the timer's (isTimerCall); an event merely shaped
 * like a timer (`{ Type: 'Timer' }`) goes through the router like any call and is refused there. Head
 * office runs the same reconciliation with the `reconcile` action.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      const db = getDb();
      const now = new Date();
      const day = addDays(chinaDay(now), -1);
      const jobId = `reconcile-${day}`;
      if (chinaMinuteOfDay(now) >= RECONCILE_FROM_MINUTE && !(await getDoc(db, 'jobs', jobId))) {
        const res = await runReconciliation(db, { from: day, to: day }, null, now, undefined, jobId);
        return ok({ jobId: res.jobId, status: res.status, differences: res.differences.length });
      }
      const res = await rollupMaintenance(db);
      const continued = await continueStaleJobs(db);
      return ok({ ...res, continued });
    } catch (err) {
      return toEnvelope(err, 'metrics', 'timer');
    }
  }
  return routed(event, context);
}
