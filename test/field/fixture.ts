/**
 * A tiny bank for the field-workflow tests, written through the real database client: two branches, a
 * group with two grids (with boundaries) in the first, one grid in the second, and one staff member per
 * role inside branch 1 plus outsiders in branch 2.
 */
import { makeCreditCode, makeOrganizationCode } from '../../shared/domain/credit-code.rules';
import { maskMobile } from '../../shared/domain/mask.rules';
import { hashPi, sealPi } from '../../server/pi';
import type { LocalCloudHandle } from '../helpers/local-cloud';
import { storagePath } from '../../shared/domain/storage-path.rules';

export const U = { bank: 'u-bank', br1: 'u-br1', g1: 'u-g1', gr1: 'u-gr1', gr2: 'u-gr2', br2: 'u-br2', g2: 'u-g2', gr3: 'u-gr3' } as const;

/** Squares of 0.05° around 兴化 (GCJ-02); points well inside each are given below. */
export const BOUNDARY = {
  gr1: [[119.8, 32.9], [119.85, 32.9], [119.85, 32.95], [119.8, 32.95]] as [number, number][],
  gr2: [[119.85, 32.9], [119.9, 32.9], [119.9, 32.95], [119.85, 32.95]] as [number, number][],
  gr3: [[119.9, 32.9], [119.95, 32.9], [119.95, 32.95], [119.9, 32.95]] as [number, number][],
};
export const IN = { gr1: { lng: 119.825, lat: 32.925 }, gr2: { lng: 119.875, lat: 32.925 }, gr3: { lng: 119.925, lat: 32.925 }, nowhere: { lng: 120.2, lat: 33.2 } };

/** One openid per role in branch 1, and outsiders in branch 2. */
export const O = {
  hq: 'o-hq',
  branch: 'o-branch',
  leader: 'o-leader',
  member: 'o-member',
  marketing: 'o-marketing',
  maintenance: 'o-maintenance',
  branch2: 'o-branch2',
  marketing2: 'o-marketing2',
  maintenance2: 'o-maintenance2',
} as const;

export const S = {
  hq: 's-hq',
  branch: 's-branch',
  leader: 's-leader',
  member: 's-member',
  marketing: 's-marketing',
  maintenance: 's-maintenance',
  branch2: 's-branch2',
  marketing2: 's-marketing2',
  maintenance2: 's-maintenance2',
} as const;

const T0 = new Date('2025-07-01T02:00:00Z');

function unit(id: string, kind: string, name: string, parentPath: string[], area: string | null, boundary?: [number, number][]) {
  return { _id: id, kind, name, parentId: parentPath[parentPath.length - 1] ?? null, unitPath: [...parentPath, id], area, ...(boundary ? { boundary } : {}), createdAt: T0, updatedAt: T0 };
}

let mobileSeq = 0;
function staff(id: string, openid: string, role: string, unitId: string, unitPath: string[], gridIds: string[], name: string) {
  const mobile = `139${String(10000000 + ++mobileSeq).slice(-8)}`;
  return { _id: id, name, role, unitId, unitPath, gridIds, extraUnitIds: [], mobile: sealPi(mobile, maskMobile), openid, bindCodeHash: null, bindCodeExpiresAt: null, status: 'active', createdAt: T0, updatedAt: T0 };
}

/** The storage of the bank last seeded, where `photo` uploads. */
let storage: LocalCloudHandle['cloud']['storage'] | null = null;

/** Writes the tiny bank. */
export async function seedFixture(local: LocalCloudHandle): Promise<void> {
  storage = local.cloud.storage;
  const db = local.cloud.database();
  const b = [U.bank];
  const br1 = [U.bank, U.br1];
  const g1 = [...br1, U.g1];
  const br2 = [U.bank, U.br2];
  const g2 = [...br2, U.g2];
  const units = [
    unit(U.bank, 'bank', '兴化农商银行', [], null),
    unit(U.br1, 'branch', '城北支行', b, 'city'),
    unit(U.g1, 'group', '城北一组', br1, 'city'),
    unit(U.gr1, 'grid', '城北1号网格', g1, 'city', BOUNDARY.gr1),
    unit(U.gr2, 'grid', '城北2号网格', g1, 'city', BOUNDARY.gr2),
    unit(U.br2, 'branch', '戴南支行', b, 'township'),
    unit(U.g2, 'group', '戴南一组', br2, 'township'),
    unit(U.gr3, 'grid', '戴南1号网格', g2, 'township', BOUNDARY.gr3),
  ];
  for (const u of units) await db.collection('units').add({ data: u });
  const people = [
    staff(S.hq, O.hq, 'hq', U.bank, [U.bank], [], '王总'),
    staff(S.branch, O.branch, 'branch', U.br1, br1, [], '李行长'),
    staff(S.leader, O.leader, 'leader', U.g1, g1, [], '张组长'),
    staff(S.member, O.member, 'member', U.gr1, [...g1, U.gr1], [U.gr1], '赵网格'),
    staff(S.marketing, O.marketing, 'marketing', U.br1, br1, [U.gr1], '钱营销'),
    staff(S.maintenance, O.maintenance, 'maintenance', U.br1, br1, [U.gr1], '孙维护'),
    staff(S.branch2, O.branch2, 'branch', U.br2, br2, [], '周行长'),
    staff(S.marketing2, O.marketing2, 'marketing', U.br2, br2, [U.gr3], '吴营销'),
    staff(S.maintenance2, O.maintenance2, 'maintenance', U.br2, br2, [U.gr3], '郑维护'),
  ];
  for (const p of people) await db.collection('staff').add({ data: p });
}

