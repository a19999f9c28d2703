import type { Db } from '../db';
import { getDb } from '../db';
import {
  type Day,
  type FlowCounter,
  type MetricFigures,
  FLOW_COUNTERS,
  MONTHLY_COUNTERS,
  STOCK_COUNTERS,
  decomposeRange,
  figuresFrom,
  monthEnd,
  monthOf,
  yearOf,
} from '../../shared/domain/metrics.rules';
import { ROLLUPS, ROLLUP_MARKS, type RollupDoc } from './store';

/** The roll-up documents of one owner, by year. */
export interface OwnerDocs {
  meta: Omit<RollupDoc, '_id' | 'year' | 'part' | 'c' | 'm' | 'd'>;
  all: RollupDoc | null;
  stock: Map<string, RollupDoc>;
  flow: Map<string, RollupDoc>;
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
      };
      out.set(d.owner, o);
    }
    if (d.part === 'all') o.all = d;
    else if (d.part === 'stock') o.stock.set(d.year, d);
    else o.flow.set(d.year, d);
  }
  return out;
}

/**
 * Loads the documents needed for figures at days ≥ `minYear`-01-01: the running totals, and the stock and
 * flow documents of `minYear` onwards. `months` limits the day-level detail fetched to those months
 * (`MM` keys), which keeps documents small for wide lists (rankings).
 */
export async function loadOwnerDocs(db: Db, where: Record<string, unknown>, minYear: string, months?: string[]): Promise<Map<string, OwnerDocs>> {
  const _ = db.command;
  let q = db.collection(ROLLUPS).where({ ...where, year: _.gte(minYear) });
  if (months) {
    const projection: Record<string, boolean> = { owner: true, ownerType: true, ownerId: true, kind: true, name: true, path: true, parentId: true, year: true, part: true, c: true, m: true };
    for (const mm of months) projection[`d.${mm}`] = true;
    q = q.field(projection);
  }
  const docs: RollupDoc[] = [];
  for (let skip = 0; ; skip += 1000) {
    const res = (await q.skip(skip).limit(1000).get()) as { data: RollupDoc[] };
    docs.push(...res.data);
    if (res.data.length < 1000) break;
  }
  return groupByOwner(docs);
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
    else if (year === y) {
      for (const [m, counts] of Object.entries(doc.m ?? {})) if (m > mm) add(out, withoutMonthly(counts), -1);
      for (const [d, counts] of Object.entries(doc.d?.[mm] ?? {})) if (d > dd) add(out, withoutMonthly(counts), -1);
    }
  }
  // Deposits reset each month: the month's events up to `at`; at a month end that is the month's total,
  // so month ends (trends, 31 December) need no day detail.
  const doc = o.stock.get(y);
  let dep = 0;
  if (at === monthEnd(monthOf(at))) dep = doc?.m?.[mm]?.depFen ?? 0;
  else for (const [d, counts] of Object.entries(doc?.d?.[mm] ?? {})) if (d <= dd) dep += counts.depFen ?? 0;
  out.depFen = dep;
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

/** Flow counters summed over [from, to] (distinct revisits are exact only for a single grain). */
export function flowOver(o: OwnerDocs, from: Day, to: Day): Counts {
  const out: Counts = {};
  const parts = decomposeRange(from, to);
  for (const y of parts.years) add(out, o.flow.get(y)?.c);
  for (const m of parts.months) add(out, o.flow.get(yearOf(m))?.m?.[m.slice(5, 7)]);
  for (const d of parts.days) add(out, o.flow.get(yearOf(d))?.d?.[d.slice(5, 7)]?.[d.slice(8, 10)]);
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
 * Distinct acquiring merchants revisited in an arbitrary range, from the revisit marks (one per merchant
 * and year), for ranges that are not one day, month or year.
 */
export async function revisitedInRange(db: Db, scope: { unitId?: string; marketId?: string; area?: string }, from: Day, to: Day): Promise<number> {
  const _ = db.command;
  const years: string[] = [];
  for (let y = Number(yearOf(from)); y <= Number(yearOf(to)); y++) years.push(String(y));
  const where: Record<string, unknown> = { year: _.in(years) };
  if (scope.unitId) where.unitPath = scope.unitId;
  if (scope.marketId) where.marketId = scope.marketId;
  if (scope.area) where.area = scope.area;
  const seen = new Set<string>();
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(ROLLUP_MARKS).where(where).skip(skip).limit(1000).get()) as { data: { merchantId: string; year: string; days: string[] }[] };
    for (const mk of res.data) if (mk.days.some((d) => `${mk.year}-${d}` >= from && `${mk.year}-${d}` <= to)) seen.add(mk.merchantId);
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

/** Month keys (`MM`) whose day detail is needed for the given days within `year`. */
export function monthsNeeded(days: Day[]): string[] {
  return [...new Set(days.map((d) => monthOf(d).slice(5, 7)))];
}

export { getDb };
