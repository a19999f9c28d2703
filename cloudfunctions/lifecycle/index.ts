/** Cloud function `lifecycle`: merchant classes, lists as to-do lists, class history, thresholds, 去营销. */
import { isTimerCall } from '../../server/trigger';
import { chinaDay, createMain, getDb, toEnvelope } from '../../server';
import { ok } from '../../shared/envelope';
import { goMarket, startMarketing } from './actions/go-market.action';
import { history } from './actions/history.action';
import { list } from './actions/list.action';
import { reclassify } from './actions/reclassify.action';
import { getSettings, updateSettings } from './actions/settings.action';
import { reclassifyMerchants } from './lifecycle.service';

const routed = createMain({ reclassify, list, history, getSettings, updateSettings, goMarket, startMarketing }, 'lifecycle');

/**
 * The daily timer (config.json) reclassifies every merchant as of today; only the platform's word makes
 * a call the timer's (isTimerCall), never the event body. Head office runs the same job with `reclassify`.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      const res = await reclassifyMerchants(getDb(), { asOf: chinaDay(new Date()) });
      return ok(res);
    } catch (err) {
      return toEnvelope(err, 'lifecycle', 'timer');
    }
  }
  return routed(event, context);
}
