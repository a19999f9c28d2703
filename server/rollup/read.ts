import type { Db } from '../db';
import { getDb } from '../db';
import { type FlowCounter, type MetricFigures, FLOW_COUNTERS, MONTHLY_COUNTERS, STOCK_COUNTERS, figuresFrom } from '../../shared/domain/metrics.rules';
import { type Day, decomposeRange, monthEnd, monthOf, yearOf } from '../../shared/domain/period.rules';
import type { DeltaDoc, DeltaEntry } from './delta';
import { READ_SPAN_LIMIT_MS, loadVisibleDeltas, mergeDeltas } from './fold';
import { readState } from './state';
import { type OwnerMeta, ROLLUPS, ROLLUP_MARKS, type RollupDoc, areaOwner, marketOwner, unitOwner } from './store';
import { type MarkDoc, markSegments } from './apply';

/** The roll-up documents of one owner: running totals, year documents by `YYYY`, day documents by `YYYY-MM`. */
export interface OwnerDocs {
  meta: OwnerMeta;
  all: RollupDoc | null;
  stock: Map<string, RollupDoc>;
  flow: Map<string, RollupDoc>;
  stockDays: Map<string, RollupDoc>;
  flowDays: Map<string, RollupDoc>;
}

type Counts = Record<string, number>;

const add = (acc: Counts, src: Counts | undefined, sign = 1) => {
  if (!src) return;
  for (const [k, v] of Object.entries(src)) if (typeof v === 'number') acc[k] = (acc[k] ?? 0) + sign * v;
};

/** Groups loaded roll-up documents per owner. */
export function groupByOwner(docs: RollupDoc[]): Map<string, OwnerDocs> {
  const out = new Map<string, OwnerDocs>();
  for (const d of docs) {
    let o = out.get(d.owner);
    if (!o) {
      o = {
        meta: { owner: d.owner, ownerType: d.ownerType, ownerId: d.ownerId, kind: d.kind, name: d.name, path: d.path, parentId: d.parentId },
        all: null,
        stock: new Map(),
        flow: new Map(),
        stockDays: new Map(),
        flowDays: new Map(),
      };
      out.set(d.owner, o);
    }
    if (d.part === 'all') o.all = d;
    else if (d.grain === 'day') (d.part === 'stock' ? o.stockDays : o.flowDays).set(d.ym!, d);
    else (d.part === 'stock' ? o.stock : o.flow).set(d.year, d);
  }
  return out;
}

async function fetchAll(db: Db, where: object, fields: Record<string, true> | null = null): Promise<RollupDoc[]> {
  const docs: RollupDoc[] = [];
  for (let skip = 0; ; skip += 1000) {
    const query = db.collection(ROLLUPS).where(where).skip(skip).limit(1000);
    const res = (await (fields ? query.field(fields) : query).get()) as { data: RollupDoc[] };
    docs.push(...res.data);
    if (res.data.length < 1000) break;
  }
  return docs;
}

/**
 * Loads the documents needed for figures at days from `minYear`-01-01 on: the running totals, the year
 * documents of `minYear` onwards, and the day documents of the months listed (`YYYY-MM`: the months whose
 * days a period reads — a day or range period, or a stock at a day that is not a month end). With `months`
 * (`MM`, see `monthsFor`) year documents come with only those months.
 *
 * Exact whatever the fold has done: the serving generation's documents and, in the same round trip, the
 * deltas not yet folded into them (see `fold.ts`), added to each document that does not carry them.
 */
export async function loadOwnerDocs(
  db: Db,
  where: Record<string, unknown>,
  minYear: string,
  dayMonths: string[] = [],
  months?: string[],
  shared?: SharedDeltas,
): Promise<Map<string, OwnerDocs>> {
  const _ = db.command;
  const state = await readState(db);
  const gen = state.gen;
  // Generation 0 documents written before generations existed carry no `gen`.
  const inGen = gen === 0 ? { gen: _.in([0, null]) } : { gen };
  // One request whose branches each fix `grain`: the year range is then part of the index key
  // (owner|path|parentId, …, grain, year), so older years are never read, let alone decoded.
  const branches: Record<string, unknown>[] = [{ ...where, ...inGen, grain: 'year', year: _.gte(minYear) }, { ...where, ...inGen, grain: 'all' }];
  const wantMonths = new Set(dayMonths);
  if (dayMonths.length) branches.push({ ...where, ...inGen, grain: 'day', ym: _.in([...wantMonths]) });
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const deltaRead = sharedDeltaRead(db, deltaScope(where), gen, shared, attempt === 0);
    const [docs, deltas] = await Promise.all([fetchAll(db, _.or(branches), months ? rollupFields(months) : null), deltaRead]);
    // The two reads must be close together for the deltas to be judged right (READ_WINDOW_MS).
    if (Date.now() - started > READ_SPAN_LIMIT_MS && attempt < 2) continue;
    const accept = (e: DeltaEntry, meta: OwnerMeta | null): OwnerMeta | null => {
      if (e.g === 'year' ? e.y < minYear : e.g === 'day' ? !wantMonths.has(e.ym!) : false) return null;
      if (typeof where.owner === 'string') return e.o === where.owner ? (meta ?? bareMeta(e.o)) : null;
      // A document of an owner the read found nothing of is left out until the fold creates it: its
      // labels (kind, parent, path) are not known here.
      if (!meta) return null;
      if (where.ownerType !== undefined && meta.ownerType !== where.ownerType) return null;
      if (where.parentId !== undefined && meta.parentId !== where.parentId) return null;
      if (where.kind !== undefined && meta.kind !== where.kind) return null;
      if (typeof where.path === 'string' && !meta.path.includes(where.path)) return null;
      return meta;
    };
    return groupByOwner(mergeDeltas(docs, deltas, gen, accept));
  }
}

