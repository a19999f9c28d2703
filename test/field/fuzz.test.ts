/**
 * Property-based fuzzing of every action with random and mutated inputs: the answer is an envelope,
 * never INTERNAL; a VALIDATION error names its fields; a refused call writes nothing.
 */
import fc from 'fast-check';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { main as merchantMain } from '../../cloudfunctions/merchant';
import { runAsCaller } from '../../local/runtime/wx-context';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, mobile, photo, seedFixture, uid } from './fixture';

const local = useLocalCloud();
const ALL = ['merchants', 'merchantHistory', 'visits', 'tasks', 'staff', 'staffHistory', 'units', 'markets', 'wechatGroups', 'auditLog', 'notices', 'noticeReads'];
let merchantId = '';
let visitId = '';
let taskId = '';
let marketId = '';
let groupId = '';
let noticeId = '';

beforeAll(async () => {
  await seedFixture(local);
  const file = completeFile(S.marketing);
  merchantId = (await local.call('merchant', { action: 'create', ...file }, O.marketing)).data.merchant.id;
  const failed = CHECK_ITEMS.map((item) => ({ item, result: item === 'app' ? 'fail' : 'pass' }));
  const v = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: IN.gr1, checks: failed }, O.maintenance);
  visitId = v.data.visit.id;
  taskId = v.data.openedTaskIds[0];
  marketId = (await local.call('org', { action: 'createMarket', name: '菜场', branchId: U.br1, gridIds: [U.gr1] }, O.hq)).data.id;
  groupId = (await local.call('org', { action: 'createWechatGroup', name: '群', gridId: U.gr1 }, O.hq)).data.id;
  noticeId = (await local.call('org', { action: 'postNotice', id: uid('n'), unitId: U.bank, title: '通知', body: '正文' }, O.hq)).data.id;
});

/** A valid event of each action (as head office), the base the mutations start from. */
const BASES: Record<string, () => Record<string, unknown>> = {
  'user.bind': () => ({ code: 'ABCDEFGH' }),
  'user.me': () => ({}),
  'user.acceptPrivacy': () => ({ version: '2025-07' }),
  'org.listUnits': () => ({ parentId: U.g1, kind: 'grid' }),
  'org.getUnit': () => ({ unitId: U.gr1 }),
  'org.createUnit': () => ({ kind: 'grid', name: '新网格', parentId: U.g1, boundary: [[119.8, 33.0], [119.81, 33.0], [119.81, 33.01]] }),
  'org.updateUnit': () => ({ unitId: U.gr2, name: '城北2号网格', boundary: [[119.85, 32.9], [119.9, 32.9], [119.9, 32.95], [119.85, 32.95]] }),
  'org.listMarkets': () => ({ unitId: U.br1 }),
  'org.createMarket': () => ({ name: '商圈', branchId: U.br1, gridIds: [U.gr1] }),
  'org.updateMarket': () => ({ marketId, name: '菜场', gridIds: [U.gr1] }),
  'org.listWechatGroups': () => ({ gridId: U.gr1 }),
  'org.createWechatGroup': () => ({ name: '群', gridId: U.gr1 }),
  'org.createStaff': () => ({ name: '新人', role: 'member', unitId: U.gr1, gridIds: [U.gr1], extraUnitIds: [], mobile: mobile() }),
  'org.issueBindCode': () => ({ staffId: S.member, reason: 'x' }),
  'org.unbindStaff': () => ({ staffId: S.marketing2, reason: 'x' }),
  'org.moveStaff': () => ({ staffId: S.maintenance2, unitId: U.br2, reason: 'x' }),
  'org.assignGrids': () => ({ staffId: S.maintenance2, gridIds: [U.gr3], reason: 'x' }),
  'org.changeRole': () => ({ staffId: S.maintenance2, role: 'maintenance', reason: 'x' }),
  'org.setExtraScope': () => ({ staffId: S.maintenance2, unitIds: [], reason: 'x' }),
  'org.disableStaff': () => ({ staffId: S.marketing2, reason: 'x' }),
  'org.enableStaff': () => ({ staffId: S.marketing2, reason: 'x' }),
  'org.listStaff': () => ({ unitId: U.br1, role: 'member', status: 'active', limit: 5 }),
  'org.getStaff': () => ({ staffId: S.member }),
  'org.renameWechatGroup': () => ({ groupId, name: '改名群' }),
  'org.postNotice': () => ({ id: uid('n'), unitId: U.gr1, title: '通知', body: '正文' }),
  'org.myNotices': () => ({ unread: true, unitId: U.bank, limit: 5 }),
  'org.readNotice': () => ({ noticeId }),
  'org.sentNotices': () => ({ unitId: U.br1, limit: 5 }),
  'merchant.create': () => ({ ...completeFile(S.marketing), licenceCode: undefined }),
  'merchant.update': () => ({ id: merchantId, expectedVersion: 1, name: '改名', address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: '1号' }, location: IN.gr1, industry: '52', operator: { name: '王', mobile: mobile() }, photos: [photo(S.hq)], force: true }),
  'merchant.get': () => ({ id: merchantId }),
  'merchant.revealPi': () => ({ id: merchantId }),
  'merchant.list': () => ({ gridId: U.gr1, lifecycleClass: 'to-win', industry: '62', productHeld: 'deposit', productMissing: 'acquiring', isComplete: true, q: '店', limit: 5 }),
  'merchant.checkDuplicate': () => ({ id: merchantId, name: '店', location: IN.gr1, mobile: mobile() }),
  'merchant.transfer': () => ({ id: merchantId, toGridId: U.gr2, reason: '调整' }),
  'merchant.updateProducts': () => ({ id: merchantId, products: [{ product: 'deposit', bank: 'ours', status: 'active', since: '2025-01-01' }] }),
  'merchant.assign': () => ({ id: merchantId, marketId, wechatGroupId: null }),
  'merchant.history': () => ({ id: merchantId }),
  'merchant.suggestGrid': () => ({ id: merchantId }),
  'merchant.timeline': () => ({ id: merchantId, limit: 5 }),
  'visit.submit': () => ({ visitId: uid('v'), merchantId, type: 'revisit', location: IN.gr1, photos: [photo(S.hq)], checks: CHECK_ITEMS.map((item) => ({ item, result: 'pass', note: 'ok' })), note: 'x' }),
  'visit.get': () => ({ visitId }),
  'visit.listByMerchant': () => ({ merchantId, limit: 5 }),
  'visit.tasks': () => ({ scope: 'unit', unitId: U.gr1, status: 'open', limit: 5 }),
  'visit.closeTask': () => ({ taskId, reason: 'not-needed', note: 'x' }),
  'visit.reassignTask': () => ({ taskId, assigneeId: S.member, note: 'x' }),
  'visit.confirmTask': () => ({ taskId, accept: true, note: 'x' }),
  'visit.subscribe': () => ({ accepted: ['task-due'] }),
  'visit.route': () => ({ from: IN.gr1, day: '2025-07-31', limit: 5 }),
};

