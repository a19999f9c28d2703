import type { Db } from '../db';
import { isAcquiringOn } from '../../shared/domain/metrics.rules';
import { type Day, type Month } from '../../shared/domain/period.rules';
import { type MarkSegment, type MerchantLike, type RevisitGrains, type VisitLike, addRevisitToSegments, addVisitFlows, merchantOwners, segmentOwners } from './apply';
import { Increments, type OwnerMeta, RANKS, type RollupDoc, docShape, nestedFrom, rankMeta, staffPath, withRanks } from './store';

/*
 * Roll-ups computed from the raw records in memory: paging through a collection, the merchant fields the
 * roll-ups read, distinct-revisit marks, and whole documents from increments. A generation build (build.ts)
 * computes its chunks with them, the seed and the benchmarks whole banks; the rebuild job (rebuild.ts) drives
 * the builds.
 */

/** Fields of a merchant the roll-ups need (kept small when paging through every merchant). */
export const MERCHANT_FIELDS = { _id: true, unitPath: true, marketId: true, area: true, isComplete: true, filedAt: true, sweep: true, createdAt: true, acquiring: true, credit: true, lifecycleClass: true, closures: true, archived: true };

/** Pages through a whole collection by `_id` (no deep skip), calling `each` per page. */
export async function scanCollection<T extends { _id: string }>(db: Db, coll: string, where: Record<string, unknown> | object, fields: Record<string, boolean> | null, each: (page: T[]) => void | Promise<void>): Promise<number> {
  const _ = db.command;
  let last: string | null = null;
  let n = 0;
  for (;;) {
    // The cursor is added to the caller's condition, never in place of it: a condition of its own on `_id`
    // (a build chunk's range, a list of ids) would be replaced by a spread and the page would run past it.
    // A command (`_.or(…)`) cannot take another field beside it either.
    const spread = Object.getPrototypeOf(where) === Object.prototype && !('_id' in where);
    const cond = last === null ? where : spread ? { ...where, _id: _.gt(last) } : _.and([where, { _id: _.gt(last) }]);
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
  readonly marks = new Map<string, { merchantId: string; year: string; segs: MarkSegment[]; unitPath: string[]; marketId: string | null; area: string | null }>();

  /** Records a revisit under `owners`; returns, per owner, the grains at which it is that owner's first. */
  add(merchantId: string, day: Day, owners: string[], unitPath: string[], marketId: string | null, area: string | null = null): Map<string, RevisitGrains> {
    const year = day.slice(0, 4);
    const key = `${merchantId}|${year}`;
    let mk = this.marks.get(key);
    if (!mk) this.marks.set(key, (mk = { merchantId, year, segs: [], unitPath, marketId, area }));
    Object.assign(mk, { unitPath, marketId, area });
    return addRevisitToSegments(mk.segs, owners, day);
  }
}

/** Adds one visit (workload and distinct revisits) to an in-memory computation (visits in the order made). */
export function addVisitToComputation(incs: Increments, marks: MarkSet, v: VisitLike, merchant: MerchantLike | null): void {
  const day = addVisitFlows(incs, v, merchant);
  if (!day || v.type !== 'revisit' || !merchant || !isAcquiringOn(merchant, day)) return;
  const path = v.unitPath ?? merchant.unitPath ?? [];
  const firsts = marks.add(v.merchantId, day, merchantOwners(merchant, path), path, merchant.marketId ?? null, merchant.area ?? null);
  for (const [o, g] of firsts) incs.addFlow(o, day, 'rv', 1, g);
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

/** Turns accumulated increments into whole roll-up documents of generation 0 (seed, benchmarks). */
export function docsFromIncrements(incs: Increments, metas: Map<string, OwnerMeta>): RollupDoc[] {
  const out: RollupDoc[] = [];
  for (const [id, doc] of withRanks(incs.docs)) {
    const meta = doc.owner === RANKS ? rankMeta() : (metas.get(doc.owner) ?? fallbackMeta(doc.owner));
    const nested = nestedFrom(doc.inc);
    out.push({ _id: id, ...(meta as OwnerMeta), ...docShape(doc), ...nested, k: id, gen: 0 });
  }
  return out;
}

/** The marks documents of a computation. */
export function markDocs(marks: MarkSet): Record<string, unknown>[] {
  return [...marks.marks.entries()].map(([id, mk]) => ({ _id: id, merchantId: mk.merchantId, year: mk.year, owners: segmentOwners(mk.segs), segs: mk.segs, unitPath: mk.unitPath, marketId: mk.marketId, area: mk.area }));
}

/** Inserts documents in batches through the database client. */
export async function insertAll(db: Db, coll: string, docs: Record<string, unknown>[], batch = 500): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) await db.collection(coll).add({ data: docs.slice(i, i + batch) });
}

/** Reads every merchant and its deposit balances into memory (roll-up fields only). */
export async function loadMerchantsAndDeposits(db: Db, depositWhere: Record<string, unknown> = {}): Promise<{ merchants: Map<string, MerchantLike>; deposits: Map<string, Record<Month, number>>; depositRows: number }> {
  const merchants = new Map<string, MerchantLike>();
  await scanCollection<any>(db, 'merchants', {}, MERCHANT_FIELDS, (page) => {
    for (const m of page) merchants.set(m._id, m);
  });
  const deposits = new Map<string, Record<Month, number>>();
  const depositRows = await scanCollection<any>(db, 'deposits', depositWhere, { _id: true, merchantId: true, month: true, balanceFen: true }, (page) => {
    for (const d of page) {
      let rec = deposits.get(d.merchantId);
      if (!rec) deposits.set(d.merchantId, (rec = {}));
      rec[d.month] = d.balanceFen ?? 0;
    }
  });
  return { merchants, deposits, depositRows };
}
