import type { Caller } from './caller';
import { type Db, getDoc } from './db';
import { AppError } from './errors';
import { auditLog } from './audit';
import { addDays, chinaDay, dayStart } from '../shared/domain/period.rules';

/** What a lookup by personal data probed: the kinds of value, never the values. */
export interface PiProbe {
  /** `merchant.checkDuplicate`, `merchant.create`, `merchant.update` */
  via: string;
  /** the kinds of value looked up (`mobile`, `licence`, `name`) */
  probes: string[];
  /** keyed hash of the mobile looked up, so repeated probes of candidates show in the audit log */
  mobileHash?: string | null;
  /** the file being checked, when there is one */
  merchantId?: string | null;
}

/**
 * Takes one lookup by personal data from the caller's daily quota (JR/T 0171-2020 §7.1.1, minimum
 * necessary: a lookup answers one filing, not a search of the bank). The caller audits the lookup. The counter is one
 * document per staff member (`quotas/pi-probe:<staffId>`), so no document is written by everyone; the day
 * is China time. Enumerating the 10,000 completions of a masked mobile (`178****6473`) then takes at
 * least 10,000 / `piProbesPerDay` days of one person's quota, every probe on the record.
 */
export async function takePiProbe(ctx: { db: Db; caller: Pick<Caller, 'staffId'>; now: Date; settings(): Promise<{ piProbesPerDay: number }> }): Promise<void> {
  const { db, caller, now } = ctx;
  const { piProbesPerDay: limit } = await ctx.settings();
  const id = `pi-probe:${caller.staffId}`;
  const today = chinaDay(now);
  const _ = db.command;
  // One round trip in the common case: count only while under the limit on today's counter.
  const res = await db.collection('quotas').where({ _id: id, day: today, count: _.lt(limit) }).update({ data: { count: _.inc(1), updatedAt: now } });
  if (res.stats.updated === 0) {
    const cur = await getDoc<{ day: string; count: number }>(db, 'quotas', id);
    if (cur && cur.day === today) {
      const retryAfter = dayStart(addDays(today, 1)).getTime();
      throw new AppError('RATE_LIMITED', `今日查重次数已用完（每人每天 ${limit} 次），请明天再试或联系管理员`, {
        reason: 'PI.PROBE_QUOTA',
        details: { limit, retryAfter: new Date(retryAfter).toISOString() },
      });
    }
    // A new day (or the first probe): start today's count. Two first probes racing may both write 1;
    // the quota then counts one short once a day, which does not change what it bounds.
    await db.collection('quotas').doc(id).set({ data: { staffId: caller.staffId, kind: 'pi-probe', day: today, count: 1, updatedAt: now } });
  }
}

/** Records one lookup by personal data and what it found (counts only), after it ran. */
export async function auditPiProbe(db: Db, caller: Pick<Caller, 'staffId'>, probe: PiProbe, found: { matches: number; inScope: number }, now: Date): Promise<void> {
  await auditLog(db, caller, 'pi-probe', { collection: 'merchants', id: probe.merchantId ?? '' }, {
    via: probe.via,
    probes: probe.probes,
    ...(probe.mobileHash ? { mobileHash: probe.mobileHash } : {}),
    matches: found.matches,
    inScope: found.inScope,
  }, now);
}

/**
 * Takes one from a per-minute counter (`quotas/<id>`, the minute as epoch minutes): answers null when
 * taken, or when the next minute starts when `limit` were already taken this minute. One round trip in the
 * common case, as `takePiProbe`; two first takes racing may both write 1 (the count is then one short once
 * a minute, which does not change what it bounds).
 */
export async function takeMinuteQuota(db: Db, id: string, kind: string, limit: number, now: Date): Promise<Date | null> {
  const minute = Math.floor(now.getTime() / 60_000);
  const _ = db.command;
  const res = await db.collection('quotas').where({ _id: id, minute, count: _.lt(limit) }).update({ data: { count: _.inc(1), updatedAt: now } });
  if (res.stats.updated > 0) return null;
  const cur = await getDoc<{ minute?: number; count?: number }>(db, 'quotas', id);
  if (cur && cur.minute === minute) return new Date((minute + 1) * 60_000);
  await db.collection('quotas').doc(id).set({ data: { kind, minute, count: 1, updatedAt: now } });
  return null;
}

/** How long a counter in `quotas` is kept after its last take, by kind: a minute's counter a day, a day's a few days. */
export const QUOTA_KEEP_MS: Readonly<Record<string, number>> = {
  'console-ticket': 24 * 3600_000,
  'pi-probe': 3 * 24 * 3600_000,
};

/** Counters removed per run at most (one `get` of at most this many, one `remove` by their ids). */
export const QUOTA_PRUNE_BATCH = 1000;

/**
 * Removes the counters in `quotas` last taken longer ago than their kind keeps them (QUOTA_KEEP_MS): every
 * console and every address that ever asked for a sign-in ticket leaves a counter, and a person's lookup
 * counter stays after they stop filing. Each kind is one read by the `kind_1_updatedAt_1` index and one
 * remove, at most QUOTA_PRUNE_BATCH counters a run in all, so the next run goes on with the rest. A counter
 * taken between the read and the remove is kept (the remove asks its age again); a removed counter is
 * started again at 1 by the next take, as a new minute or day is.
 */
export async function pruneQuotaCounters(db: Db, now: Date, batch = QUOTA_PRUNE_BATCH): Promise<{ pruned: number }> {
  const _ = db.command;
  let pruned = 0;
  for (const [kind, keepMs] of Object.entries(QUOTA_KEEP_MS)) {
    const left = batch - pruned;
    if (left <= 0) break;
    const cutoff = new Date(now.getTime() - keepMs);
    const old = await db.collection('quotas').where({ kind, updatedAt: _.lt(cutoff) }).field({ _id: true }).limit(left).get();
    const ids = (old.data as { _id: string }[]).map((d) => d._id);
    if (!ids.length) continue;
    const res = await db.collection('quotas').where({ _id: _.in(ids), kind, updatedAt: _.lt(cutoff) }).remove();
    pruned += res.stats.removed;
  }
  return { pruned };
}
