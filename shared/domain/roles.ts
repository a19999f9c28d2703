/** The six levels of the grid service (六级网格服务), top to bottom. */
export const ROLES = ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  hq: '总行',
  branch: '支行',
  leader: '网格长',
  member: '网格员',
  marketing: '营销助理',
  maintenance: '维护助理',
};

/**
 * Who may do what beyond their own work, one list each, read by the functions' actions and by the clients
 * that offer the action (the console's nav and buttons), so a client never offers what the function refuses.
 */
/** Import the bank's figures (the `import` function; 数据导入). */
export const IMPORT_ROLES: readonly Role[] = ['hq'];
/** Draw and edit grid boundaries (`org.previewBoundary`, `org.saveBoundary`). */
export const BOUNDARY_EDITOR_ROLES: readonly Role[] = ['hq'];
/** Create markets and change their grids (`org.createMarket`, `org.updateMarket`). */
export const MARKET_MANAGER_ROLES: readonly Role[] = ['hq', 'branch'];
/** Who runs a grid's merchant WeChat groups (create, rename): the grid member and those above it. */
export const WECHAT_GROUP_ROLES: readonly Role[] = ['hq', 'branch', 'leader', 'member'];
/** Export the grid report (the `export` function; 报表导出): head office, a branch for its own scope. */
export const EXPORT_ROLES: readonly Role[] = ['hq', 'branch'];
/** Review manual placements (`merchant.placements`, `merchant.reviewPlacement`): the grid leader and those above. */
export const PLACEMENT_REVIEWER_ROLES: readonly Role[] = ['hq', 'branch', 'leader'];
/** Read a unit's task board (`visit.tasks` with `scope: 'unit'`): leaders and above, members for their grids. */
export const TASK_BOARD_ROLES: readonly Role[] = ['hq', 'branch', 'leader', 'member'];

/** Whether `role` is one of `roles`. */
export function hasRole(role: Role, roles: readonly Role[]): boolean {
  return roles.includes(role);
}

/**
 * Where a staff member stands in the organisation (docs/domain.md §2): the record, the caller of a request and
 * the staff row a client sees all carry it, under the same names.
 */
export interface StaffPlace {
  name: string;
  role: Role;
  /** home unit */
  unitId: string;
  /** the home unit's ancestors and itself, top first */
  unitPath: string[];
  /** grids assigned beyond the home unit */
  gridIds: string[];
  /** units head office granted explicitly */
  extraUnitIds: string[];
}

/** Kinds of unit in the tree bank → branch → group (网格长's group) → grid. */
export const UNIT_KINDS = ['bank', 'branch', 'group', 'grid'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Branches (and everything under them) are city (城区) or township (乡镇). */
export const AREAS = ['city', 'township'] as const;
export type Area = (typeof AREAS)[number];
