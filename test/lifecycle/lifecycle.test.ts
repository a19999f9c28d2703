/**
 * The lifecycle function on a small bank: 去营销 (product matrix, gaps, one open marketing task, retries),
 * head-office thresholds (validated, and applied by the next classification), lists in scope, a whole-bank
 * reclassification read as one range, timers (and the minute timer's pruning of old rate-limit counters).
 */
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { rebuildRollups } from '../../server/rollup';
import { reclassifyMerchants } from '../../server/jobs/reclassify';
import { chinaDay } from '../../shared/domain/period.rules';
import { QUOTA_PRUNE_BATCH } from '../../server/quota';

const local = useLocalCloud({ seed: 'none' });

const G1 = ['bank', 'br', 'gp', 'g1'];
const G2 = ['bank', 'br', 'gp', 'g2'];
const staff = (id: string, role: string, unitId: string, unitPath: string[], gridIds: string[] = []) => ({
  _id: id, name: id, role, unitId, unitPath, gridIds, extraUnitIds: [], mobile: null, openid: id, bindCodeHash: null, bindCodeExpiresAt: null, status: 'active', createdAt: new Date(), updatedAt: new Date(),
});
const merchant = (id: string, path: string[], products: unknown[], months: number) => ({
  _id: id, name: id, gridId: path[3], unitPath: path, isComplete: true, filedAt: new Date('2024-01-05T02:00:00Z'), createdAt: new Date('2024-01-05T02:00:00Z'),
  acquiring: { status: 'active', since: '2024-02-01', deviceStatus: 'bound' }, credit: { grantedFen: 0, drawnFen: 0 }, products, lifecycleClass: 'qualified', classSince: '2024-03-01',
  operator: { name: '李四', mobile: { enc: 'x', hash: 'y', masked: '139****0000' } }, months,
});

