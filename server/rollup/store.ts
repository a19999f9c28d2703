import type { Db, Tx } from '../db';
import type { Day } from '../../shared/domain/period.rules';
import {
  type FlowCounter,
  type MetricEvent,
  MONTHLY_COUNTERS,
} from '../../shared/domain/metrics.rules';

/**
 * Roll-up documents (collection `rollups`), per owner and part (`stock` or `flow`):
 * - `<owner>|<YYYY>|<part>`: the year's total (`c`) and each month's (`m.MM`);
 * - `<owner>|<YYYY-MM>|<part>`: each day of the month (`d.DD`), kept apart so that the common dashboards
 *   (a month, a year, a month end) read only small documents;
 * - `<owner>|all`: the running total of every stock counter, and the current count per lifecycle class.
 * An owner is a unit (`u:<id>`), a market (`k:<id>`), an area (`a:city`, `a:township`) or a staff member (`s:<id>`). Stock at day D is the
 * total minus the events after D, so a dashboard for a recent day reads two or three small documents.
 */
export const ROLLUPS = 'rollups';
/** Per merchant and year: the months and days on which it was revisited, to count distinct merchants. */
export const ROLLUP_MARKS = 'rollupMarks';

export type OwnerType = 'unit' | 'market' | 'staff' | 'area' | 'rank';
export type Part = 'stock' | 'flow';
/**
 * `year`: year and month totals of one year; `day`: the days of one month; `all`: running totals;
 * `month`: one month's totals (ranking documents only, see `withRanks`).
 */
export type Grain = 'year' | 'day' | 'all' | 'month';

/** Descriptive fields copied onto each roll-up document so dashboards can filter and label without joins. */
export interface OwnerMeta {
  owner: string;
  ownerType: OwnerType;
  ownerId: string;
  /** unit kind (bank/branch/group/grid), 'market' or the staff role */
  kind: string;
  name: string;
  /** unit: its unitPath (itself last); market: its branch path + itself; staff: its unitPath */
  path: string[];
  parentId: string | null;
}

export interface RollupDoc extends OwnerMeta {
  _id: string;
  /** The document's key, the same in every generation (`_id` is the key, plus `#<gen>` past generation 0). */
  k?: string;
  /** The generation the document belongs to (see `state.ts`); readers read the serving one only. */
  gen?: number;
  /** Deltas already folded into this document (delta id → 1), removed once the delta is pruned. */
  f?: Record<string, 1>;
  /** Chunks of a generation build already written into this document (build chunk → 1). */
  b?: Record<string, 1>;
  /** `YYYY`, or `all` for the running totals */
  year: string;
  /** `YYYY-MM` of a day-grain (or month-grain) document */
  ym?: string;
  part: Part | 'all';
  grain: Grain;
  c?: Record<string, number>;
  m?: Record<string, Record<string, number>>;
  /** day-grain documents: `DD` → counters */
  d?: Record<string, Record<string, number>>;
}

export const unitOwner = (id: string) => `u:${id}`;
export const marketOwner = (id: string) => `k:${id}`;
export const staffOwner = (id: string) => `s:${id}`;
/** City (城区) or township (乡镇) merchants of the whole bank. */
export const areaOwner = (area: string) => `a:${area}`;

/** The `_id` of the document with key `k` in generation `gen` (generation 0 keeps the bare key). */
export function rid(gen: number, k: string): string {
  return gen ? `${k}#${gen}` : k;
}

/** Document id of an owner's year part, or its running total. */
export function rollupId(owner: string, year: string | 'all', part?: Part): string {
  return year === 'all' ? `${owner}|all` : `${owner}|${year}|${part}`;
}

const MONTHLY = new Set<string>(MONTHLY_COUNTERS);

/** One roll-up document's increments as `Increments` gathers them (`path → delta`). */
export interface IncDoc {
  owner: string;
  year: string;
  ym: string | null;
  part: Part | 'all';
  grain: Grain;
  inc: Map<string, number>;
}

/** Accumulates counter increments per roll-up document, then writes them in as few requests as possible. */
export class Increments {
  readonly docs = new Map<string, IncDoc>();

