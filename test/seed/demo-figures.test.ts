/**
 * The demo bank reproduces the reference figures of docs/domain.md §1 at 2025-07-31. Every figure is computed
 * here from the raw seeded collections with plain queries and arithmetic, independently of the metrics
 * code and of the seed's own bookkeeping, and compared with the published value.
 */
import { openPi } from '../../server/pi';
import { isValidCreditCode } from '../../shared/domain/credit-code.rules';
import { isValidIdNumber } from '../../shared/domain/id-number.rules';
import { isMobile } from '../../shared/domain/mobile.rules';
import { isComplete, missingFields } from '../../shared/domain/merchant-file.rules';
import { DEMO_ACCOUNTS } from '../../scripts/seed';
import { pointInPolygon, type LngLat } from '../../scripts/seed/geo';
import { useDemoBank, type DemoSeedRecord } from '../helpers/demo-bank';

/** This file's copy of the run's seeded demo bank (seeded once per run, see test/helpers/demo-bank.ts). */
const bank = useDemoBank();

type Doc = Record<string, any>;

let seeded: DemoSeedRecord;
let db: any;
let merchants: Doc[];
let units: Doc[];
let staff: Doc[];

/** Reads a whole collection (or the part matching `where`) in pages of 1000 ordered by `_id`. */
async function readAll(name: string, where: Doc = {}, fields?: Doc): Promise<Doc[]> {
  const _ = db.command;
  const out: Doc[] = [];
  let last: string | null = null;
  for (;;) {
    let q: any = db.collection(name).where(last === null ? where : { ...where, _id: _.gt(last) });
    if (fields) q = q.field(fields);
    const { data }: { data: Doc[] } = await q.orderBy('_id', 'asc').limit(1000).get();
    out.push(...data);
    if (data.length < 1000) return out;
    last = data[data.length - 1]._id;
  }
}

/** The China-time business day of a stored instant. */
const chinaDay = (d: Date | string): string => new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Acquiring at day D: opened on or before D and not closed on or before D. */
const acquiringOn = (m: Doc, day: string): boolean =>
  !!m.acquiring?.since && m.acquiring.since <= day && !(m.acquiring.closedAt && m.acquiring.closedAt <= day);

/** Filed at day D: a complete file whose filing day is on or before D. */
const filedBy = (m: Doc, day: string): boolean => m.isComplete === true && !!m.filedAt && chinaDay(m.filedAt) <= day;

const coords = (p: any): LngLat => (p.coordinates ? p.coordinates : [p.longitude, p.latitude]);
const pct = (num: number, den: number): string => ((num / den) * 100).toFixed(1);

beforeAll(async () => {
  db = bank.cloud.database();
  seeded = bank.seed;
  units = await readAll('units');
  staff = await readAll('staff');
  // Grid by grid (an indexed field): paging a 40k collection by _id would rescan it per page.
  merchants = [];
  for (const g of units.filter((u) => u.kind === 'grid')) merchants.push(...(await db.collection('merchants').where({ gridId: g._id }).limit(1000).get()).data);
}, 120_000);

