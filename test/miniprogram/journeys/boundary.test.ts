/**
 * @jest-environment jsdom
 *
 * Boundaries on the phone (docs/domain.md §2 "Boundaries"), in one process: the real pages and services in local mode,
 * wx.request routed to the local cloud's real functions and engine (minimal bank). Head office moves a
 * point of a grid's boundary on the map and sees the merchant that would move before saving; saving
 * transfers it with its history.
 */
import { setImmediate as nodeSetImmediate, clearImmediate as nodeClearImmediate } from 'node:timers';
import { actAsOn, flush, mount, tap } from '../harness';
import type { LocalCloud } from '../../../local/runtime';
import { SEEDER } from '../../../scripts/seed/seeder';

Object.assign(globalThis, { setImmediate: nodeSetImmediate, clearImmediate: nodeClearImmediate });

let cloud: LocalCloud;
let gridId = '';
let neighbourId = '';
let merchantId = '';
let ring: [number, number][] = [];

function actAs(openid: string): void {
  actAsOn(cloud, openid);
}

beforeAll(async () => {
  const { startLocalCloud } = require('../../../local/runtime');
  cloud = await startLocalCloud({ seed: 'minimal', seeder: SEEDER, onFunctionError: () => undefined });
  const me = await cloud.call('user', { action: 'me' }, 'demo-member');
  gridId = me.data.grids[0].id;
  const units = await cloud.call('org', { action: 'listUnits', kind: 'grid' }, 'demo-hq');
  const grid = units.data.items.find((u: any) => u.id === gridId);
  ring = grid.boundary.slice(0, -1);
  // Head office redraws another grid east of the demo grid, sharing its east edge (points 2 and 3).
  const [se, ne] = [ring[1], ring[2]];
  const neighbour = units.data.items.find((u: any) => u.id !== gridId && u.unitPath[1] === grid.unitPath[1]) ?? units.data.items.find((u: any) => u.id !== gridId);
  neighbourId = neighbour.id;
  const drawn = await cloud.call('org', { action: 'updateUnit', unitId: neighbourId, boundary: [se, [se[0] + 0.007, se[1]], [ne[0] + 0.007, ne[1]], ne] }, 'demo-hq');
  expect(drawn.ok).toBe(true);
  // A shop in that grid a few metres east of the shared edge.
  const at = { lng: Math.round(((se[0] + ne[0]) / 2 + 0.0005) * 1e6) / 1e6, lat: Math.round(((se[1] + ne[1]) / 2) * 1e6) / 1e6 };
  const db = cloud.database();
  merchantId = 'journey-boundary-shop';
  await db.collection('merchants').add({
    data: {
      _id: merchantId, name: '边界旅程小店', gridId: neighbourId, unitPath: neighbour.unitPath, area: neighbour.area, location: db.Geo.Point(at.lng, at.lat),
      isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, createdAt: new Date(), updatedAt: new Date(), createdBy: 'journey', version: 1,
    },
  });
}, 120000);

afterAll(async () => {
  await cloud?.close();
});

test('head office moves a boundary point on the map and sees the merchant that would move, then saves and it is transferred', async () => {
  actAs('demo-hq');
  const map = mount('pages/merchant/map/index');
  await flush(20);
  expect(map.data.polygons.length).toBeGreaterThanOrEqual(2);
  const edit = map.data.grids.findIndex((g: any) => g.id === gridId);
  expect(edit).toBeGreaterThanOrEqual(0);

  const page = mount('pages/merchant/boundary/index', {}, { gridId });
  await flush(20);
  expect(page.data.points).toEqual(ring);
  // Point 2 (the shared south-east corner) moves 0.002° east: the east edge now passes east of the shop.
  page.instance.onVertex({ detail: { markerId: 2 } });
  page.instance.onMapTap({ detail: { latitude: ring[1][1], longitude: ring[1][0] + 0.002 } });
  await flush(20);
  expect(page.data.previewError).toBe('');
  expect(page.data.moves).toEqual([expect.objectContaining({ merchantId, merchantName: '边界旅程小店', fromGridId: neighbourId, toGridId: gridId })]);
  expect(page.text()).toContain('将更换网格的商户：1 户');
  expect(page.text()).toContain('边界旅程小店');
  // Nothing is written before saving.
  expect((await cloud.call('merchant', { action: 'get', id: merchantId }, 'demo-hq')).data.gridId).toBe(neighbourId);

  await tap(page, '.save');
  await flush(20);
  expect(page.data.saveError).toBe('');
  const moved = await cloud.call('merchant', { action: 'get', id: merchantId }, 'demo-hq');
  expect(moved.data.gridId).toBe(gridId);
  const timeline = await cloud.call('merchant', { action: 'timeline', id: merchantId }, 'demo-hq');
  expect(timeline.data.items.some((e: any) => e.kind === 'transfer')).toBe(true);
  // The neighbour's shared corner followed.
  const neighbour = await cloud.call('org', { action: 'getUnit', unitId: neighbourId }, 'demo-hq');
  expect(neighbour.data.unit.boundary[0]).toEqual([Math.round((ring[1][0] + 0.002) * 1e6) / 1e6, ring[1][1]]);
}, 60000);
