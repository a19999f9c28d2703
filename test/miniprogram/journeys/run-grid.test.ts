/**
 * @jest-environment jsdom
 *
 * Running the grid from the phone (docs/domain.md §2 people, boundaries and transfers, §5 the day's route), in one process: the real pages and services in
 * local mode, wx.request routed to the local cloud's real functions and engine (minimal bank). A branch
 * manager creates a market from its grid; a member opens today's route and starts its first visit; a leader
 * (not head office) transfers a merchant and reads its timeline; a branch manager re-issues a binding code
 * after a phone change and moves the member to another unit; a branch splits head office's target over its
 * groups and grids. jsdom has no TextEncoder, which the binding code's QR (`qrcode`) needs: Node's is lent.
 */
import { setImmediate as nodeSetImmediate, clearImmediate as nodeClearImmediate } from 'node:timers';
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import { current, flush, mount, resetApp, tap, type } from '../harness';
import type { LocalCloud } from '../../../local/runtime';
import { SEEDER } from '../../../scripts/seed/seeder';
import { chinaDay } from '../../../shared/domain/period.rules';

Object.assign(globalThis, { setImmediate: nodeSetImmediate, clearImmediate: nodeClearImmediate, TextEncoder: NodeTextEncoder, TextDecoder: NodeTextDecoder });

let cloud: LocalCloud;
let h: ReturnType<typeof resetApp>;
let gridId = '';
let branchId = '';

function actAs(openid: string): void {
  h = resetApp();
  h.wx.setStorageSync('grid.localOpenid', openid);
  current.fake.requestHandler = async (req) => {
    const fn = req.url.split('/functions/')[1];
    const data = await cloud.call(fn, req.data as Record<string, unknown>, req.header?.['X-WX-OPENID']);
    return { statusCode: 200, data };
  };
}

beforeAll(async () => {
  const { startLocalCloud } = require('../../../local/runtime');
  cloud = await startLocalCloud({ seed: 'minimal', seeder: SEEDER, onFunctionError: () => undefined });
  const me = await cloud.call('user', { action: 'me' }, 'demo-member');
  gridId = me.data.grids[0].id;
  branchId = (await cloud.call('user', { action: 'me' }, 'demo-branch')).data.unit.id;
}, 120000);

afterAll(async () => {
  await cloud?.close();
});

test('a branch manager creates a market from its grid; the market list shows it with its grid by name', async () => {
  actAs('demo-branch');
  const page = mount('pages/merchant/markets/index');
  await flush(15);
  expect(page.data.status).toBe('ready');
  expect(page.data.branches.map((b: any) => b.id)).toEqual([branchId]);
  const before = page.data.markets.length;
  await type(page, '.market-name', '旅程老街商圈');
  await tap(page, '.grid-option', page.data.grids.findIndex((g: any) => g.id === gridId));
  await tap(page, '.submit');
  await flush(15);
  expect(page.data.formError).toBe('');
  expect(page.data.markets).toHaveLength(before + 1);
  const stored = await cloud.call('org', { action: 'listMarkets' }, 'demo-branch');
  const market = stored.data.items.find((m: any) => m.name === '旅程老街商圈');
  expect(market).toMatchObject({ branchId, gridIds: [gridId] });
  const gridName = (await cloud.call('org', { action: 'getUnit', unitId: gridId }, 'demo-branch')).data.unit.name;
  expect(page.text()).toContain('旅程老街商圈');
  expect(page.text()).toContain(gridName);
});

test('a member opens today’s route and starts its first visit from it', async () => {
  actAs('demo-member');
  const page = mount('pages/route/index');
  await flush(20);
  expect(page.data.error).toBe('');
  expect(page.data.rows.length).toBeGreaterThan(0);
  expect(page.data.markers).toHaveLength(page.data.rows.length);
  expect(page.text()).toMatch(/全程约 [\d.]+ (米|公里)/);
  const first = page.data.rows[0];
  await tap(page, '.stop .start', 0);
  const url = h.fake.navigations.at(-1)!.url as string;
  expect(url).toBe(first.taskId ? `/pages/visit/revisit/index?merchantId=${first.merchantId}&taskId=${first.taskId}` : `/pages/visit/revisit/index?merchantId=${first.merchantId}`);
  // The visit opens on that merchant.
  const query = Object.fromEntries(new URLSearchParams(url.split('?')[1]));
  const visit = mount('pages/visit/revisit/index', {}, query);
  await flush(20);
  expect(visit.text()).toContain(first.name);
});

