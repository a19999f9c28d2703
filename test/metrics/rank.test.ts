/**
 * Ranking documents (`r:all`, server/rollup/rank.ts): the bank's rankings read from them give exactly the
 * rows read from every grid's and staff member's own documents — before the deltas are folded, after, and
 * after a rebuild — for months, years and whole-month ranges; a period with single days, or a generation
 * whose ranking documents are not complete, reads the owners' own documents. Reconciliation checks the
 * ranking documents like any other, and pruning removes their markers.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { PRUNE_AFTER_MS, RANKS, applyMerchantChange, applyVisitRollups, foldAll, forgetState, loadRankedOwners, readState, rebuildRollups, reconcileRollups, rollupMaintenance } from '../../server/rollup';
import { rankingsOf } from '../../cloudfunctions/metrics/metrics.service';
import type { Period } from '../../shared/domain/period.rules';

const local = useLocalCloud({ seed: 'none' });

const path = (...ids: string[]) => ['bank', ...ids];
const units = [
  { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
  { _id: 'br1', kind: 'branch', name: '城北支行', parentId: 'bank', unitPath: path('br1') },
  { _id: 'br2', kind: 'branch', name: '城南支行', parentId: 'bank', unitPath: path('br2') },
  { _id: 'gp1', kind: 'group', name: '一组', parentId: 'br1', unitPath: path('br1', 'gp1') },
  { _id: 'gp2', kind: 'group', name: '二组', parentId: 'br2', unitPath: path('br2', 'gp2') },
  { _id: 'g1', kind: 'grid', name: '网格一', parentId: 'gp1', unitPath: path('br1', 'gp1', 'g1') },
  { _id: 'g2', kind: 'grid', name: '网格二', parentId: 'gp1', unitPath: path('br1', 'gp1', 'g2') },
  { _id: 'g3', kind: 'grid', name: '网格三', parentId: 'gp2', unitPath: path('br2', 'gp2', 'g3') },
  { _id: 'g.4', kind: 'grid', name: '网格四', parentId: 'gp2', unitPath: path('br2', 'gp2', 'g.4') },
];
const unitPathOf = (grid: string) => units.find((u) => u._id === grid)!.unitPath;
const staff = [
  { _id: 's1', name: '张三', role: 'member', unitId: 'g1', unitPath: unitPathOf('g1'), gridIds: ['g1'] },
  { _id: 's2', name: '李四', role: 'maintenance', unitId: 'g3', unitPath: unitPathOf('g3'), gridIds: ['g3', 'g.4'] },
  { _id: 's3', name: '王五', role: 'member', unitId: 'g2', unitPath: unitPathOf('g2'), gridIds: ['g2'] },
];

function merchant(id: string, grid: string, filed: string, acquiringSince: string | null, extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    gridId: grid,
    unitPath: unitPathOf(grid),
    isComplete: true,
    filedAt: new Date(`${filed}T02:00:00Z`),
    createdAt: new Date(`${filed}T02:00:00Z`),
    acquiring: acquiringSince ? { status: 'active', since: acquiringSince } : { status: 'none' },
    credit: { grantedFen: 0, drawnFen: 0 },
    lifecycleClass: acquiringSince ? 'qualified' : 'to-win',
    ...extra,
  };
}

const PERIODS: Period[] = [
  { kind: 'month', start: '2025-07-01', end: '2025-07-31' },
  { kind: 'month', start: '2025-03-01', end: '2025-03-31' },
  { kind: 'month', start: '2024-12-01', end: '2024-12-31' },
  { kind: 'year', start: '2025-01-01', end: '2025-12-31' },
  { kind: 'year', start: '2024-01-01', end: '2024-12-31' },
  { kind: 'range', start: '2024-11-01', end: '2025-07-31' },
];
const DAY: Period = { kind: 'day', start: '2025-07-20', end: '2025-07-20' };
const bank = { ref: { type: 'unit' as const, id: 'bank', name: '银行', kind: 'bank' }, unitKind: 'bank' };

describe('ranking documents', () => {
  let db: any;
  const write = async (m: any, deposits: Record<string, number> = {}) => db.runTransaction(async (tx: any) => applyMerchantChange(tx, null, m, { deposits }));
  const visit = async (v: any, m: any) => db.runTransaction(async (tx: any) => applyVisitRollups(tx, v, m));
  const ms = [
    merchant('m1', 'g1', '2024-03-01', '2024-05-10'),
    merchant('m2', 'g1', '2024-04-01', '2024-06-01', { acquiring: { status: 'closed', since: '2024-06-01', closedAt: '2025-02-01' } }),
    merchant('m3', 'g2', '2024-11-15', '2025-01-20'),
    merchant('m4', 'g2', '2025-03-03', null),
    merchant('m5', 'g3', '2023-08-01', '2023-09-01'),
    merchant('m6', 'g.4', '2025-06-30', '2025-07-02'),
    merchant('m7', 'g3', '2025-08-10', '2025-09-01'),
  ];
  const visits = [
    { _id: 'v1', merchantId: 'm1', staffId: 's1', type: 'revisit', day: '2025-07-03', isFlagged: false, unitPath: unitPathOf('g1') },
    { _id: 'v2', merchantId: 'm1', staffId: 's1', type: 'revisit', day: '2025-07-20', isFlagged: true, unitPath: unitPathOf('g1') },
    { _id: 'v3', merchantId: 'm5', staffId: 's2', type: 'maintenance', day: '2024-12-05', isFlagged: false, unitPath: unitPathOf('g3') },
    // Later, by a known staff member in a known grid…
    { _id: 'v6', merchantId: 'm3', staffId: 's1', type: 'marketing', day: '2025-07-22', isFlagged: false, unitPath: unitPathOf('g2') },
    // …and by one never seen, in a grid never seen.
    { _id: 'v4', merchantId: 'm6', staffId: 's3', type: 'revisit', day: '2025-07-21', isFlagged: false, unitPath: unitPathOf('g.4') },
  ];
  const byId = <T extends { _id: string }>(xs: T[], ...ids: string[]) => ids.map((id) => xs.find((x) => x._id === id)!);
  const rankings = async (p: Period, ownDocs = false) => rankingsOf(db, bank, p, new Map(), { ownDocs });
  const expectSameRows = async () => {
    const out: unknown[] = [];
    for (const p of PERIODS) {
      const own = await rankings(p, true);
      expect(await rankings(p)).toEqual(own);
      out.push(own);
    }
    return out;
  };

  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: staff });
    await db.collection('merchants').add({ data: byId(ms, 'm1', 'm2', 'm3', 'm4', 'm5') });
    await db.collection('deposits').add({ data: [{ _id: 'm1:2025-07', merchantId: 'm1', month: '2025-07', balanceFen: 1000 }, { _id: 'm5:2024-12', merchantId: 'm5', month: '2024-12', balanceFen: 700 }] });
    for (const m of byId(ms, 'm1', 'm2', 'm3', 'm4', 'm5')) await write(m, m._id === 'm1' ? { '2025-07': 1000 } : m._id === 'm5' ? { '2024-12': 700 } : {});
    await db.collection('visits').add({ data: byId(visits, 'v1', 'v2', 'v3') });
    for (const v of byId(visits, 'v1', 'v2', 'v3')) await visit(v, ms.find((m) => m._id === v.merchantId));
    await foldAll(db);
  });

  it('are not read in a generation written before them: the owners\' own documents serve', async () => {
    forgetState();
    expect((await readState(db, true)).ranked).toEqual([]);
    expect(await loadRankedOwners(db, 'bank', PERIODS[0])).toBeNull();
    const rows = await rankings(PERIODS[0]);
    expect(rows!.grids.map((g) => g.id)).toEqual(['g1', 'g2', 'g3']);
  });

  it('a rebuild writes them whole: the bank\'s rankings from them equal the owners\' own, for months, years and ranges', async () => {
    await rebuildRollups(db);
    const s = await readState(db, true);
    expect(s.ranked).toEqual([s.gen]);
    const labels = (await db.collection('rollupState').doc('labels').get()).data;
    expect((Array.isArray(labels) ? labels[0] : labels).n['u:g1']).toEqual({ name: '网格一', kind: 'grid', b: 'bank' });
    for (const p of PERIODS) expect(await loadRankedOwners(db, 'bank', p)).not.toBeNull();
    const rows = await expectSameRows();
    const july = rows[0] as Awaited<ReturnType<typeof rankings>>;
    expect(july!.grids.map((g) => [g.id, g.figures.acquiring])).toEqual([['g1', 1], ['g2', 1], ['g3', 1]]);
    // s2 visited in 2024 only: nothing of it from 2025 on, so not listed (as from its own documents).
    expect(july!.staff.map((x) => [x.id, x.figures.visitsTotal])).toEqual([['s1', 2]]);
    expect(july!.grids[0].figures.depositsFen).toBe(1000);
  });

  it('single days are not in them: a day period reads the owners\' own documents', async () => {
    expect(await loadRankedOwners(db, 'bank', DAY)).toBeNull();
    expect((await rankings(DAY))!.staff[0].id).toBe('s1');
  });

  it('writes not yet folded are counted once, and folding them changes no row', async () => {
    await db.collection('merchants').add({ data: byId(ms, 'm7') });
    await write(byId(ms, 'm7')[0]);
    await db.collection('visits').add({ data: byId(visits, 'v6') });
    await visit(byId(visits, 'v6')[0], byId(ms, 'm3')[0]);
    for (const p of PERIODS) expect(await loadRankedOwners(db, 'bank', p)).not.toBeNull();
    const before = await expectSameRows();
    const july = before[0] as Awaited<ReturnType<typeof rankings>>;
    expect(july!.staff.map((x) => [x.id, x.figures.visitsTotal])).toEqual([['s1', 3]]);
    const year = before[3] as Awaited<ReturnType<typeof rankings>>;
    expect(year!.grids.find((g) => g.id === 'g3')?.figures.filed).toBe(2);
    expect(await foldAll(db)).toBe(2);
    expect(await expectSameRows()).toEqual(before);
  });

  it('an owner with nothing folded yet is left out, as from its own documents, until the fold creates its documents and label', async () => {
    await db.collection('merchants').add({ data: byId(ms, 'm6') });
    await write(byId(ms, 'm6')[0]);
    await db.collection('visits').add({ data: byId(visits, 'v4') });
    await visit(byId(visits, 'v4')[0], byId(ms, 'm6')[0]);
    // Counters of owners without a label: the owners' own documents serve (they leave them out too).
    expect(await loadRankedOwners(db, 'bank', PERIODS[0])).toBeNull();
    const before = await expectSameRows();
    expect((before[0] as Awaited<ReturnType<typeof rankings>>)!.grids.map((g) => g.id)).not.toContain('g.4');
    await foldAll(db);
    for (const p of PERIODS) expect(await loadRankedOwners(db, 'bank', p)).not.toBeNull();
    const after = await expectSameRows();
    const july = after[0] as Awaited<ReturnType<typeof rankings>>;
    // The grid's id has a dot: its key in the ranking documents is escaped, its row is not.
    expect(july!.grids.find((g) => g.id === 'g.4')?.figures.acquiring).toBe(1);
    expect(july!.staff.map((x) => [x.id, x.figures.visitsTotal])).toEqual([['s1', 3], ['s3', 1]]);
  });

  it('reconciliation compares them like any roll-up document and names a changed counter by owner', async () => {
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
    expect((await reconcileRollups(db, { from: '2025-01-01', to: '2025-12-31' })).differences).toEqual([]);
    const _ = db.command;
    const s = await readState(db, true);
    await db.collection('rollups').where({ k: `${RANKS}|2025-07|flow`, gen: s.gen }).update({ data: { 'm.07.v_revisit.u:g1': _.inc(3) } });
    const dirty = await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' });
    expect(dirty.differences).toEqual([expect.objectContaining({ owner: RANKS, period: '2025-07', counter: 'v_revisit.u:g1', expected: 2, actual: 5 })]);
    await db.collection('rollups').where({ k: `${RANKS}|2025-07|flow`, gen: s.gen }).update({ data: { 'm.07.v_revisit.u:g1': _.inc(-3) } });
  });

  it('pruning removes their markers and changes no row', async () => {
    const before = await expectSameRows();
    await rollupMaintenance(db, { now: Date.now() + PRUNE_AFTER_MS + 1000 });
    const ranks = (await db.collection('rollups').where({ owner: RANKS }).limit(100).get()).data;
    expect(ranks.length).toBeGreaterThan(0);
    expect(ranks.filter((d: any) => Object.keys(d.f ?? {}).length)).toEqual([]);
    expect(await expectSameRows()).toEqual(before);
  });
});
