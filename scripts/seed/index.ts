/**
 * Seeds a bank into the database through the real CloudBase client (`cloud.database()` of
 * wx-server-sdk, with the local engine installed): `minimal` for issue 2's skeleton, `demo` for the
 * 兴化 demo bank of issue 3 that reproduces the reference figures of domain §1. Deterministic from
 * the seed number (sealed personal data aside, whose IVs are random by design).
 */
import {
  addMerchantChange,
  addVisitToComputation,
  docsFromIncrements,
  Increments,
  insertAll,
  loadOwnerMetas,
  MarkSet,
  markDocs,
  MERCHANT_FIELDS,
  ROLLUP_MARKS,
  ROLLUPS,
} from '../../server/rollup';
import type { Role } from '../../shared/domain/roles';
import { generateDemo, type Dataset, type MakePoint } from './demo';
import { generateMinimal } from './minimal';
import { BANK_NAME, bindDemoAccounts, buildOrg, type Org } from './org';
import { Rng } from './random';

export { DEMO_ACCOUNTS } from './org';
export { AS_OF, REFERENCE } from './demo';

export type SeedKind = 'minimal' | 'demo';

export interface SeedOptions {
  kind: SeedKind;
  /** seed number (default 20250731): the same number gives the same bank */
  seed?: number;
  /** progress lines (collection written, timings) */
  onProgress?: (message: string) => void;
  /** documents per add request (CloudBase and the local engine accept at most 1000) */
  batchSize?: number;
}

export interface SeedAccount {
  role: Role;
  name: string;
  openid: string;
  /** name of the staff member's unit */
  unitName: string;
  /** same as unitName (the runtime's account listing reads `unit`) */
  unit: string;
}

export interface SeedResult {
  bank: string;
  accounts: SeedAccount[];
  counts: Record<string, number>;
  /** wall time in milliseconds: generating, writing, roll-ups */
  ms: number;
  /** CPU time of this process over the same span (on a busy machine, closer to what an idle one takes) */
  cpuMs: number;
  timings: { generateMs: number; writeMs: number; rollupMs: number };
}

export const DEFAULT_SEED = 20250731;

/** Collections in write order: the organisation first, so a half-seeded store is still navigable. */
const WRITE_ORDER = ['units', 'staff', 'markets', 'wechatGroups', 'merchants', 'credits', 'deposits', 'transactions', 'classHistory', 'visits', 'tasks', 'imports'];

/** The documents of a bank, without writing them (also used by tests and the benchmark). */
export function generateBank(kind: SeedKind, seed: number, makePoint: MakePoint, say?: (message: string) => void): { org: Org; data: Dataset; accounts: SeedAccount[] } {
  if (!process.env.PI_KEY) throw new Error('PI_KEY must be set before seeding (personal data is sealed)');
  const rng = new Rng(seed);
  const org = buildOrg(rng.fork('org'), kind);
  // The demo accounts work in the grids of 城北菜场 (城北支行), the showcase market.
  const branch = org.branches.find((b) => b.name === '城北支行') ?? org.branches[0];
  const demoGrid = kind === 'demo' ? branch.gridIds[2] : branch.gridIds[0];
  const accounts = bindDemoAccounts(org, demoGrid);
  const grid = org.grids.find((g) => g.id === demoGrid)!;
  const data = kind === 'demo' ? generateDemo(rng.fork('demo'), org, makePoint, say) : generateMinimal(rng.fork('minimal'), grid, makePoint);
  data.units = org.units;
  data.staff = org.staff;
  return { org, data, accounts };
}

/**
 * Seeds `db` (wx-server-sdk's `cloud.database()`) with the minimal or the demo bank and returns the
 * bound demo accounts, the document counts per collection and the time it took. Rebuilds the metric
 * roll-ups from the seeded records so dashboards show the figures at once.
 */
