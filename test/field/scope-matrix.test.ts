/**
 * Every action × the six roles × a target inside and outside the caller's scope: outside, nothing is
 * written and nothing of the outside records comes back (an error, or a list without them).
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { BOUNDARY, IN, O, S, U, callOutsideScope, completeFile, mobile, photo, seedFixture, uid } from './fixture';

const local = useLocalCloud();
const ROLES = ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'] as const;
const SECRET = 'OUTSIDE秘密';
const ALL = ['merchants', 'merchantHistory', 'visits', 'tasks', 'staff', 'staffHistory', 'units', 'markets', 'wechatGroups', 'auditLog', 'bindAttempts', 'notices', 'noticeReads'];

const db = () => local.cloud.database();
const T = new Date('2025-07-01T00:00:00Z');

/** A merchant written straight to the store in a grid (outside ones carry the secret in their name). */
async function merchantIn(grid: 'gr1' | 'gr3'): Promise<string> {
  const id = uid('m');
  const path = grid === 'gr1' ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3];
  const loc = IN[grid];
  await db().collection('merchants').add({
    data: {
      _id: id, name: grid === 'gr3' ? `${SECRET}${id}` : `内部${id}`, gridId: U[grid], unitPath: path, area: 'city', location: db().Geo.Point(loc.lng, loc.lat),
      isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, createdAt: T, updatedAt: T, createdBy: 'seed', version: 1,
    },
  });
  return id;
}

/** A merchant whose grid was picked by hand at filing, waiting for its leader's review. */
async function pendingPlacementIn(grid: 'gr1' | 'gr3'): Promise<string> {
  const id = await merchantIn(grid);
  await db().collection('merchants').doc(id).update({ data: { placement: { reason: 'no-fix', status: 'pending', gridId: U[grid], by: 'seed', at: T } } });
  return id;
}

async function taskIn(grid: 'gr1' | 'gr3', kind = 'marketing', extra: Record<string, unknown> = {}): Promise<string> {
  const id = uid('t');
  const path = grid === 'gr1' ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3];
  await db().collection('tasks').add({ data: { _id: id, kind, merchantId: await merchantIn(grid), gridId: U[grid], unitPath: path, assigneeId: null, dueDay: '2025-07-10', status: 'open', openedBy: { reason: 'test' }, createdAt: T, ...extra } });
  return id;
}

async function visitIn(grid: 'gr1' | 'gr3'): Promise<string> {
  const id = uid('v');
  const path = grid === 'gr1' ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3];
  const loc = IN[grid];
  await db().collection('visits').add({ data: { _id: id, merchantId: await merchantIn(grid), staffId: 'seed', type: 'marketing', at: T, day: '2025-07-01', location: db().Geo.Point(loc.lng, loc.lat), distanceM: 0, isFlagged: false, gridId: U[grid], unitPath: path, photos: [], note: grid === 'gr3' ? SECRET : 'in', createdAt: T } });
  return id;
}

async function staffIn(side: 'in' | 'out'): Promise<string> {
  const id = uid('s');
  const isIn = side === 'in';
  await db().collection('staff').add({
    data: { _id: id, name: isIn ? '内部人员' : SECRET, role: 'member', unitId: isIn ? U.gr1 : U.gr3, unitPath: isIn ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3], gridIds: [isIn ? U.gr1 : U.gr3], extraUnitIds: [], mobile: null, status: 'active', createdAt: T, updatedAt: T },
  });
  return id;
}

async function marketIn(side: 'in' | 'out'): Promise<string> {
  const id = uid('mk');
  await db().collection('markets').add({ data: { _id: id, name: side === 'out' ? SECRET : '内部商圈', branchId: side === 'in' ? U.br1 : U.br2, unitPath: side === 'in' ? [U.bank, U.br1] : [U.bank, U.br2], gridIds: [side === 'in' ? U.gr1 : U.gr3], createdAt: T } });
  return id;
}

async function groupIn(side: 'in' | 'out'): Promise<string> {
  const id = uid('wg');
  const grid = side === 'in' ? U.gr1 : U.gr3;
  await db().collection('wechatGroups').add({ data: { _id: id, name: side === 'out' ? SECRET : '内部群', gridId: grid, unitPath: side === 'in' ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3], createdAt: T } });
  return id;
}

