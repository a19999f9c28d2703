/**
 * Seeds a bank into the database through the real CloudBase client (`cloud.database()` of
 * wx-server-sdk, with the local engine installed) or, when handed the local engine, through its store's
 * bulk insert (the insert an add request ends in; the stored documents and index entries are the same
 * byte for byte): `minimal` for a small skeleton, `demo` for the 兴化 demo bank (docs/data-model.md "Demo bank") that
 * reproduces the reference figures of docs/domain.md §1. Deterministic from the seed number (sealed personal
 * data aside, whose IVs are random by design).
 */
import { type MonthCredit, isAcquiringOn } from '../../shared/domain/metrics.rules';
import {
  addMerchantChange,
  addVisitFlows,
  docsFromIncrements,
  Increments,
  loadOwnerMetas,
  labelsDoc,
  ROLLUP_STATE,
  MarkSet,
  markDocs,
  MERCHANT_FIELDS,
  merchantOwners,
  ROLLUP_MARKS,
  ROLLUPS,
  unitOwner,
  type MerchantLike,
  type OwnerMeta,
  type RevisitGrains,
  type RollupDoc,
  type VisitLike,
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
  /**
   * The local engine behind `db` (`startLocalCloud().engine.engine`): when given, documents are written
   * through its store's bulk insert, many batches per SQLite transaction, instead of one client request
   * per 1000 (same stored documents, a fraction of the work). Without it the seed uses `db` alone.
   */
  engine?: BulkEngine;
  /**
   * Documents per SQLite transaction on the bulk path (default 1000). Larger transactions write each index
   * page once for more documents but keep more objects alive across minor GCs: worth it only in a thread
   * with a large young generation (the seed CLI's worker: 5000).
   */
  transactionDocs?: number;
}

/** What the bulk path needs of the local engine: its store's batch insert and SQLite transactions. */
export interface BulkEngine {
  store: { insertMany(name: string, docs: Record<string, unknown>[], stored?: (string | undefined)[]): void };
  db: { transaction(fn: () => void): () => void };
}

/** Documents per SQLite transaction on the bulk path by default (with node's default young generation, 10,000 took ~1.5× the CPU of 1000). */
const BULK_TRANSACTION_DOCS = 1000;

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
  const bulk = options.engine ?? null;
  // The client sends a Geo.Point as its GeoJSON object; the bulk path stores that object directly.
  const makePoint: MakePoint = bulk ? (lng, lat) => ({ type: 'Point', coordinates: [lng, lat] }) : (lng, lat) => new db.Geo.Point(lng, lat);
  const write = bulk ? bulkWriter(bulk, Math.max(1, options.transactionDocs ?? BULK_TRANSACTION_DOCS)) : clientWriter(db, batch);
  const { data, accounts } = generateBank(options.kind, seed, makePoint, say);
  const generateMs = Date.now() - started;
  const cpuSince = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from);
    return Math.round((u.user + u.system) / 1000);
  };
  say(`generated the ${options.kind} bank in ${generateMs} ms (CPU ${cpuSince(cpu0)} ms)`);

  // The roll-up inputs are taken now so each collection's documents can be let go once written
  // (a smaller heap keeps the garbage collector's share of the seed down).
  const inputs = rollupInputs(data);
  const counts: Record<string, number> = {};
  const writeStart = Date.now();
  const names = [...WRITE_ORDER.filter((n) => data[n]), ...Object.keys(data).filter((n) => !WRITE_ORDER.includes(n))];
  for (const name of names) {
    const docs = data[name];
    const t = Date.now();
    const c = process.cpuUsage();
    await write(name, docs);
    counts[name] = docs.length;
    delete data[name];
    if (docs.length) say(`${name}: ${docs.length} in ${Date.now() - t} ms (CPU ${cpuSince(c)} ms)`);
  }
  const writeMs = Date.now() - writeStart;
  const rollupStart = Date.now();
  const rollupCpu = process.cpuUsage();
  const rollups = await writeRollups(db, inputs, write);
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
 * just written rather than by reading ~500k of them back, then written in batches. The seed tests check
 * the two agree.
 *
 * Speed: a merchant feeds the same counters of each of its owners (the units of its path, its market, its
 * area), so the events are accumulated once per distinct set of owners (a stand-in owner per set, a few
 * hundred in the demo bank) and the totals then copied to each real owner: roll-ups are sums, so this
 * gives the same documents for a sixth of the map updates. Staff owners (visits) are added directly.
 */