describe('demo bank: reference figures of docs/domain.md §1 at 2025-07-31', () => {
  it('has 30,678 acquiring merchants, 3,018 more than at 2024-12-31 (27,660)', async () => {
    const now = merchants.filter((m) => acquiringOn(m, '2025-07-31')).length;
    const yearStart = merchants.filter((m) => acquiringOn(m, '2024-12-31')).length;
    expect(now).toBe(30678);
    expect(yearStart).toBe(27660);
    expect(now - yearStart).toBe(3018);
    // The same count straight from the database, as a query rather than in memory.
    const _ = db.command;
    const { total } = await db
      .collection('merchants')
      .where(_.and([{ 'acquiring.since': _.lte('2025-07-31') }, _.or([{ 'acquiring.closedAt': _.exists(false) }, { 'acquiring.closedAt': _.gt('2025-07-31') }])]))
      .count();
    expect(total).toBe(30678);
  });

  it('holds exactly ¥1.93 bn of acquiring merchants’ deposits (¥1.75 bn at 2024-12-31, +¥0.18 bn)', async () => {
    const sumFor = async (month: string, day: string): Promise<number> => {
      const acquiring = new Set(merchants.filter((m) => acquiringOn(m, day)).map((m) => m._id));
      // One month's balances along the month index, summed over the merchants acquiring that day.
      const rows = await readAll('deposits', { month }, { merchantId: true, balanceFen: true });
      const counted = rows.filter((r) => acquiring.has(r.merchantId));
      expect(new Set(counted.map((r) => r.merchantId)).size).toBe(counted.length);
      return counted.reduce((a, r) => a + r.balanceFen, 0);
    };
    const now = await sumFor('2025-07', '2025-07-31');
    const yearStart = await sumFor('2024-12', '2024-12-31');
    expect(now).toBe(193_000_000_000);
    expect(yearStart).toBe(175_000_000_000);
    expect(now - yearStart).toBe(18_000_000_000);
  });

  it('has 9,221 acquiring merchants with credit granted, 6,771 drawing, ¥3.54 bn outstanding', async () => {
    const acquiring = new Map(merchants.filter((m) => acquiringOn(m, '2025-07-31')).map((m) => [m._id, m]));
    const credits = (await readAll('credits')).filter((c) => acquiring.has(c.merchantId) && c.grantedFen > 0 && c.grantedAt <= '2025-07-31');
    const drawing = credits.filter((c) => c.drawnFen > 0);
    expect(credits.length).toBe(9221);
    expect(drawing.length).toBe(6771);
    expect(drawing.reduce((a, c) => a + c.drawnFen, 0)).toBe(354_000_000_000);
    expect(pct(credits.length, acquiring.size)).toBe('30.1');
    expect(pct(drawing.length, credits.length)).toBe('73.4');
    // The merchant file carries the same credit snapshot as the imported credits.
    for (const c of credits.slice(0, 500)) expect(acquiring.get(c.merchantId)!.credit).toMatchObject({ grantedFen: c.grantedFen, drawnFen: c.drawnFen });
    // Drawn never exceeds granted.
    for (const c of await readAll('credits')) expect(c.drawnFen).toBeLessThanOrEqual(c.grantedFen);
  });

  it('has 27,511 merchants filed by the three sweeps 2021–2024', async () => {
    const byRule = merchants.filter((m) => m.isComplete && [2021, 2022, 2024].includes(m.sweep) && m.filedAt && chinaDay(m.filedAt) >= '2021-01-01' && chinaDay(m.filedAt) <= '2024-12-31');
    expect(byRule.length).toBe(27511);
    const _ = db.command;
    const { total } = await db
      .collection('merchants')
      .where({ isComplete: true, sweep: _.in([2021, 2022, 2024]), filedAt: _.gte(new Date('2020-12-31T16:00:00Z')).and(_.lt(new Date('2024-12-31T16:00:00Z'))) })
      .count();
    expect(total).toBe(27511);
  });

  it('city grids: 6,416 acquiring at 52.5% coverage, from 2,106 at 21.1% at the end of the first sweep', () => {
    const cityGrids = new Set(units.filter((u) => u.kind === 'grid' && u.area === 'city').map((u) => u._id));
    const city = merchants.filter((m) => cityGrids.has(m.gridId));
    const at = (day: string) => {
      const filed = city.filter((m) => filedBy(m, day));
      return { acquiring: city.filter((m) => acquiringOn(m, day)).length, filed: filed.length, filedAcquiring: filed.filter((m) => acquiringOn(m, day)).length };
    };
    const now = at('2025-07-31');
    const start = at('2021-12-31');
    expect(now).toEqual({ acquiring: 6416, filed: 12221, filedAcquiring: 6416 });
    expect(start).toEqual({ acquiring: 2106, filed: 9981, filedAcquiring: 2106 });
    expect(pct(now.filedAcquiring, now.filed)).toBe('52.5');
    expect(pct(start.filedAcquiring, start.filed)).toBe('21.1');
    expect((Number(pct(now.filedAcquiring, now.filed)) - Number(pct(start.filedAcquiring, start.filed))).toFixed(1)).toBe('31.4');
  });

  it('城北菜场 has 132 merchants at 90% coverage', async () => {
    const { data: markets } = await db.collection('markets').where({ name: '城北菜场' }).get();
    expect(markets).toHaveLength(1);
    const inMarket = merchants.filter((m) => m.marketId === markets[0]._id);
    const filed = inMarket.filter((m) => filedBy(m, '2025-07-31'));
    const covered = filed.filter((m) => acquiringOn(m, '2025-07-31'));
    expect(inMarket.length).toBe(132);
    expect(covered.length / filed.length).toBe(0.9);
    expect(pct(covered.length, filed.length)).toBe('90.0');
    // The market's merchants lie in the market's grids.
    for (const m of inMarket) expect(markets[0].gridIds).toContain(m.gridId);
  });

  it('has 9 city branches and 4 township branches', () => {
    const branches = units.filter((u) => u.kind === 'branch');
    expect(branches.filter((b) => b.area === 'city')).toHaveLength(9);
    expect(branches.filter((b) => b.area === 'township')).toHaveLength(4);
  });
});

