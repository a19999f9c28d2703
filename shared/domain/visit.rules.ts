/**
 * Visits (走访, docs/domain.md §5): their types, the distance flag and the due days of the tasks they open.
 *
 * Why: every contact with a merchant is a visit record, and workload (§7) counts them by type with
 * flagged ones apart. A visit far from the merchant is still accepted (GPS drifts indoors, a shop
 * may have moved) but flagged for the grid leader to review.
 */
import { CHECK_ITEMS, checksProblem, type CheckOutcome } from './check.rules';
import { addDays, chinaDay } from './period.rules';
import type { Role } from './roles';
import { DEFAULT_SETTINGS, type Settings } from './settings.defaults';

export const VISIT_TYPES = ['filing', 'marketing', 'revisit', 'maintenance'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export const VISIT_TYPE_LABELS: Record<VisitType, string> = {
  filing: '建档',
  marketing: '营销',
  revisit: '回访',
  maintenance: '维护',
};

/** Outcomes of a marketing visit, for the pitch's next step. */
export const MARKETING_OUTCOMES = ['signed', 'interested', 'follow-up', 'declined'] as const;
export type MarketingOutcome = (typeof MARKETING_OUTCOMES)[number];

export const MARKETING_OUTCOME_LABELS: Record<MarketingOutcome, string> = {
  signed: '已签约',
  interested: '有意向',
  'follow-up': '待跟进',
  declined: '暂无意向',
};

/** Task kinds a visit or the lifecycle engine opens (data model `tasks.kind`). */
export const TASK_KINDS = ['check-followup', 'abnormal-visit', 'win-back', 'marketing'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * Who in a grid acts on a task of each kind, first choice first (docs/domain.md §5 and §6, the iron triangle): the
 * maintenance assistant fixes failed checks and visits abnormal merchants, the marketing assistant markets,
 * the grid member owns the relationship and wins lost merchants back.
 */
export const TASK_ASSIGNEE_ROLES: Record<TaskKind, readonly Role[]> = {
  'check-followup': ['maintenance'],
  'abnormal-visit': ['maintenance', 'member'],
  'win-back': ['member', 'marketing'],
  marketing: ['marketing', 'member'],
};

/** The staff member of a grid to assign a task of `kind` to (the staff given are that grid's, active), or null. */
export function taskAssignee<T extends { _id: string; role: Role }>(kind: TaskKind, gridStaff: readonly T[]): T | null {
  for (const role of TASK_ASSIGNEE_ROLES[kind]) {
    const found = [...gridStaff].filter((s) => s.role === role).sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))[0];
    if (found) return found;
  }
  return null;
}

/** True when `value` is a visit type code. */
export function isVisitType(value: unknown): value is VisitType {
  return typeof value === 'string' && (VISIT_TYPES as readonly string[]).includes(value);
}

/**
 * True when a visit must be flagged: farther than the radius from the merchant (strictly more, so
 * exactly 200 m passes), or with no distance at all (no fix, or a merchant without a location),
 * which cannot prove the visit happened on site.
 */
export function isFlagged(distanceM: number | null | undefined, radiusM: number = DEFAULT_SETTINGS.visitRadiusM): boolean {
  if (typeof distanceM !== 'number' || !Number.isFinite(distanceM) || distanceM < 0) return true;
  return distanceM > radiusM;
}

/** True when a visit of this type must carry the six checks (only a revisit does). */
export function needsChecks(type: VisitType): boolean {
  return type === 'revisit';
}

/**
 * Why the checks of a visit don't fit its type, or null: a revisit records all six checks; other
 * types carry none (a maintenance visit fixes things, a later revisit verifies them).
 */
export function visitChecksProblem(type: VisitType, checks: readonly CheckOutcome[] | null | undefined): string | null {
  if (needsChecks(type)) return checksProblem(checks);
  if (checks && checks.length > 0) return `只有回访需要填写${CHECK_ITEMS.length}个必查项`;
  return null;
}

/** The day a task opened on `day` (or at an instant) falls due, by its kind's setting. */
export function taskDueDay(kind: TaskKind, opened: string | Date, settings: Settings = DEFAULT_SETTINGS): string {
  const day = typeof opened === 'string' ? opened : chinaDay(opened);
  const dueDays: Record<TaskKind, number> = {
    'check-followup': settings.followUpDueDays,
    'abnormal-visit': settings.abnormalVisitDueDays,
    'win-back': settings.winBackDueDays,
    marketing: settings.marketingDueDays,
  };
  return addDays(day, dueDays[kind]);
}

/** The due day of a six-check follow-up opened by a revisit on `day` (settings: followUpDueDays). */
export function followUpDueDay(opened: string | Date, settings: Settings = DEFAULT_SETTINGS): string {
  return taskDueDay('check-followup', opened, settings);
}

/** True when an open task is overdue on `today` (a task due today is not yet overdue). */
export function isOverdue(dueDay: string, today: string): boolean {
  return today > dueDay;
}
