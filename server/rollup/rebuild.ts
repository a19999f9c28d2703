import type { Db } from '../db';
import { type Day, type Month, type MonthCredit, isAcquiringOn, toDay } from '../../shared/domain/metrics.rules';
import { allActiveVersions, isServed } from '../periods';
import { type MerchantLike, type VisitLike, addMerchantChange, addVisitFlows, merchantOwners } from './apply';
import { Increments, type OwnerMeta, ROLLUPS, ROLLUP_MARKS, type RollupDoc, docShape, nestedFrom, staffPath } from './store';

/** Fields of a merchant the roll-ups need (kept small when paging through every merchant). */
export const MERCHANT_FIELDS = { _id: true, unitPath: true, marketId: true, area: true, isComplete: true, filedAt: true, sweep: true, createdAt: true, acquiring: true, credit: true, lifecycleClass: true };
const VISIT_FIELDS = { _id: true, merchantId: true, staffId: true, type: true, day: true, at: true, isFlagged: true, unitPath: true };

/** Pages through a whole collection by `_id` (no deep skip), calling `each` per page. */
export async function scanCollection<T extends { _id: string }>(db: Db, coll: string, where: Record<string, unknown>, fields: Record<string, boolean> | null, each: (page: T[]) => void | Promise<void>): Promise<number> {
  const _ = db.command;
  let last: string | null = null;
  let n = 0;
  for (;;) {
    const cond = last === null ? where : { ...where, _id: _.gt(last) };
    let q = db.collection(coll).where(cond);
    if (fields) q = q.field(fields);
    const res = (await q.orderBy('_id', 'asc').limit(1000).get()) as { data: T[] };
    if (res.data.length) await each(res.data);
    n += res.data.length;
    if (res.data.length < 1000) return n;
    last = res.data[res.data.length - 1]._id;
  }
}

/**
 * Reads the rows of some months (`field`: `month`, or `period` for credit) month by month, each paged along
 * its `(month, _id)` index. A get answers at most 1000 rows and CloudBase bounds what an aggregation
 * answers too, so a bank's months are never read in one answer; and no page re-reads the rows before it.
 */
export async function scanMonths<T extends { _id: string }>(db: Db, coll: string, field: 'month' | 'period', months: string[], fields: Record<string, boolean> | null, each: (page: T[]) => void | Promise<void>): Promise<number> {
  let n = 0;
  for (const m of new Set(months)) n += await scanCollection<T>(db, coll, { [field]: m }, fields, each);
  return n;
}

/** Distinct-revisit marks computed from visits: merchant|year → months and days revisited. */
export class MarkSet {
  readonly marks = new Map<string, { merchantId: string; year: string; months: Set<string>; days: Set<string>; unitPath: string[]; marketId: string | null; area: string | null }>();

  /** Records a revisit; returns the grains at which it is the merchant's first (distinct count +1). */
  add(merchantId: string, day: Day, unitPath: string[], marketId: string | null, area: string | null = null): { year: boolean; month: boolean; day: boolean } {
    const year = day.slice(0, 4);
    const key = `${merchantId}|${year}`;
    let mk = this.marks.get(key);
    const isNewYear = !mk;
    if (!mk) {
      mk = { merchantId, year, months: new Set(), days: new Set(), unitPath, marketId, area };
      this.marks.set(key, mk);
    }
    const mm = day.slice(5, 7);
    const mmdd = day.slice(5, 10);
    const g = { year: isNewYear, month: !mk.months.has(mm), day: !mk.days.has(mmdd) };
    mk.months.add(mm);
    mk.days.add(mmdd);
    return g;
  }
}

