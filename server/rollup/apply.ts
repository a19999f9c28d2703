import type { Db, Tx } from '../db';
import { getDb } from '../db';
import {
  type MerchantFacts,
  type MetricEvent,
  type MonthCredit,
  acquiringInterval,
  allMerchantEvents,
  creditEvents,
  depositEvents,
  diffEvents,
  isAcquiringOn,
} from '../../shared/domain/metrics.rules';
import { type Day, type Month, toDay } from '../../shared/domain/period.rules';
import type { VisitType } from '../../shared/domain/visit.rules';
import { loadMerchantMonthly } from '../periods';
import { Increments, ROLLUP_MARKS, areaOwner, marketOwner, readDoc, staffOwner, unitOwner } from './store';
import { flushIncrements } from './write';

/** A merchant document as the roll-ups read it. */
export type MerchantLike = MerchantFacts & { _id?: string; unitPath?: string[]; marketId?: string | null; gridId?: string; area?: string | null; archived?: unknown };

/** The class a merchant counts in now: none while archived (it is on no list, docs/domain.md §3). */
const classCounted = (m: MerchantLike | null | undefined): string | null => (m && !m.archived ? (m.lifecycleClass ?? null) : null);

/** The owners whose counters a merchant feeds: every unit of its path, its market and its area. */
export function merchantOwners(m: MerchantLike | null | undefined, unitPath?: string[]): string[] {
  if (!m) return [];
  const owners = (unitPath ?? m.unitPath ?? []).map(unitOwner);
  if (m.marketId) owners.push(marketOwner(m.marketId));
  if (m.area) owners.push(areaOwner(m.area));
  return owners;
}

/** A merchant's serving monthly deposit balances, `{ 'YYYY-MM': fen }` (read outside any transaction). */
export async function loadMerchantDeposits(db: Db, merchantId: string): Promise<Record<Month, number>> {
  return (await loadMerchantMonthly(db, merchantId)).deposits;
}

function sameInterval(a: MerchantLike | null, b: MerchantLike | null): boolean {
  const x = a ? acquiringInterval(a) : null;
  const y = b ? acquiringInterval(b) : null;
  return (x?.start ?? null) === (y?.start ?? null) && (x?.end ?? null) === (y?.end ?? null);
}

/** Adds to `incs` the counter changes of a merchant going from `before` to `after` (either may be null). */
export function addMerchantChange(incs: Increments, before: MerchantLike | null, after: MerchantLike | null, deposits: Record<Month, number> = {}, credits: Record<Month, MonthCredit> = {}): void {
  const beforeOwners = new Set(merchantOwners(before));
  const afterOwners = new Set(merchantOwners(after));
  const evBefore = before ? allMerchantEvents(before, deposits, credits) : [];
  const evAfter = after ? allMerchantEvents(after, deposits, credits) : [];
  const same = diffEvents(evBefore, evAfter);
  for (const owner of new Set([...beforeOwners, ...afterOwners])) {
    const inB = beforeOwners.has(owner);
    const inA = afterOwners.has(owner);
    const events = inB && inA ? same : diffEvents(inB ? evBefore : [], inA ? evAfter : []);
    for (const e of events) incs.addStock(owner, e);
    const cb = inB ? classCounted(before) : null;
    const ca = inA ? classCounted(after) : null;
    if (cb !== ca) {
      if (cb) incs.addCurrent(owner, `cls_${cb}`, -1);
      if (ca) incs.addCurrent(owner, `cls_${ca}`, 1);
    }
  }
}

/**
 * Records every counter a merchant write changes, inside the write's transaction, as one delta document
 * (`before` null on create, `after` null on delete); it is folded into the roll-ups after the commit. Deposit balances are needed only when the acquiring dates or the owners
 * change; they are loaded when not given.
 */