  private add(owner: string, year: string, ym: string | null, part: Part | 'all', path: string, delta: number): void {
    if (!delta) return;
    const grain: Grain = part === 'all' ? 'all' : ym ? 'day' : 'year';
    const id = part === 'all' ? rollupId(owner, 'all') : `${owner}|${ym ?? year}|${part}`;
    let doc = this.docs.get(id);
    if (!doc) {
      doc = { owner, year, ym, part, grain, inc: new Map() };
      this.docs.set(id, doc);
    }
    doc.inc.set(path, (doc.inc.get(path) ?? 0) + delta);
  }

  /** A stock (or monthly) event: year, month, day and, for true stocks, the running total. */
  addStock(owner: string, e: MetricEvent): void {
    const y = e.day.slice(0, 4);
    const mm = e.day.slice(5, 7);
    const dd = e.day.slice(8, 10);
    if (!MONTHLY.has(e.counter)) {
      this.add(owner, y, null, 'stock', `c.${e.counter}`, e.delta);
      this.add(owner, 'all', null, 'all', `c.${e.counter}`, e.delta);
    }
    this.add(owner, y, null, 'stock', `m.${mm}.${e.counter}`, e.delta);
    this.add(owner, y, e.day.slice(0, 7), 'stock', `d.${dd}.${e.counter}`, e.delta);
  }

  /** A flow at chosen grains (distinct counts differ per grain). */
  addFlow(owner: string, day: Day, counter: FlowCounter, delta: number, grains: { year?: boolean; month?: boolean; day?: boolean } = { year: true, month: true, day: true }): void {
    const y = day.slice(0, 4);
    const mm = day.slice(5, 7);
    const dd = day.slice(8, 10);
    if (grains.year) this.add(owner, y, null, 'flow', `c.${counter}`, delta);
    if (grains.month) this.add(owner, y, null, 'flow', `m.${mm}.${counter}`, delta);
    if (grains.day) this.add(owner, y, day.slice(0, 7), 'flow', `d.${dd}.${counter}`, delta);
  }

  /** A current-only counter on the running total (lifecycle class counts). */
  addCurrent(owner: string, counter: string, delta: number): void {
    this.add(owner, 'all', null, 'all', `c.${counter}`, delta);
  }

  get size(): number {
    return this.docs.size;
  }
}

/**
 * The ranking documents (owner `r:all`, see docs/rollups.md "Ranking documents"): every unit's and staff
 * member's year, month and running totals, gathered in a few documents keyed by counter, then owner —
 * `c.<counter>.<owner>` in `r:all|all` and `r:all|YYYY|<part>` (year totals), `m.MM.<counter>.<owner>` in
 * `r:all|YYYY-MM|<part>` (one month each) — so a bank-wide ranking reads a handful of documents and only the
 * counters its figures need, instead of every grid's and staff member's own documents. They are not a second
 * count: they are the same increments, written beside the owners' own entries in the same delta, folded
 * with the same marker condition, rebuilt and reconciled with the rest. Day documents are not mirrored
 * (a period with single days reads the owners' own documents).
 */
export const RANKS = 'r:all';
/** The ranking document of a running total, a year total or one month. */
export const rankId = (period: string | 'all', part?: Part): string => (period === 'all' ? `${RANKS}|all` : `${RANKS}|${period}|${part}`);

/** An owner's key inside a ranking document (a field name: no dots, which would nest). */
export const rankKey = (owner: string): string => owner.replace(/%/g, '%25').replace(/\./g, '%2E');
/** The owner of a ranking document's key. */
export const ownerOfRankKey = (key: string): string => key.replace(/%2E/g, '.').replace(/%25/g, '%');

/** True for an owner whose counters the ranking documents carry: units and staff. */
export const isRanked = (owner: string): boolean => owner.startsWith('u:') || owner.startsWith('s:');

/**
 * The documents of some increments with the ranking documents' share added: every path of a unit's or
 * staff member's running total or year document, again under `r:all` (a month's paths `m.MM.*` in that
 * month's document). Pure: the increments are left as they are, so it is applied once wherever increments
 * become documents or delta entries (`deltaOf`, `docsFromIncrements`, a build's chunk).
 */
