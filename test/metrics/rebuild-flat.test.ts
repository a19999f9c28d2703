/**
 * A rebuild step costs what its chunk holds, not what the bank holds (docs/jobs.md: each chunk flat
 * from 40k to 400k merchants). The step that builds one grid's merchants reads the same documents through
 * the engine on a bank and on the same bank with many more merchants, visits, deposit and credit rows in
 * another grid: every read of the chunk's rows goes through an index of its merchants, whatever page of
 * them it reads.
 */
import { engineRequests } from '../helpers/engine-requests';
import { useLocalCloud } from '../helpers/local-cloud';
import { gridPath as path, unitTree } from '../helpers/unit-tree';
import { newRebuildJob, rebuildStep, reconcileRollups, type RebuildJob } from '../../server/rollup';

const local = useLocalCloud({ seed: 'none' });

const units = unitTree({ g1: '网格一', g9: '网格九' });

/** Merchants of the chunk: more rows of each kind than one page (1,000) holds, so later pages are read too. */
const CHUNK = 100;
const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

/** `n` merchants of `grid` (ids `<prefix>NNNN`), each with a deposit and credit row and a revisit per month. */
async function addMerchants(db: any, grid: string, prefix: string, n: number): Promise<void> {
  const ms = Array.from({ length: n }, (_, i) => ({
    _id: `${prefix}${String(i).padStart(4, '0')}`,
    gridId: grid,
    unitPath: path(grid),
    isComplete: true,
    filedAt: new Date('2023-03-01T02:00:00Z'),
    createdAt: new Date('2023-03-01T02:00:00Z'),
    acquiring: { status: 'active', since: '2023-05-10' },
    credit: { grantedFen: 0, drawnFen: 0 },
    lifecycleClass: 'qualified',
  }));
  const rows = (coll: string) =>
    ms.flatMap((m) =>
      MONTHS.map((month) =>
        coll === 'deposits'
          ? { _id: `${m._id}:${month}`, merchantId: m._id, month, balanceFen: 100 }
          : coll === 'credits'
            ? { _id: `${m._id}:${month}`, merchantId: m._id, month, grantedFen: 5000, grantedAt: '2023-06-01', drawnFen: 1000 }
            : { _id: `v-${m._id}-${month}`, merchantId: m._id, staffId: 's1', type: 'revisit', day: `${month}-15`, isFlagged: false, unitPath: path(grid) },
      ),
    );
  const add = async (coll: string, docs: unknown[]) => {
    for (let i = 0; i < docs.length; i += 1000) await db.collection(coll).add({ data: docs.slice(i, i + 1000) });
  };
  await add('merchants', ms);
  for (const coll of ['deposits', 'credits', 'visits']) await add(coll, rows(coll));
}

/** What the engine read per collection while `fn` ran (documents; index keys listed before documents). */
async function reads(fn: () => Promise<void>): Promise<Record<string, { requests: number; docs: number; keys: number; most: number }>> {
  const out: Record<string, { requests: number; docs: number; keys: number; most: number }> = {};
  for (const r of await engineRequests(local.cloud, fn)) {
    const g = (out[r.collection] ??= { requests: 0, docs: 0, keys: 0, most: 0 });
    g.requests++;
    g.docs += r.docs;
    g.keys += r.keys;
    g.most = Math.max(g.most, r.docs);
  }
  return out;
}

/** Rebuilds; answers what the engine read for the step that built the first chunk (grid g1's merchants). */
async function firstChunkReads(db: any) {
  let job: RebuildJob = newRebuildJob({ chunk: CHUNK });
  let first: Awaited<ReturnType<typeof reads>> | null = null;
  while (job.status !== 'done') {
    const before = job.chunks;
    const got = await reads(async () => {
      job = await rebuildStep(db, job);
    });
    if (before === 0 && job.chunks === 1) first = got;
  }
  expect(first).not.toBeNull();
  return first!;
}

describe('a rebuild step reads what its chunk holds', () => {
  let db: any;
  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: [{ _id: 's1', name: '张三', role: 'member', unitId: 'g1', unitPath: path('g1'), gridIds: ['g1', 'g9'] }] });
    await addMerchants(db, 'g1', 'a', CHUNK);
    // A first rebuild writes the revisit marks the visits give; the measured ones find them as they are.
    let job = newRebuildJob({ chunk: CHUNK });
    while (job.status !== 'done') job = await rebuildStep(db, job);
  }, 120_000);

  it('the same reads on a bank five times larger in another grid, none of them past the chunk\'s rows', async () => {
    const small = await firstChunkReads(db);
    // The chunk's rows: 100 merchants, and 1,200 each of deposits, credits and visits (two pages each).
    expect(small.visits.requests).toBeGreaterThanOrEqual(2);
    expect(small.deposits.requests).toBeGreaterThanOrEqual(2);

    // Five times the merchants and rows in a grid after it; their `_id`s sort after the chunk's rows, so a
    // page read along `_id` rather than through the merchants' index would pass over all of them.
    await addMerchants(db, 'g9', 'z', 5 * CHUNK);
    const large = await firstChunkReads(db);

    for (const coll of ['merchants', 'deposits', 'credits', 'visits', 'rollupMarks', 'rollups', 'rollupDeltas']) {
      expect([coll, large[coll]?.requests, large[coll]?.docs, large[coll]?.keys]).toEqual([coll, small[coll]?.requests, small[coll]?.docs, small[coll]?.keys]);
    }
    // No request read more than the chunk's rows of its collection (1,200) and a few more.
    for (const [coll, g] of Object.entries(large)) expect([coll, g.most <= 12 * CHUNK + 20]).toEqual([coll, true]);
    const total = (r: typeof small) => Object.values(r).reduce((n, g) => n + g.docs + g.keys, 0);
    expect(total(large)).toBeLessThanOrEqual(total(small) + 20);

    // The serving generation carries no chunk marker, and the rebuilt counters are exact.
    const { gen } = (await db.collection('rollupState').doc('main').get()).data;
    expect((await db.collection('rollups').where({ gen, b: db.command.exists(true) }).count()).total).toBe(0);
    expect((await db.collection('rollups').where({ gen }).count()).total).toBeGreaterThan(0);
    expect((await reconcileRollups(db, { from: '2024-07-01', to: '2024-07-31' })).differences).toEqual([]);
    // Every merchant's revisit mark of 2024: those of g1 written by the first rebuild, those of g9 added now.
    expect((await db.collection('rollupMarks').where({ year: '2024' }).count()).total).toBe(6 * CHUNK);
  }, 180_000);
});
