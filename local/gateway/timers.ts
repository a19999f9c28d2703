import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloud } from '../runtime';

/**
 * Timer triggers in local mode: the `triggers` of each function's config.json fire as on CloudBase, with
 * CloudBase's 7-field cron (second minute hour day month weekday year), the timer event
 * `{ Type: 'Timer', TriggerName, Time, Message }`, no WeChat caller, and the invocation source the
 * platform reports for a timer (SOURCE `wx_trigger`, TRIGGER_SRC=timer): functions trust that, never
 * the event body.
 *
 * The cron syntax is CloudBase's documented one (WeChat cloud development guide, 定时触发器; the same
 * table at tencentcloudbase.github.io/2019-09-03-cloudfunction-timingtrigger): integers, `,` `-` `*` `/`,
 * months also as JAN–DEC. Where those documents disagree or say nothing, an expression that could mean
 * two things is refused rather than guessed:
 *   - weekday numbers: one version reads 0 as Monday, another (and SCF) as Sunday, so weekdays are
 *     accepted only as names, MON–SUN;
 *   - a day of month and a weekday both restricted: standard cron ORs them, others AND them; refused;
 *   - `?`, `L`, `W`, `#` (SCF extensions the CloudBase table does not list): refused.
 *
 * Time zone: the documents do not say in which zone the fields are read. The scheduler reads them in
 * China time (UTC+8, `utcOffsetMinutes` 480) by default; the jobs must not depend on it. Ours take their
 * dates from the China calendar when they run (chinaDay(now)), never from the firing hour, so a 02:30 or
 * 03:00 read as UTC (10:30 or 11:00 in China) does the same work on the same day.
 */

export interface TimerTrigger {
  fn: string;
  name: string;
  cron: string;
}

type FieldSpec = { name: string; min: number; max: number; names?: string[] };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Weekday names in Date.getUTCDay() order (SUN = 0). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'weekday', min: 0, max: 6, names: WEEKDAYS },
  { name: 'year', min: 1970, max: 2099 },
];
/** China time, the zone the scheduler reads crons in unless told otherwise. */
export const CHINA_UTC_OFFSET_MINUTES = 8 * 60;

/** A compiled cron expression: whether a given instant (to the second) matches. */
export type CronMatcher = (at: Date) => boolean;

/** Compiles a CloudBase 7-field cron expression read at `utcOffsetMinutes`; throws naming the field that is wrong. */
export function compileCron(expr: string, utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES): CronMatcher {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 7) throw new Error(`cron "${expr}" must have 7 fields (second minute hour day month weekday year)`);
  const sets = parts.map((part, i) => parseField(part, FIELDS[i], i, expr));
  if (sets[3] !== null && sets[5] !== null) {
    throw new Error(`cron "${expr}": a day of month and a weekday together are read differently by different cron dialects; restrict one of them`);
  }
  const offsetMs = utcOffsetMinutes * 60_000;
  return (at) => {
    const d = new Date(at.getTime() + offsetMs);
    const values = [d.getUTCSeconds(), d.getUTCMinutes(), d.getUTCHours(), d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCFullYear()];
    return values.every((v, i) => sets[i] === null || sets[i]!.has(v));
  };
}

function parseField(part: string, spec: FieldSpec, index: number, expr: string): Set<number> | null {
  const where = `cron "${expr}": field ${index + 1} (${spec.name}, "${part}")`;
  if (part === '*') return null;
  const out = new Set<number>();
  const value = (token: string): number => {
    const upper = token.toUpperCase();
    if (spec.names?.includes(upper)) return spec.names.indexOf(upper) + (spec.name === 'month' ? 1 : 0);
    if (spec.name === 'weekday') throw new Error(`${where}: write weekdays as MON–SUN; CloudBase's documents number them from Monday in one place and from Sunday in another`);
    if (!/^\d+$/.test(token)) throw new Error(`${where} is not understood (CloudBase takes numbers, names, and , - * /)`);
    return Number(token);
  };
  for (const item of part.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`${where} is not understood (CloudBase takes numbers, names, and , - * /)`);
    const from = m[1] === '*' ? spec.min : value(m[1]);
    const to = m[2] !== undefined ? value(m[2]) : m[1] === '*' || m[3] !== undefined ? spec.max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < spec.min || to > spec.max || from > to || step < 1) throw new Error(`${where} is out of range ${spec.min}–${spec.max}`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The timer triggers declared in the config.json of every function under `functionsRoot`. */
export function findTimerTriggers(functionsRoot: string): TimerTrigger[] {
  const found: TimerTrigger[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(functionsRoot);
  } catch {
    return found;
  }
  for (const fn of names.sort()) {
    let config: any;
    try {
      config = JSON.parse(readFileSync(join(functionsRoot, fn, 'config.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const t of Array.isArray(config?.triggers) ? config.triggers : []) {
      if (t?.type === 'timer' && typeof t.name === 'string' && typeof t.config === 'string') found.push({ fn, name: t.name, cron: t.config });
    }
  }
  return found;
}

export interface TimerScheduler {
  triggers: TimerTrigger[];
  /** Fires every trigger whose cron matches `at` (the scheduler calls this each second). */
  tick(at: Date): Promise<void>;
  stop(): void;
}

/**
 * Fires the timer triggers of the cloud's functions. `start: false` leaves the clock to the caller
 * (tests call tick). A trigger whose previous run is still going is skipped, as one instance at a time.
 */
export function startTimers(
  cloud: LocalCloud,
  options: { start?: boolean; log?: (line: Record<string, unknown>) => void; utcOffsetMinutes?: number } = {},
): TimerScheduler {
  const log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const triggers = findTimerTriggers(cloud.functionsRoot);
  const compiled = triggers.map((t) => {
    try {
      return { ...t, matches: compileCron(t.cron, options.utcOffsetMinutes) };
    } catch (err) {
      throw new Error(`function ${t.fn}, timer ${t.name}: ${(err as Error).message}`);
    }
  });
  const running = new Set<string>();
  let last = Math.floor(Date.now() / 1000);

  const tick = async (at: Date): Promise<void> => {
    const due = compiled.filter((t) => t.matches(at) && !running.has(`${t.fn}/${t.name}`));
    await Promise.all(
      due.map(async (t) => {
        const key = `${t.fn}/${t.name}`;
        running.add(key);
        const t0 = Date.now();
        try {
          const event = { Type: 'Timer', TriggerName: t.name, Time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: '' };
          const { result, requests, depth } = await cloud.callDetailed(t.fn, event, { source: 'timer' });
          const ok = result && typeof result === 'object' && 'ok' in result ? (result as { ok: unknown }).ok : null;
          log({ time: new Date().toISOString(), level: 'info', msg: 'timer', fn: t.fn, trigger: t.name, ok, ms: Date.now() - t0, requests, depth });
        } catch (err) {
          log({ time: new Date().toISOString(), level: 'error', msg: 'timer failed', fn: t.fn, trigger: t.name, error: String(err) });
        } finally {
          running.delete(key);
        }
      }),
    );
  };

  let interval: NodeJS.Timeout | null = null;
  if (options.start !== false && compiled.length) {
    interval = setInterval(() => {
      // Visit every second since the last check, so a busy event loop does not skip a trigger.
      const now = Math.floor(Date.now() / 1000);
      for (let s = Math.max(last + 1, now - 60); s <= now; s += 1) void tick(new Date(s * 1000));
      last = now;
    }, 1000);
    interval.unref();
  }
  return {
    triggers,
    tick,
    stop() {
      if (interval) clearInterval(interval);
      interval = null;
    },
  };
}