/** Adds one visit (workload and distinct revisits) to an in-memory computation. */
export function addVisitToComputation(incs: Increments, marks: MarkSet, v: VisitLike, merchant: MerchantLike | null): void {
  const day = addVisitFlows(incs, v, merchant);
  if (!day || v.type !== 'revisit' || !merchant || !isAcquiringOn(merchant, day)) return;
  const path = v.unitPath ?? merchant.unitPath ?? [];
  const g = marks.add(v.merchantId, day, path, merchant.marketId ?? null, merchant.area ?? null);
  if (!g.day) return;
  for (const o of merchantOwners(merchant, path)) incs.addFlow(o, day, 'rv', 1, g);
}

/** Loads the descriptive fields of every owner (units, markets, staff) for new roll-up documents. */
export async function loadOwnerMetas(db: Db): Promise<Map<string, OwnerMeta>> {
  const out = new Map<string, OwnerMeta>();
  await scanCollection<any>(db, 'units', {}, null, (page) => {
    for (const u of page) out.set(`u:${u._id}`, { owner: `u:${u._id}`, ownerType: 'unit', ownerId: u._id, kind: u.kind, name: u.name, path: u.unitPath ?? [u._id], parentId: u.parentId ?? null });
  });
  await scanCollection<any>(db, 'markets', {}, null, (page) => {
    for (const k of page) out.set(`k:${k._id}`, { owner: `k:${k._id}`, ownerType: 'market', ownerId: k._id, kind: 'market', name: k.name, path: [...(k.unitPath ?? []), k._id], parentId: k.branchId ?? null });
  });
  await scanCollection<any>(db, 'staff', {}, { _id: true, name: true, role: true, unitPath: true, unitId: true, gridIds: true }, (page) => {
    for (const s of page) out.set(`s:${s._id}`, { owner: `s:${s._id}`, ownerType: 'staff', ownerId: s._id, kind: s.role, name: s.name, path: staffPath(s), parentId: s.unitId ?? null });
  });
  return out;
}

const AREA_NAMES: Record<string, string> = { city: '城区', township: '乡镇' };

function fallbackMeta(owner: string): OwnerMeta {
  const id = owner.slice(2);
  const t = owner[0];
  const ownerType = t === 'u' ? 'unit' : t === 'k' ? 'market' : t === 'a' ? 'area' : 'staff';
  return { owner, ownerType, ownerId: id, kind: ownerType === 'area' ? 'area' : 'unknown', name: AREA_NAMES[id] ?? id, path: [], parentId: null };
}

/** Turns accumulated increments into whole roll-up documents. */
export function docsFromIncrements(incs: Increments, metas: Map<string, OwnerMeta>): RollupDoc[] {
  const out: RollupDoc[] = [];
  for (const [id, doc] of incs.docs) {
    const meta = metas.get(doc.owner) ?? fallbackMeta(doc.owner);
    const nested = nestedFrom(doc.inc);
    out.push({ _id: id, ...(meta as OwnerMeta), ...docShape(doc), ...nested });
  }
  return out;
}

/** The marks documents of a computation. */
export function markDocs(marks: MarkSet): Record<string, unknown>[] {
  return [...marks.marks.entries()].map(([id, mk]) => ({ _id: id, merchantId: mk.merchantId, year: mk.year, months: [...mk.months].sort(), days: [...mk.days].sort(), unitPath: mk.unitPath, marketId: mk.marketId, area: mk.area }));
}

/** Inserts documents in batches through the database client. */
export async function insertAll(db: Db, coll: string, docs: Record<string, unknown>[], batch = 500): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) await db.collection(coll).add({ data: docs.slice(i, i + batch) });
}

/** Removes every document of a collection matching `where`, in pages. */
async function removeWhere(db: Db, coll: string, where: Record<string, unknown>): Promise<void> {
  for (;;) {
    const res = (await db.collection(coll).where(where).field({ _id: true }).limit(1000).get()) as { data: { _id: string }[] };
    if (!res.data.length) return;
    const _ = db.command;
    await db.collection(coll).where({ _id: _.in(res.data.map((d) => d._id)) }).remove();
    if (res.data.length < 1000) return;
  }
}