export function withRanks(docs: ReadonlyMap<string, IncDoc>): Map<string, IncDoc> {
  const out = new Map(docs);
  const into = (id: string, year: string, ym: string | null, part: Part | 'all', grain: Grain, path: string, n: number) => {
    let doc = out.get(id);
    if (!doc) out.set(id, (doc = { owner: RANKS, year, ym, part, grain, inc: new Map() }));
    doc.inc.set(path, (doc.inc.get(path) ?? 0) + n);
  };
  for (const doc of docs.values()) {
    if (!isRanked(doc.owner) || doc.grain === 'day') continue;
    const key = rankKey(doc.owner);
    for (const [path, n] of doc.inc) {
      if (doc.part === 'all') {
        into(rankId('all'), 'all', null, 'all', 'all', `${path}.${key}`, n);
        continue;
      }
      const part = doc.part;
      if (path.startsWith('c.')) into(rankId(doc.year, part), doc.year, null, part, 'year', `${path}.${key}`, n);
      else if (path.startsWith('m.')) {
        const mm = path.slice(2, 4);
        const ym = `${doc.year}-${mm}`;
        into(rankId(ym, part), doc.year, ym, part, 'month', `${path}.${key}`, n);
      }
    }
  }
  return out;
}

/** The fields that place a roll-up document: year, month of a day document, part and grain. */
export function docShape(doc: { year: string; ym: string | null; part: Part | 'all'; grain: Grain }): Pick<RollupDoc, 'year' | 'ym' | 'part' | 'grain'> {
  return { year: doc.year, ...(doc.ym ? { ym: doc.ym } : {}), part: doc.part, grain: doc.grain };
}

/** Builds the nested object a new document starts with from dotted increments. */
export function nestedFrom(inc: Map<string, number>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [path, delta] of inc) {
    const parts = path.split('.');
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]] ??= {};
    node[parts[parts.length - 1]] = (node[parts[parts.length - 1]] ?? 0) + delta;
  }
  return out;
}

/** A staff member's roll-up path: its unit path and the grids it is assigned to, so a grid's team includes them. */
export function staffPath(s: { unitPath?: string[]; gridIds?: string[] } | null | undefined): string[] {
  return [...new Set([...(s?.unitPath ?? []), ...(s?.gridIds ?? [])])];
}

/** The labels of the ranking documents' owner. */
export function rankMeta(): OwnerMeta {
  return { owner: RANKS, ownerType: 'rank', ownerId: 'all', kind: 'rank', name: '', path: [], parentId: null };
}

/**
 * Reads a document by id, or null when absent, whether the client was configured to throw on a missing
 * document (the wx-server-sdk default) or not; works inside a transaction.
 */
export async function readDoc<T = any>(db: Db | Tx, coll: string, id: string): Promise<T | null> {
  try {
    const res = (await db.collection(coll).doc(id).get()) as { data: T | T[] | null };
    return ((Array.isArray(res.data) ? res.data[0] : res.data) ?? null) as T | null;
  } catch (err) {
    if (/does not exist/.test(String((err as { errMsg?: string })?.errMsg ?? (err as Error)?.message ?? err))) return null;
    throw err;
  }
}

/** Looks up the descriptive fields of an owner (from units, markets or staff), cached per flush. */
export async function resolveOwnerMeta(db: Db | Tx, owner: string): Promise<OwnerMeta> {
  const [prefix, id] = [owner.slice(0, 1), owner.slice(2)];
  const read = (coll: string) => readDoc<any>(db, coll, id);
  if (prefix === 'u') {
    const u = await read('units');
    const path: string[] = u?.unitPath?.length ? u.unitPath : [id];
    return { owner, ownerType: 'unit', ownerId: id, kind: u?.kind ?? 'unit', name: u?.name ?? id, path, parentId: u?.parentId ?? null };
  }
  if (prefix === 'k') {
    const k = await read('markets');
    return { owner, ownerType: 'market', ownerId: id, kind: 'market', name: k?.name ?? id, path: [...(k?.unitPath ?? []), id], parentId: k?.branchId ?? null };
  }
  if (prefix === 'r') return rankMeta();
  if (prefix === 'a') {
    return { owner, ownerType: 'area', ownerId: id, kind: 'area', name: id === 'city' ? '城区' : id === 'township' ? '乡镇' : id, path: [], parentId: null };
  }
  const s = await read('staff');
  return { owner, ownerType: 'staff', ownerId: id, kind: s?.role ?? 'staff', name: s?.name ?? id, path: staffPath(s), parentId: s?.unitId ?? null };
}