async function writeRollups(db: any, inputs: RollupInputs, write: Writer): Promise<{ docs: number; marks: number }> {
  const metas = await loadOwnerMetas(db);
  const { docs, marks } = computeRollups(inputs, metas);
  if (docs.length) await write(ROLLUPS, docs as unknown as Record<string, unknown>[]);
  if (marks.length) await write(ROLLUP_MARKS, marks);
  // The ranking documents are written whole with the rest: generation 0 ranks from them, its owners
  // named by the labels document (server/rollup/rank.ts).
  const owners = new Set(docs.map((d) => d.owner));
  const labels = labelsDoc([...metas.values()].filter((m) => owners.has(m.owner)));
  await write(ROLLUP_STATE, [{ _id: 'main', gen: 0, nextGen: 1, builds: [], retired: [], ranked: [0] }, labels as unknown as Record<string, unknown>]);
  return { docs: docs.length, marks: marks.length };
}

/** Writes a collection's documents in order. */
type Writer = (name: string, docs: Record<string, unknown>[]) => Promise<void>;

/** Through the client: one add request per `batch` documents, each written whole or not at all. */
function clientWriter(db: any, batch: number): Writer {
  return async (name, docs) => {
    const coll = db.collection(name);
    // wx-server-sdk takes `add({ data })`; node-sdk's collection takes the documents themselves.
    const wrap = typeof coll._collection === 'object';
    for (let i = 0; i < docs.length; i += batch) {
      const part = docs.slice(i, i + batch);
      const res = await coll.add(wrap ? { data: part } : part);
      if (res && res.code) throw new Error(`writing ${name} failed: ${res.code} ${res.message ?? ''}`);
    }
  };
}

/** Through the local engine's store: the insert an add request ends in, without the wire's encode and decode. */
function bulkWriter(engine: BulkEngine, perTransaction: number): Writer {
  return async (name, docs) => {
    for (let i = 0; i < docs.length; i += perTransaction) {
      const part = docs.slice(i, i + perTransaction);
      const texts = storedTexts(part);
      engine.db.transaction(() => engine.store.insertMany(name, part, texts))();
    }
  };
}

/**
 * The engine's stored text of each document (`{"$date": ms}` for dates, everything else plain JSON, as its
 * `encodeStored` writes it), by the native JSON.stringify with no replacer: a replacer function runs once per
 * value, about three times the cost. Dates serialise through `toJSON`, swapped for the stored form only for
 * this synchronous loop. Seed documents hold no other special values (no ObjectId, RegExp or non-finite
 * number); the seed tests check the texts against the engine's encoder.
 */
export function storedTexts(docs: Record<string, unknown>[]): string[] {
  const proto = Date.prototype as { toJSON: (this: Date) => unknown };
  const toJSON = proto.toJSON;
  proto.toJSON = function storedDate(this: Date) {
    return { $date: this.getTime() };
  };
  try {
    return docs.map((d) => JSON.stringify(d));
  } finally {
    proto.toJSON = toJSON;
  }
}

