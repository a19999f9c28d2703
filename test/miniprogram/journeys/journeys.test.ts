/**
 * @jest-environment jsdom
 *
 * Journeys in one process: the real pages and service layer in local mode, wx.request routed to the
 * local cloud's real functions and engine (startLocalCloud, minimal bank), the fake wx only at the edge.
 */
import { setImmediate as nodeSetImmediate, clearImmediate as nodeClearImmediate } from 'node:timers';
import { TextDecoder as NodeTextDecoder } from 'node:util';
import { answerCalls, calls, flush, find, mount, resetApp, tap, type, current } from '../harness';
import type { LocalCloud } from '../../../local/runtime';
import { SEEDER } from '../../../scripts/seed/seeder';

// The cloud functions run in this jsdom process; give them Node's own setImmediate, which jsdom hides
// and the XLSX writer's zip stream needs (a function on CloudBase runs on plain Node).
// The same for TextDecoder, which the import's encoding check uses.
Object.assign(globalThis, { setImmediate: nodeSetImmediate, clearImmediate: nodeClearImmediate, TextDecoder: NodeTextDecoder });

let cloud: LocalCloud;
let h: ReturnType<typeof resetApp>;
let gridId = '';
let gridPoint = { lng: 0, lat: 0 };

/** Routes the fake wx's requests and uploads to the local cloud, as the gateway would. */
function routeToCloud(): void {
  current.fake.requestHandler = async (req) => {
    const fn = req.url.split('/functions/')[1];
    const openid = req.header?.['X-WX-OPENID'];
    const data = await cloud.call(fn, req.data as Record<string, unknown>, openid);
    return { statusCode: 200, data };
  };
  current.fake.uploadHandler = async (filePath, url) => {
    const cloudPath = decodeURIComponent(url.split('cloudPath=')[1]);
    const fileID = cloud.storage.upload(cloudPath, Buffer.from(current.fake.files.get(filePath) ?? ''), undefined);
    return { statusCode: 200, data: JSON.stringify({ fileID }) };
  };
}

/** Acts as a demo account: a fresh app with that WeChat identity. */
function actAs(openid: string): void {
  h = resetApp();
  h.wx.setStorageSync('grid.localOpenid', openid);
  routeToCloud();
  h.fake.location = { latitude: gridPoint.lat, longitude: gridPoint.lng, accuracy: 8 };
}

beforeAll(async () => {
  const { startLocalCloud } = require('../../../local/runtime');
  cloud = await startLocalCloud({ seed: 'minimal', seeder: SEEDER, onFunctionError: () => undefined });
  const me = await cloud.call('user', { action: 'me' }, 'demo-marketing');
  gridId = me.data.grids[0].id;
  const unit = await cloud.call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq');
  const boundary: [number, number][] = unit.data.unit.boundary;
  // A point well inside the grid: the average of its corners.
  gridPoint = { lng: boundary.reduce((s, p) => s + p[0], 0) / boundary.length, lat: boundary.reduce((s, p) => s + p[1], 0) / boundary.length };
}, 120000);

afterAll(async () => {
  await cloud?.close();
});

let merchantId = '';

test('a marketing assistant files a merchant on site', async () => {
  actAs('demo-marketing');
  const page = mount('pages/merchant/form/index', {}, {});
  await flush();
  await tap(page, '.add');
  await flush(30);
  expect(page.data.photos).toHaveLength(3);
  await type(page, '.f-name', '旅程测试面馆');
  page.instance.onTownship({ detail: { value: 0 } });
  await type(page, '.f-street', '英武中路');
  await type(page, '.f-door', '208号');
  page.instance.onIndustry({ detail: { value: page.data.industries.findIndex((i: any) => i.code === '62') } });
  await type(page, '.f-op-name', '陈旅程');
  await type(page, '.f-op-mobile', '13700001234');
  await tap(page, '.chip', 0);
  await tap(page, '.btn', 0);
  await flush(20);
  expect(page.data.error).toBe('');
  const nav = h.fake.navigations.at(-1)!;
  expect(nav.kind).toBe('redirectTo');
  merchantId = /id=([^&]+)/.exec(nav.url)![1];
  const stored = await cloud.call('merchant', { action: 'get', id: merchantId }, 'demo-marketing');
  expect(stored.data).toMatchObject({ name: '旅程测试面馆', gridId, isComplete: true, industry: '62' });
  expect(stored.data.operator.mobile).toBe('137****1234');
  expect(stored.data.photos).toHaveLength(3);
});

