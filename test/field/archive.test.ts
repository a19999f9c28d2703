/**
 * Closed and moved merchants (docs/domain.md §3), through the real `merchant`, `metrics` and `lifecycle`
 * functions: a merchant archived on a day leaves the filed counts and the coverage denominator from that
 * day while dashboards of earlier days still count it; reconciliation finds no difference; reopening
 * counts it again from its day; a retry changes nothing; out-of-scope callers and bad reasons or days are
 * refused naming the field; its open tasks close and the nightly classification leaves it alone.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { chinaDay } from '../../shared/domain/period.rules';
import { rebuildRollups } from '../../server/rollup';
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, seedFixture, uid } from './fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const PATH = [U.bank, U.br1, U.g1, U.gr1];

/** Filed on 1 March 2025; `acq` acquiring with us since 1 April 2025. */
async function filedMerchant(acq: boolean): Promise<string> {
  const res = await okData(local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing));
  const id = res.merchant.id;
  const filed = new Date('2025-03-01T02:00:00Z');
  await db()
    .collection('merchants')
    .doc(id)
    .update({ data: { createdAt: filed, filedAt: filed, acquiring: acq ? { status: 'active', since: '2025-04-01' } : { status: 'none' }, lifecycleClass: acq ? 'qualified' : 'to-win' } });
  return id;
}

/** Filed merchants, filed merchants acquiring, acquiring merchants and coverage of a unit at a period's end. */
async function figures(period: string, unitId: string = U.gr1, openid: string = O.leader) {
  const d = await okData(local.call('metrics', { action: 'dashboard', unitId, period, sections: [] }, openid));
  return { filed: d.figures.filed, filedAcquiring: d.figures.filedAcquiring, acquiring: d.figures.acquiring, coverage: d.figures.coverage, merchants: d.figures.merchants };
}

async function reconcile(from: string, to: string) {
  let r = await okData(local.call('metrics', { action: 'reconcile', from, to }, O.hq));
  for (let i = 0; r.status === 'running' && i < 100; i++) r = await okData(local.call('metrics', { action: 'reconcile', jobId: r.jobId }, O.hq));
  expect(r.status).toBe('done');
  expect(r.checkedValues).toBeGreaterThan(0);
  return r.differences;
}

const open = { filed: 2, filedAcquiring: 1, acquiring: 1, coverage: 0.5, merchants: 2 };
const closed = { filed: 1, filedAcquiring: 0, acquiring: 1, coverage: 0, merchants: 1 };

let shop: string;
let other: string;
const today = chinaDay(new Date());

beforeAll(async () => {
  await seedFixture(local);
  shop = await filedMerchant(true);
  other = await filedMerchant(false);
  // The records were back-dated above: the counters are rebuilt from them, as the nightly job would.
  await rebuildRollups(db());
  await db().collection('tasks').add({ data: { _id: `abnormal-visit|${shop}|2025-07-01`, kind: 'abnormal-visit', merchantId: shop, gridId: U.gr1, unitPath: PATH, assigneeId: S.maintenance, dueDay: '2025-07-08', status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date() } });
});