/** The roll-up and revisit-mark documents of a generated bank (see writeRollups). */
export function computeRollups(inputs: RollupInputs, metas: Map<string, OwnerMeta>): { docs: RollupDoc[]; marks: Record<string, unknown>[] } {
  const sets = new Map<string, { proxy: string; owners: string[] }>();
  const proxyPath = (owners: string[]): string[] => {
    const key = owners.join('\n');
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { proxy: `~owners-${sets.size}`, owners }));
    return [set.proxy];
  };
  // The same merchant with its owners replaced by one stand-in unit (no market, no area).
  const standIn = (m: MerchantLike, path: string[]): MerchantLike => ({ ...m, unitPath: proxyPath(merchantOwners(m, path)), marketId: null, area: null });

  const grouped = new Increments();
  const merchants = inputs.merchants;
  for (const m of merchants.values()) addMerchantChange(grouped, null, standIn(m, m.unitPath ?? []), inputs.deposits.get(m._id as string) ?? {}, inputs.credits.get(m._id as string) ?? {});
  const marks = new MarkSet();
  const apart: [string, string, RevisitGrains][] = [];
  for (const v of inputs.visits) {
    const merchant = merchants.get(v.merchantId) ?? null;
    const path = v.unitPath ?? merchant?.unitPath ?? [];
    // Workload flows to the merchant's owners (grouped) and to the visiting staff member.
    const day = addVisitFlows(grouped, { ...v, unitPath: merchant ? proxyPath(merchantOwners(merchant, path)) : proxyPath(path.map(unitOwner)) }, merchant ? standIn(merchant, path) : null);
    // Distinct revisited merchants, exactly as addVisitToComputation counts them.
    if (!day || v.type !== 'revisit' || !merchant || !isAcquiringOn(merchant, day)) continue;
    const owners = merchantOwners(merchant, path);
    const firsts = marks.add(v.merchantId, day, owners, path, merchant.marketId ?? null, merchant.area ?? null);
    const grains = [...firsts.values()].map((g) => JSON.stringify(g));
    // Alike for every owner (a merchant revisited under one path): through the stand-in; else owner by owner.
    if (firsts.size === owners.length && new Set(grains).size === 1) grouped.addFlow(unitOwner(proxyPath(owners)[0]), day, 'rv', 1, firsts.get(owners[0]));
    else for (const [o, g] of firsts) apart.push([o, day, g]);
  }

  // Copy each stand-in's totals to every owner of its set (document ids are `<owner>|<period…>`).
  const ownersOf = new Map<string, string[]>([...sets.values()].map((s) => [unitOwner(s.proxy), s.owners]));
  const incs = new Increments();
  for (const [id, doc] of grouped.docs) {
    const owners = ownersOf.get(doc.owner) ?? [doc.owner];
    const rest = id.slice(doc.owner.length);
    for (const owner of owners) {
      const target = `${owner}${rest}`;
      let into = incs.docs.get(target);
      if (!into) incs.docs.set(target, (into = { ...doc, owner, inc: new Map() }));
      for (const [path, delta] of doc.inc) into.inc.set(path, (into.inc.get(path) ?? 0) + delta);
    }
  }
  for (const [o, day, g] of apart) incs.addFlow(o, day, 'rv', 1, g);
  // Counters that net to zero are copied too: the full computation keeps them as well.

  return { docs: docsFromIncrements(incs, metas), marks: markDocs(marks) };
}

/** What the roll-ups are computed from, taken from the generated documents before they are written. */
export interface RollupInputs {
  merchants: Map<string, MerchantLike>;
  deposits: Map<string, Record<string, number>>;
  /** credit figures by merchant and month */
  credits: Map<string, Record<string, MonthCredit>>;
  visits: VisitLike[];
}

/** The roll-up inputs of a generated bank: merchants (roll-up fields), deposit balances by month, visits. */
export function rollupInputs(data: Dataset): RollupInputs {
  const deposits = new Map<string, Record<string, number>>();
  for (const d of data.deposits ?? []) {
    let rec = deposits.get(d.merchantId as string);
    if (!rec) deposits.set(d.merchantId as string, (rec = {}));
    rec[d.month as string] = (d.balanceFen as number) ?? 0;
  }
  const credits = new Map<string, Record<string, MonthCredit>>();
  for (const c of data.credits ?? []) {
    let rec = credits.get(c.merchantId as string);
    if (!rec) credits.set(c.merchantId as string, (rec = {}));
    rec[c.month as string] = { grantedFen: c.grantedFen as number, grantedAt: (c.grantedAt as string) ?? null, drawnFen: c.drawnFen as number };
  }
  const fields = Object.keys(MERCHANT_FIELDS);
  const merchants = new Map<string, MerchantLike>();
  for (const m of data.merchants ?? []) {
    const picked: Record<string, unknown> = {};
    for (const f of fields) if (m[f] !== undefined) picked[f] = m[f];
    merchants.set(m._id as string, picked as MerchantLike);
  }
  const visits: VisitLike[] = (data.visits ?? []).map((v: any) => ({ _id: v._id, merchantId: v.merchantId, staffId: v.staffId, type: v.type, day: v.day, at: v.at, isFlagged: v.isFlagged, unitPath: v.unitPath }));
  return { merchants, deposits, credits, visits };
}