/**
 * Collection sizes, to prove a call wrote nothing. The audit of lookups by personal data (`pi-probe`) is
 * left out: a lookup is recorded even when the call it served is refused (docs/security.md).
 */
export async function counts(local: LocalCloudHandle, names = ['merchants', 'merchantHistory', 'visits', 'tasks', 'staff', 'staffHistory', 'units', 'markets', 'wechatGroups', 'auditLog']): Promise<Record<string, number>> {
  const db = local.cloud.database();
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (await (n === 'auditLog' ? db.collection(n).where({ action: db.command.neq('pi-probe') }) : db.collection(n)).count()).total;
  return out;
}

/**
 * Calls action `name` ('fn.action') as `openid` with an event aimed outside the caller's scope, checks that no
 * document of `collections` was written and that `secret` (planted in the outside records) did not come back,
 * and returns the answer for the caller's own checks.
 */
export async function callOutsideScope(local: LocalCloudHandle, name: string, event: Record<string, unknown>, openid: string, collections: string[], secret: string): Promise<any> {
  const [fn, action] = name.split('.');
  const before = await counts(local, collections);
  const res = await local.call(fn, { action, ...event }, openid);
  expect(await counts(local, collections)).toEqual(before);
  expect(JSON.stringify(res)).not.toContain(secret);
  return res;
}

let seq = 0;
/** A fresh client-made id (UUID-like, unique within the run). */
export function uid(prefix = 'id'): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${seq.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A few bytes standing for a picture. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

/** Uploads a picture into `kind`/…/`staffId`/ of the seeded bank's storage and returns its file id. */
export function uploadPhoto(staffId: string, kind: 'merchants' | 'visits' = 'merchants'): string {
  const path = storagePath(kind, staffId, 'jpg', uid('p'));
  return storage ? storage.upload(path, JPEG) : `cloud://local.bucket/${path}`;
}

/** A storefront photo stamped now at `at`, by `staffId`, uploaded by them into their own folder. */
export function photo(staffId: string, at = IN.gr1, kind: 'merchants' | 'visits' = 'merchants') {
  return { fileId: uploadPhoto(staffId, kind), takenAt: new Date().toISOString(), location: at, staffId };
}

/** A valid ID number (GB 11643) for the tests. */
export { makeIdNumber } from '../../shared/domain/id-number.rules';

let licenceN = 0;
/** A fresh valid unified social credit code (GB 32100): an individual business (92) in 兴化 (321281). */
export function creditCode(): string {
  licenceN += 1;
  return makeCreditCode(`92321281${makeOrganizationCode(`MA${String(100000 + licenceN).slice(-6)}`)}`);
}

let mobileN = 0;
/** A fresh valid mobile number. */
export function mobile(): string {
  mobileN += 1;
  return `138${String(mobileN * 7919 + 10000000).slice(-8)}`;
}

/** A complete merchant file in grid 1 (as the marketing assistant would send it). */
export function completeFile(staffId: string, over: Record<string, unknown> = {}) {
  return {
    id: uid('m'),
    name: `老王家常菜${uid('n').slice(-6)}`,
    gridId: U.gr1,
    location: IN.gr1,
    address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: '18号', text: '兴化市昭阳街道英武路18号' },
    industry: '62',
    operator: { name: '王大明', mobile: mobile() },
    photos: [photo(staffId)],
    products: [{ product: 'acquiring', bank: 'other', otherBank: 'icbc', status: 'active' }],
    ...over,
  };
}

export { hashPi };
