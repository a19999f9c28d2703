/** Contract of the `org` function: the unit tree, markets, WeChat groups and staff management. */
import { z } from 'zod';
import { MAX_POLYGON_POINTS, polygonProblem } from '../domain/geo.rules';
import type { Role, StaffPlace } from '../domain/roles';
import { AUDIT_ACTIONS, type AuditActionKey, MAX_AUDIT_RANGE_DAYS } from '../domain/audit.rules';
import { MAX_STAFF_IMPORT_BYTES, MAX_STAFF_IMPORT_ROWS } from '../domain/staff-import.rules';
import { clientIdSchema, fileIdSchema, idSchema, isPointInChina, mobileSchema, optionalText, pagingShape, roleSchema, text } from './common.contract';
import { dayRangeProblem, daySchema } from './date.contract';

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
  /** the beginning of a name (a surname, or the whole name): read on the name index, in scope */
  q: z.string({ error: '搜索内容应为文字' }).trim().min(1, { error: '请输入姓名' }).max(20, { error: '姓名最多20个字' }).optional(),
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
  /** listMarkets: each grid's name (in the order of `gridIds`), so a member sees the names of grids outside its scope */
  gridNames?: string[];
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

export interface StaffOut extends StaffPlace {
  id: string;
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

/* ---------- Bulk staff onboarding (人员批量导入) ---------- */

/** One data row as text cells, numbered as the user sees it in the file (header = row 1). */
export const staffImportRowSchema = z.strictObject({
  row: z.number({ error: '需要行号' }).int('行号需要整数').min(2, '行号从 2 开始（第 1 行为表头）').max(MAX_STAFF_IMPORT_ROWS + 1, '行号过大'),
  name: z.string({ error: '需要文本' }).max(100, '过长').default(''),
  mobile: z.string({ error: '需要文本' }).max(64, '过长').default(''),
  role: z.string({ error: '需要文本' }).max(32, '过长').default(''),
  unit: z.string({ error: '需要文本' }).max(100, '过长').default(''),
  grids: z.string({ error: '需要文本' }).max(2000, '过长').default(''),
});
export type StaffImportRowInput = z.output<typeof staffImportRowSchema>;

/**
 * `importStaff`: the spreadsheet as one of `fileId` (an upload of the caller's into `imports/`), `file`
 * (the XLSX or CSV bytes, base64) or `rows` (cells already read). `requestId` (a client UUID) keys the
 * file: a retry with it never creates anyone twice. `dryRun` checks every row and writes nothing.
 */
export const importStaffInput = z
  .strictObject({
    requestId: clientIdSchema,
    fileId: fileIdSchema.optional(),
    file: z
      .string({ error: '需要 base64 文本' })
      .max(Math.ceil((MAX_STAFF_IMPORT_BYTES * 4) / 3) + 4, `文件不能超过 ${MAX_STAFF_IMPORT_BYTES / 1024 / 1024} MB`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, '需要 base64 文本')
      .optional(),
    rows: z.array(staffImportRowSchema, { error: '需要行列表' }).min(1, '至少 1 行').max(MAX_STAFF_IMPORT_ROWS, `最多 ${MAX_STAFF_IMPORT_ROWS} 行`).optional(),
    dryRun: z.boolean({ error: '需要 true/false' }).default(false),
  })
  .superRefine((v, ctx) => {
    const given = [v.fileId, v.file, v.rows].filter((x) => x !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['fileId'], message: '需要且只需要 fileId、file、rows 之一' });
  });

/** `staffImportTemplate`: no input. */
export const staffImportTemplateInput = z.strictObject({});

/** One problem with one row: the row number, the column (`name`, `mobile`, `role`, `unit`, `grids`) and why. */
export interface StaffImportIssue {
  row: number;
  field: 'name' | 'mobile' | 'role' | 'unit' | 'grids' | 'file';
  message: string;
}

export interface StaffImportRowOut {
  row: number;
  name: string;
  /** masked (138****1234); null when the cell is not a mobile */
  mobile: string | null;
  role: Role | null;
  unitId: string | null;
  unitName: string | null;
  gridIds: string[];
  gridNames: string[];
  issues: StaffImportIssue[];
  /**
   * `invalid` (see issues), `ready` (a dry run: would be created), `created` (by this call), `existing`
   * (created by an earlier call with the same requestId; a fresh code when still unbound, none when bound)
   */
  status: 'invalid' | 'ready' | 'created' | 'existing';
  staffId: string | null;
  /** the one-time binding code, shown once (null once bound, or in a dry run) */
  bindCode: string | null;
  bindCodeExpiresAt: string | null;
  /** what the code's QR holds: the sign-in page with the code (draw it as a QR code to print) */
  bindUrl: string | null;
}

/** `importStaff`'s answer (a file with any invalid row is refused instead, with this report in `details.report`). */
export interface StaffImportReport {
  requestId: string;
  dryRun: boolean;
  total: number;
  valid: number;
  invalid: number;
  created: number;
  existing: number;
  rows: StaffImportRowOut[];
  issues: StaffImportIssue[];
}

/** `staffImportTemplate`: the template workbook (base64 XLSX) with the units the caller may assign. */
export interface StaffImportTemplate {
  fileName: string;
  contentType: string;
  base64: string;
}

/* ---------- The audit log ---------- */

export const auditActionSchema = z.enum(AUDIT_ACTIONS, { error: '未知的审计操作' });

const auditFilterShape = {
  /** who: the acting staff member */
  staffId: idSchema.optional(),
  /** what: one or more kinds of entry */
  actions: z.array(auditActionSchema, { error: '需要操作列表' }).max(AUDIT_ACTIONS.length, '操作过多').optional(),
  /** which record: its id (a merchant, a staff member, a unit…) */
  targetId: z.string({ error: '需要文本' }).min(1, '不能为空').max(128, '过长').optional(),
  /** a unit: entries of its people and records (inside the caller's scope) */
  unitId: idSchema.optional(),
  /** China days, both included */
  from: daySchema.optional(),
  to: daySchema.optional(),
};

const rangeCheck = (v: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (v.from && v.to) {
    const problem = dayRangeProblem(v.from, v.to, MAX_AUDIT_RANGE_DAYS);
    if (problem) ctx.addIssue({ code: 'custom', path: ['to'], message: problem });
  }
};

export const searchAuditInput = z.strictObject({ ...auditFilterShape, ...pagingShape }).superRefine(rangeCheck);
export const exportAuditInput = z.strictObject({ ...auditFilterShape, format: z.enum(['csv', 'xlsx'], { error: '格式应为 csv/xlsx' }).default('csv') }).superRefine(rangeCheck);

export interface AuditEntryOut {
  id: string;
  at: string;
  action: AuditActionKey;
  actionLabel: string;
  staffId: string | null;
  staffName: string | null;
  target: { collection: string; id: string; name: string | null };
  /** what the entry records (never personal information in clear) */
  detail: Record<string, unknown>;
}

/** `exportAudit`: the file (in storage) and a temporary link to it. */
export interface AuditExportOut {
  fileId: string;
  url: string | null;
  fileName: string;
  rows: number;
  /** true when more entries matched than one export holds (MAX_AUDIT_EXPORT_ROWS, newest kept) */
  truncated: boolean;
}
