import type { MarketView, UnitView, WechatGroupList, WechatGroupView } from '../../shared/contracts/org.contract';
import { maskMobile } from '../../shared/domain/mask.rules';
import type { Role, StaffPlace } from '../../shared/domain/roles';
import type { ErrorReason } from '../../shared/envelope';
import {
  type ActionContext,
  type AuditAction,
  type Db,
  type StaffChange,
  type StaffDoc,
  type Tx,
  type UnitDoc,
  assertInScope,
  auditLog,
  forbidden,
  isInScope,
  fieldError,
  getDoc,
  hashPi,
  inTransaction,
  iso,
  loadUnits,
  notFound,
  recordStaffChange,
  sealPi,
  staffView,
} from '../../server';

/** A unit as clients see it. */
export function unitView(u: UnitDoc): UnitView {
  return {
    id: u._id,
    kind: u.kind,
    name: u.name,
    code: u.code ?? null,
    parentId: u.parentId ?? null,
    unitPath: u.unitPath ?? [],
    area: u.area ?? null,
    township: u.township ?? null,
    boundary: u.boundary ?? null,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

export function marketView(m: any): MarketView {
  return { id: m._id, name: m.name, branchId: m.branchId, unitPath: m.unitPath ?? [], gridIds: m.gridIds ?? [] };
}

export function wechatGroupView(g: any): WechatGroupView {
  return { id: g._id, name: g.name, gridId: g.gridId, unitPath: g.unitPath ?? [] };
}

/**
 * A grid's WeChat groups with the merchants in each, and the grid's merchants in none: counts on the
 * grid's merchants (`gridId` leads several indexes of merchants; a grid holds a few hundred), all sent at once.
 */
export async function wechatGroupsWithCounts(db: Db, gridId: string): Promise<WechatGroupList> {
  const groups = (await db.collection('wechatGroups').where({ gridId }).limit(1000).get()).data;
  const [total, ...each] = await Promise.all([
    db.collection('merchants').where({ gridId }).count(),
    ...groups.map((g: { _id: string }) => db.collection('merchants').where({ gridId, wechatGroupId: g._id }).count()),
  ]);
  const items = groups.map((g: any, i: number) => ({ ...wechatGroupView(g), merchantCount: each[i].total }));
  items.sort((a: WechatGroupView, b: WechatGroupView) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { items, ungrouped: total.total - items.reduce((s: number, g: WechatGroupView) => s + (g.merchantCount ?? 0), 0) };
}

/** Loads a unit the caller may see, or NOT_FOUND / FORBIDDEN naming nothing outside scope. */
export async function loadUnitInScope(ctx: ActionContext, unitId: string, field = 'unitId'): Promise<UnitDoc> {
  const unit = await getDoc<UnitDoc>(ctx.db, 'units', unitId);
  if (!unit) throw fieldError(field, '单元不存在', 'UNIT.NOT_FOUND');
  assertInScope(ctx.caller, unit.unitPath);
  return unit;
}

/** The unit kinds a role's home unit may be (docs/domain.md §2: the level each role acts at). */
export const HOME_KINDS: Record<Role, UnitDoc['kind'][]> = {
  hq: ['bank'],
  branch: ['branch'],
  leader: ['group'],
  member: ['grid', 'group', 'branch'],
  marketing: ['grid', 'group', 'branch'],
  maintenance: ['grid', 'group', 'branch'],
};

/** One problem with a staff assignment: the field, why, and whether it is a scope refusal (FORBIDDEN). */
export interface AssignmentIssue {
  field: string;
  message: string;
  reason: ErrorReason;
  forbidden: boolean;
}

/**
 * Every problem with a staff assignment, in the order they are checked: the home unit exists and the
 * manager may assign it, the grids are the manager's, the home unit's kind fits the role, head office has
 * no grids, every grid is a grid in the home unit's branch ("定格、定员"), every extra unit exists.
 * `units` holds the units named (missing ones absent). Shared by `createStaff` and the bulk import.
 */
export function assignmentIssues(
  caller: Pick<ActionContext['caller'], 'role' | 'unitId'>,
  role: Role,
  unitId: string,
  gridIds: readonly string[],
  units: ReadonlyMap<string, Pick<UnitDoc, '_id' | 'kind' | 'unitPath'>>,
  extraUnitIds: readonly string[] = [],
): AssignmentIssue[] {
  const out: AssignmentIssue[] = [];
  const managed = (u: Pick<UnitDoc, 'unitPath'>) => caller.role === 'hq' || (u.unitPath ?? []).includes(caller.unitId);
  const home = units.get(unitId);
  if (!home) return [{ field: 'unitId', message: '单元不存在', reason: 'UNIT.NOT_FOUND', forbidden: false }];
  if (!managed(home)) out.push({ field: 'unitId', message: '超出您所在支行', reason: 'SCOPE.OUTSIDE', forbidden: true });
  gridIds.forEach((g, i) => {
    const grid = units.get(g);
    if (grid && !managed(grid)) out.push({ field: `gridIds.${i}`, message: '超出您所在支行', reason: 'SCOPE.OUTSIDE', forbidden: true });
  });
  if (!HOME_KINDS[role].includes(home.kind)) out.push({ field: 'unitId', message: `角色 ${role} 不能归属于 ${home.kind} 单元`, reason: 'STAFF.ROLE_UNIT_MISMATCH', forbidden: false });
  if (role === 'hq' && gridIds.length) out.push({ field: 'gridIds', message: '总行人员不分配网格', reason: 'STAFF.GRIDS_NOT_ALLOWED', forbidden: false });
  gridIds.forEach((g, i) => {
    const grid = units.get(g);
    if (!grid || grid.kind !== 'grid') out.push({ field: `gridIds.${i}`, message: '网格不存在', reason: 'UNIT.NOT_FOUND', forbidden: false });
    else if (home.kind !== 'bank' && grid.unitPath[1] !== home.unitPath[1]) out.push({ field: `gridIds.${i}`, message: '网格不在该人员所属支行', reason: 'STAFF.GRID_OUTSIDE_BRANCH', forbidden: false });
  });
  extraUnitIds.forEach((u, i) => {
    if (!units.has(u)) out.push({ field: `extraUnitIds.${i}`, message: '单元不存在', reason: 'UNIT.NOT_FOUND', forbidden: false });
  });
  return out;
}

/**
 * Checks a staff assignment (`assignmentIssues`) and throws its first problem: a scope refusal as
 * FORBIDDEN, any other as VALIDATION naming the field.
 */
export async function checkAssignment(ctx: ActionContext, role: Role, unitId: string, gridIds: string[], extraUnitIds: string[] = []): Promise<UnitDoc> {
  const units = await loadUnits(ctx.db, [unitId, ...gridIds, ...extraUnitIds]);
  const issues = assignmentIssues(ctx.caller, role, unitId, gridIds, units, extraUnitIds);
  const first = issues.find((i) => i.forbidden) ?? issues[0];
  if (first?.forbidden) throw forbidden(`${first.field}: ${first.message}`);
  if (first) throw fieldError(first.field, first.message, first.reason);
  return units.get(unitId)!;
}

/** Roles a branch manager may give and manage: those below its own (docs/security.md "People"). */
export const BRANCH_MANAGED_ROLES: readonly Role[] = ['leader', 'member', 'marketing', 'maintenance'];

/**
 * Who may manage people: head office everyone; a branch manager only staff whose home unit is in its own
 * branch and whose role is below its own. `role` is the role being given (create, change), if any.
 */
export function assertManages(ctx: ActionContext, staff: Pick<StaffDoc, 'unitPath' | 'role'> | null, role?: Role): void {
  if (ctx.caller.role === 'hq') return;
  const branchId = ctx.caller.unitId;
  if (staff && !(staff.unitPath ?? []).includes(branchId)) throw forbidden();
  if (staff && !BRANCH_MANAGED_ROLES.includes(staff.role)) throw forbidden('支行只能管理网格长及以下的人员', 'STAFF.ROLE_ABOVE_OWN');
  if (role && !BRANCH_MANAGED_ROLES.includes(role)) throw fieldError('role', '支行只能设置网格长及以下的角色', 'STAFF.ROLE_ABOVE_OWN');
}

/** A unit a branch manager assigns (home unit, grid) must be inside its own branch; head office any. */
export function assertUnitManaged(ctx: ActionContext, unit: Pick<UnitDoc, 'unitPath'>, field: string): void {
  if (ctx.caller.role === 'hq') return;
  if (!(unit.unitPath ?? []).includes(ctx.caller.unitId)) throw forbidden(`${field}: 超出您所在支行`);
}

/**
 * Applies one change to a staff record in a transaction: re-reads it, lets `decide` compute the patch,
 * writes it with its staffHistory entry and (when given) an audit record.
 */
export async function changeStaff(
  ctx: ActionContext,
  staffId: string,
  change: StaffChange,
  audit: AuditAction | null,
  decide: (s: StaffDoc) => { patch: Record<string, unknown>; before: unknown; after: unknown } | null,
  reason?: string,
): Promise<StaffDoc> {
  const updated = await inTransaction(ctx.db, async (tx) => {
    const staff = await loadManagedStaff(ctx, staffId, undefined, tx);
    const decided = decide(staff);
    // Nothing to change (a retried move, role or grid change): nothing written, the record answered.
    if (!decided) return staff;
    const { patch, before, after } = decided;
    await tx.collection('staff').doc(staffId).update({ data: { ...patch, updatedAt: ctx.now } });
    await recordStaffChange(tx, { staffId, change, before, after, by: ctx.caller, at: ctx.now, reason });
    if (audit) await auditLog(tx, ctx.caller, audit, { collection: 'staff', id: staffId }, { change, before, after, ...(reason ? { reason } : {}) }, ctx.now, [...(staff.unitPath ?? []), ...(((patch.unitPath as string[] | undefined) ?? []))]);
    return { ...staff, ...patch, updatedAt: ctx.now } as StaffDoc;
  });
  return updated;
}

export { staffView };

/**
 * The staff record `staffId` when the caller may manage it (in scope, and managed by the caller: see
 * `assertManages`, with `role` the role being given), read through `db` (a transaction's, to re-read it there).
 */
export async function loadManagedStaff(ctx: ActionContext, staffId: string, role?: Role, db: Db | Tx = ctx.db): Promise<StaffDoc> {
  const staff = await getDoc<StaffDoc>(db, 'staff', staffId);
  if (!staff) throw notFound('人员', 'STAFF.NOT_FOUND');
  await assertStaffInScope(ctx, staff);
  assertManages(ctx, staff, role);
  return staff;
}

/**
 * A new staff record, active and waiting to be bound with the one-time `code` (kept only as its keyed hash)
 * until `expiresAt`; its mobile sealed. No `openid` field until bound: the unique sparse index on openid
 * skips absent values.
 */
export function newStaffDoc(ctx: ActionContext, place: StaffPlace & { _id: string }, mobile: string, code: string, expiresAt: Date): StaffDoc & { createdBy: string } {
  return {
    ...place,
    mobile: sealPi(mobile, maskMobile),
    bindCodeHash: hashPi(`bindcode:${code}`),
    bindCodeExpiresAt: expiresAt,
    status: 'active',
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.caller.staffId,
  } as StaffDoc & { createdBy: string };
}

/** A staff member is in scope when their home unit is, or one of their assigned grids is. */
export async function assertStaffInScope(ctx: ActionContext, staff: Pick<StaffDoc, 'unitPath' | 'gridIds'>): Promise<void> {
  if (isInScope(ctx.caller, staff.unitPath)) return;
  const grids = await loadUnits(ctx.db, staff.gridIds ?? []);
  if ([...grids.values()].some((g) => isInScope(ctx.caller, g.unitPath))) return;
  throw forbidden();
}