export interface RebuildResult {
  merchants: number;
  visits: number;
  deposits: number;
  docs: number;
  marks: number;
  ms: number;
}

/** Reads every merchant and its serving deposit balances and credit figures into memory (roll-up fields only). */
export async function loadMerchantsAndDeposits(db: Db, depositWhere: Record<string, unknown> = {}): Promise<{ merchants: Map<string, MerchantLike>; deposits: Map<string, Record<Month, number>>; credits: Map<string, Record<Month, MonthCredit>>; depositRows: number }> {
  const merchants = new Map<string, MerchantLike>();
  await scanCollection<any>(db, 'merchants', {}, MERCHANT_FIELDS, (page) => {
    for (const m of page) merchants.set(m._id, m);
  });
  const deposits = new Map<string, Record<Month, number>>();
  const depActive = await allActiveVersions(db, 'deposits');
  const depositRows = await scanCollection<any>(db, 'deposits', depositWhere, { _id: true, merchantId: true, month: true, balanceFen: true, version: true }, (page) => {
    for (const d of page) {
      if (!isServed(d, depActive)) continue;
      let rec = deposits.get(d.merchantId);
      if (!rec) deposits.set(d.merchantId, (rec = {}));
      rec[d.month] = d.balanceFen ?? 0;
    }
  });
  const credits = new Map<string, Record<Month, MonthCredit>>();
  const crActive = await allActiveVersions(db, 'credit');
  await scanCollection<any>(db, 'credits', {}, { _id: true, merchantId: true, month: true, grantedFen: true, grantedAt: true, drawnFen: true, version: true }, (page) => {
    for (const c of page) {
      if (!c.month || !isServed(c, crActive)) continue;
      let rec = credits.get(c.merchantId);
      if (!rec) credits.set(c.merchantId, (rec = {}));
      rec[c.month] = { grantedFen: c.grantedFen ?? 0, grantedAt: c.grantedAt ?? null, drawnFen: c.drawnFen ?? 0 };
    }
  });
  return { merchants, deposits, credits, depositRows };
}

/**
 * Recomputes every roll-up from the raw records (merchants, deposit balances, visits) and replaces the
 * stored ones: used after seeding, and as the repair the reconciliation job points to. `parts` limits it to
 * the stock counters (after an import: visits do not change) or the visit counters.
 */
export async function rebuildRollups(db: Db, opts: { parts?: ('stock' | 'flow')[] } = {}): Promise<RebuildResult> {
  const started = Date.now();
  const parts = opts.parts ?? ['stock', 'flow'];
  const metas = await loadOwnerMetas(db);
  const { merchants, deposits, credits, depositRows } = await loadMerchantsAndDeposits(db);
  const incs = new Increments();
  if (parts.includes('stock')) for (const m of merchants.values()) addMerchantChange(incs, null, m, deposits.get(m._id!) ?? {}, credits.get(m._id!) ?? {});
  const marks = new MarkSet();
  let visits = 0;
  if (parts.includes('flow')) {
    visits = await scanCollection<any>(db, 'visits', {}, VISIT_FIELDS, (page) => {
      for (const v of page) addVisitToComputation(incs, marks, { ...v, day: v.day ?? toDay(v.at) }, merchants.get(v.merchantId) ?? null);
    });
  }
  const _ = db.command;
  const removeParts: string[] = parts.includes('stock') ? [...parts, 'all'] : [...parts];
  await removeWhere(db, ROLLUPS, { part: _.in(removeParts) });
  const docs = docsFromIncrements(incs, metas);
  await insertAll(db, ROLLUPS, docs as unknown as Record<string, unknown>[]);
  const mdocs = markDocs(marks);
  if (parts.includes('flow')) {
    await removeWhere(db, ROLLUP_MARKS, {});
    await insertAll(db, ROLLUP_MARKS, mdocs);
  }
  return { merchants: merchants.size, visits, deposits: depositRows, docs: docs.length, marks: mdocs.length, ms: Date.now() - started };
}
