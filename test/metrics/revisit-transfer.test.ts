/**
 * Distinct revisits of a merchant moved to another grid within the counted range (docs/domain.md §7,
 * revisit rate: acquiring merchants with at least one revisit in the period, for each scope). A revisit
 * counts for the units of the path it was made under: the merchant revisited in grid A, moved to grid B
 * and revisited there counts once in A, once in B, and once in every unit above both, at every grain
 * (day, month, year, arbitrary range) — as submitted, folded, and rebuilt from the raw records.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { applyMerchantChange, applyVisitRollups, figuresOf, foldAll, loadOwnerDocs, marketOwner, rebuildRollups, reconcileRollups, revisitedInRange, unitOwner } from '../../server/rollup';
import { acquiringMerchant } from '../helpers/unit-tree';

const local = useLocalCloud({ seed: 'none' });

const A = ['bank', 'br1', 'gp1', 'gA'];
const B = ['bank', 'br1', 'gp1', 'gB'];
const units = [
  { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
  { _id: 'br1', kind: 'branch', name: '城北支行', parentId: 'bank', unitPath: ['bank', 'br1'] },
  { _id: 'gp1', kind: 'group', name: '一组', parentId: 'br1', unitPath: ['bank', 'br1', 'gp1'] },
  { _id: 'gA', kind: 'grid', name: '网格甲', parentId: 'gp1', unitPath: A },
  { _id: 'gB', kind: 'grid', name: '网格乙', parentId: 'gp1', unitPath: B },
];

/** The one merchant, in a market of the city, in grid `grid` (see `acquiringMerchant`). */
function merchant(grid: string, path: string[]) {
  return acquiringMerchant('m1', grid, path, { marketId: 'k1', area: 'city' });
}

describe('distinct revisits of a merchant moved between grids', () => {
  let db: any;
  const inA = merchant('gA', A);
  const inB = merchant('gB', B);
  const visit = (id: string, day: string, unitPath: string[]) => ({ _id: id, merchantId: 'm1', staffId: 's1', type: 'revisit', day, isFlagged: false, unitPath });

  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('markets').add({ data: [{ _id: 'k1', name: '农贸市场', branchId: 'br1', unitPath: ['bank', 'br1'] }] });
    await db.collection('staff').add({ data: [{ _id: 's1', name: '张三', role: 'maintenance', unitId: 'gp1', unitPath: ['bank', 'br1', 'gp1'], gridIds: ['gA', 'gB'] }] });
    await db.collection('merchants').add({ data: [inA] });
    await db.runTransaction(async (tx: any) => applyMerchantChange(tx, null, inA as any, { deposits: {}, credits: {} }));
    // Revisited in A on 3 July; moved to B the same day; revisited in B that day and on 20 July.
    const v1 = visit('v1', '2025-07-03', A);
    await db.collection('visits').add({ data: [v1] });
    await db.runTransaction(async (tx: any) => applyVisitRollups(tx, v1, inA as any));
    await db.collection('merchants').doc('m1').update({ data: { gridId: 'gB', unitPath: B } });
    await db.runTransaction(async (tx: any) => applyMerchantChange(tx, inA as any, inB as any, { deposits: {}, credits: {} }));
    for (const v of [visit('v2', '2025-07-03', B), visit('v3', '2025-07-20', B)]) {
      await db.collection('visits').add({ data: [v] });
      await db.runTransaction(async (tx: any) => applyVisitRollups(tx, v, inB as any));
    }
  });

  /** Distinct revisited merchants of each owner on a day, in July, in 2025, and over two ranges of days. */
  async function revisited() {
    const owners = [...['gA', 'gB', 'gp1', 'br1', 'bank'].map(unitOwner), marketOwner('k1')];
    const out: Record<string, Record<string, number>> = {};
    for (const o of owners) {
      const d = (await loadOwnerDocs(db, { owner: o }, '2025', ['2025-07'])).get(o)!;
      const scope = o.startsWith('u:') ? { unitId: o.slice(2) } : { marketId: o.slice(2) };
      out[o] = {
        '07-03': figuresOf(d, { start: '2025-07-03', end: '2025-07-03' }).revisited,
        '07-20': figuresOf(d, { start: '2025-07-20', end: '2025-07-20' }).revisited,
        july: figuresOf(d, { start: '2025-07-01', end: '2025-07-31' }).revisited,
        year: figuresOf(d, { start: '2025-01-01', end: '2025-12-31' }).revisited,
        '07-01..07-10': await revisitedInRange(db, scope, '2025-07-01', '2025-07-10'),
        '07-15..07-31': await revisitedInRange(db, scope, '2025-07-15', '2025-07-31'),
      };
    }
    return out;
  }

  const expected = {
    'u:gA': { '07-03': 1, '07-20': 0, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 0 },
    'u:gB': { '07-03': 1, '07-20': 1, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 1 },
    'u:gp1': { '07-03': 1, '07-20': 1, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 1 },
    'u:br1': { '07-03': 1, '07-20': 1, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 1 },
    'u:bank': { '07-03': 1, '07-20': 1, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 1 },
    'k:k1': { '07-03': 1, '07-20': 1, july: 1, year: 1, '07-01..07-10': 1, '07-15..07-31': 1 },
  };

  it('counts the merchant once in each grid it was revisited in and once above both, before and after folding', async () => {
    expect(await revisited()).toEqual(expected);
    await foldAll(db);
    expect(await revisited()).toEqual(expected);
  });

  it('a rebuild from the raw records gives the same figures, and reconciliation finds nothing', async () => {
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
    await rebuildRollups(db);
    expect(await revisited()).toEqual(expected);
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
  });
});
