/**
 * @jest-environment jsdom
 *
 * Tasks worked end to end: the real pages and functions (local cloud, minimal bank), the fake wx at the
 * edge. A maintenance assistant opens an abnormal-merchant task and runs the visit that closes it; a
 * leader reassigns one and closes another with a reason; a reminder lands in the outbox once.
 */
import { setImmediate as nodeSetImmediate, clearImmediate as nodeClearImmediate } from 'node:timers';
import { addDays, chinaDay } from '../../../shared/domain/period.rules';
import { SEEDER } from '../../../scripts/seed/seeder';
import { actAsOn, flush, mount, resetApp, tap } from '../harness';
import type { LocalCloud } from '../../../local/runtime';

Object.assign(globalThis, { setImmediate: nodeSetImmediate, clearImmediate: nodeClearImmediate });

let cloud: LocalCloud;
let h: ReturnType<typeof resetApp>;
let merchant: { id: string; gridId: string; unitPath: string[]; location: { lat: number; lng: number } };
const staff: Record<string, string> = {};
const today = chinaDay(new Date());

function actAs(openid: string): void {
  h = actAsOn(cloud, openid);
  h.fake.location = { latitude: merchant.location.lat, longitude: merchant.location.lng, accuracy: 8 };
}

async function openTask(id: string, kind: string, assignee: string, dueDay = addDays(today, 3)): Promise<string> {
  await cloud.database().collection('tasks').add({ data: { _id: id, kind, merchantId: merchant.id, gridId: merchant.gridId, unitPath: merchant.unitPath, assigneeId: assignee, dueDay, status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date() } });
  return id;
}
const taskDoc = async (id: string) => (await cloud.database().collection('tasks').doc(id).get()).data as any;

beforeAll(async () => {
  const { startLocalCloud } = require('../../../local/runtime');
  cloud = await startLocalCloud({ seed: 'minimal', seeder: SEEDER, onFunctionError: () => undefined });
  for (const who of ['demo-maintenance', 'demo-member', 'demo-leader']) staff[who] = (await cloud.call('user', { action: 'me' }, who)).data.staffId;
  const me = await cloud.call('user', { action: 'me' }, 'demo-maintenance');
  const list = await cloud.call('merchant', { action: 'list', gridId: me.data.grids[0].id, limit: 50 }, 'demo-maintenance');
  let found: typeof merchant | null = null;
  for (const row of list.data.items) {
    const got = await cloud.call('merchant', { action: 'get', id: row.id }, 'demo-maintenance');
    if (!got.data.location) continue;
    const m = (await cloud.database().collection('merchants').doc(row.id).get()).data as any;
    found = { id: row.id, gridId: m.gridId, unitPath: m.unitPath, location: got.data.location };
    break;
  }
  merchant = found!;
}, 120000);

afterAll(async () => {
  await cloud?.close();
});

test('a maintenance assistant opens an abnormal-merchant task and runs the visit that closes it', async () => {
  const id = await openTask(`abnormal-visit|${merchant.id}|${today}`, 'abnormal-visit', staff['demo-maintenance']);
  actAs('demo-maintenance');
  const list = mount('pages/visit/tasks/index');
  await flush(10);
  const i = list.data.items.findIndex((t: any) => t.id === id);
  expect(i).toBeGreaterThanOrEqual(0);
  await tap(list, '.task', i);
  const url = h.fake.navigations.at(-1)!.url;
  const query = Object.fromEntries(url.split('?')[1].split('&').map((kv) => kv.split('=')));
  expect(query).toEqual({ merchantId: merchant.id, taskId: id });
  const page = mount('pages/visit/revisit/index', {}, query);
  await flush(10);
  expect(page.data.type).toBe('maintenance');
  await tap(page, '.checkin .more');
  await tap(page, '.btn');
  await flush(20);
  expect(page.data.formError).toBe('');
  expect(page.text()).toContain('已关闭 1 个任务');
  expect(await taskDoc(id)).toMatchObject({ status: 'done' });
});

test('a leader reassigns one task and closes another with a reason from the board', async () => {
  const a = await openTask(`win-back|${merchant.id}|${today}`, 'win-back', staff['demo-maintenance']);
  const b = await openTask(`marketing-j-${Date.now()}`, 'marketing', staff['demo-member']);
  actAs('demo-leader');
  const board = mount('pages/visit/board/index');
  await flush(20);
  const row = (id: string) => board.data.items.findIndex((t: any) => t.id === id);
  expect(row(a)).toBeGreaterThanOrEqual(0);
  // The reassign sheet lists the grid's field staff; pick the member.
  const names = (await cloud.call('org', { action: 'listStaff', unitId: merchant.gridId, status: 'active', limit: 50 }, 'demo-leader')).data.items.filter((s: any) => ['member', 'marketing', 'maintenance'].includes(s.role));
  h.fake.actionSheetIndex = names.findIndex((s: any) => s.id === staff['demo-member']);
  await tap(board, '.reassign', row(a));
  await flush(10);
  expect(await taskDoc(a)).toMatchObject({ assigneeId: staff['demo-member'], status: 'open' });
  h.fake.actionSheetIndex = 2;
  await tap(board, '.close', row(b));
  await flush(10);
  expect(await taskDoc(b)).toMatchObject({ status: 'done', closeReason: 'merchant-declined', closedBy: staff['demo-leader'] });
  const audit = (await cloud.database().collection('auditLog').where({ staffId: staff['demo-leader'] }).limit(100).get()).data.map((r: any) => `${r.action}:${r.target.id}`);
  expect(audit).toEqual(expect.arrayContaining([`task-reassign:${a}`, `task-close:${b}`]));
});

test('a reminder lands in the outbox once', async () => {
  actAs('demo-maintenance');
  const page = mount('pages/visit/tasks/index');
  await flush(10);
  await tap(page, '.remind');
  await flush(10);
  expect(page.text()).toContain('已开启 3 项提醒');
  const id = await openTask(`abnormal-visit|${merchant.id}|due`, 'abnormal-visit', staff['demo-maintenance'], addDays(today, 1));
  const { startReminders } = require('../../../cloudfunctions/lifecycle/lifecycle.jobs');
  await startReminders(cloud.database(), today, 60_000);
  await startReminders(cloud.database(), today, 60_000);
  const box = (await cloud.database().collection('outbox').where({ subject: id }).get()).data;
  expect(box).toEqual([expect.objectContaining({ template: 'task-due', staffId: staff['demo-maintenance'], status: 'sent' })]);
});
