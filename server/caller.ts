import type { StaffPlace } from '../shared/domain/roles';
import { mayUseConsole } from '../shared/domain/console.rules';
import type { SealedValue } from './pi';
import { AppError } from './errors';
import { type Db, getDoc } from './db';

/** A staff document (collection `staff`, data-model "Organisation"). */
export interface StaffDoc extends StaffPlace {
  _id: string;
  mobile: SealedValue | null;
  openid: string | null;
  bindCodeHash: string | null;
  bindCodeExpiresAt: Date | null;
  status: 'active' | 'disabled';
  privacyAcceptedAt?: Date | null;
  /** the custom-login user id of the person's console sign-in on CloudBase (server/console-login.ts), once made */
  consoleUserId?: string | null;
  privacyVersion?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The resolved caller of one request: who they are and which unit subtrees they may see. */
export interface Caller extends StaffPlace {
  staffId: string;
  /** 'all' for head office; otherwise the unit ids whose subtrees the caller may read and change. */
  scope: 'all' | string[];
  openid: string;
  staff: StaffDoc;
}

/**
 * Domain §2: hq sees everything; branch its branch, leader its group, field roles their assigned grids
 * (and their home unit when that is a grid); head office may add extra units explicitly.
 */
export function computeScope(staff: Pick<StaffDoc, 'role' | 'unitId' | 'gridIds' | 'extraUnitIds'>, homeUnitIsGrid: boolean): Caller['scope'] {
  if (staff.role === 'hq') return 'all';
  const units = new Set<string>([...(staff.gridIds ?? []), ...(staff.extraUnitIds ?? [])]);
  if (staff.role === 'branch' || staff.role === 'leader' || homeUnitIsGrid) units.add(staff.unitId);
  return [...units];
}

/** Finds the active staff member bound to this OPENID, or throws UNAUTHENTICATED. */
export async function resolveCaller(db: Db, openid: string): Promise<Caller> {
  if (!openid) throw new AppError('UNAUTHENTICATED', '未登录', { reason: 'USER.NO_OPENID' });
  const res = await db.collection('staff').where({ openid }).limit(2).get();
  const staff = (res.data as StaffDoc[]).find((s) => s.status === 'active');
  if (!staff) {
    const disabled = res.data.length > 0;
    throw new AppError('UNAUTHENTICATED', disabled ? '账号已停用' : '尚未绑定员工账号', { reason: disabled ? 'USER.DISABLED' : 'USER.NOT_BOUND' });
  }
  return callerFromStaff(db, staff, openid);
}

/**
 * Finds the staff member a CloudBase custom login stands for (the console in the browser, signed in by a
 * ticket the mini program confirmed; server/console-login.ts) and builds the same caller as for their OPENID:
 * the same scope and role. The console is for head office and branch roles only, so a login of a person
 * since moved to another role is refused (CONSOLE.ROLE_NOT_ALLOWED), as is one of a person disabled or
 * unbound since (their console session ends with their mini program access).
 */
export async function resolveCustomLoginCaller(db: Db, customUserId: string): Promise<Caller> {
  if (!customUserId) throw new AppError('UNAUTHENTICATED', '未登录', { reason: 'USER.NO_OPENID' });
  const res = await db.collection('staff').where({ consoleUserId: customUserId }).limit(2).get();
  const found = res.data as StaffDoc[];
  const staff = found.find((s) => s.status === 'active' && !!s.openid);
  if (!staff) {
    const disabled = found.some((s) => s.status !== 'active');
    throw new AppError('UNAUTHENTICATED', disabled ? '账号已停用' : '尚未绑定员工账号', { reason: disabled ? 'USER.DISABLED' : 'USER.NOT_BOUND' });
  }
  if (!mayUseConsole(staff.role)) {
    throw new AppError('FORBIDDEN', '控制台仅供总行和支行人员使用，请在小程序里办理', { reason: 'CONSOLE.ROLE_NOT_ALLOWED' });
  }
  return callerFromStaff(db, staff, staff.openid!);
}

/** A unit never changes kind, so an instance remembers kinds it has read. */
const unitKinds = new Map<string, string | null>();

async function unitKind(db: Db, unitId: string): Promise<string | null> {
  if (unitKinds.has(unitId)) return unitKinds.get(unitId) ?? null;
  const unit = await getDoc<{ kind: string }>(db, 'units', unitId);
  if (unitKinds.size > 10000) unitKinds.clear();
  if (unit) unitKinds.set(unitId, unit.kind);
  return unit?.kind ?? null;
}

/** Where a staff record stands, its lists never missing (records written before a list existed lack it). */
export function staffPlace(s: StaffPlace): StaffPlace {
  return { name: s.name, role: s.role, unitId: s.unitId, unitPath: s.unitPath ?? [], gridIds: s.gridIds ?? [], extraUnitIds: s.extraUnitIds ?? [] };
}

/** Builds the caller of a staff record (also used right after binding). */
export async function callerFromStaff(db: Db, staff: StaffDoc, openid: string): Promise<Caller> {
  let homeUnitIsGrid = false;
  if (staff.role !== 'hq' && staff.role !== 'branch' && staff.role !== 'leader' && !(staff.gridIds ?? []).includes(staff.unitId)) {
    homeUnitIsGrid = (await unitKind(db, staff.unitId)) === 'grid';
  }
  return {
    staffId: staff._id,
    ...staffPlace(staff),
    scope: computeScope(staff, homeUnitIsGrid),
    openid,
    staff,
  };
}