let visitsBefore = 0;

test('the grid dashboard before the revisit', async () => {
  actAs('demo-leader');
  const page = mount('pages/dashboard/index');
  await flush(20);
  const card = page.data.cards.find((c: any) => c.key === 'visits');
  expect(card).toBeTruthy();
  visitsBefore = Number(String(card.value).replace(/,/g, ''));
});

test('a maintenance assistant revisits with a failed check and sees the follow-up task', async () => {
  actAs('demo-maintenance');
  const page = mount('pages/visit/revisit/index', {}, { merchantId });
  await flush(10);
  expect(page.text()).toContain('旅程测试面馆');
  await tap(page, '.checkin .more');
  expect(page.data.distance).toBeLessThan(5);
  for (let i = 0; i < 5; i++) await tap(page, '.res', i * 3);
  await tap(page, '.res', 5 * 3 + 1);
  await type(page, '.fail-box .input', '喇叭不响');
  await tap(page, '.btn');
  await flush(20);
  expect(page.data.formError).toBe('');
  expect(page.text()).toContain('走访已提交');
  expect(page.text()).toContain('已生成整改任务：喇叭');

  const tasks = mount('pages/visit/tasks/index');
  await flush(10);
  expect(tasks.text()).toContain('旅程测试面馆');
  expect(tasks.text()).toContain('整改：喇叭');
});

test('the grid dashboard counts the new visit', async () => {
  actAs('demo-leader');
  const page = mount('pages/dashboard/index');
  await flush(20);
  const card = page.data.cards.find((c: any) => c.key === 'visits');
  expect(Number(String(card.value).replace(/,/g, ''))).toBe(visitsBefore + 1);
});

test('head office requests an export and watches it finish', async () => {
  actAs('demo-hq');
  const page = mount('pages/export/index');
  await flush();
  await tap(page, '.btn');
  await flush(20);
  expect(page.data.error).toBe('');
  // The whole bank's export answers once its first chunks ran (about 20 s), then the page polls it: wait for
  // the job's row to appear and finish, however busy the machine is.
  for (let i = 0; i < 600 && (!page.data.jobs[0] || page.data.jobs[0].status === 'running'); i++) await new Promise((r) => setTimeout(r, 250));
  await flush();
  expect(page.data.jobs[0].status).toBe('done');
  expect(page.text()).toContain('已完成');
  expect(find(page, '.open')).toHaveLength(1);
}, 200_000);

test('head office reads the thresholds in force, changes the visit radius, and reads it back', async () => {
  actAs('demo-hq');
  const page = mount('pages/settings/index/index');
  await flush(10);
  expect(page.data.status).toBe('ready');
  // Every field shows the value in force (defaults included), none is blank.
  expect(Object.values(page.data.values).every((v) => v !== '')).toBe(true);
  expect(page.data.values.visitRadiusM).toBe('200');
  expect(page.data.values.lifecycle_qualifiedMinAmountFen).toBe('10000');
  const radius = page.data.groups.flatMap((g: any) => g.fields).findIndex((f: any) => f.key === 'visitRadiusM');
  await type(page, '.input', '300', radius);
  await tap(page, '.btn');
  await flush(10);
  expect(page.text()).toContain('已保存');
  const again = mount('pages/settings/index/index');
  await flush(10);
  expect(again.data.values.visitRadiusM).toBe('300');
  // The targets follow the indicators head office chooses.
  await tap(again, '.chip', again.data.indicators.findIndex((x: any) => x.code === 'visitsTotal'));
  await tap(again, '.btn');
  await flush(10);
  const targets = await cloud.call('metrics', { action: 'targets', period: '2025-07' }, 'demo-hq');
  expect(targets.data.items.map((i: any) => i.metric)).toContain('visitsTotal');
});

