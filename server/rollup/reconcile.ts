import type { Db } from '../db';
import { type Day, addDays, decomposeRange } from '../../shared/domain/period.rules';
import { buildOf, buildStep, discardBuild, settleBuild, startBuild } from './build';
import { loadVisibleDeltas, mergeDeltas, rangeScope } from './fold';
import { scanCollection } from './compute';
import { readState } from './state';
import { type OwnerMeta, ROLLUPS, type RollupDoc, rid } from './store';

/** One counter whose stored value differs from the value recomputed from the raw records. */
export interface RollupDifference {
  docId: string;
  owner: string;
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY` */
  period: string;
  counter: string;
  expected: number;
  actual: number;
}

export interface ReconcileResult {
  from: Day;
  to: Day;
  checkedDocs: number;
  checkedValues: number;
  differences: RollupDifference[];
  ms: number;
}

type Counts = Record<string, number>;

/** Counters by dotted path (a ranking document keeps them per owner: `acq.<owner>`). */
function flat(c: Record<string, unknown> | undefined, prefix = '', out: Counts = {}): Counts {
  for (const [k, v] of Object.entries(c ?? {})) {
    if (typeof v === 'number') out[prefix + k] = v;
    else if (v && typeof v === 'object') flat(v as Record<string, unknown>, `${prefix}${k}.`, out);
  }
  return out;
}

function compare(out: RollupDifference[], docId: string, owner: string, period: string, nestedExpected: Counts | undefined, nestedActual: Counts | undefined): number {
  const expected = flat(nestedExpected);
  const actual = flat(nestedActual);
  const keys = new Set([...Object.keys(expected ?? {}), ...Object.keys(actual ?? {})]);
  let n = 0;
  for (const k of keys) {
    const e = expected?.[k] ?? 0;
    const a = actual?.[k] ?? 0;
    n++;
    if (e !== a) out.push({ docId, owner, period, counter: k, expected: e, actual: a });
  }
  return n;
}

/** A reconciliation's progress between steps (a job document keeps it between calls). */
export interface ReconcileJob {
  range: { from: Day; to: Day };
  buildId: string | null;
  phase: 'build' | 'compare-built' | 'compare-serving' | 'done';
  /** `_id` cursor of the compare phases. */
  after: string | null;
  checkedDocs: number;
  checkedValues: number;
  differenceCount: number;
  /** The first `MAX_LISTED` differences. */
  differences: RollupDifference[];
  startedAt: number;
}

const MAX_LISTED = 500;
const PAGE = 200;

export function newReconcileJob(range: { from: Day; to: Day }): ReconcileJob {
  return { range, buildId: null, phase: 'build', after: null, checkedDocs: 0, checkedValues: 0, differenceCount: 0, differences: [], startedAt: Date.now() };
}

/** One document per key: a scratch generation's chunk documents summed, their markers together. */
function sumByKey(docs: RollupDoc[]): RollupDoc[] {
  const byKey = new Map<string, RollupDoc>();
  const addInto = (into: Record<string, any>, from: Record<string, any> | undefined) => {
    for (const [k, v] of Object.entries(from ?? {})) {
      if (typeof v === 'number') into[k] = (into[k] ?? 0) + v;
      else if (v && typeof v === 'object') addInto((into[k] ??= {}), v);
    }
  };
  for (const d of docs) {
    const k = d.k ?? d._id;
    const cur = byKey.get(k);
    if (!cur) {
      byKey.set(k, structuredClone(d));
      continue;
    }
    for (const field of ['c', 'm', 'd', 'f'] as const) addInto(((cur as any)[field] ??= {}), (d as any)[field]);
  }
  return [...byKey.values()];
}

/** One generation's documents by key, with the deltas not yet folded into them added (exact now). */
async function exactDocs(db: Db, gen: number, keys: string[], owners: string[]): Promise<Map<string, RollupDoc>> {
  const _ = db.command;
  const where = { k: _.in(keys) };
  const wanted = new Set(keys);
  const inGen = gen === 0 ? { gen: _.in([0, null]) } : { gen };
  const [docs, deltas] = await Promise.all([
    (async () => {
      const out: RollupDoc[] = [];
      await scanCollection<RollupDoc>(db, ROLLUPS, { ...where, ...inGen }, null, (page) => {
        out.push(...page);
      });
      return out;
    })(),
    owners.length ? loadVisibleDeltas(db, { ow: _.in(owners) }, gen) : Promise.resolve([]),
  ]);
  const summed = sumByKey(docs);
  const accept = (e: { k: string; o: string }, meta: OwnerMeta | null) => (wanted.has(e.k) ? (meta ?? { owner: e.o, ownerType: 'unit' as const, ownerId: e.o.slice(2), kind: '', name: '', path: [], parentId: null }) : null);
  return new Map(mergeDeltas(summed, deltas, gen, accept).map((d) => [d.k ?? d._id, d]));
}

/**
 * One step of a reconciliation of [from, to]: it builds, chunk by chunk, a scratch generation of the
 * documents of the range from the raw records (build.ts: each day's counters, and the month and year
 * totals of months and years the range covers whole; writes made meanwhile counted once), then compares
 * it with the serving generation a page at a time, both read exact (deltas not yet folded added). On
 * correct data the list of differences is empty. The scratch generation is retired at the end.
 */
export async function reconcileStep(db: Db, job: ReconcileJob): Promise<ReconcileJob> {
  const _ = db.command;
  if (job.phase === 'done') return job;
  if (!job.buildId) {
    const b = await startBuild(db, 'reconcile', job.range);
    return { ...job, buildId: b.id };
  }
  const build = await buildOf(db, job.buildId);
  if (!build) throw new Error('reconciliation: its scratch generation is gone; start it again');
  if (job.phase === 'build') {
    if (!build.built) {
      await buildStep(db, build.id);
      return job;
    }
    const settled = await settleBuild(db, build.id);
    if (!settled?.built) return job;
    return { ...job, phase: 'compare-built', after: null };
  }
  const serving = (await readState(db, true)).gen;
  const { from, to } = job.range;
  const parts = decomposeRange(from, to);
  const { months, years } = rangeScope(job.range);
  const next = { ...job, differences: [...job.differences] };
  const report = (docId: string, owner: string, period: string, e: Counts | undefined, a: Counts | undefined) => {
    const found: RollupDifference[] = [];
    next.checkedValues += compare(found, docId, owner, period, e, a);
    next.differenceCount += found.length;
    for (const f of found) if (next.differences.length < MAX_LISTED) next.differences.push(f);
  };
  const comparePair = (k: string, e: RollupDoc | undefined, a: RollupDoc | undefined) => {
    const docId = a?._id ?? rid(serving, k);
    const owner = e?.owner ?? a?.owner ?? k.split('|')[0];
    const grain = e?.grain ?? a?.grain;
    next.checkedDocs++;
    if (grain === 'day') {
      const ym = (e?.ym ?? a?.ym)!;
      for (let d = from > `${ym}-01` ? from : `${ym}-01`; d <= to && d.startsWith(ym); d = addDays(d, 1)) report(docId, owner, d, e?.d?.[d.slice(8, 10)], a?.d?.[d.slice(8, 10)]);
      return;
    }
    const year = (e?.year ?? a?.year)!;
    for (const m of parts.months) if (m.startsWith(year)) report(docId, owner, m, e?.m?.[m.slice(5, 7)], a?.m?.[m.slice(5, 7)]);
    if (parts.years.includes(year)) {
      report(docId, owner, year, e?.c, a?.c);
      for (const mm of new Set([...Object.keys(e?.m ?? {}), ...Object.keys(a?.m ?? {})])) report(docId, owner, `${year}-${mm}`, e?.m?.[mm], a?.m?.[mm]);
    }
  };
  const inRange = _.or([{ grain: 'day', ym: _.in([...months]) }, { grain: _.in(['year', 'month']), year: _.in([...years]) }]);
  // A page of one generation's documents in the range, along `_id`.
  const page = async (gen: number) => {
    const inGen = gen === 0 ? { gen: _.in([0, null]) } : { gen };
    const cond = job.after === null ? _.and([inRange, inGen]) : _.and([inRange, inGen, { _id: _.gt(job.after) }]);
    return ((await db.collection(ROLLUPS).where(cond).field({ _id: true, k: true, owner: true }).orderBy('_id', 'asc').limit(PAGE).get()) as { data: RollupDoc[] }).data;
  };
  const pairUp = async (keys: string[], owners: string[]) => {
    const [expected, actual] = await Promise.all([exactDocs(db, build.gen, keys, owners), exactDocs(db, serving, keys, owners)]);
    return { expected, actual };
  };
  if (job.phase === 'compare-built') {
    // Along keys (a key has a document per chunk that touched it, and the fold's).
    const cond = job.after === null ? { gen: build.gen } : { gen: build.gen, k: _.gt(job.after) };
    const docs = ((await db.collection(ROLLUPS).where(cond).field({ _id: true, k: true, owner: true }).orderBy('k', 'asc').limit(PAGE).get()) as { data: RollupDoc[] }).data;
    const keys = [...new Set(docs.map((d) => d.k!))];
    if (keys.length) {
      const { expected, actual } = await pairUp(keys, [...new Set(docs.map((d) => d.owner))]);
      for (const k of keys) comparePair(k, expected.get(k), actual.get(k));
    }
    if (docs.length < PAGE) return { ...next, phase: 'compare-serving', after: null };
    return { ...next, after: keys[keys.length - 1] };
  }
  // Serving documents the scratch generation has no document for (counters that should be zero).
  const docs = await page(serving);
  const keys = docs.map((d) => d.k ?? d._id);
  if (keys.length) {
    const { expected, actual } = await pairUp(keys, [...new Set(docs.map((d) => d.owner))]);
    for (const k of keys) if (!expected.has(k)) comparePair(k, undefined, actual.get(k));
  }
  if (docs.length < PAGE) {
    await discardBuild(db, build.id);
    return { ...next, phase: 'done', after: null };
  }
  return { ...next, after: docs[docs.length - 1]._id };
}

/**
 * Reconciles [from, to] in this call, step after step (the job runner and the timer step it across
 * calls instead), and reports every stored counter that differs from the raw records.
 */
export async function reconcileRollups(db: Db, range: { from: Day; to: Day }): Promise<ReconcileResult> {
  let job = newReconcileJob(range);
  while (job.phase !== 'done') job = await reconcileStep(db, job);
  return resultOf(job);
}

export function resultOf(job: ReconcileJob): ReconcileResult {
  return { from: job.range.from, to: job.range.to, checkedDocs: job.checkedDocs, checkedValues: job.checkedValues, differences: job.differences, ms: Date.now() - job.startedAt };
}