describe('archiving a merchant that closed on 15 July 2025', () => {
  it('is refused outside the caller’s scope or role, and for a bad reason or day naming the field, writing nothing', async () => {
    const before = await counts(local);
    const ok = { action: 'archive', id: shop, reason: 'closed', day: '2025-07-15' };
    expect((await local.call('merchant', ok, O.branch2)).error.code).toBe('FORBIDDEN');
    expect((await local.call('merchant', ok, O.member)).error.code).toBe('FORBIDDEN');
    expect((await local.call('merchant', ok, O.maintenance)).error.code).toBe('FORBIDDEN');
    const field = async (event: Record<string, unknown>) => {
      const res = await local.call('merchant', { ...ok, ...event }, O.leader);
      return { code: res.error?.code, field: res.error?.details?.issues?.[0]?.field };
    };
    expect(await field({ reason: 'bankrupt' })).toEqual({ code: 'VALIDATION', field: 'reason' });
    expect(await field({ reason: undefined })).toEqual({ code: 'VALIDATION', field: 'reason' });
    expect(await field({ day: '2025-02-30' })).toEqual({ code: 'VALIDATION', field: 'day' });
    expect(await field({ day: '2099-01-01' })).toEqual({ code: 'VALIDATION', field: 'day' });
    // Before the file was recorded.
    expect(await field({ day: '2025-02-28' })).toEqual({ code: 'VALIDATION', field: 'day' });
    expect(await counts(local)).toEqual(before);
    expect(await figures('2025-07-31')).toEqual(open);
  });

  it('leaves the filed count and coverage denominator from that day; earlier dashboards still count it', async () => {
    const res = await okData(local.call('merchant', { action: 'archive', id: shop, reason: 'closed', day: '2025-07-15', note: '店面已转让' }, O.leader));
    expect(res).toMatchObject({ isReplay: false, tasksClosed: 1, merchant: { archived: { reason: 'closed', day: '2025-07-15', note: '店面已转让', byStaffId: S.leader }, closures: [{ from: '2025-07-15', to: null }] } });
    expect(await figures('2025-07-14')).toEqual(open);
    expect(await figures('2025-06')).toEqual(open);
    expect(await figures('2025-07-15')).toEqual(closed);
    expect(await figures('2025-07')).toEqual(closed);
    expect(await figures(today)).toEqual(closed);
    // Every level above the grid alike, as head office sees it.
    expect(await figures('2025-07-14', U.bank, O.hq)).toEqual(open);
    expect(await figures('2025-07-15', U.bank, O.hq)).toEqual(closed);
  });

  it('is audited and recorded on the file, and its open task is closed with the reason', async () => {
    const audit = (await db().collection('auditLog').where({ action: 'merchant-archive', 'target.id': shop }).get()).data;
    expect(audit).toEqual([expect.objectContaining({ staffId: S.leader, detail: expect.objectContaining({ reason: 'closed', day: '2025-07-15' }) })]);
    const history = (await okData(local.call('merchant', { action: 'history', id: shop }, O.leader))) as any;
    expect(JSON.stringify(history)).toContain('archived');
    const task = (await db().collection('tasks').doc(`abnormal-visit|${shop}|2025-07-01`).get()).data;
    expect(task).toMatchObject({ status: 'done', closeReason: 'merchant-closed', closedBy: S.leader });
  });

  it('a retried archive changes nothing; another day while archived is refused', async () => {
    const deltas = (await db().collection('rollupDeltas').where({ mid: shop }).count()).total;
    const again = await okData(local.call('merchant', { action: 'archive', id: shop, reason: 'closed', day: '2025-07-15' }, O.leader));
    expect(again).toMatchObject({ isReplay: true, tasksClosed: 0 });
    expect((await db().collection('rollupDeltas').where({ mid: shop }).count()).total).toBe(deltas);
    expect((await db().collection('auditLog').where({ action: 'merchant-archive', 'target.id': shop }).count()).total).toBe(1);
    const other = await local.call('merchant', { action: 'archive', id: shop, reason: 'moved-away', day: '2025-07-20' }, O.branch);
    expect(other.error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.ARCHIVED' });
    expect(await figures('2025-07-14')).toEqual(open);
    expect(await figures('2025-07-15')).toEqual(closed);
  });

  it('reconciliation rebuilt from the records finds no difference, and a rebuild gives the same dashboards', async () => {
    expect(await reconcile('2025-07-01', '2025-07-31')).toEqual([]);
    await rebuildRollups(db());
    expect(await figures('2025-07-14')).toEqual(open);
    expect(await figures('2025-07-15')).toEqual(closed);
    expect(await reconcile('2025-07-10', '2025-07-20')).toEqual([]);
  });

  it('is shown as archived in lists, filterable, and on no class list', async () => {
    const archived = await okData(local.call('merchant', { action: 'list', archived: true }, O.member));
    expect(archived.items.map((r: any) => [r.id, r.archived])).toEqual([[shop, { reason: 'closed', day: '2025-07-15' }]]);
    const opened = await okData(local.call('merchant', { action: 'list', archived: false }, O.member));
    expect(opened.items.map((r: any) => r.id)).toEqual([other]);
    const detail = await okData(local.call('merchant', { action: 'get', id: shop }, O.maintenance));
    expect(detail.archived).toMatchObject({ reason: 'closed', day: '2025-07-15' });
    const qualified = await okData(local.call('lifecycle', { action: 'list', cls: 'qualified' }, O.leader));
    expect(qualified.items.map((r: any) => r.id)).not.toContain(shop);
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: U.gr1, period: today, sections: [] }, O.leader));
    expect(d.classes.qualified ?? 0).toBe(0);
  });

  it('去营销 opens no marketing task for it', async () => {
    const res = await local.call('lifecycle', { action: 'startMarketing', merchantId: shop, taskId: uid('t') }, O.marketing);
    expect(res.error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.ARCHIVED' });
    expect((await db().collection('tasks').where({ merchantId: shop, status: 'open' }).count()).total).toBe(0);
  });

  it('is not visited: a revisit is refused and opens no follow-up', async () => {
    const checks = CHECK_ITEMS.map((item) => ({ item, result: item === 'speaker' ? 'fail' : 'pass', note: '查' }));
    const visits = (await db().collection('visits').where({ merchantId: shop }).count()).total;
    const res = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: shop, type: 'revisit', location: IN.gr1, checks }, O.maintenance);
    expect(res.error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.ARCHIVED' });
    expect((await db().collection('visits').where({ merchantId: shop }).count()).total).toBe(visits);
    expect((await db().collection('tasks').where({ merchantId: shop, status: 'open' }).count()).total).toBe(0);
  });

  it('the nightly classification leaves it alone: no class change, no new task', async () => {
    const tasks = (await db().collection('tasks').where({ merchantId: shop }).count()).total;
    let r = await okData(local.call('lifecycle', { action: 'reclassify', asOf: today, merchantIds: [shop, other], jobId: uid('job') }, O.hq));
    for (let i = 0; r.status === 'running' && i < 50; i++) r = await okData(local.call('lifecycle', { action: 'job', jobId: r.jobId }, O.hq));
    expect((await db().collection('merchants').doc(shop).get()).data.lifecycleClass).toBe('qualified');
    expect((await db().collection('tasks').where({ merchantId: shop }).count()).total).toBe(tasks);
    expect((await db().collection('tasks').where({ merchantId: shop, status: 'open' }).count()).total).toBe(0);
  });
});