test('a grid leader (not head office) transfers a merchant to another grid of its group and reads its timeline', async () => {
  const leader = (await cloud.call('user', { action: 'me' }, 'demo-leader')).data;
  const groupId = leader.unit.id;
  // Head office opens a second grid in the leader's group (the minimal bank has one a group).
  const made = await cloud.call('org', { action: 'createUnit', kind: 'grid', name: '旅程二网格', parentId: groupId }, 'demo-hq');
  expect(made.ok).toBe(true);
  const toGridId = made.data.id ?? made.data.unit?.id;
  const boundary: [number, number][] = (await cloud.call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq')).data.unit.boundary;
  const at = { lng: boundary.reduce((s, p) => s + p[0], 0) / boundary.length, lat: boundary.reduce((s, p) => s + p[1], 0) / boundary.length };
  const filed = await cloud.call('merchant', { action: 'create', id: 'journey-run-merchant-1', name: '旅程移交小店', gridId, location: at, industry: '62' }, 'demo-marketing');
  const merchantId = filed.data.merchant.id;
  // An edit before the move: the timeline tells what changed.
  expect((await cloud.call('merchant', { action: 'update', id: merchantId, industry: '52' }, 'demo-marketing')).ok).toBe(true);

  actAs('demo-leader');
  const detail = mount('pages/merchant/detail/index', {}, { id: merchantId });
  await flush(15);
  expect(detail.text()).toContain('旅程移交小店');
  const page = mount('pages/grid/transfer/index', {}, { id: merchantId });
  await flush(15);
  expect(page.data.suggestedId).toBe(gridId);
  const target = page.data.grids.findIndex((g: any) => g.id === toGridId);
  expect(target).toBeGreaterThanOrEqual(0);
  page.instance.onGrid({ detail: { value: target } });
  expect(page.data.needsReason).toBe(true);
  await type(page, '.reason', '经营者要求划入二网格');
  await tap(page, '.submit');
  await flush(15);
  expect(page.data.submitError).toBe('');
  expect((await cloud.call('merchant', { action: 'get', id: merchantId }, 'demo-leader')).data.gridId).toBe(toGridId);

  const timeline = mount('pages/grid/timeline/index', {}, { id: merchantId });
  await flush(15);
  const [latest] = timeline.data.events;
  expect(latest).toMatchObject({ kindLabel: '移交网格', byName: leader.name });
  expect(latest.summary).toContain('旅程二网格');
  expect(latest.summary).toContain('经营者要求划入二网格');
  const edit = timeline.data.events.find((e: any) => e.kindLabel === '修改档案');
  expect(edit.changes).toEqual([{ label: '行业类别', from: '餐饮业', to: '零售业' }]);
  expect(timeline.text()).toContain('行业类别 餐饮业 → 零售业');
  expect(timeline.data.events.map((e: any) => e.kindLabel)).toContain('建档');
});

test('a branch manager unbinds a member after a phone change, re-issues the binding code and moves the member to its group', async () => {
  const member = (await cloud.call('user', { action: 'me' }, 'demo-member')).data;
  const groupId = (await cloud.call('user', { action: 'me' }, 'demo-leader')).data.unit.id;
  actAs('demo-branch');
  const list = mount('pages/settings/staff/index');
  await flush(15);
  const row = list.data.items.findIndex((s: any) => s.id === member.staffId);
  expect(row).toBeGreaterThanOrEqual(0);
  await tap(list, '.staff-row', row);
  expect(h.fake.navigations.at(-1)!.url).toBe(`/pages/settings/staff-detail/index?id=${member.staffId}`);

  const page = mount('pages/settings/staff-detail/index', {}, { id: member.staffId });
  await flush(15);
  expect(page.data.staff.isBound).toBe(true);
  await type(page, '.reason', '换手机');
  await tap(page, '.unbind');
  await flush(15);
  expect(page.data.formError).toBe('');
  expect(page.data.staff.isBound).toBe(false);
  await tap(page, '.issue-code');
  await flush(15);
  expect(page.data.formError).toBe('');
  const code = page.data.bindCode;
  expect(code).toMatch(/^[A-Z0-9]{8}$/);
  expect(page.text()).toContain(code);
  // Re-issued: a second code replaces the first, which no longer binds.
  await tap(page, '.issue-code');
  await flush(15);
  const second = page.data.bindCode;
  expect(second).not.toBe(code);

  page.instance.onUnit({ detail: { value: page.data.units.findIndex((u: any) => u.id === groupId) } });
  await type(page, '.reason', '调入网格长组');
  await tap(page, '.move');
  await flush(15);
  expect(page.data.formError).toBe('');
  expect(page.data.notice).toBe('已调动');
  expect(page.data.staff.unitId).toBe(groupId);

  // The new phone binds with the second code only; the member now belongs to the group.
  expect((await cloud.call('user', { action: 'bind', code }, 'new-phone-openid')).ok).toBe(false);
  const bound = await cloud.call('user', { action: 'bind', code: second }, 'new-phone-openid');
  expect(bound.ok).toBe(true);
  expect(bound.data).toMatchObject({ staffId: member.staffId, unit: { id: groupId } });
});

test('a branch splits head office’s target over its groups on the targets page; a share over what is left is refused', async () => {
  const month = chinaDay().slice(0, 7);
  const groupId = (await cloud.call('user', { action: 'me' }, 'demo-leader')).data.unit.id;
  expect((await cloud.call('metrics', { action: 'setTarget', unitId: branchId, period: month, metric: 'acquiring', value: 10 }, 'demo-hq')).ok).toBe(true);

  actAs('demo-branch');
  const page = mount('pages/metrics/targets/index', {}, {});
  await flush(20);
  expect(page.data.status).toBe('ready');
  expect(page.data.canSplit).toBe(true);
  const rows = page.data.rows.filter((r: any) => !r.isRatio);
  await tap(page, '.split-link', rows.findIndex((r: any) => r.metric === 'acquiring'));
  await flush(15);
  expect(page.data.split).toMatchObject({ metric: 'acquiring', parentTarget: '10 户', sum: '0 户', remainder: '10 户' });
  const index = page.data.split.children.findIndex((c: any) => c.id === groupId);
  expect(index).toBeGreaterThanOrEqual(0);
  await type(page, '.share-input', '12', index);
  await tap(page, '.save-share', index);
  await flush(15);
  expect(page.data.split.children[index].error).toContain('最多还可分 10');
  await type(page, '.share-input', '6', index);
  await tap(page, '.save-share', index);
  await flush(15);
  expect(page.data.split).toMatchObject({ sum: '6 户', remainder: '4 户' });
  const stored = await cloud.call('metrics', { action: 'targets', unitId: groupId, period: month }, 'demo-branch');
  expect(stored.data.items.find((i: any) => i.metric === 'acquiring').target).toBe(6);
});