/** Every path to a leaf (or a whole array/object) of a value. */
function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) out.push(...paths(child, [...prefix, k]));
  return out;
}

function setPath(obj: any, path: string[], value: unknown, remove: boolean): any {
  const copy = structuredClone(obj);
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k];
  if (remove) delete cur[path[path.length - 1]];
  else cur[path[path.length - 1]] = value;
  return copy;
}

const junk = fc.oneof(
  fc.anything(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', 'null', '<script>', '$where', '{"$gt":""}', 'cloud://', '9'.repeat(300), '13800000000', '0x1F'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, [], {}, { $gt: '' }, { $ne: null }, Number.NaN, -1, 1e308),
  fc.array(fc.anything(), { maxLength: 4 }),
);

/** Checks the invariants of one answer against the counts before it. */
async function expectSafe(res: any, before: Record<string, number>): Promise<void> {
  expect(res && typeof res === 'object' && typeof res.ok === 'boolean').toBe(true);
  if (res.ok) return;
  expect(res.error.code).not.toBe('INTERNAL');
  if (res.error.code === 'VALIDATION') {
    expect(res.error.details.issues.length).toBeGreaterThan(0);
    for (const i of res.error.details.issues) expect(typeof i.field === 'string' && i.field.length > 0).toBe(true);
  }
  expect(await counts(local, ALL)).toEqual(before);
}

const RUNS = 12;

describe.each(Object.keys(BASES))('%s', (name) => {
  const [fn, action] = name.split('.');
  const openid = fn === 'user' && action === 'bind' ? 'o-fuzz-unbound' : O.hq;

  it('random inputs: an envelope, never INTERNAL, no write when refused', async () => {
    const keys = Object.keys(BASES[name]());
    await fc.assert(
      fc.asyncProperty(fc.record(Object.fromEntries(keys.map((k) => [k, junk])), { requiredKeys: [] }), async (event) => {
        const before = await counts(local, ALL);
        const res = await local.call(fn, { ...event, action }, openid);
        await expectSafe(res, before);
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated valid inputs: an envelope, never INTERNAL, VALIDATION names the field, no write when refused', async () => {
    const base = BASES[name]();
    const all = paths(base);
    if (all.length === 0) return;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), junk, fc.boolean(), async (path, value, remove) => {
        const event = setPath(BASES[name](), path, value, remove);
        const before = await counts(local, ALL);
        const res = await local.call(fn, { ...event, action }, openid);
        await expectSafe(res, before);
      }),
      { numRuns: RUNS },
    );
  });
});

it('names the field of a bad value in a typical mutation', async () => {
  const res = await local.call('merchant', { action: 'create', ...completeFile(S.marketing, { operator: { name: '王', mobile: 42 } }) }, O.marketing);
  expect(res.error.details.issues).toEqual([{ field: 'operator.mobile', message: expect.any(String) }]);
  const unknown = await local.call('merchant', { action: 'nope' }, O.marketing);
  expect(unknown.error.details.issues[0].field).toBe('action');
  for (const bad of [[], null, 'list', 7]) {
    const res2 = await runAsCaller({ openid: O.marketing }, () => merchantMain(bad));
    expect(res2).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ field: 'event' }] } } });
  }
});
