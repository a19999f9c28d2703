/**
 * Writers' deltas folded in batches (`foldPending`, `foldBatch`): many writers' increments summed into each
 * roll-up document by one conditional update, the lease that lets one batch run at a time and at most every
 * FOLD_GAP_MS, and a batch that stopped midway finished by the next without counting anything twice. The
 * figures are checked after the deltas are pruned, when they come from the stored documents alone.
 */
import dayjs from 'dayjs';
import { useLocalCloud } from '../helpers/local-cloud';
import { gridPath as path, unitTree } from '../helpers/unit-tree';
import { FOLD_GAP_MS, PRUNE_AFTER_MS, applyMerchantChange, applyVisitRollups, foldAll, figuresOf, foldDelta, foldPending, loadOwnerDocs, readState, rollupMaintenance, unitOwner } from '../../server/rollup';

const local = useLocalCloud({ seed: 'none' });

const units = unitTree({ g1: '网格一', g2: '网格二' });
const merchants = Array.from({ length: 6 }, (_, i) => ({
  _id: `m${i}`,
  gridId: i % 2 ? 'g2' : 'g1',
  unitPath: path(i % 2 ? 'g2' : 'g1'),
  isComplete: true,
  filedAt: new Date('2024-03-01T02:00:00Z'),
  createdAt: new Date('2024-03-01T02:00:00Z'),
  acquiring: { status: 'none' },
  credit: { grantedFen: 0, drawnFen: 0 },
  lifecycleClass: 'to-win',
}));