export async function applyMerchantChange(
  tx: Db | Tx,
  before: MerchantLike | null,
  after: MerchantLike | null,
  opts: { deposits?: Record<Month, number>; credits?: Record<Month, MonthCredit>; db?: Db; at?: Date } = {},
): Promise<string | null> {
  let deposits = opts.deposits;
  let credits = opts.credits;
  const ownersChanged = merchantOwners(before).join() !== merchantOwners(after).join();
  // Balances count only while acquiring: a merchant that acquires neither before nor after (every new
  // file) contributes none, so its deposits need not be read.
  const acquires = (before ? acquiringInterval(before) : null) !== null || (after ? acquiringInterval(after) : null) !== null;
  if (!deposits && acquires && (ownersChanged || !sameInterval(before, after))) {
    const id = after?._id ?? before?._id;
    const monthly = id ? await loadMerchantMonthly(opts.db ?? getDb(), id) : { deposits: {}, credits: {} };
    deposits = monthly.deposits;
    credits ??= monthly.credits;
  }
  const incs = new Increments();
  addMerchantChange(incs, before, after, deposits ?? {}, credits ?? {});
  const moved = Boolean(before && after && (before.gridId !== after.gridId || ownersChanged));
  return flushIncrements(tx, incs, { merchantId: after?._id ?? before?._id, gridId: after?.gridId ?? before?.gridId, moved, at: opts.at });
}

/** Adds the change of one merchant's credit figures of a month (an import) to `incs`. */
export function addCreditChange(incs: Increments, m: MerchantLike, month: Month, before: MonthCredit | null, after: MonthCredit | null): void {
  const events: MetricEvent[] = diffEvents(creditEvents(m, month, before), creditEvents(m, month, after));
  for (const owner of merchantOwners(m)) for (const e of events) incs.addStock(owner, e);
}

/** Adds the change of one merchant's month-end deposit balance (an import) to `incs`. */
export function addDepositChange(incs: Increments, m: MerchantLike, month: Month, beforeFen: number, afterFen: number): void {
  const events: MetricEvent[] = diffEvents(depositEvents(m, month, beforeFen), depositEvents(m, month, afterFen));
  for (const owner of merchantOwners(m)) for (const e of events) incs.addStock(owner, e);
}

/** The visit fields the roll-ups read (data-model `visits`). */
export interface VisitLike {
  _id?: string;
  merchantId: string;
  staffId: string;
  type: string;
  day?: Day;
  at?: Date | string;
  isFlagged?: boolean;
  unitPath?: string[];
}

/**
 * The days of one year a merchant was revisited under one set of owners (the units of the path the revisit
 * was made under, its market and area). A merchant moved to another grid gets a second segment: each
 * owner's distinct count follows the revisits made under it (docs/domain.md §7, revisit rate per scope).
 */
export interface MarkSegment {
  owners: string[];
  /** `MM-DD`, sorted. */
  days: string[];
}

/** A merchant's revisit marks of one year, as `rollupMarks` stores them (one document per merchant and year). */
export interface MarkDoc {
  _id: string;
  merchantId: string;
  year: string;
  /** Every owner of every segment (what scope queries match). */
  owners: string[];
  segs: MarkSegment[];
  /** The latest revisit's path, market and area. */
  unitPath: string[];
  marketId: string | null;
  area: string | null;
  /** Marks written before segments: one set of days under the path above. */
  days?: string[];
}

/** A mark's segments (a mark written before segments is one, under its own path). */
export function markSegments(mk: Pick<MarkDoc, 'unitPath' | 'marketId' | 'area'> & { segs?: MarkSegment[]; days?: string[] }): MarkSegment[] {
  if (mk.segs) return mk.segs;
  return [{ owners: merchantOwners({ unitPath: mk.unitPath, marketId: mk.marketId, area: mk.area } as MerchantLike), days: [...(mk.days ?? [])] }];
}

export type RevisitGrains = { year: boolean; month: boolean; day: boolean };

