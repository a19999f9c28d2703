/** Cloud function `stats`: dashboards, workload, targets, the assessment panel, and the nightly roll-up reconciliation. */
import { createMain, getDb, toEnvelope } from '../../server';
import { ok } from '../../shared/envelope';
import { addDays } from '../../shared/domain/period.rules';
import { chinaDay } from '../../server';
import { callerOpenid } from '../../server/db';
import { dashboard } from './actions/dashboard.action';
import { panel } from './actions/panel.action';
import { rebuild } from './actions/rebuild.action';
import { reconcile } from './actions/reconcile.action';
import { setTarget } from './actions/set-target.action';
import { workload } from './actions/workload.action';
import { rollupMaintenance } from '../../server/rollup';
import { continueStaleJobs, runReconciliation } from './stats.jobs';

const routed = createMain({ dashboard, workload, setTarget, panel, reconcile, rebuild }, 'stats');

/** The minute trigger's name in config.json; any other timer is the nightly reconciliation. */
export const FOLD_TRIGGER = 'rollup-fold';

/**
 * Timer triggers (config.json): every minute, the roll-up maintenance (deltas the writers left unfolded,
 * pruning, retired generations) and any roll-up job whose call ended before it was done; at night, a
 * reconciliation of yesterday. Timer events carry no WeChat user; an event shaped like a timer but sent
 * by a user (an OPENID present) goes through the router like any call.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (event && event.Type === 'Timer' && !callerOpenid()) {
    try {
      const db = getDb();
      if (event.TriggerName === FOLD_TRIGGER) {
        const res = await rollupMaintenance(db);
        const continued = await continueStaleJobs(db);
        return ok({ ...res, continued });
      }
      const day = addDays(chinaDay(new Date()), -1);
      const res = await runReconciliation(db, { from: day, to: day }, null, new Date());
      return ok({ jobId: res.jobId, status: res.status, differences: res.differences.length });
    } catch (err) {
      return toEnvelope(err, 'stats', 'timer');
    }
  }
  return routed(event, context);
}