/** A notice to grid 1 (inside) or grid 3 (outside, its text the secret). */
async function noticeIn(side: 'in' | 'out'): Promise<string> {
  const id = uid('n');
  const isIn = side === 'in';
  await db().collection('notices').add({
    data: { _id: id, unitId: isIn ? U.gr1 : U.gr3, unitKind: 'grid', unitName: isIn ? '城北1号网格' : SECRET, unitPath: isIn ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3], title: isIn ? '通知' : SECRET, body: isIn ? '正文' : SECRET, postedBy: S.hq, postedByName: '王总', postedAt: T, audience: 1 },
  });
  return id;
}

const checks = CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));
type Side = 'in' | 'out';
const g = (s: Side) => (s === 'in' ? 'gr1' : 'gr3') as 'gr1' | 'gr3';

/** Each action's event for a target on one side (built fresh, so every call has its own target). */
const ACTIONS: Record<string, (s: Side) => Promise<Record<string, unknown>>> = {
  'org.listUnits': async (s) => ({ parentId: s === 'in' ? U.g1 : U.g2 }),
  'org.getUnit': async (s) => ({ unitId: U[g(s)] }),
  'org.createUnit': async (s) => ({ kind: 'grid', name: '新网格', parentId: s === 'in' ? U.g1 : U.g2 }),
  'org.updateUnit': async (s) => ({ unitId: U[g(s)], name: s === 'in' ? '城北1号网格' : '戴南1号网格' }),
  // The boundary as it is: checked, nothing moves.
  'org.previewBoundary': async (s) => ({ unitId: U[g(s)], boundary: BOUNDARY[g(s)] }),
  'org.saveBoundary': async (s) => ({ unitId: U[g(s)], boundary: BOUNDARY[g(s)] }),
  'org.listMarkets': async (s) => ({ unitId: U[g(s)] }),
  'org.createMarket': async (s) => ({ name: '商圈', branchId: s === 'in' ? U.br1 : U.br2, gridIds: [] }),
  'org.updateMarket': async (s) => ({ marketId: await marketIn(s), name: '改名' }),
  'org.listWechatGroups': async (s) => ({ gridId: U[g(s)] }),
  'org.createWechatGroup': async (s) => ({ name: '群', gridId: U[g(s)] }),
  'org.createStaff': async (s) => ({ name: '新人', role: 'member', unitId: U[g(s)], gridIds: [U[g(s)]], mobile: mobile() }),
  'org.issueBindCode': async (s) => ({ staffId: await staffIn(s) }),
  'org.unbindStaff': async (s) => ({ staffId: await staffIn(s) }),
  'org.moveStaff': async (s) => ({ staffId: await staffIn(s), unitId: U[g(s)] }),
  'org.assignGrids': async (s) => ({ staffId: await staffIn(s), gridIds: [U[g(s)]] }),
  'org.changeRole': async (s) => ({ staffId: await staffIn(s), role: 'marketing' }),
  'org.setExtraScope': async (s) => ({ staffId: await staffIn(s), unitIds: [U[g(s)]] }),
  'org.disableStaff': async (s) => ({ staffId: await staffIn(s) }),
  'org.enableStaff': async (s) => ({ staffId: await staffIn(s) }),
  'org.listStaff': async (s) => ({ unitId: U[g(s)] }),
  'org.getStaff': async (s) => ({ staffId: await staffIn(s) }),
  'org.renameWechatGroup': async (s) => ({ groupId: await groupIn(s), name: '改名群' }),
  // Posted inside to grid 2, which no caller here works, so the readers' lists below stay as they are.
  'org.postNotice': async (s) => ({ id: uid('n'), unitId: s === 'in' ? U.gr2 : U.gr3, title: '通知', body: '正文' }),
  'org.myNotices': async (s) => ({ unitId: U[g(s)] }),
  'org.readNotice': async (s) => ({ noticeId: await noticeIn(s) }),
  'org.sentNotices': async (s) => ({ unitId: U[g(s)] }),
  'org.importStaff': async (s) => ({ requestId: uid('r'), rows: [{ row: 2, name: '导入新人', mobile: mobile(), role: 'member', unit: U[g(s)], grids: U[g(s)] }] }),
  'org.searchAudit': async (s) => ({ unitId: U[g(s)] }),
  'org.exportAudit': async (s) => ({ unitId: U[g(s)] }),
  'merchant.create': async (s) => completeFile(S.marketing, { gridId: U[g(s)], location: IN[g(s)], photos: [photo(S.marketing, IN[g(s)])] }),
  'merchant.update': async (s) => ({ id: await merchantIn(g(s)), industry: '52' }),
  'merchant.get': async (s) => ({ id: await merchantIn(g(s)) }),
  'merchant.revealPi': async (s) => ({ id: await merchantIn(g(s)) }),
  'merchant.list': async (s) => ({ gridId: U[g(s)], limit: 50 }),
  'merchant.checkDuplicate': async (s) => ({ name: `${s === 'out' ? SECRET : '内部'}`, location: IN[g(s)] }),
  'merchant.transfer': async (s) => ({ id: await merchantIn(g(s)), toGridId: s === 'in' ? U.gr2 : U.gr3, reason: '调整' }),
  'merchant.updateProducts': async (s) => ({ id: await merchantIn(g(s)), products: [] }),
  'merchant.assign': async (s) => ({ id: await merchantIn(g(s)), marketId: null }),
  'merchant.history': async (s) => ({ id: await merchantIn(g(s)) }),
  'merchant.archive': async (s) => ({ id: await merchantIn(g(s)), reason: 'closed', day: '2025-07-15' }),
  'merchant.reopen': async (s) => ({ id: await merchantIn(g(s)), day: '2025-07-20' }),
  'merchant.suggestGrid': async (s) => ({ id: await merchantIn(g(s)) }),
  'merchant.timeline': async (s) => ({ id: await merchantIn(g(s)) }),
  'merchant.placements': async (s) => ({ gridId: U[g(s)] }),
  'merchant.reviewPlacement': async (s) => ({ id: await pendingPlacementIn(g(s)), decision: 'confirm' }),
  'visit.submit': async (s) => ({ visitId: uid('v'), merchantId: await merchantIn(g(s)), type: 'revisit', location: IN[g(s)], checks }),
  'visit.get': async (s) => ({ visitId: await visitIn(g(s)) }),
  'visit.listByMerchant': async (s) => ({ merchantId: await merchantIn(g(s)) }),
  'visit.tasks': async (s) => ({ scope: 'unit', unitId: U[g(s)], status: 'open' }),
  'visit.closeTask': async (s) => ({ taskId: await taskIn(g(s)) }),
  'visit.reassignTask': async (s) => ({ taskId: await taskIn(g(s)), assigneeId: s === 'in' ? S.member : S.marketing2 }),
  'visit.confirmTask': async (s) => ({ taskId: await taskIn(g(s), 'abnormal-visit', { pendingVisitId: uid('v') }), accept: true }),
};