test('head office sets a target on the targets page and reads its completion', async () => {
  actAs('demo-hq');
  const page = mount('pages/metrics/targets/index', {}, {});
  await flush(20);
  expect(page.data.status).toBe('ready');
  expect(page.data.canEdit).toBe(true);
  const i = page.data.rows.findIndex((r: any) => r.metric === 'acquiring');
  const actual = Number(page.data.rows[i].actual.replace(/[^\d]/g, ''));
  expect(page.data.rows[i].target).toBe('未设目标');
  await tap(page, '.edit', i);
  await type(page, '.editor .input', String(actual * 2));
  await tap(page, '.editor .btn');
  await flush(20);
  expect(page.data.rows[i].target).toBe(`目标 ${(actual * 2).toLocaleString('en-US')} 户`);
  expect(page.data.rows[i].done).toBe('完成 50%');
  // The leader sees the bank's target only where it applies: their own group has none.
  actAs('demo-leader');
  const mine = mount('pages/metrics/targets/index', {}, {});
  await flush(20);
  expect(mine.data.canEdit).toBe(false);
  expect(mine.data.rows.every((r: any) => r.target === '未设目标')).toBe(true);
});

test('head office imports a month of transactions from a chat file: the good row is applied, the bad one reported', async () => {
  const db = cloud.database();
  const withNo = (await db.collection('merchants').where({ acquiringNo: db.command.exists(true) }).limit(1).get()).data[0];
  actAs('demo-hq');
  h.fake.messageFile = { name: '交易.csv', content: ['收单商户号,交易笔数,交易金额', `${withNo.acquiringNo},40,12000.50`, `${withNo.acquiringNo}9,x,1.00`].join('\n') };
  const page = mount('pages/import/index');
  await flush(10);
  await tap(page, '.file');
  await tap(page, '.btn');
  await flush(30);
  const job = page.data.jobs[0];
  expect(job).toMatchObject({ status: 'done', summary: '导入 1 行，有误 1 行' });
  expect(job.reportUrl).toContain('errors.csv');
  const fileId = (await cloud.call('import', { action: 'get', jobId: job.id }, 'demo-hq')).data.errorReportFileId;
  const csv = cloud.storage.download(fileId).toString('utf8');
  expect(csv).toContain('3,count');
  const row = (await db.collection('transactions').where({ merchantId: withNo._id, month: page.data.month }).get()).data[0];
  expect(row).toMatchObject({ count: 40, amountFen: 1_200_050 });
});

test('a grid leader opens the workload and sees the team of their group, busiest first', async () => {
  actAs('demo-leader');
  const page = mount('pages/metrics/workload/index', {}, {});
  await flush(20);
  const ask = calls().find((c) => c.action === 'workload')!.event;
  const me = await cloud.call('user', { action: 'me' }, 'demo-leader');
  expect(ask.unitId).toBe(me.data.unit.id);
  if (page.data.status === 'ready') {
    expect(page.data.byPeriod).toBe(false);
    const totals = page.data.rows.map((r: any) => r.filing + r.marketing + r.revisit + r.maintenance);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  } else expect(page.data.status).toBe('empty');
});

test('after the daily reclassification, the leader works the lost list: every reason reads as words', async () => {
  // What the daily timer runs: the minimal bank's idle merchants become lost.
  const run = await cloud.call('lifecycle', { action: 'reclassify' }, 'demo-hq');
  expect(run.data.byClass.lost).toBeGreaterThan(0);
  actAs('demo-leader');
  const page = mount('pages/lifecycle/lists/index', {}, { class: 'lost' });
  await flush(20);
  // The merchants that changed class now carry why; each reason is a sentence, not a code.
  const reasons = page.data.items.map((i: any) => i.reason).filter(Boolean);
  expect(reasons.length).toBeGreaterThanOrEqual(Math.max(1, run.data.changed));
  for (const r of reasons) expect(r).toMatch(/^\d+ 天无交易$|[\u4e00-\u9fa5]{4,}/);
});

void answerCalls;
