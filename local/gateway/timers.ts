import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloud } from '../runtime';

/**
 * Timer triggers in local mode: the `triggers` of each function's config.json fire as on CloudBase,
 * with CloudBase's 7-field cron (second minute hour day month weekday year) read in China time
 * (UTC+8) and the timer event `{ Type: 'Timer', TriggerName, Time, Message }`, with no WeChat caller.
 */

export interface TimerTrigger {
  fn: string;
  name: string;
  cron: string;
}

type FieldSpec = { min: number; max: number };
// second, minute, hour, day of month, month, day of week (0 = Sunday; 7 also Sunday), year
const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 7 },
  { min: 1970, max: 2099 },
];
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** A compiled cron expression: whether a given instant (to the second) matches. */
export type CronMatcher = (at: Date) => boolean;

/** Compiles a CloudBase 7-field cron expression; throws naming the field that is wrong. */
export function compileCron(expr: string): CronMatcher {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 7) throw new Error(`cron "${expr}" must have 7 fields (second minute hour day month weekday year)`);
  const sets = parts.map((part, i) => parseField(part, FIELDS[i], i, expr));
  return (at) => {
    // CloudBase reads timer crons in China time.
    const d = new Date(at.getTime() + CHINA_OFFSET_MS);
    const weekday = d.getUTCDay();
    const values = [d.getUTCSeconds(), d.getUTCMinutes(), d.getUTCHours(), d.getUTCDate(), d.getUTCMonth() + 1, weekday, d.getUTCFullYear()];
    return values.every((v, i) => sets[i] === null || sets[i]!.has(v) || (i === 5 && v === 0 && sets[i]!.has(7)));
  };
}

function parseField(part: string, spec: FieldSpec, index: number, expr: string): Set<number> | null {
  if (part === '*' || part === '?') return null;
  const out = new Set<number>();
  for (const item of part.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`cron "${expr}": field ${index + 1} ("${part}") is not understood`);
    const from = m[1] === '*' ? spec.min : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? spec.max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < spec.min || to > spec.max || from > to || step < 1) throw new Error(`cron "${expr}": field ${index + 1} ("${part}") is out of range ${spec.min}–${spec.max}`);
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
export function startTimers(cloud: LocalCloud, options: { start?: boolean; log?: (line: Record<string, unknown>) => void } = {}): TimerScheduler {
  const log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const triggers = findTimerTriggers(cloud.functionsRoot);
  const compiled = triggers.map((t) => ({ ...t, matches: compileCron(t.cron) }));
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
          const result = await cloud.call(t.fn, { Type: 'Timer', TriggerName: t.name, Time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: '' });
          const ok = result && typeof result === 'object' && 'ok' in result ? (result as { ok: unknown }).ok : null;
          log({ time: new Date().toISOString(), level: 'info', msg: 'timer', fn: t.fn, trigger: t.name, ok, ms: Date.now() - t0 });
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
