import type { Role } from '../shared/domain/roles';
import { CALENDAR_SETTINGS_ID, type Settings, resolveSettings } from '../shared/domain/settings.rules';
import type { Db } from './db';
import { getDoc } from './db';
import { bankDay, isDayKey } from '../shared/domain/period.rules';

/**
 * The settings the field workflow reads (head office edits them in `settings/global`; these are the code
 * defaults beneath). Conventions: "configuration in one settings document, defaults in code".
 */
export interface FieldSettings extends Settings {
  /** Same shop name within this distance is a probable duplicate (docs/domain.md §3: ~50 m). */
  duplicateRadiusM: number;
  /** Hours a one-time binding code stays valid. */
  bindCodeTtlHours: number;
  /** Wrong binding codes tolerated per OPENID before RATE_LIMITED. */
  bindMaxWrongTries: number;
  /** How long the lock lasts after too many wrong codes. */
  bindLockMinutes: number;
  /** Roles entitled to the full personal-information view (audited). */
  piRevealRoles: Role[];
  /** Lookups by personal data (duplicate checks, filings matching a mobile) per person per day. */
  piProbesPerDay: number;
  /** Wrong binding codes bank-wide per hour before every bind waits for the next hour. */
  bindMaxWrongPerHour: number;
}

/** Field-workflow defaults beside the shared ones (visit radius, due days and lifecycle live in shared/). */
export const FIELD_SETTING_DEFAULTS = {
  duplicateRadiusM: 50,
  bindCodeTtlHours: 72,
  bindMaxWrongTries: 5,
  bindLockMinutes: 30,
  piRevealRoles: ['hq', 'branch', 'leader', 'member'] as Role[],
  // A filer checks a handful of files a day; 100 keeps the 10,000 completions of a masked mobile
  // (138****1234) 100 days of one person's quota away.
  piProbesPerDay: 100,
  // An 8-character code of 31 symbols is ~8.5e11 guesses; 60 an hour bank-wide keeps a guess across rotating
  // OPENIDs below one in a million a year per outstanding code.
  bindMaxWrongPerHour: 60,
};

/**
 * Loads `settings/global` over the code defaults (shared defaults first, then the field ones, then the
 * document). Read once per call (`ctx.settings()`), so a head-office edit applies to the next call.
 */
export async function loadSettings(db: Db): Promise<FieldSettings> {
  return readSettings(db);
}

async function readSettings(db: Db): Promise<FieldSettings> {
  const doc = await getDoc<Record<string, unknown>>(db, 'settings', 'global');
  const field: Record<string, unknown> = { ...FIELD_SETTING_DEFAULTS };
  for (const key of Object.keys(FIELD_SETTING_DEFAULTS) as (keyof typeof FIELD_SETTING_DEFAULTS)[]) {
    const v = doc?.[key];
    // A stored value replaces the default only when it has the default's type (a hand edit never breaks calls).
    if (Array.isArray(FIELD_SETTING_DEFAULTS[key]) ? Array.isArray(v) : typeof v === typeof FIELD_SETTING_DEFAULTS[key] && (typeof v !== 'number' || (Number.isFinite(v) && v > 0))) field[key] = v;
  }
  return { ...(field as typeof FIELD_SETTING_DEFAULTS), ...resolveSettings(doc) };
}

/** The bank's fixed as-of day, or null for a bank whose records run to today (no document, or no valid day). */
export async function loadAsOfDay(db: Db): Promise<string | null> {
  const doc = await getDoc<{ asOfDay?: unknown }>(db, 'settings', CALENDAR_SETTINGS_ID);
  return isDayKey(doc?.asOfDay) ? doc.asOfDay : null;
}

/** The day the bank works as of at `now` (bankDay: today, or its fixed as-of day when earlier). */
export async function loadBankDay(db: Db, now: Date): Promise<string> {
  return bankDay(await loadAsOfDay(db), now);
}
