/**
 * Roll-up counters against the local engine: a merchant write and a visit submit record them in their
 * transaction (one delta each); the figures read back match the definitions before the deltas are folded
 * and after; reconciliation finds nothing on correct data and names the tampered counter; a rebuild from
 * the raw records gives the same documents.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { PRUNE_AFTER_MS, applyMerchantChange, applyVisitRollups, figuresOf, foldAll, loadOwnerDocs, rebuildRollups, reconcileRollups, BUILD_CHUNK, rollupMaintenance, scanCollection, unitOwner } from '../../server/rollup';
import { acquiringMerchant } from '../helpers/unit-tree';

const local = useLocalCloud({ seed: 'none' });

const units = [
  { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
  { _id: 'br1', kind: 'branch', name: '城北支行', parentId: 'bank', unitPath: ['bank', 'br1'] },
  { _id: 'gp1', kind: 'group', name: '一组', parentId: 'br1', unitPath: ['bank', 'br1', 'gp1'] },
  { _id: 'g1', kind: 'grid', name: '网格一', parentId: 'gp1', unitPath: ['bank', 'br1', 'gp1', 'g1'] },
  { _id: 'g2', kind: 'grid', name: '网格二', parentId: 'gp1', unitPath: ['bank', 'br1', 'gp1', 'g2'] },
];

/** A merchant of grid `grid` under group gp1 of branch br1 (see `acquiringMerchant`). */
function merchant(id: string, grid: string, extra: Record<string, unknown> = {}) {
  return acquiringMerchant(id, grid, ['bank', 'br1', 'gp1', grid], extra);
}