describe('lifecycle function', () => {
  let db: any;
  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: [
      { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
      { _id: 'br', kind: 'branch', name: '支行', parentId: 'bank', unitPath: ['bank', 'br'] },
      { _id: 'gp', kind: 'group', name: '组', parentId: 'br', unitPath: ['bank', 'br', 'gp'] },
      { _id: 'g1', kind: 'grid', name: '网格一', parentId: 'gp', unitPath: G1 },
      { _id: 'g2', kind: 'grid', name: '网格二', parentId: 'gp', unitPath: G2 },
    ] });
    await db.collection('staff').add({ data: [staff('hq-1', 'hq', 'bank', ['bank']), staff('member-1', 'member', 'g1', G1, ['g1']), staff('member-2', 'member', 'g2', G2, ['g2'])] });
    const ms = [
      merchant('shop-a', G1, [{ product: 'acquiring', bank: 'ours', status: 'active' }, { product: 'mobile-banking', bank: 'other', otherBank: 'icbc', status: 'active' }], 0),
      merchant('shop-b', G2, [{ product: 'acquiring', bank: 'ours', status: 'active' }], 0),
    ];
    for (const m of ms) delete (m as any).months;
    await db.collection('merchants').add({ data: ms });
    const txns = [];
    for (const id of ['shop-a', 'shop-b']) for (const mo of ['2025-04', '2025-05', '2025-06', '2025-07']) txns.push({ _id: `${id}:${mo}`, merchantId: id, month: mo, count: 40, amountFen: 1_500_000, lastTxnDay: `${mo}-28`, deviceStatus: 'bound', importId: 'seed', unitPath: id === 'shop-a' ? G1 : G2 });
    await db.collection('transactions').add({ data: txns });
    await rebuildRollups(db);
  });

  it('去营销 shows the product matrix with the gaps and opens one marketing task', async () => {
    const gm = await okData(local.call('lifecycle', { action: 'goMarket', merchantId: 'shop-a' }, 'member-1'));
    expect(gm.matrix.find((r: any) => r.product === 'acquiring').ours).toBe('active');
    expect(gm.matrix.find((r: any) => r.product === 'mobile-banking').otherBanks).toEqual([{ bank: 'icbc', label: '工商银行' }]);
    expect(gm.gaps.map((g: any) => g.product)).toEqual(['settlement-account', 'deposit', 'credit-granted', 'mobile-banking', 'merchant-app']);
    const first = await okData(local.call('lifecycle', { action: 'startMarketing', merchantId: 'shop-a', taskId: 'task-0000-0001', products: ['deposit', 'mobile-banking'] }, 'member-1'));
    expect(first).toMatchObject({ created: true, task: { id: 'task-0000-0001', products: ['deposit', 'mobile-banking'] } });
    const retry = await okData(local.call('lifecycle', { action: 'startMarketing', merchantId: 'shop-a', taskId: 'task-0000-0001', products: ['deposit', 'mobile-banking'] }, 'member-1'));
    expect(retry.created).toBe(false);
    const other = await okData(local.call('lifecycle', { action: 'startMarketing', merchantId: 'shop-a', taskId: 'task-0000-0002' }, 'member-1'));
    expect(other).toMatchObject({ created: false, task: { id: 'task-0000-0001' } });
    expect((await db.collection('tasks').where({ merchantId: 'shop-a', kind: 'marketing' }).get()).data).toHaveLength(1);
    const held = await local.call('lifecycle', { action: 'startMarketing', merchantId: 'shop-b', taskId: 'task-0000-0003', products: ['acquiring'] }, 'member-2');
    expect(held.error).toMatchObject({ code: 'VALIDATION', reason: 'MARKETING.NOT_A_GAP' });
    const outside = await local.call('lifecycle', { action: 'goMarket', merchantId: 'shop-b' }, 'member-1');
    expect(outside.error.code).toBe('FORBIDDEN');
  });

  it('head office chooses the assessed indicators: none is refused by field, and the targets follow the choice', async () => {
    const none = await local.call('lifecycle', { action: 'updateSettings', patch: {}, assessedIndicators: [] }, 'hq-1');
    expect(none.error.code).toBe('VALIDATION');
    expect(none.error.details.issues[0]).toMatchObject({ field: 'assessedIndicators', message: '至少选择一个考核指标' });
    const unknown = await local.call('lifecycle', { action: 'updateSettings', patch: {}, assessedIndicators: ['profit'] }, 'hq-1');
    expect(unknown.error.details.issues[0].field).toBe('assessedIndicators.0');
    await okData(local.call('lifecycle', { action: 'updateSettings', patch: {}, assessedIndicators: ['visitsTotal', 'acquiring'] }, 'hq-1'));
    const s = await okData(local.call('lifecycle', { action: 'getSettings' }, 'member-1'));
    expect(s.assessedIndicators).toEqual(['visitsTotal', 'acquiring']);
    const targets = await okData(local.call('metrics', { action: 'targets', unitId: 'gp', period: '2025-07' }, 'hq-1'));
    expect(targets.items.map((i: any) => i.metric)).toEqual(['visitsTotal', 'acquiring']);
  });

  it('head-office thresholds are validated by field and change the next classification', async () => {
    const bad = await local.call('lifecycle', { action: 'updateSettings', patch: { lifecycle: { lostIdleDays: 10 } } }, 'hq-1');
    expect(bad.error.code).toBe('VALIDATION');
    expect(bad.error.details.issues[0].field).toBe('patch.lifecycle.lostIdleDays');
    const notHq = await local.call('lifecycle', { action: 'updateSettings', patch: { visitRadiusM: 300 } }, 'member-1');
    expect(notHq.error.code).toBe('FORBIDDEN');
    const before = await okData(local.call('lifecycle', { action: 'reclassify', asOf: '2025-07-31' }, 'hq-1'));
    expect(before).toMatchObject({ checked: 2, changed: 0, byClass: { qualified: 2 } });
    await okData(local.call('lifecycle', { action: 'updateSettings', patch: { lifecycle: { qualifiedMinTxnCount: 50, qualifiedMinAmountFen: 2_000_000 } } }, 'hq-1'));
    const s = await okData(local.call('lifecycle', { action: 'getSettings' }, 'member-1'));
    expect(s.settings.lifecycle.qualifiedMinTxnCount).toBe(50);
    const after = await okData(local.call('lifecycle', { action: 'reclassify', asOf: '2025-07-31' }, 'hq-1'));
    expect(after).toMatchObject({ changed: 2, byClass: { 'to-win': 2 } });
    // Lists are per class and scope: each member sees its own grid's merchants.
    const mine = await okData(local.call('lifecycle', { action: 'list', cls: 'to-win' }, 'member-1'));
    expect(mine.items.map((i: any) => i.id)).toEqual(['shop-a']);
    const all = await okData(local.call('lifecycle', { action: 'list', cls: 'to-win', limit: 1 }, 'hq-1'));
    expect(all.items).toHaveLength(1);
    const next = await okData(local.call('lifecycle', { action: 'list', cls: 'to-win', limit: 1, cursor: all.nextCursor }, 'hq-1'));
    expect([all.items[0].id, next.items[0].id].sort()).toEqual(['shop-a', 'shop-b']);
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: 'gp', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d.classes).toMatchObject({ 'to-win': 2, qualified: 0 });
  });

  it('a whole-bank list of merchants (after an import) is read as one range and classified as by id', async () => {
    const ids = ['shop-a', ...Array.from({ length: 2500 }, (_, i) => `absent-${String(i).padStart(4, '0')}`)];
    const many = await reclassifyMerchants(db, { asOf: '2026-03-31', merchantIds: ids });
    expect(many).toMatchObject({ checked: 1, changed: 1, tasksOpened: 1, byClass: { lost: 1 } });
    expect((await db.collection('merchants').doc('shop-a').get()).data).toMatchObject({ lifecycleClass: 'lost', classSince: '2026-03-31' });
    expect((await db.collection('tasks').where({ merchantId: 'shop-a', kind: 'win-back', status: 'open' }).get()).data).toHaveLength(1);
    const again = await reclassifyMerchants(db, { asOf: '2026-03-31', merchantIds: ['shop-a'] });
    expect(again).toMatchObject({ checked: 1, changed: 0, byClass: { lost: 1 } });
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: 'gp', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d.classes).toMatchObject({ 'to-win': 1, lost: 1 });
  });

  it('merchants the caller has read (an import) are read again in the transaction that writes their class', async () => {
    // shop-b as an import might have read it before another classification moved it: 'premium' then, 'to-win' now.
    const seen = { ...(await db.collection('merchants').doc('shop-b').get()).data, lifecycleClass: 'premium' };
    const r = await reclassifyMerchants(db, { asOf: '2026-03-31', merchants: [seen] });
    expect(r).toMatchObject({ checked: 1, changed: 1, byClass: { lost: 1 } });
    expect((await db.collection('classHistory').doc('shop-b|2026-03-31|lost').get()).data).toMatchObject({ from: 'to-win', to: 'lost' });
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: 'gp', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d.classes).toMatchObject({ 'to-win': 0, lost: 2 });
    expect(d.classes.premium ?? 0).toBe(0);
  });

  it('only the platform timer runs the jobs; the timer event shape from a user or from no one is routed as a call', async () => {
    const fromUser = await local.call('lifecycle', { Type: 'Timer', TriggerName: 'reclassify-daily' }, 'member-1');
    expect(fromUser.ok).toBe(false);
    expect(fromUser.error.details.issues[0].field).toBe('action');
    // No caller and the timer's event body: still not the timer (CloudBase's SOURCE says who invoked).
    const forged = await local.call('metrics', { Type: 'Timer', TriggerName: 'reconcile-nightly' });
    expect(forged.ok).toBe(false);
    expect(forged.error.details.issues[0].field).toBe('action');
    // The nightly reconciliation starts from 02:30 China time: the timer fires at 03:00 (only Date is faked,
    // and it keeps running), so the test means the same at any hour it is run.
    const threeAm = new Date(`${chinaDay(new Date())}T03:00:00+08:00`);
    jest.useFakeTimers({ now: threeAm, advanceTimers: true, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      const timer = (await local.cloud.callDetailed('metrics', { Type: 'Timer', TriggerName: 'reconcile-nightly' }, { source: 'timer' })).result;
      expect(timer.ok).toBe(true);
      expect(timer.data.differences).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('head office may start the same jobs explicitly, and each start is audited', async () => {
    const db = local.cloud.database();
    const before = (await db.collection('auditLog').where({ action: 'job-run' }).count()).total;
    const rec = await okData(local.call('metrics', { action: 'reconcile', from: '2026-03-30', to: '2026-03-30' }, 'hq-1'));
    await okData(local.call('lifecycle', { action: 'reclassify', asOf: '2026-03-31', merchantIds: ['shop-a'] }, 'hq-1'));
    const { data } = await db.collection('auditLog').where({ action: 'job-run' }).get();
    expect(data).toHaveLength(before + 2);
    const reconciled = data.find((a: any) => a.detail.job === 'reconcile' && a.target.id === rec.jobId);
    expect(reconciled).toMatchObject({ staffId: expect.any(String), target: { collection: 'jobs', id: rec.jobId }, detail: { from: '2026-03-30', to: '2026-03-30' } });
    expect(data.find((a: any) => a.detail.job === 'reclassify' && a.detail.asOf === '2026-03-31')).toMatchObject({ staffId: reconciled.staffId, detail: { merchants: 1 } });
    // Nobody else may start them.
    expect((await local.call('metrics', { action: 'reconcile' }, 'member-1')).error.code).toBe('FORBIDDEN');
  });

  it('the minute timer removes rate-limit counters past their keeping, at most a batch a minute, by an index', async () => {
    const db = local.cloud.database();
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const H = 3600_000;
    const minute = Math.floor(now / 60_000);
    // Sign-in ticket counters of consoles and addresses: many two days old, one an hour old, one just taken.
    const oldTickets = Array.from({ length: QUOTA_PRUNE_BATCH + 50 }, (_, i) => ({ _id: `console-ticket:old-${i}`, kind: 'console-ticket', minute: minute - 2 * 24 * 60, count: 3, updatedAt: ago(48 * H + i * 1000) }));
    for (let i = 0; i < oldTickets.length; i += 500) await db.collection('quotas').add({ data: oldTickets.slice(i, i + 500) });
    await db.collection('quotas').add({ data: [
      { _id: 'console-ticket:hour', kind: 'console-ticket', minute: minute - 60, count: 1, updatedAt: ago(H) },
      { _id: 'console-ticket:now', kind: 'console-ticket', minute, count: 2, updatedAt: ago(1000) },
      // A person's lookup counters: one idle five days, one used two days ago, one today.
      { _id: 'pi-probe:idle', staffId: 'idle', kind: 'pi-probe', day: chinaDay(ago(120 * H)), count: 4, updatedAt: ago(120 * H) },
      { _id: 'pi-probe:recent', staffId: 'recent', kind: 'pi-probe', day: chinaDay(ago(48 * H)), count: 2, updatedAt: ago(48 * H) },
      { _id: 'pi-probe:today', staffId: 'today', kind: 'pi-probe', day: chinaDay(ago(0)), count: 1, updatedAt: ago(0) },
    ] });
    const ids = async () => ((await db.collection('quotas').field({ _id: true }).limit(1000).get()).data as any[]).map((d) => d._id as string).sort();
    const count = async () => (await db.collection('quotas').count()).total;
    expect(await count()).toBe(oldTickets.length + 5);

    const fire = async () => (await local.cloud.callDetailed('lifecycle', { Type: 'Timer', TriggerName: 'lifecycle-minute' }, { source: 'timer' })).result;
    // The first minute removes one batch; the next the rest of the old ones.
    expect((await fire()).ok).toBe(true);
    expect(await count()).toBe(oldTickets.length + 5 - QUOTA_PRUNE_BATCH);
    expect((await fire()).ok).toBe(true);
    expect(await ids()).toEqual(['console-ticket:hour', 'console-ticket:now', 'pi-probe:recent', 'pi-probe:today']);
    // Nothing left to remove: the same again.
    expect((await fire()).ok).toBe(true);
    expect(await ids()).toEqual(['console-ticket:hour', 'console-ticket:now', 'pi-probe:recent', 'pi-probe:today']);
    // The read is a range on the counters' kind and age index, not a scan of the collection.
    const plan = local.cloud.engine.explain('quotas', { kind: 'console-ticket', updatedAt: { $lt: ago(24 * H) } });
    expect(plan.index).toBe('kind_1_updatedAt_1');
  }, 60_000);
});