export async function seedDatabase(db: any, options: SeedOptions): Promise<SeedResult> {
  if (!options || (options.kind !== 'minimal' && options.kind !== 'demo')) throw new Error("options.kind must be 'minimal' or 'demo'");
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('options.seed must be an integer 0–4294967295');
  const batch = Math.min(1000, Math.max(1, options.batchSize ?? 1000));
  const say = options.onProgress ?? (() => undefined);
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const makePoint: MakePoint = (lng, lat) => new db.Geo.Point(lng, lat);
  const { data, accounts } = generateBank(options.kind, seed, makePoint, say);
  const generateMs = Date.now() - started;
  const cpuSince = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from);
    return Math.round((u.user + u.system) / 1000);
  };
  say(`generated the ${options.kind} bank in ${generateMs} ms (CPU ${cpuSince(cpu0)} ms)`);

  const counts: Record<string, number> = {};
  const writeStart = Date.now();
  const names = [...WRITE_ORDER.filter((n) => data[n]), ...Object.keys(data).filter((n) => !WRITE_ORDER.includes(n))];
  for (const name of names) {
    const docs = data[name];
    const t = Date.now();
    const c = process.cpuUsage();
    const coll = db.collection(name);
    // wx-server-sdk takes `add({ data })`; node-sdk's collection takes the documents themselves.
    const wrap = typeof coll._collection === 'object';
    for (let i = 0; i < docs.length; i += batch) {
      const part = docs.slice(i, i + batch);
      const res = await coll.add(wrap ? { data: part } : part);
      if (res && res.code) throw new Error(`writing ${name} failed: ${res.code} ${res.message ?? ''}`);
    }
    counts[name] = docs.length;
    if (docs.length) say(`${name}: ${docs.length} in ${Date.now() - t} ms (CPU ${cpuSince(c)} ms)`);
  }
  const writeMs = Date.now() - writeStart;
  const rollupStart = Date.now();
  const rollupCpu = process.cpuUsage();
  const rollups = await writeRollups(db, data);
  const rollupMs = Date.now() - rollupStart;
  counts[ROLLUPS] = rollups.docs;
  counts[ROLLUP_MARKS] = rollups.marks;
  say(`roll-ups: ${rollups.docs} and ${rollups.marks} revisit marks in ${rollupMs} ms (CPU ${cpuSince(rollupCpu)} ms)`);
  const ms = Date.now() - started;
  const cpuMs = cpuSince(cpu0);
  say(`seeded the ${options.kind} bank in ${ms} ms (${cpuMs} ms of CPU)`);
  return { bank: BANK_NAME, accounts, counts, ms, cpuMs, timings: { generateMs, writeMs, rollupMs } };
}

/**
 * The metric roll-ups of a freshly seeded store, computed as `rebuildRollups` does (same building blocks,
 * same inputs: the merchants' roll-up fields, their deposit balances, the visits) but from the documents
 * just written rather than by reading ~500k of them back. The seed test checks the two agree.
 */
async function writeRollups(db: any, data: Dataset): Promise<{ docs: number; marks: number }> {
  const metas = await loadOwnerMetas(db);
  const deposits = new Map<string, Record<string, number>>();
  for (const d of data.deposits ?? []) {
    let rec = deposits.get(d.merchantId as string);
    if (!rec) deposits.set(d.merchantId as string, (rec = {}));
    rec[d.month as string] = (d.balanceFen as number) ?? 0;
  }
  const fields = Object.keys(MERCHANT_FIELDS);
  const merchants = new Map<string, any>();
  for (const m of data.merchants ?? []) merchants.set(m._id as string, Object.fromEntries(fields.filter((f) => m[f] !== undefined).map((f) => [f, m[f]])));
  const incs = new Increments();
  for (const m of merchants.values()) addMerchantChange(incs, null, m, deposits.get(m._id) ?? {});
  const marks = new MarkSet();
  for (const v of data.visits ?? []) {
    const { _id, merchantId, staffId, type, day, at, isFlagged, unitPath } = v as any;
    addVisitToComputation(incs, marks, { _id, merchantId, staffId, type, day, at, isFlagged, unitPath }, merchants.get(merchantId) ?? null);
  }
  const docs = docsFromIncrements(incs, metas);
  if (docs.length) await insertAll(db, ROLLUPS, docs as unknown as Record<string, unknown>[], 1000);
  const mdocs = markDocs(marks);
  if (mdocs.length) await insertAll(db, ROLLUP_MARKS, mdocs, 1000);
  return { docs: docs.length, marks: mdocs.length };
}