describe('roll-ups', () => {
  let db: any;
  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: [{ _id: 's1', name: '张三', role: 'member', unitId: 'g1', unitPath: units[3].unitPath, gridIds: ['g1'] }] });
    const ms = [
      merchant('m1', 'g1'),
      merchant('m2', 'g1', { acquiring: { status: 'closed', since: '2024-05-10', closedAt: '2025-02-01' } }),
      merchant('m3', 'g2'),
      merchant('m4', 'g2', { isComplete: false, filedAt: null, acquiring: { status: 'none' }, lifecycleClass: 'to-win' }),
    ];
    await db.collection('merchants').add({ data: ms });
    await db.collection('deposits').add({ data: [
      { _id: 'm1:2025-07', merchantId: 'm1', month: '2025-07', balanceFen: 1000 },
      { _id: 'm3:2025-07', merchantId: 'm3', month: '2025-07', balanceFen: 3000 },
    ] });
    // Credit as the bank's systems report it for July.
    const credits = { '2025-07': { grantedFen: 500000, grantedAt: '2024-06-01', drawnFen: 200000 } };
    await db.collection('credits').add({ data: [{ _id: 'm3:2025-07', merchantId: 'm3', month: '2025-07', ...credits['2025-07'] }] });
    for (const m of ms) {
      await db.runTransaction(async (tx: any) => {
        const deposits: Record<string, number> = m._id === 'm1' ? { '2025-07': 1000 } : m._id === 'm3' ? { '2025-07': 3000 } : {};
        await applyMerchantChange(tx, null, m as any, { deposits, credits: m._id === 'm3' ? credits : {} });
      });
    }
    const visits = [
      { _id: 'v1', merchantId: 'm1', staffId: 's1', type: 'revisit', day: '2025-07-03', isFlagged: false, unitPath: units[3].unitPath },
      { _id: 'v2', merchantId: 'm1', staffId: 's1', type: 'revisit', day: '2025-07-20', isFlagged: true, unitPath: units[3].unitPath },
      { _id: 'v3', merchantId: 'm4', staffId: 's1', type: 'marketing', day: '2025-07-20', isFlagged: false, unitPath: ['bank', 'br1', 'gp1', 'g2'] },
    ];
    await db.collection('visits').add({ data: visits });
    for (const v of visits) {
      await db.runTransaction(async (tx: any) => applyVisitRollups(tx, v, ms.find((m) => m._id === v.merchantId) as any));
    }
  });

  it('serves the §7 figures of a unit at a period end', async () => {
    const docs = await loadOwnerDocs(db, { owner: unitOwner('bank') }, '2025');
    const f = figuresOf(docs.get(unitOwner('bank'))!, { start: '2025-07-01', end: '2025-07-31' });
    expect(f.merchants).toBe(4);
    expect(f.filed).toBe(3);
    expect(f.acquiring).toBe(2); // m2 closed on 2025-02-01
    expect(f.coverage).toBeCloseTo(2 / 3);
    expect(f.creditGranted).toBe(1);
    expect(f.creditDrawing).toBe(1);
    expect(f.loansOutstandingFen).toBe(200000);
    expect(f.depositsFen).toBe(4000);
    expect(f.revisited).toBe(1);
    expect(f.revisitRate).toBe(0.5);
    expect(f.visits.revisit).toBe(2);
    expect(f.flaggedVisits.revisit).toBe(1);
    expect(f.visits.marketing).toBe(1);
    const jan = figuresOf(docs.get(unitOwner('bank'))!, { start: '2025-01-31', end: '2025-01-31' });
    expect(jan.acquiring).toBe(3);
    expect(jan.depositsFen).toBe(0);
  });

  it('folding the deltas changes no figure', async () => {
    const before = figuresOf((await loadOwnerDocs(db, { owner: unitOwner('bank') }, '2025')).get(unitOwner('bank'))!, { start: '2025-07-01', end: '2025-07-31' });
    // The transactions above ran without inTransaction, so nothing folded them yet.
    expect((await db.collection('rollups').count()).total).toBe(0);
    expect(await foldAll(db)).toBe(7);
    expect((await db.collection('rollups').count()).total).toBeGreaterThan(0);
    const after = figuresOf((await loadOwnerDocs(db, { owner: unitOwner('bank') }, '2025')).get(unitOwner('bank'))!, { start: '2025-07-01', end: '2025-07-31' });
    expect(after).toEqual(before);
  });

  it('folded deltas are pruned two minutes later, markers and all, and no figure changes', async () => {
    const figures = async () => figuresOf((await loadOwnerDocs(db, { owner: unitOwner('bank') }, '2025')).get(unitOwner('bank'))!, { start: '2025-07-01', end: '2025-07-31' });
    const before = await figures();
    expect((await rollupMaintenance(db)).pruned).toBe(0);
    const later = await rollupMaintenance(db, { now: Date.now() + PRUNE_AFTER_MS + 1000 });
    expect(later.pruned).toBe(7);
    expect((await db.collection('rollupDeltas').count()).total).toBe(0);
    const marked = (await db.collection('rollups').limit(1000).get()).data.filter((d: any) => Object.keys(d.f ?? {}).length);
    expect(marked).toEqual([]);
    expect(await figures()).toEqual(before);
  });

  it('reconciliation reports nothing on correct data and names a tampered counter', async () => {
    const clean = await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' });
    expect(clean.differences).toEqual([]);
    expect(clean.checkedValues).toBeGreaterThan(0);
    const _ = db.command;
    await db.collection('rollups').doc('u:g1|2025-07|flow').update({ data: { 'd.03.v_revisit': _.inc(5) } });
    const dirty = await reconcileRollups(db, { from: '2025-07-03', to: '2025-07-03' });
    expect(dirty.differences).toEqual([{ docId: 'u:g1|2025-07|flow', owner: 'u:g1', period: '2025-07-03', counter: 'v_revisit', expected: 1, actual: 6 }]);
  });

  it('a rebuild from the raw records restores the counters', async () => {
    const res = await rebuildRollups(db);
    expect(res.merchants).toBe(4);
    expect(res.visits).toBe(3);
    const again = await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' });
    expect(again.differences).toEqual([]);
    const docs = await loadOwnerDocs(db, { owner: unitOwner('g1') }, '2025');
    const f = figuresOf(docs.get(unitOwner('g1'))!, { start: '2025-07-01', end: '2025-07-31' });
    expect(f.visits.revisit).toBe(2);
    expect(f.acquiring).toBe(1);
  });

  it('a grid larger than a build chunk: every merchant is read and counted once (a page cursor keeps the chunk\'s own bounds)', async () => {
    const n = BUILD_CHUNK + 100;
    const extra = Array.from({ length: n }, (_, i) => merchant(`n${String(i).padStart(5, '0')}`, 'g2'));
    for (let i = 0; i < extra.length; i += 500) await db.collection('merchants').add({ data: extra.slice(i, i + 500) });
    const rows = extra.map((m) => ({ _id: `${m._id}:2025-07`, merchantId: m._id, month: '2025-07', balanceFen: 10 }));
    for (let i = 0; i < rows.length; i += 500) await db.collection('deposits').add({ data: rows.slice(i, i + 500) });
    const _ = db.command;
    // A scan bounded on `_id` whose first page is full stays within its bounds on the next page.
    const seen: string[] = [];
    await scanCollection<{ _id: string }>(db, 'merchants', { gridId: 'g2', _id: _.lte('n01049') }, { _id: true }, (page) => void seen.push(...page.map((m) => m._id)));
    expect(seen.length).toBe(2 + 1050);
    expect(seen[seen.length - 1]).toBe('n01049');
    const res = await rebuildRollups(db);
    expect(res.merchants).toBe(4 + n);
    const f = figuresOf((await loadOwnerDocs(db, { owner: unitOwner('g2') }, '2025')).get(unitOwner('g2'))!, { start: '2025-07-01', end: '2025-07-31' });
    expect(f.merchants).toBe(2 + n);
    expect(f.depositsFen).toBe(3000 + 10 * n);
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
  });
});