describe('demo bank: shape of the organisation and the files', () => {
  it('has about 155 city grids and township grids in real towns of 兴化市', () => {
    const grids = units.filter((u) => u.kind === 'grid');
    expect(grids.filter((g) => g.area === 'city')).toHaveLength(155);
    const towns = new Set(grids.filter((g) => g.area === 'township').map((g) => g.township));
    expect(towns.has('戴南镇')).toBe(true);
    expect(towns.has('安丰镇')).toBe(true);
    expect(towns.has('陈堡镇')).toBe(true);
    expect(merchants.length).toBeGreaterThan(38000);
    expect(merchants.length).toBeLessThan(42000);
  });

  it('puts every merchant in exactly one grid, with that grid’s unitPath, inside its polygon', () => {
    const grids = new Map(units.filter((u) => u.kind === 'grid').map((g) => [g._id, g]));
    for (const m of merchants) {
      const grid = grids.get(m.gridId);
      expect(grid).toBeDefined();
      expect(m.unitPath).toEqual(grid!.unitPath);
    }
    // Sampled: the merchant's location lies in its grid's polygon and in no other.
    const all = [...grids.values()];
    for (let i = 0; i < merchants.length; i += 97) {
      const p = coords(merchants[i].location);
      const containing = all.filter((g) => pointInPolygon(p, g.boundary)).map((g) => g._id);
      expect(containing).toEqual([merchants[i].gridId]);
    }
  });

  it('has grid polygons that do not overlap (sampled points inside each grid)', () => {
    const grids = units.filter((u) => u.kind === 'grid');
    for (const g of grids) {
      const ring: LngLat[] = g.boundary;
      const cx = ring.slice(0, -1).reduce((a, p) => a + p[0], 0) / (ring.length - 1);
      const cy = ring.slice(0, -1).reduce((a, p) => a + p[1], 0) / (ring.length - 1);
      // Points between the centroid and each corner lie inside a convex cell.
      for (const [x, y] of ring.slice(0, -1)) {
        for (const t of [0, 0.5, 0.9]) {
          const p: LngLat = [cx + (x - cx) * t, cy + (y - cy) * t];
          expect(grids.filter((o) => pointInPolygon(p, o.boundary)).map((o) => o._id)).toEqual([g._id]);
        }
      }
    }
  });

  it('names an iron triangle for every grid, a leader for every group, a manager for every branch', () => {
    const active = staff.filter((s) => s.status === 'active');
    for (const g of units.filter((u) => u.kind === 'grid')) {
      for (const role of ['member', 'marketing', 'maintenance']) {
        expect(active.filter((s) => s.role === role && s.gridIds.includes(g._id)).length).toBeGreaterThanOrEqual(1);
      }
    }
    for (const g of units.filter((u) => u.kind === 'group')) expect(active.some((s) => s.role === 'leader' && s.unitId === g._id)).toBe(true);
    for (const b of units.filter((u) => u.kind === 'branch')) expect(active.some((s) => s.role === 'branch' && s.unitId === b._id)).toBe(true);
  });

  it('binds the demo accounts to their stable openids', () => {
    for (const a of DEMO_ACCOUNTS) {
      const bound = staff.filter((s) => s.openid === a.openid);
      expect(bound).toHaveLength(1);
      expect(bound[0].role).toBe(a.role);
    }
    expect(seeded.accounts.map((a) => a.openid)).toEqual(DEMO_ACCOUNTS.map((a) => a.openid));
  });

  it('stores valid licence codes, ID numbers and mobiles (sealed), checked by the shared rules', async () => {
    const files = merchants.filter((m) => m.isComplete);
    const licences = files.filter((m) => m.licenceCode).map((m) => m.licenceCode);
    expect(licences.length).toBeGreaterThan(10000);
    expect(licences.every(isValidCreditCode)).toBe(true);
    expect(new Set(licences).size).toBe(licences.length);
    const withId = files.filter((m) => m.operator.idNumber);
    expect(withId.length).toBeGreaterThan(5000);
    for (const m of withId.slice(0, 2000)) {
      const id = openPi(m.operator.idNumber);
      expect(isValidIdNumber(id)).toBe(true);
      expect(m.operator.idNumber.masked).toBe(`${id[0]}${'*'.repeat(16)}${id[17]}`);
    }
    for (const m of files.slice(0, 2000)) expect(isMobile(openPi(m.operator.mobile))).toBe(true);
  });

  it('records missingFields and isComplete as the entry standard computes them', async () => {
    const sample = await db.collection('merchants').where({ gridId: merchants[0].gridId }).limit(1000).get();
    expect(sample.data.length).toBeGreaterThan(20);
    for (const m of sample.data) {
      expect(missingFields(m)).toEqual(m.missingFields);
      expect(isComplete(m)).toBe(m.isComplete);
    }
  });

  it('opens a follow-up task for each failed check, closed by the next passing revisit or still open', async () => {
    const tasks = await readAll('tasks', { kind: 'check-followup' });
    expect(tasks.some((t) => t.status === 'open')).toBe(true);
    const done = tasks.filter((t) => t.status === 'done').slice(0, 200);
    expect(done.length).toBeGreaterThan(0);
    for (const t of done) {
      const { data } = await db.collection('visits').doc(t.closedByVisitId).get();
      const visit = data[0] ?? data;
      expect(visit.merchantId).toBe(t.merchantId);
      expect(visit.checks.find((c: Doc) => c.item === t.check).result).toBe('pass');
    }
  });

  it('writes its import jobs as the import function does: a known kind, read by the import screens', async () => {
    const { IMPORT_KINDS } = require('../../shared/contracts/import.contract');
    const jobs = await readAll('imports');
    expect(jobs.length).toBeGreaterThan(10);
    for (const j of jobs) expect([j._id, IMPORT_KINDS.includes(j.kind)]).toEqual([j._id, true]);
    expect(new Set(jobs.map((j) => j.kind))).toEqual(new Set(['transactions', 'deposits', 'credit']));
  });

  it('writes the documents it reports, in the time it reports', async () => {
    for (const [name, n] of Object.entries(seeded.counts)) expect((await db.collection(name).count()).total).toBe(n);
    expect(seeded.counts.visits).toBeGreaterThan(100000);
    expect(seeded.ms).toBeGreaterThan(0);
  });
});
