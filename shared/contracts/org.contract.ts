/** Contract of the `org` function: the unit tree, markets, WeChat groups and staff management. */
import { z } from 'zod';
import { MAX_POLYGON_POINTS, polygonProblem } from '../domain/geo.rules';
import type { Role } from '../domain/roles';
import { clientIdSchema, idSchema, isPointInChina, mobileSchema, optionalText, pagingShape, roleSchema, text } from './common.contract';

/** A boundary ring of GCJ-02 `[lng, lat]` points inside China (polygon rules of shared/domain/geo.rules). */
export const boundarySchema = z
  .array(
    z
      .tuple([z.number().refine(Number.isFinite, '经度无效'), z.number().refine(Number.isFinite, '纬度无效')], { error: '需要 [经度, 纬度]' })
      .refine(([lng, lat]) => isPointInChina(lng, lat), '坐标不在中国境内（需 GCJ-02 经纬度）'),
    { error: '需要坐标点列表' },
  )
  .min(3, '边界至少 3 个点')
  .max(MAX_POLYGON_POINTS + 1, `边界最多 ${MAX_POLYGON_POINTS} 个点`)
  .superRefine((ring, ctx) => {
    const problem = polygonProblem(ring);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const unitKindSchema = z.enum(['bank', 'branch', 'group', 'grid'], { error: '单元类型应为 bank/branch/group/grid' });

export const listUnitsInput = z.strictObject({ parentId: idSchema.optional(), kind: unitKindSchema.optional() });
export const getUnitInput = z.strictObject({ unitId: idSchema });
export const createUnitInput = z.strictObject({
  kind: z.enum(['branch', 'group', 'grid'], { error: '只能新建 branch/group/grid' }),
  name: text(40, '名称'),
  code: text(32, '编码').optional(),
  parentId: idSchema,
  /** Branches only: city (城区) or township (乡镇); lower units inherit it. */
  area: z.enum(['city', 'township'], { error: '区域应为 city/township' }).optional(),
  township: text(40, '乡镇').optional(),
  boundary: boundarySchema.optional(),
});
export const updateUnitInput = z.strictObject({
  unitId: idSchema,
  name: text(40, '名称').optional(),
  code: text(32, '编码').optional(),
  township: text(40, '乡镇').optional(),
  /** Grids only; null removes the boundary. */
  boundary: boundarySchema.nullable().optional(),
});

/** `previewBoundary` / `saveBoundary` (head office): a grid's new boundary, checked and its merchant moves listed. */
export const boundaryEditInput = z.strictObject({ unitId: idSchema, boundary: boundarySchema });

/** `withCoverage`: each market's merchants and those of them acquiring with the bank (its coverage). */
export const listMarketsInput = z.strictObject({ unitId: idSchema.optional(), withCoverage: z.boolean({ error: '需要 true/false' }).optional() });
export const createMarketInput = z.strictObject({ name: text(40, '商圈名称'), branchId: idSchema, gridIds: z.array(idSchema).max(50, '最多 50 个网格').default([]) });
export const updateMarketInput = z.strictObject({ marketId: idSchema, name: text(40, '商圈名称').optional(), gridIds: z.array(idSchema).max(50, '最多 50 个网格').optional() });
export const listWechatGroupsInput = z.strictObject({ gridId: idSchema });
/** `id` (a client UUID, optional) makes a retried create answer the first group instead of adding a second. */
export const createWechatGroupInput = z.strictObject({ name: text(60, '群名称'), gridId: idSchema, id: clientIdSchema.optional() });
export const renameWechatGroupInput = z.strictObject({ groupId: idSchema, name: text(60, '群名称') });

const gridIdsSchema = z.array(idSchema, { error: '需要网格 id 列表' }).max(50, '最多 50 个网格');
const reason = optionalText(200);

export const createStaffInput = z.strictObject({
  name: text(20, '姓名'),
  role: roleSchema,
  unitId: idSchema,
  gridIds: gridIdsSchema.default([]),
  extraUnitIds: z.array(idSchema).max(50, '最多 50 个单元').default([]),
  mobile: mobileSchema,
  /** a client UUID: a retried create answers the staff member the first call made (with a fresh code) */
  id: clientIdSchema.optional(),
});
export const staffIdInput = z.strictObject({ staffId: idSchema, reason });
export const moveStaffInput = z.strictObject({ staffId: idSchema, unitId: idSchema, reason });
export const assignGridsInput = z.strictObject({ staffId: idSchema, gridIds: gridIdsSchema, reason });
export const changeRoleInput = z.strictObject({ staffId: idSchema, role: roleSchema, reason });
export const setExtraScopeInput = z.strictObject({ staffId: idSchema, unitIds: z.array(idSchema).max(50, '最多 50 个单元'), reason });
export const listStaffInput = z.strictObject({
  unitId: idSchema.optional(),
  role: roleSchema.optional(),
  status: z.enum(['active', 'disabled'], { error: '状态应为 active/disabled' }).optional(),
  ...pagingShape,
});
export const getStaffInput = z.strictObject({ staffId: idSchema });

export interface UnitView {
  id: string;
  kind: 'bank' | 'branch' | 'group' | 'grid';
  name: string;
  code: string | null;
  parentId: string | null;
  unitPath: string[];
  area: 'city' | 'township' | null;
  township: string | null;
  boundary: [number, number][] | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** One merchant a boundary edit moves. */
export interface BoundaryMoveView {
  merchantId: string;
  merchantName: string;
  fromGridId: string;
  fromGridName: string;
  toGridId: string;
  toGridName: string;
}

/** `previewBoundary`: the merchants that would change grid (refusals are errors naming the point). */
export interface BoundaryPreview {
  unitId: string;
  moves: BoundaryMoveView[];
}

/** `saveBoundary`: the grid with its new boundary and the merchants transferred. */
export interface BoundarySaved {
  unit: UnitView;
  moves: BoundaryMoveView[];
}

export interface MarketView {
  id: string;
  name: string;
  branchId: string;
  unitPath: string[];
  gridIds: string[];
  /** listMarkets with `withCoverage`: the merchants assigned to the market, and those acquiring (covered) */
  merchantCount?: number;
  coveredCount?: number;
}

export interface WechatGroupView {
  id: string;
  name: string;
  gridId: string;
  unitPath: string[];
  /** merchants of the grid in this group (listWechatGroups and getUnit of a grid) */
  merchantCount?: number;
}

/** `listWechatGroups`: the grid's groups with their member counts, and the grid's merchants in none. */
export interface WechatGroupList {
  items: WechatGroupView[];
  ungrouped: number;
}

export interface StaffOut {
  id: string;
  name: string;
  role: Role;
  unitId: string;
  unitPath: string[];
  gridIds: string[];
  extraUnitIds: string[];
  /** masked (138****1234) */
  mobile: string | null;
  isBound: boolean;
  status: 'active' | 'disabled';
  bindCodeExpiresAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** `createStaff` and `issueBindCode`: the one-time code is returned once and stored only as a hash. */
export interface BindCodeOutput {
  staff: StaffOut;
  bindCode: string;
  bindCodeExpiresAt: string;
  /** the code as a QR image (PNG data URL) holding the sign-in page with the code, shown once like the code */
  bindCodeQr: string;
}

export interface StaffHistoryEntry {
  change: string;
  before: unknown;
  after: unknown;
  byStaffId: string | null;
  at: string | null;
  reason: string | null;
}

/** `getStaff`: a staff member's page (workload figures come from `metrics.workload` with the staffId). */
export interface StaffDetail {
  staff: StaffOut;
  grids: { id: string; name: string }[];
  /** tasks assigned to them and still open: the count, and the soonest due (at most 20) */
  openTasks: { total: number; items: { id: string; kind: string; merchantId: string; gridId: string | null; dueDay: string | null }[] };
  history: StaffHistoryEntry[];
}
