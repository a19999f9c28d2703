/** Cloud function `import` (head office): acquiring transactions, credit and deposit balances from the bank's systems. */
import { createMain, getDb, toEnvelope } from '../../server';
import { chinaDay } from '../../shared/domain/period.rules';
import { isTimerCall } from '../../server/trigger';
import { driveImport, unfinishedImports } from '../../server/jobs/import-run';
import { ok } from '../../shared/envelope';
import { continueImport, discard, get, list } from './actions/get.action';
import { start } from './actions/start.action';

const routed = createMain({ start, get, list, continue: continueImport, discard }, 'import');

/**
 * A timer trigger (config.json) goes on with unfinished imports that no page is watching: each gets the
 * next steps of its job, one invocation's budget in all. Only the platform's word makes a call the
 * timer's (isTimerCall); an event merely shaped like a timer goes through the router like any call.
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      const db = getDb();
      const started = Date.now();
      const today = chinaDay(new Date());
      let driven = 0;
      for (const job of await unfinishedImports(db)) {
        if (Date.now() - started > 20_000) break;
        if (await driveImport(db, job._id, { today, budgetMs: 10_000 })) driven++;
      }
      return ok({ driven });
    } catch (err) {
      return toEnvelope(err, 'import', 'timer');
    }
  }
  return routed(event, context);
}