beforeAll(async () => {
  await seedFixture(local);
  // Something to find outside: a merchant named with the secret near gr3's probe point, an outside task.
  await merchantIn('gr3');
  await pendingPlacementIn('gr3');
  await taskIn('gr3');
});

describe.each(ROLES)('as %s', (role) => {
  it.each(Object.keys(ACTIONS))('%s inside scope is not refused for scope', async (name) => {
    const [fn, action] = name.split('.');
    const res = await local.call(fn, { action, ...(await ACTIONS[name]('in')) }, O[role]);
    if (!res.ok) expect(res.error.reason).not.toBe('SCOPE.OUTSIDE');
    if (!res.ok && res.error.code === 'FORBIDDEN') expect(['ROLE.NOT_ALLOWED', 'PI.NOT_ENTITLED', 'TASK.NOT_ASSIGNEE']).toContain(res.error.reason);
  });

  if (role === 'hq') return;
  it.each(Object.keys(ACTIONS))('%s outside scope reads and writes nothing', async (name) => {
    const event = await ACTIONS[name]('out');
    const res = await callOutsideScope(local, name, event, O[role], ALL, SECRET);
    if (res.ok) {
      // Only lists may answer, and only without the outside records.
      expect(Array.isArray(res.data.items ?? res.data.duplicates)).toBe(true);
      expect(res.data.items ?? res.data.duplicates).toEqual([]);
    } else {
      expect(['FORBIDDEN', 'VALIDATION', 'NOT_FOUND']).toContain(res.error.code);
    }
  });
});
