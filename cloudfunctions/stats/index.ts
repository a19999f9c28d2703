/** Cloud function `stats`: dashboards, workload, targets, the assessment panel, and the nightly roll-up reconciliation. */
import { createMain, getDb, toEnvelope } from '../../server';
import { ok } from '../../shared/envelope';
import { addDays } from '../../shared/domain/period.rules';
import { chinaDay } from '../../server';
import { isTimerCall } from '../../server/trigger';
import { dashboard } from './actions/dashboard.action';
import { panel } from './actions/panel.action';
import { rebuild } from './actions/rebuild.action';
import { reconcile } from './actions/reconcile.action';
import { setTarget } from './actions/set-target.action';
import { workload } from './actions/workload.action';
import { runReconciliation } from './stats.jobs';

const routed = createMain({ dashboard, workload, setTarget, panel, reconcile, rebuild }, 'stats');

/**
 * The timer trigger (config.json) reconciles yesterday. Only the platform's word makes a call the timer's
 * (isTimerCall); an event merely shaped like a timer (`{ Type: 'Timer' }`) goes through the router like
 * any call and is refused there. Head office runs the same job with the `reconcile` action.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      const db = getDb();
      const day = addDays(chinaDay(new Date()), -1);
      const res = await runReconciliation(db, { from: day, to: day }, null, new Date());
      return ok({ jobId: res.jobId, differences: res.differences.length });
    } catch (err) {
      return toEnvelope(err, 'stats', 'timer');
    }
  }
  return routed(event, context);
}
