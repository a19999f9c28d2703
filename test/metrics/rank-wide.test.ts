/**
 * Ranking documents with more than ten grids and staff to rank (server/rollup/rank.ts `periodOnly`): a
 * period of months reads no flow year totals, so an owner with flows elsewhere in the period's year and
 * none in it is not listed, and the bank's rankings still equal those read from every owner's own
 * documents; once fewer than ten have something, the year totals are read and the rows are the same again.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { applyMerchantChange, applyVisitRollups, foldAll, loadRankedOwners, rebuildRollups } from '../../server/rollup';
import { rankingsOf } from '../../cloudfunctions/metrics/metrics.service';
import type { Period } from '../../shared/domain/period.rules';

const local = useLocalCloud({ seed: 'none' });

const N = 12;
const ids = Array.from({ length: N }, (_, i) => i + 1);
const gridPath = (i: number) => ['bank', 'br1', 'gp1', `g${i}`];
const units = [
  { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
  { _id: 'br1', kind: 'branch', name: '支行', parentId: 'bank', unitPath: ['bank', 'br1'] },
  { _id: 'gp1', kind: 'group', name: '一组', parentId: 'br1', unitPath: ['bank', 'br1', 'gp1'] },
  ...[...ids, N + 1].map((i) => ({ _id: `g${i}`, kind: 'grid', name: `网格${i}`, parentId: 'gp1', unitPath: gridPath(i) })),
];
const staff = [...ids, N + 1].map((i) => ({ _id: `s${i}`, name: `员工${i}`, role: 'member', unitId: `g${i}`, unitPath: gridPath(i), gridIds: [`g${i}`] }));
const merchants = ids.map((i) => ({
  _id: `m${i}`,
  gridId: `g${i}`,
  unitPath: gridPath(i),
  isComplete: true,
  filedAt: new Date('2025-01-05T02:00:00Z'),
  createdAt: new Date('2025-01-05T02:00:00Z'),
  acquiring: { status: 'active', since: '2025-01-10' },
  credit: { grantedFen: 0, drawnFen: 0 },
  lifecycleClass: 'qualified',
}));
// Staff 1–12 visit in July (staff i i times); staff 13 only in March, in grid 13, which has no merchant.
const visits = [
  ...ids.flatMap((i) => Array.from({ length: i }, (_, k) => ({ _id: `v${i}-${k}`, merchantId: `m${i}`, staffId: `s${i}`, type: 'revisit', day: `2025-07-${String(k + 1).padStart(2, '0')}`, isFlagged: false, unitPath: gridPath(i) }))),
  { _id: 'v13', merchantId: 'm1', staffId: `s${N + 1}`, type: 'marketing', day: '2025-03-04', isFlagged: false, unitPath: gridPath(N + 1) },
];
const JULY: Period = { kind: 'month', start: '2025-07-01', end: '2025-07-31' };
const JUNE: Period = { kind: 'month', start: '2025-06-01', end: '2025-06-30' };
const bank = { ref: { type: 'unit' as const, id: 'bank', name: '银行', kind: 'bank' }, unitKind: 'bank' };

describe('ranking documents, more than ten to rank', () => {
  let db: any;
  const rankings = (p: Period, ownDocs = false) => rankingsOf(db, bank, p, new Map(), { ownDocs });

  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: staff });
    await db.collection('merchants').add({ data: merchants });
    for (const m of merchants) await db.runTransaction(async (tx: any) => applyMerchantChange(tx, null, m, { deposits: {} }));
    await db.collection('visits').add({ data: visits });
    for (const v of visits) await db.runTransaction(async (tx: any) => applyVisitRollups(tx, v, merchants.find((m) => m._id === v.merchantId)!));
    await foldAll(db);
    await rebuildRollups(db);
  });

  it('a month reads no year totals: an owner with flows only elsewhere in the year is not listed, and the rows are the owners\' own', async () => {
    const some = await loadRankedOwners(db, 'bank', JULY, undefined, { periodOnly: true });
    const all = await loadRankedOwners(db, 'bank', JULY);
    expect(some!.has('s:s13')).toBe(false);
    expect(all!.has('s:s13')).toBe(true);
    expect(all!.has('u:g13')).toBe(true);
    // Only grids and staff are listed.
    expect(all!.has('u:bank') || all!.has('u:br1') || all!.has('u:gp1')).toBe(false);
    const own = await rankings(JULY, true);
    expect(await rankings(JULY)).toEqual(own);
    expect(own!.staff.map((x) => [x.id, x.figures.visitsTotal])).toEqual(ids.slice(2).reverse().map((i) => [`s${i}`, i]));
    expect(own!.grids).toHaveLength(10);
  });

  it('a month where fewer than ten have visits reads the year totals: owners with nothing in it fill the ranking as from their own documents', async () => {
    const own = await rankings(JUNE, true);
    expect(await rankings(JUNE)).toEqual(own);
    // No visits in June: the staff with visits in 2025 are ranked with none, by id.
    expect(own!.staff.map((x) => [x.id, x.figures.visitsTotal])).toEqual(['s1', 's10', 's11', 's12', 's13', 's2', 's3', 's4', 's5', 's6'].map((id) => [id, 0]));
  });
});
