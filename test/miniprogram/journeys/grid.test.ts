/**
 * @jest-environment jsdom
 *
 * Running a grid from the phone (docs/miniprogram.md, the grid subpackage), in one process: the real pages and services in local
 * mode, wx.request routed to the local cloud's real functions and engine (minimal bank). A member keeps the
 * grid's WeChat groups, head office moves a merchant against its boundary with a reason and reads its
 * timeline, a branch manager posts a notice to the grid and it shows on the member's workbench until read.
 */
import { setImmediate as nodeSetImmediate, clearImmediate as nodeClearImmediate } from 'node:timers';
import { actAsOn, flush, mount, resetApp, tap, type } from '../harness';
import type { LocalCloud } from '../../../local/runtime';
import { SEEDER } from '../../../scripts/seed/seeder';

Object.assign(globalThis, { setImmediate: nodeSetImmediate, clearImmediate: nodeClearImmediate });

let cloud: LocalCloud;
let h: ReturnType<typeof resetApp>;
let gridId = '';
let merchantId = '';

function actAs(openid: string): void {
  h = actAsOn(cloud, openid);
}

beforeAll(async () => {
  const { startLocalCloud } = require('../../../local/runtime');
  cloud = await startLocalCloud({ seed: 'minimal', seeder: SEEDER, onFunctionError: () => undefined });
  const me = await cloud.call('user', { action: 'me' }, 'demo-member');
  gridId = me.data.grids[0].id;
  const unit = await cloud.call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq');
  const boundary: [number, number][] = unit.data.unit.boundary;
  const at = { lng: boundary.reduce((s, p) => s + p[0], 0) / boundary.length, lat: boundary.reduce((s, p) => s + p[1], 0) / boundary.length };
  const filed = await cloud.call('merchant', { action: 'create', id: 'journey-grid-merchant-1', name: '网格旅程小店', gridId, location: at }, 'demo-marketing');
  merchantId = filed.data.merchant.id;
}, 120000);

afterAll(async () => {
  await cloud?.close();
});

test('a member creates and renames a WeChat group of the grid and puts a merchant in it; the counts follow', async () => {
  actAs('demo-member');
  const page = mount('pages/grid/groups/index', {}, { gridId, name: encodeURIComponent('城北网格') });
  await flush(10);
  const before = page.data.groups.length;
  await type(page, '.new-name', '旅程商户群');
  await tap(page, '.create');
  await flush(10);
  expect(page.data.formError).toBe('');
  expect(page.data.groups).toHaveLength(before + 1);
  const group = page.data.groups.find((g: any) => g.name === '旅程商户群');
  expect(group.merchantCount).toBe(0);
  page.instance.onRename({ currentTarget: { dataset: { id: group.id, name: group.name } } });
  page.instance.onEditName({ detail: { value: '旅程商户一群' } });
  await page.instance.onSaveRename();
  await flush(10);
  expect(page.text()).toContain('旅程商户一群');

  const pick = mount('pages/grid/merchant-group/index', {}, { id: merchantId });
  await flush(10);
  expect(pick.data.current).toBe('__none');
  await tap(pick, '.option', pick.data.options.findIndex((o: any) => o.id === group.id));
  await flush(10);
  expect(pick.data.current).toBe(group.id);
  const stored = await cloud.call('org', { action: 'listWechatGroups', gridId }, 'demo-member');
  expect(stored.data.items.find((g: any) => g.id === group.id)).toMatchObject({ name: '旅程商户一群', merchantCount: 1 });
});

test('head office moves the merchant against its boundary only with a reason, then reads its timeline', async () => {
  actAs('demo-hq');
  const page = mount('pages/grid/transfer/index', {}, { id: merchantId });
  await flush(10);
  expect(page.data.suggestedId).toBe(gridId);
  const target = page.data.grids.findIndex((g: any) => g.id !== gridId);
  page.instance.onGrid({ detail: { value: target } });
  expect(page.data.needsReason).toBe(true);
  await tap(page, '.submit');
  await flush(5);
  expect(page.data.errors.reason).toBeTruthy();
  await type(page, '.reason', '经营者迁往新址');
  await tap(page, '.submit');
  await flush(10);
  expect(page.data.submitError).toBe('');
  expect(h.fake.navigations.at(-1)?.kind).toBe('navigateBack');
  const moved = await cloud.call('merchant', { action: 'get', id: merchantId }, 'demo-hq');
  expect(moved.data).toMatchObject({ gridId: page.data.grids[target].id, wechatGroupId: null });

  const timeline = mount('pages/grid/timeline/index', {}, { id: merchantId });
  await flush(10);
  const kinds = timeline.data.events.map((e: any) => e.kindLabel);
  expect(kinds[0]).toBe('移交网格');
  expect(kinds).toEqual(expect.arrayContaining(['建档', '商圈/微信群', '移交网格']));
  expect(timeline.text()).toContain('经营者迁往新址');
});

test('a notice posted to the grid shows on its member’s workbench until read, and the poster sees it read', async () => {
  actAs('demo-branch');
  const post = mount('pages/grid/notice-post/index', {}, {});
  await flush(10);
  const index = post.data.units.findIndex((u: any) => u.id === gridId);
  expect(index).toBeGreaterThan(0);
  post.instance.onUnit({ detail: { value: index } });
  await type(post, '.title', '本周回访安排');
  await type(post, '.body', '周五前完成网格内回访。');
  await tap(post, '.submit');
  await flush(10);
  expect(post.data.submitError).toBe('');
  expect(post.data.sent[0]).toMatchObject({ title: '本周回访安排', readCount: 0 });
  const audience = post.data.sent[0].audience;
  expect(audience).toBeGreaterThan(0);

  actAs('demo-member');
  const bench = mount('pages/workbench/index');
  await flush(15);
  expect(bench.text()).toContain('本周回访安排');
  const inbox = mount('pages/grid/notices/index', {}, {});
  await flush(10);
  await tap(inbox, '.notice', inbox.data.notices.findIndex((n: any) => n.title === '本周回访安排'));
  await flush(10);
  expect(inbox.text()).toContain('周五前完成网格内回访。');
  const again = mount('pages/workbench/index');
  await flush(15);
  expect(again.text()).not.toContain('本周回访安排');

  actAs('demo-branch');
  const sent = mount('pages/grid/notice-post/index', {}, {});
  await flush(10);
  expect(sent.text()).toContain(`已读 1/${audience}`);
});
