/**
 * Manual placement (手动定格, docs/domain.md §2): a merchant filed with a grid the user picked because
 * the filing had no GPS fix, or its fix lies outside every grid boundary. The grid leader reviews it:
 * confirms the grid or moves the merchant to another one.
 */
export const PLACEMENT_REASONS = ['no-fix', 'outside-boundary'] as const;
export type PlacementReason = (typeof PLACEMENT_REASONS)[number];

export const PLACEMENT_STATUSES = ['pending', 'confirmed', 'moved'] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];

export const PLACEMENT_DECISIONS = ['confirm', 'move'] as const;
export type PlacementDecision = (typeof PLACEMENT_DECISIONS)[number];

/**
 * Why a filing with a picked grid is a manual placement, or null when its fix lies inside a boundary (the
 * boundary placed it; a different picked grid is refused before this). `boundaryGridId`: the grid whose
 * boundary contains the fix, if any.
 */
export function manualPlacementReason(hasFix: boolean, boundaryGridId: string | null): PlacementReason | null {
  if (!hasFix) return 'no-fix';
  return boundaryGridId ? null : 'outside-boundary';
}

export const PLACEMENT_REASON_LABELS: Record<PlacementReason, string> = {
  'no-fix': '未能定位',
  'outside-boundary': '位置不在任何网格边界内',
};

export const PLACEMENT_STATUS_LABELS: Record<PlacementStatus, string> = {
  pending: '待网格长确认',
  confirmed: '已确认',
  moved: '已调整网格',
};