/**
 * The visible deltas read by one call, by generation and scope: several reads of one call over the same
 * scope, made together, share one read (never kept beyond the call).
 */
export type SharedDeltas = Map<string, Promise<DeltaDoc[]>>;

/**
 * The visible deltas of a scope: read once per call and generation (`shared`), unless `reuse` is false
 * (a read made again because the first took too long).
 */
export function sharedDeltaRead(db: Db, scope: Record<string, unknown>, gen: number, shared: SharedDeltas | undefined, reuse = true): Promise<DeltaDoc[]> {
  const key = `${gen}|${JSON.stringify(scope)}`;
  // Reads of one call over the same scope (a dashboard's children, grids and staff) share one delta read.
  let read = reuse ? shared?.get(key) : undefined;
  if (!read) {
    read = loadVisibleDeltas(db, scope, gen);
    shared?.set(key, read);
  }
  return read;
}

/** The deltas a read may need: those touching the owner, or anything under the unit of a subtree read. */
function deltaScope(where: Record<string, unknown>): Record<string, unknown> {
  if (typeof where.owner === 'string') return { ow: where.owner };
  const unit = where.parentId ?? where.path;
  return typeof unit === 'string' ? { sc: unit } : {};
}

function bareMeta(owner: string): OwnerMeta {
  const id = owner.slice(2);
  const t = owner[0];
  const ownerType = t === 'u' ? 'unit' : t === 'k' ? 'market' : t === 'a' ? 'area' : 'staff';
  return { owner, ownerType, ownerId: id, kind: ownerType === 'area' ? 'area' : ownerType, name: id === 'city' ? '城区' : id === 'township' ? '乡镇' : id, path: [], parentId: null };
}

/** The fields figures read: the owner's labels, totals (`c`), days (`d`), and the listed months (`m.MM`). */
function rollupFields(months: string[]): Record<string, true> {
  const fields: Record<string, true> = {};
  for (const f of ['owner', 'ownerType', 'ownerId', 'kind', 'name', 'path', 'parentId', 'year', 'ym', 'part', 'grain', 'c', 'd', 'k', 'gen', 'f']) fields[f] = true;
  for (const mm of new Set(months)) fields[`m.${mm}`] = true;
  return fields;
}

/**
 * The months (`MM`) of year documents that figures at these days and over these periods read (see
 * `stockAt` and `flowOver`): a stock at day D takes the months after D's and D's own (its deposits); a flow
 * takes the whole months of its range. Other years are read through their totals (`c`) only.
 */
export function monthsFor(stockDays: Day[], flowPeriods: { start: Day; end: Day }[]): string[] {
  const out = new Set<string>();
  for (const d of stockDays) for (let m = Number(d.slice(5, 7)); m <= 12; m++) out.add(String(m).padStart(2, '0'));
  for (const p of flowPeriods) for (const m of decomposeRange(p.start, p.end).months) out.add(m.slice(5, 7));
  return [...out].sort();
}

/** The `YYYY-MM` months whose day documents figures at these days and over these periods need. */
export function dayMonthsFor(stockDays: Day[], flowPeriods: { start: Day; end: Day }[]): string[] {
  const out = new Set<string>();
  for (const d of stockDays) if (d !== monthEnd(monthOf(d))) out.add(monthOf(d));
  for (const p of flowPeriods) for (const d of decomposeRange(p.start, p.end).days) out.add(monthOf(d));
  return [...out];
}

