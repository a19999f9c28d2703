/**
 * Announcements (通知, docs/domain.md §2): head office posts to the bank, a branch, a group or a grid; a branch
 * manager to its branch or anything under it. A staff member receives a notice when it was posted to a unit
 * above or at their home unit or one of their assigned grids.
 */
import type { Role } from './roles';

export const NOTICE_POSTER_ROLES: readonly Role[] = ['hq', 'branch'];

/** The units whose notices reach this staff member: every unit on the path of their home unit and grids. */
export function noticeAudienceUnits(homeUnitPath: readonly string[], gridPaths: readonly (readonly string[])[]): string[] {
  return [...new Set([...homeUnitPath, ...gridPaths.flat()])];
}

/** Whether a staff member (home unit path, assigned grid paths) is in the audience of a notice to `unitId`. */
export function receivesNotice(unitId: string, homeUnitPath: readonly string[], gridPaths: readonly (readonly string[])[]): boolean {
  return noticeAudienceUnits(homeUnitPath, gridPaths).includes(unitId);
}