describe('batch folds', () => {
  let db: any;
  let seq = 0;
  /** Writes `n` marketing visits (one delta each) by two staff members, none folded. */
  async function visits(n: number, day: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const m = merchants[seq % merchants.length];
      const v = { _id: `v${++seq}`, merchantId: m._id, staffId: seq % 2 ? 's1' : 's2', type: 'marketing', day, isFlagged: seq % 3 === 0, unitPath: m.unitPath };
      await db.collection('visits').add({ data: v });
      await db.runTransaction(async (tx: any) => applyVisitRollups(tx, v, m as any));
    }
  }
  /** An owner's figures for the month of `day` (its year document). */
  const figures = async (owner: string, day: string) => {
    const end = dayjs(day).endOf('month').format('YYYY-MM-DD');
    return figuresOf((await loadOwnerDocs(db, { owner }, day.slice(0, 4))).get(owner)!, { start: `${day.slice(0, 7)}-01`, end });
  };
  const bankFigures = (day: string) => figures(unitOwner('bank'), day);
  const gridFigures = (grid: string, day: string) => figures(unitOwner(grid), day);
  const pending = async () => (await db.collection('rollupDeltas').where({ doneAt: 0 }).count()).total as number;
  /** Prunes every folded delta: the figures read after it come from the stored documents alone. */
  const pruneAll = async () => rollupMaintenance(db, { now: Date.now() + PRUNE_AFTER_MS + 1000 });

  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: [
      { _id: 's1', name: '张三', role: 'member', unitId: 'g1', unitPath: path('g1'), gridIds: ['g1'] },
      { _id: 's2', name: '李四', role: 'member', unitId: 'g2', unitPath: path('g2'), gridIds: ['g2'] },
    ] });
    await db.collection('merchants').add({ data: merchants });
    // The merchants' own counters first, folded: the owners' documents exist before the visits below.
    for (const m of merchants) await db.runTransaction(async (tx: any) => applyMerchantChange(tx, null, m as any, { deposits: {}, credits: {} }));
    await foldAll(db);
    await pruneAll();
  });

  it('folds many writers\' deltas together: each document once, every delta recorded, the same figures from the documents alone', async () => {
    await visits(30, '2025-07-03');
    const before = await bankFigures('2025-07-03');
    expect(before.visits.marketing).toBe(30);
    expect(await pending()).toBe(30);
    expect(await foldPending(db, Date.now())).toBe(30);
    expect(await pending()).toBe(0);
    const { gen } = await readState(db, true);
    const recorded = (await db.collection('rollupDeltas').limit(100).get()).data;
    expect(recorded.every((d: any) => d.dg.includes(gen) && d.doneAt > 0)).toBe(true);
    // The bank's day document carries every delta's marker, from one update.
    const bankDay = (await db.collection('rollups').where({ owner: unitOwner('bank'), ym: '2025-07' }).get()).data[0];
    expect(Object.keys(bankDay.f)).toHaveLength(30);
    expect(await bankFigures('2025-07-03')).toEqual(before);
    expect((await pruneAll()).pruned).toBe(30);
    expect(await bankFigures('2025-07-03')).toEqual(before);
    expect((await gridFigures('g1', '2025-07-03')).visits.marketing).toBe(15);
    expect((await gridFigures('g2', '2025-07-03')).visits.marketing).toBe(15);
  });

  it('lets one batch start at a time and at most every FOLD_GAP_MS; a holder that died loses the lease after a while', async () => {
    await visits(4, '2025-08-04');
    const now = Date.now() + 10 * FOLD_GAP_MS;
    expect(await foldPending(db, now)).toBe(4);
    await visits(3, '2025-08-04');
    // Within the gap: nothing, the deltas wait (readers add them meanwhile).
    expect(await foldPending(db, now + FOLD_GAP_MS / 2)).toBe(0);
    expect(await pending()).toBe(3);
    expect((await bankFigures('2025-08-04')).visits.marketing).toBe(7);
    // A batch under way (its holder took the lease and died): nobody else folds until its lease runs out.
    await db.collection('rollupState').doc('fold').update({ data: { next: now + 20_000, token: 'gone' } });
    expect(await foldPending(db, now + 5 * FOLD_GAP_MS)).toBe(0);
    expect(await foldPending(db, now + 21_000)).toBe(3);
    expect(await pending()).toBe(0);
    await pruneAll();
    expect((await bankFigures('2025-08-04')).visits.marketing).toBe(7);
  });

  it('finishes a batch that stopped midway (some documents already carrying some deltas) without counting any twice', async () => {
    await visits(8, '2025-09-05');
    const expected = await bankFigures('2025-09-05');
    expect(expected.visits.marketing).toBe(8);
    // A batch that folded three deltas into their documents and died before recording them.
    const some = (await db.collection('rollupDeltas').where({ doneAt: 0 }).orderBy('_id', 'asc').limit(3).get()).data;
    for (const d of some) await foldDelta(db, d);
    const _ = db.command;
    await db.collection('rollupDeltas').where({ _id: _.in(some.map((d: any) => d._id)) }).update({ data: { dg: [], doneAt: 0 } });
    expect(await pending()).toBe(8);
    expect(await bankFigures('2025-09-05')).toEqual(expected);
    expect(await foldPending(db, Date.now() + 100 * FOLD_GAP_MS)).toBe(8);
    expect(await pending()).toBe(0);
    await pruneAll();
    expect(await bankFigures('2025-09-05')).toEqual(expected);
    const g1 = await gridFigures('g1', '2025-09-05');
    const g2 = await gridFigures('g2', '2025-09-05');
    expect(g1.visits.marketing + g2.visits.marketing).toBe(8);
  });

  it('removes the markers of deltas folded PRUNE_AFTER_MS ago from the documents a later batch updates, figures unchanged', async () => {
    // One clock for the leases and the folds' records, past every lease and fold of the tests above.
    let clock = Date.now() + 1000 * FOLD_GAP_MS;
    const at = (ms: number) => {
      clock += ms;
      jest.spyOn(Date, 'now').mockReturnValue(clock);
      return clock;
    };
    try {
      await visits(6, '2025-10-06');
      expect(await foldPending(db, at(0))).toBe(6);
      const first = (await db.collection('rollupDeltas').where({ doneAt: clock }).get()).data.map((d: any) => d._id);
      expect(first).toHaveLength(6);
      const bankDoc = async () => (await db.collection('rollups').where({ owner: unitOwner('bank'), ym: '2025-10' }).get()).data[0];
      expect(Object.keys((await bankDoc()).f).sort()).toEqual([...first].sort());
      const expected = (await bankFigures('2025-10-06')).visits.marketing;
      // Folded a moment ago: the next batch leaves their markers (readers may still see the deltas)…
      await visits(2, '2025-10-06');
      expect(await foldPending(db, at(2 * FOLD_GAP_MS))).toBe(2);
      expect(Object.keys((await bankDoc()).f)).toEqual(expect.arrayContaining(first));
      // …and once they were folded PRUNE_AFTER_MS ago, the next batch that updates the document removes them (the
      // two of the second batch, folded 2 s later, stay); the deltas stay until the timer removes their markers everywhere.
      await visits(2, '2025-10-06');
      expect(await foldPending(db, at(PRUNE_AFTER_MS - FOLD_GAP_MS))).toBe(2);
      const markers = Object.keys((await bankDoc()).f);
      expect(markers.filter((id) => first.includes(id))).toEqual([]);
      expect(markers).toHaveLength(4);
      expect((await bankFigures('2025-10-06')).visits.marketing).toBe(expected + 4);
      expect(await db.collection('rollupDeltas').where({ _id: db.command.in(first) }).count()).toMatchObject({ total: 6 });
      const lease = (await db.collection('rollupState').doc('fold').get()).data;
      expect((Array.isArray(lease) ? lease[0] : lease).pruned).toBe(clock - PRUNE_AFTER_MS - 1);
      expect((await rollupMaintenance(db, { now: at(PRUNE_AFTER_MS + 1000) })).pruned).toBe(10);
      expect((await bankFigures('2025-10-06')).visits.marketing).toBe(expected + 4);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
