/**
 * The minimal bank (docs/data-model.md "Demo bank"): head office, 13 branches (9 city, 4 township) each with a group and a
 * grid, one bound account per role, a handful of merchants; and the seed's determinism.
 */
import { startLocalCloud, type LocalCloud } from '../../local/runtime';
import { generatePiKey } from '../../server/pi';
import { readState, rebuildRollups } from '../../server/rollup';
import { isComplete, missingFields } from '../../shared/domain/merchant-file.rules';
import { ROLES } from '../../shared/domain/roles';
import { DEMO_ACCOUNTS, generateBank, seedDatabase, type SeedResult } from '../../scripts/seed';
import { pointInPolygon } from '../../scripts/seed/geo';

let cloud: LocalCloud;
let db: any;
let seeded: SeedResult;

beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: ':memory:' });
  db = cloud.database();
  seeded = await seedDatabase(db, { kind: 'minimal' });
});

afterAll(async () => {
  await cloud?.close();
});

/** The generated documents with sealed personal data reduced to its (keyed, stable) hash. */
function stable(kind: 'minimal' | 'demo', seed: number): string {
  const { data } = generateBank(kind, seed, (lng, lat) => ({ type: 'Point', coordinates: [lng, lat] }));
  return JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'enc' in v && 'hash' in v ? v.hash : v));
}

describe('minimal bank', () => {
  it('has head office and 13 branches, 9 city and 4 township, each with a group and a grid', async () => {
    const { data: units } = await db.collection('units').limit(1000).get();
    const kinds = (k: string) => units.filter((u: any) => u.kind === k);
    expect(kinds('bank')).toHaveLength(1);
    expect(kinds('branch').filter((b: any) => b.area === 'city')).toHaveLength(9);
    expect(kinds('branch').filter((b: any) => b.area === 'township')).toHaveLength(4);
    for (const b of kinds('branch')) {
      const groups = kinds('group').filter((g: any) => g.parentId === b._id);
      expect(groups.length).toBeGreaterThanOrEqual(1);
      expect(kinds('grid').some((g: any) => g.parentId === groups[0]._id && g.unitPath.join('/') === [...groups[0].unitPath, g._id].join('/'))).toBe(true);
    }
  });

  it('binds one account per role to the demo openids', async () => {
    expect(seeded.accounts.map((a) => a.role)).toEqual([...ROLES]);
    for (const a of DEMO_ACCOUNTS) {
      const { data } = await db.collection('staff').where({ openid: a.openid }).get();
      expect(data).toHaveLength(1);
      expect(data[0].role).toBe(a.role);
      expect(data[0].status).toBe('active');
      expect(data[0].mobile.masked).toMatch(/^1\d{2}\*{4}\d{4}$/);
    }
    for (const a of seeded.accounts) expect(a.unitName.length).toBeGreaterThan(0);
  });

  it('seeds a handful of merchants in the demo grid, complete or not as the entry standard says', async () => {
    const { data } = await db.collection('merchants').get();
    expect(data.length).toBeGreaterThanOrEqual(5);
    const member = (await db.collection('staff').where({ openid: 'demo-member' }).get()).data[0];
    const grid = (await db.collection('units').doc(member.unitId).get()).data;
    for (const m of data) {
      expect(m.gridId).toBe(grid._id);
      expect(m.unitPath).toEqual(grid.unitPath);
      expect(missingFields(m)).toEqual(m.missingFields);
      expect(isComplete(m)).toBe(m.isComplete);
      expect(pointInPolygon(m.location.coordinates ?? [m.location.longitude, m.location.latitude], grid.boundary)).toBe(true);
    }
    expect(seeded.counts.merchants).toBe(data.length);
  });

  it('writes the same roll-ups as rebuilding them from the stored records', async () => {
    const read = async (coll: string) => (await db.collection(coll).orderBy('_id', 'asc').limit(1000).get()).data;
    const seededRollups = await read('rollups');
    const seededMarks = await read('rollupMarks');
    expect(seededRollups.length).toBe(seeded.counts.rollups);
    expect(seededRollups.length).toBeGreaterThan(0);
    expect(seededMarks.length).toBe(1);
    await rebuildRollups(db);
    // The rebuild writes a new generation beside the seeded one and serves it: the same documents under
    // their generation's ids, without fold markers.
    const serving = (await readState(db, true)).gen;
    expect(serving).toBeGreaterThan(0);
    const content = (docs: any[]) => docs.map(({ _id, gen: _gen, f, b, ...rest }) => ({ ...rest, ...(f && Object.keys(f).length ? { f } : {}), ...(b ? { b } : {}) })).sort((x, y) => (x.k < y.k ? -1 : 1));
    const rebuilt = (await db.collection('rollups').where({ gen: serving }).limit(1000).get()).data;
    expect(rebuilt.every((d: any) => d._id === `${d.k}#${serving}`)).toBe(true);
    expect(content(rebuilt)).toEqual(content(seededRollups));
    expect(await read('rollupMarks')).toEqual(seededMarks);
  });

  it('refuses an unknown kind or a bad seed number before writing anything', async () => {
    await expect(seedDatabase(db, { kind: 'huge' as never })).rejects.toThrow(/kind/);
    await expect(seedDatabase(db, { kind: 'minimal', seed: -1 })).rejects.toThrow(/seed/);
    expect((await db.collection('merchants').count()).total).toBe(seeded.counts.merchants);
  });
});

describe('determinism', () => {
  it('gives the same documents for the same seed and different ones for another seed', () => {
    const key = process.env.PI_KEY;
    process.env.PI_KEY = key ?? generatePiKey();
    const a = stable('minimal', 7);
    expect(stable('minimal', 7)).toBe(a);
    expect(stable('minimal', 8)).not.toBe(a);
  });
});
