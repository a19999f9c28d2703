import type { MarketView, UnitView, WechatGroupList, WechatGroupView } from '../../shared/contracts/org.contract';
import type { Role } from '../../shared/domain/roles';
import {
  type ActionContext,
  type AuditAction,
  type Db,
  type StaffChange,
  type StaffDoc,
  type UnitDoc,
  assertInScope,
  auditLog,
  forbidden,
  isInScope,
  fieldError,
  getDoc,
  inTransaction,
  iso,
  loadUnits,
  notFound,
  recordStaffChange,
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
const HOME_KINDS: Record<Role, UnitDoc['kind'][]> = {
  hq: ['bank'],
  branch: ['branch'],
  leader: ['group'],
  member: ['grid', 'group', 'branch'],
  marketing: ['grid', 'group', 'branch'],
  maintenance: ['grid', 'group', 'branch'],
};

/**
 * Checks a staff assignment: the home unit's kind fits the role, and every assigned grid is a grid in the
 * same branch as the home unit ("定格、定员": a grid's named staff come from its branch).
 */
export async function checkAssignment(ctx: ActionContext, role: Role, unitId: string, gridIds: string[], extraUnitIds: string[] = []): Promise<UnitDoc> {
  const units = await loadUnits(ctx.db, [unitId, ...gridIds, ...extraUnitIds]);
  const home = units.get(unitId);
  if (!home) throw fieldError('unitId', '单元不存在', 'UNIT.NOT_FOUND');
  assertUnitManaged(ctx, home, 'unitId');
  gridIds.forEach((g, i) => {
    const grid = units.get(g);
    if (grid) assertUnitManaged(ctx, grid, `gridIds.${i}`);
  });
  if (!HOME_KINDS[role].includes(home.kind)) throw fieldError('unitId', `角色 ${role} 不能归属于 ${home.kind} 单元`, 'STAFF.ROLE_UNIT_MISMATCH');
  if (role === 'hq' && gridIds.length) throw fieldError('gridIds', '总行人员不分配网格', 'STAFF.GRIDS_NOT_ALLOWED');
  gridIds.forEach((g, i) => {
    const grid = units.get(g);
    if (!grid || grid.kind !== 'grid') throw fieldError(`gridIds.${i}`, '网格不存在', 'UNIT.NOT_FOUND');
    if (home.kind !== 'bank' && grid.unitPath[1] !== home.unitPath[1]) throw fieldError(`gridIds.${i}`, '网格不在该人员所属支行', 'STAFF.GRID_OUTSIDE_BRANCH');
  });
  extraUnitIds.forEach((u, i) => {
    if (!units.has(u)) throw fieldError(`extraUnitIds.${i}`, '单元不存在', 'UNIT.NOT_FOUND');
  });
  return home;
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
    const staff = await getDoc<StaffDoc>(tx, 'staff', staffId);
    if (!staff) throw notFound('人员', 'STAFF.NOT_FOUND');
    await assertStaffInScope(ctx, staff);
    assertManages(ctx, staff);
    const decided = decide(staff);
    // Nothing to change (a retried move, role or grid change): nothing written, the record answered.
    if (!decided) return staff;
    const { patch, before, after } = decided;
    await tx.collection('staff').doc(staffId).update({ data: { ...patch, updatedAt: ctx.now } });
    await recordStaffChange(tx, { staffId, change, before, after, by: ctx.caller, at: ctx.now, reason });
    if (audit) await auditLog(tx, ctx.caller, audit, { collection: 'staff', id: staffId }, { change, before, after, ...(reason ? { reason } : {}) }, ctx.now);
    return { ...staff, ...patch, updatedAt: ctx.now } as StaffDoc;
  });
  return updated;
}

export { staffView };

/** A staff member is in scope when their home unit is, or one of their assigned grids is. */
export async function assertStaffInScope(ctx: ActionContext, staff: Pick<StaffDoc, 'unitPath' | 'gridIds'>): Promise<void> {
  if (isInScope(ctx.caller, staff.unitPath)) return;
  const grids = await loadUnits(ctx.db, staff.gridIds ?? []);
  if ([...grids.values()].some((g) => isInScope(ctx.caller, g.unitPath))) return;
  throw forbidden();
}
