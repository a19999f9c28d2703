/** Cloud function `lifecycle`: merchant classes, lists as to-do lists, class history, thresholds, 去营销. */
import { isTimerCall } from '../../server/trigger';
import { createMain, getDb, loadBankDay, toEnvelope } from '../../server';
import { chinaMinuteOfDay } from '../../shared/domain/period.rules';
import { getJob, resumeJobs } from '../../server/jobs/runner';
import { ok } from '../../shared/envelope';
import { goMarket, startMarketing } from './actions/go-market.action';
import { history } from './actions/history.action';
import { list } from './actions/list.action';
import { reclassify, reclassifyJobStatus } from './actions/reclassify.action';
import { getSettings, updateSettings } from './actions/settings.action';
import { REMINDER_FROM_HOUR } from '../../shared/domain/reminder.rules';
import { startSearchKeysBackfill } from '../../server/search-keys';
import { pruneQuotaCounters } from '../../server/quota';
import { JOB_KINDS, TIMER_BUDGET_MS, reclassifyView, startReclassification, startReminders } from './lifecycle.jobs';

const routed = createMain({ reclassify, job: reclassifyJobStatus, list, history, getSettings, updateSettings, goMarket, startMarketing }, 'lifecycle');

/** The China-time hour from which the timer starts the day's reclassification (after the nightly imports). */
export const RECLASSIFY_FROM_HOUR = 3;

/**
 * The one timer (config.json; CloudBase allows one trigger per function) fires every minute. From 03:00
 * China time it starts the day's reclassification of every merchant once (the job's id is the day); every
 * From 08:00 it starts the day's reminders once (`reminders-<day>`: tasks due tomorrow, overdue since today,
 * the leaders' digest; server/jobs/reminders.ts). Both run as of the bank's day (loadBankDay: today, or a
 * demo bank's fixed as-of day). Every other minute it runs any unfinished or abandoned job on. Only the platform's word makes a call the
 * timer's (isTimerCall), never the event body; head office starts the same job with `reclassify`. Before all
 * of these, once per shape of search keys, it backfills the files' `searchKeys` (server/search-keys.ts). First
 * of all, every minute, it removes the rate-limit counters no longer counting (`quotas`: a console's or an
 * address's sign-in tickets a day after their last take, a person's lookups after three days; at most
 * 1,000 a minute, server/quota.ts `pruneQuotaCounters`).
 */
export async function main(event: any, context?: unknown): Promise<unknown> {
  if (isTimerCall()) {
    try {
      const db = getDb();
      const now = new Date();
      // Rate-limit counters no longer counting go first: two index reads a minute, whatever runs after.
      await pruneQuotaCounters(db, now);
      // The bank's day: today, or a demo bank's fixed last day of data (settings/calendar), so the nightly
      // run never classifies the months after its data as idle.
      // Files written before their search keys existed get them once, before anything else (a deployed bank has
      // no `npm start` to backfill them); afterwards this is one read of the finished job a minute.
      const backfill = await startSearchKeysBackfill(db, TIMER_BUDGET_MS);
      // A bank whose files carry their keys (the mark says so) reads nothing: the minute goes on to the rest.
      if (backfill && backfill.read > 0) return ok(backfill);
      const asOf = await loadBankDay(db, now);
      const id = `reclassify-${asOf}`;
      if (chinaMinuteOfDay(now) >= RECLASSIFY_FROM_HOUR * 60 && !(await getJob(db, id))) {
        const job = await startReclassification(db, { id, asOf, byStaffId: null, now, budgetMs: TIMER_BUDGET_MS });
        return ok(reclassifyView(job));
      }
      if (chinaMinuteOfDay(now) >= REMINDER_FROM_HOUR * 60 && !(await getJob(db, `reminders-${asOf}`))) {
        const job = await startReminders(db, asOf, TIMER_BUDGET_MS);
        return ok({ jobId: job._id, status: job.status, state: job.state });
      }
      return ok(await resumeJobs(db, JOB_KINDS, { budgetMs: TIMER_BUDGET_MS }));
    } catch (err) {
      return toEnvelope(err, 'lifecycle', 'timer');
    }
  }
  return routed(event, context);
}