describe('reopening it on 1 September 2025', () => {
  it('counts it again from that day; the closed stretch stays out; reconciliation finds no difference', async () => {
    expect((await local.call('merchant', { action: 'reopen', id: shop, day: '2025-07-14' }, O.leader)).error).toMatchObject({ code: 'VALIDATION', details: { issues: [expect.objectContaining({ field: 'day' })] } });
    expect((await local.call('merchant', { action: 'reopen', id: shop, day: '2025-09-01' }, O.branch2)).error.code).toBe('FORBIDDEN');
    const res = await okData(local.call('merchant', { action: 'reopen', id: shop, day: '2025-09-01', note: '重新开业' }, O.branch));
    expect(res).toMatchObject({ isReplay: false, merchant: { archived: null, closures: [{ from: '2025-07-15', to: '2025-09-01' }] } });
    expect(await figures('2025-07-14')).toEqual(open);
    expect(await figures('2025-08')).toEqual(closed);
    expect(await figures('2025-08-31')).toEqual(closed);
    expect(await figures('2025-09-01')).toEqual(open);
    expect(await figures(today)).toEqual(open);
    expect(await reconcile('2025-08-15', '2025-09-15')).toEqual([]);
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: U.gr1, period: today, sections: [] }, O.leader));
    expect(d.classes.qualified).toBe(1);
  });

  it('is audited; a retried reopen changes nothing; reopening an open file is refused', async () => {
    expect((await okData(local.call('merchant', { action: 'reopen', id: shop, day: '2025-09-01' }, O.branch))).isReplay).toBe(true);
    expect((await db().collection('auditLog').where({ action: 'merchant-reopen', 'target.id': shop }).count()).total).toBe(1);
    expect((await local.call('merchant', { action: 'reopen', id: other, day: '2025-09-01' }, O.branch)).error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.NOT_ARCHIVED' });
    // Archived again, it may not start inside the stretch it was open again.
    expect((await local.call('merchant', { action: 'archive', id: shop, reason: 'closed', day: '2025-08-20' }, O.leader)).error.details.issues[0].field).toBe('day');
    expect(await figures(today)).toEqual(open);
  });
});
