import type { Role } from '../shared/domain/roles';
import type { Db } from './db';
import { getDoc } from './db';

/**
 * The settings the field workflow reads (head office edits them in `settings/global`; these are the code
 * defaults beneath). Conventions: "configuration in one settings document, defaults in code".
 */
export interface FieldSettings {
  /** A visit farther than this from the merchant's recorded location is flagged (domain §5: 200 m). */
  visitRadiusM: number;
  /** Days a failed six-check follow-up task has before it is due. */
  followUpDueDays: number;
  /** Same shop name within this distance is a probable duplicate (domain §3: ~50 m). */
  duplicateRadiusM: number;
  /** Hours a one-time binding code stays valid. */
  bindCodeTtlHours: number;
  /** Wrong binding codes tolerated per OPENID before RATE_LIMITED. */
  bindMaxWrongTries: number;
  /** How long the lock lasts after too many wrong codes. */
  bindLockMinutes: number;
  /** Roles entitled to the full personal-information view (audited). */
  piRevealRoles: Role[];
  [key: string]: unknown;
}

export const FIELD_SETTING_DEFAULTS: FieldSettings = {
  visitRadiusM: 200,
  followUpDueDays: 7,
  duplicateRadiusM: 50,
  bindCodeTtlHours: 72,
  bindMaxWrongTries: 5,
  bindLockMinutes: 30,
  piRevealRoles: ['hq', 'branch', 'leader', 'member'],
};

/** Loads `settings/global` over the code defaults (shared defaults first, then the field ones, then the document). */
export async function loadSettings(db: Db): Promise<FieldSettings> {
  const doc = await getDoc<Record<string, unknown>>(db, 'settings', 'global');
  const merged: Record<string, unknown> = { ...sharedDefaults(), ...FIELD_SETTING_DEFAULTS };
  if (doc) {
    for (const [k, v] of Object.entries(doc)) if (k !== '_id' && v !== undefined && v !== null) merged[k] = v;
  }
  return merged as FieldSettings;
}

/** The head-office defaults from shared/ (thresholds of other parts live there too). */
function sharedDefaults(): Record<string, unknown> {
  return {};
}