/**
 * Records a revisit on `day` (`YYYY-MM-DD`) under `owners` in the year's segments (changed in place), and
 * returns, per owner, the grains at which it is that owner's first revisit of the merchant; owners for
 * which it is not the first of its day are left out.
 */
export function addRevisitToSegments(segs: MarkSegment[], owners: string[], day: Day): Map<string, RevisitGrains> {
  const mm = day.slice(5, 7);
  const mmdd = day.slice(5, 10);
  const firsts = new Map<string, RevisitGrains>();
  for (const o of owners) {
    const under = segs.filter((x) => x.owners.includes(o));
    const g = { year: under.length === 0, month: !under.some((x) => x.days.some((d) => d.startsWith(mm))), day: !under.some((x) => x.days.includes(mmdd)) };
    if (g.day) firsts.set(o, g);
  }
  const key = [...owners].sort().join();
  let seg = segs.find((x) => [...x.owners].sort().join() === key);
  if (!seg) segs.push((seg = { owners: [...owners], days: [] }));
  if (!seg.days.includes(mmdd)) seg.days = [...seg.days, mmdd].sort();
  return firsts;
}

/** The owners of a mark's segments, each once. */
export function segmentOwners(segs: MarkSegment[]): string[] {
  return [...new Set(segs.flatMap((x) => x.owners))].sort();
}

/** Adds a visit's workload counters (unit path, market, staff) to `incs`. */
export function addVisitFlows(incs: Increments, visit: VisitLike, merchant: MerchantLike | null): Day | null {
  const day = visit.day ?? toDay(visit.at ?? null);
  if (!day) return null;
  const unitOwners = merchant ? merchantOwners(merchant, visit.unitPath) : (visit.unitPath ?? []).map(unitOwner);
  const type = visit.type as VisitType;
  for (const owner of [...unitOwners, staffOwner(visit.staffId)]) {
    incs.addFlow(owner, day, `v_${type}`, 1);
    if (visit.isFlagged) incs.addFlow(owner, day, `vf_${type}`, 1);
  }
  return day;
}

/**
 * Counts a submitted visit, inside the submit's transaction (one delta document, plus the merchant's
 * revisit mark, which only writes to that merchant serialise on): workload by type (flagged apart) for every
 * unit of its path, the merchant's market and the staff member; for a revisit of an acquiring merchant,
 * the distinct-merchants-revisited counter of each day, month and year it is the first revisit of, owner
 * by owner (a merchant moved to another grid counts again in the grid it moved to, once above both).
 */
export async function applyVisitRollups(tx: Db | Tx, visit: VisitLike, merchant: MerchantLike | null, opts: { staffPath?: string[]; at?: Date } = {}): Promise<string | null> {
  const incs = new Increments();
  const day = addVisitFlows(incs, visit, merchant);
  if (day && visit.type === 'revisit' && merchant && isAcquiringOn(merchant, day)) {
    const year = day.slice(0, 4);
    const markId = `${visit.merchantId}|${year}`;
    const mark = await readDoc<MarkDoc>(tx, ROLLUP_MARKS, markId);
    const segs = mark ? structuredClone(markSegments(mark)) : [];
    const firsts = addRevisitToSegments(segs, merchantOwners(merchant, visit.unitPath), day);
    if (firsts.size) {
      for (const [owner, grains] of firsts) incs.addFlow(owner, day, 'rv', 1, grains);
      const next: Omit<MarkDoc, '_id'> = {
        merchantId: visit.merchantId,
        year,
        owners: segmentOwners(segs),
        segs,
        unitPath: visit.unitPath ?? merchant.unitPath ?? [],
        marketId: merchant.marketId ?? null,
        area: merchant.area ?? null,
      };
      await tx.collection(ROLLUP_MARKS).doc(markId).set({ data: next });
    }
  }
  const gridId = merchant?.gridId ?? (visit as { gridId?: string }).gridId;
  return flushIncrements(tx, incs, { merchantId: visit.merchantId, gridId, staffPath: opts.staffPath, at: opts.at });
}