/** Stock counters at the end of day `at`: the running total minus every event after it. */
export function stockAt(o: OwnerDocs, at: Day): Counts {
  const out: Counts = {};
  add(out, o.all?.c);
  const y = yearOf(at);
  const mm = at.slice(5, 7);
  const dd = at.slice(8, 10);
  for (const [year, doc] of o.stock) {
    if (year > y) add(out, doc.c, -1);
    else if (year === y) for (const [m, counts] of Object.entries(doc.m ?? {})) if (m > mm) add(out, withoutMonthly(counts), -1);
  }
  const days = o.stockDays.get(monthOf(at))?.d ?? {};
  for (const [d, counts] of Object.entries(days)) if (d > dd) add(out, withoutMonthly(counts), -1);
  // Deposits and credit reset each month: the month's events up to `at`; at a month end that is the
  // month's total, so month ends (trends, 31 December) need no day detail.
  for (const k of MONTHLY_COUNTERS) {
    let v = 0;
    if (at === monthEnd(monthOf(at))) v = o.stock.get(y)?.m?.[mm]?.[k] ?? 0;
    else for (const [d, counts] of Object.entries(days)) if (d <= dd) v += counts[k] ?? 0;
    out[k] = v;
  }
  for (const k of STOCK_COUNTERS) out[k] ??= 0;
  return out;
}

const MONTHLY_SET = new Set<string>(MONTHLY_COUNTERS);
function withoutMonthly(c: Counts): Counts {
  const out: Counts = {};
  for (const [k, v] of Object.entries(c)) if (!MONTHLY_SET.has(k)) out[k] = v;
  return out;
}

/** True when a period's distinct-revisit count can be read from one roll-up grain. */
export function isSingleGrain(from: Day, to: Day): boolean {
  const d = decomposeRange(from, to);
  return d.years.length + d.months.length + d.days.length === 1;
}

/**
 * Flow counters summed over [from, to] (distinct revisits are exact only for a single grain); `parts`, the
 * range decomposed, may be given by a caller summing many owners over one range.
 */
export function flowOver(o: OwnerDocs, from: Day, to: Day, parts = decomposeRange(from, to)): Counts {
  const out: Counts = {};
  for (const y of parts.years) add(out, o.flow.get(y)?.c);
  for (const m of parts.months) add(out, o.flow.get(yearOf(m))?.m?.[m.slice(5, 7)]);
  for (const d of parts.days) add(out, o.flowDays.get(monthOf(d))?.d?.[d.slice(8, 10)]);
  for (const k of FLOW_COUNTERS) out[k] ??= 0;
  return out;
}

/** Current merchants per lifecycle class (running totals only; classes have no dated history here). */
export function classCounts(o: OwnerDocs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o.all?.c ?? {})) if (k.startsWith('cls_')) out[k.slice(4)] = v;
  return out;
}

/**
 * Distinct acquiring merchants revisited in an arbitrary range under a scope, from the revisit marks (one per
 * merchant and year, a segment per set of owners the merchant was revisited under), for ranges that are not
 * one day, month or year.
 */
export async function revisitedInRange(db: Db, scope: { unitId?: string; marketId?: string; area?: string }, from: Day, to: Day): Promise<number> {
  const _ = db.command;
  const years: string[] = [];
  for (let y = Number(yearOf(from)); y <= Number(yearOf(to)); y++) years.push(String(y));
  const [owner, field, value] = scope.unitId ? [unitOwner(scope.unitId), 'unitPath', scope.unitId] : scope.marketId ? [marketOwner(scope.marketId), 'marketId', scope.marketId] : [areaOwner(scope.area ?? ''), 'area', scope.area];
  // Marks written before segments name their scope by path, market and area.
  const where = _.and([{ year: _.in(years) }, _.or([{ owners: owner }, { owners: _.exists(false), [field]: value }])]);
  const seen = new Set<string>();
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(ROLLUP_MARKS).where(where).skip(skip).limit(1000).get()) as { data: MarkDoc[] };
    for (const mk of res.data) {
      const days = markSegments(mk).filter((x) => x.owners.includes(owner)).flatMap((x) => x.days);
      if (days.some((d) => `${mk.year}-${d}` >= from && `${mk.year}-${d}` <= to)) seen.add(mk.merchantId);
    }
    if (res.data.length < 1000) break;
  }
  return seen.size;
}

/** The §7 figures of one owner for a period: stocks at its end, flows over it. */
export function figuresOf(o: OwnerDocs, p: { start: Day; end: Day }, revisitedOverride?: number): MetricFigures {
  const { start, end } = p;
  const flow = flowOver(o, start, end) as Partial<Record<FlowCounter, number>>;
  if (revisitedOverride !== undefined) flow.rv = revisitedOverride;
  return figuresFrom(stockAt(o, end), flow);
}

/** Earliest year whose documents are needed for the given days. */
export function minYearOf(days: Day[]): string {
  return days.map(yearOf).sort()[0];
}


export { getDb };
