/**
 * Closed and moved merchants (docs/domain.md §3): a shop that closes, leaves the bank's area, is merged into
 * another file or was filed by mistake is archived with a reason and a day, and may be reopened later.
 *
 * Why days and not a flag: figures are dated. From the day it is archived a merchant leaves the filed counts
 * and every coverage denominator, yet a report for an earlier day still counts it; a merchant reopened on a
 * later day counts again from that day. So the file keeps every closed stretch (`closures`), and the metrics
 * (metrics.rules.ts) cut the merchant's presence by them.
 */
import type { Role } from './roles';
import type { Day } from './period.rules';

export const ARCHIVE_REASONS = ['closed', 'moved-away', 'merged', 'filed-by-mistake'] as const;
export type ArchiveReason = (typeof ARCHIVE_REASONS)[number];

export const ARCHIVE_REASON_LABELS: Record<ArchiveReason, string> = {
  closed: '已停业',
  'moved-away': '已迁出本行区域',
  merged: '已与其他档案合并',
  'filed-by-mistake': '误建档',
};

/** Who archives and reopens: the grid's leader or above (§3), within their scope. Field staff see the state. */
export const ARCHIVE_ROLES: readonly Role[] = ['hq', 'branch', 'leader'];

/** A closed stretch of days [from, to): archived on `from`, reopened on `to` (null while archived). */
export interface Closure {
  from: Day;
  to: Day | null;
}

/** The current archive of a file (null or absent when it is open). */
export interface MerchantArchive {
  reason: ArchiveReason;
  day: Day;
  note?: string | null;
  byStaffId: string;
  at: Date | string;
}

/** The closed stretches of a file, empty ones (reopened the day they began) dropped. */
export function closuresOf(m: { closures?: readonly Closure[] | null }): Closure[] {
  return (m.closures ?? []).filter((c) => c.to === null || c.to > c.from);
}

/** True when the merchant is archived on `day` (a report for that day leaves it out). */
export function isArchivedOn(m: { closures?: readonly Closure[] | null }, day: Day): boolean {
  return closuresOf(m).some((c) => c.from <= day && (c.to === null || c.to > day));
}

/**
 * Why a merchant cannot be archived on `day`, or null: not in the future (an archive records what has
 * happened), not before the file was recorded, and not before the day it was last reopened (closed
 * stretches never overlap, so each day is counted or not, once).
 */
export function archiveDayProblem(day: Day, facts: { createdDay: Day | null; lastReopenedDay: Day | null; today: Day }): string | null {
  if (day > facts.today) return '停业/迁出日期不能晚于今天';
  if (facts.createdDay && day < facts.createdDay) return `停业/迁出日期不能早于建档日期 ${facts.createdDay}`;
  if (facts.lastReopenedDay && day < facts.lastReopenedDay) return `停业/迁出日期不能早于上次恢复营业日期 ${facts.lastReopenedDay}`;
  return null;
}

/** Why a merchant archived on `archivedDay` cannot be reopened on `day`, or null (the same day undoes the archive). */
export function reopenDayProblem(day: Day, facts: { archivedDay: Day; today: Day }): string | null {
  if (day > facts.today) return '恢复日期不能晚于今天';
  if (day < facts.archivedDay) return `恢复日期不能早于停业/迁出日期 ${facts.archivedDay}`;
  return null;
}
