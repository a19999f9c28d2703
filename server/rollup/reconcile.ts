import type { Db } from '../db';
import { type Day, type MonthCredit, addDay, allMerchantEvents, decomposeRange, toDay } from '../../shared/domain/metrics.rules';
import { activeVersions, isServed } from '../periods';
import { type MerchantLike, merchantOwners } from './apply';
import { MERCHANT_FIELDS, MarkSet, addVisitToComputation, scanCollection, scanMonths } from './rebuild';
import { Increments, ROLLUPS, type RollupDoc, nestedFrom } from './store';

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

function compare(out: RollupDifference[], docId: string, owner: string, period: string, expected: Counts | undefined, actual: Counts | undefined): number {
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

/**
 * Recomputes the roll-ups of [from, to] from the raw records and reports every stored counter that differs:
 * each day's counters, and the month and year totals of months and years the range covers whole. Visits
 * of the period are read by day; every merchant is read once because a merchant's acquiring, filing and
 * credit dates decide on which days it counts. On correct data the list is empty.
 */
export async function reconcileRollups(db: Db, range: { from: Day; to: Day }): Promise<ReconcileResult> {
  const started = Date.now();
  const { from, to } = range;
  const parts = decomposeRange(from, to);
  const months: string[] = [];
  for (let d = from; d <= to; d = addDay(d, 1)) if (!months.includes(d.slice(0, 7))) months.push(d.slice(0, 7));
  // Deposits of the range's months only: a month's balance makes events in that month alone.
  const _ = db.command;
  // Whole merchant documents, trimmed here to the fields the roll-ups read: the local engine's projection
  // costs more than reading the documents whole.
  const merchants = new Map<string, MerchantLike>();
  const keys = Object.keys(MERCHANT_FIELDS);
  await scanCollection<any>(db, 'merchants', {}, null, (page) => {
    for (const m of page) {
      const t: Record<string, unknown> = {};
      for (const k of keys) if (m[k] !== undefined) t[k] = m[k];
      merchants.set(m._id, t as MerchantLike);
    }
  });
  const deposits = new Map<string, Record<string, number>>();
  const depActive = await activeVersions(db, 'deposits', months);
  await scanMonths<any>(db, 'deposits', 'month', months, { _id: true, merchantId: true, month: true, balanceFen: true, version: true }, (page) => {
    for (const d of page) {
      if (!isServed(d, depActive)) continue;
      let rec = deposits.get(d.merchantId);
      if (!rec) deposits.set(d.merchantId, (rec = {}));
      rec[d.month] = d.balanceFen ?? 0;
    }
  });
  // Credit figures of the range's months only, like deposits.
  const credits = new Map<string, Record<string, MonthCredit>>();
  const crActive = await activeVersions(db, 'credit', months);
  await scanMonths<any>(db, 'credits', 'month', months, { _id: true, merchantId: true, month: true, grantedFen: true, grantedAt: true, drawnFen: true, version: true }, (page) => {
    for (const c of page) {
      if (!isServed(c, crActive)) continue;
      let rec = credits.get(c.merchantId);
      if (!rec) credits.set(c.merchantId, (rec = {}));
      rec[c.month] = { grantedFen: c.grantedFen ?? 0, grantedAt: c.grantedAt ?? null, drawnFen: c.drawnFen ?? 0 };
    }
  });
  // Only the events of the compared days, and of the years the range covers (whose month and year
  // totals are compared), are counted: a merchant's whole history would build every day document of
  // every year for nothing. The sums are those of `addMerchantChange` restricted to these days.
  const years = new Set([...parts.years, ...parts.months.map((m) => m.slice(0, 4))]);
  const counted = (day: string) => (day >= from && day <= to) || years.has(day.slice(0, 4));
  const incs = new Increments();
  for (const m of merchants.values()) {
    const events = allMerchantEvents(m, deposits.get(m._id!) ?? {}, credits.get(m._id!) ?? {}).filter((e) => counted(e.day));
    if (!events.length) continue;
    for (const owner of merchantOwners(m)) for (const e of events) if (e.delta) incs.addStock(owner, e);
  }
  // Distinct revisits are compared per day, and per month or year only where the range covers it whole,
  // so the visits of the range are all that is needed.
  const marks = new MarkSet();
  const flowIncs = new Increments();
  await scanCollection<any>(db, 'visits', { day: _.gte(from).and(_.lte(to)) }, { _id: true, merchantId: true, staffId: true, type: true, day: true, at: true, isFlagged: true, unitPath: true }, (page) => {
    for (const v of page) addVisitToComputation(flowIncs, marks, { ...v, day: v.day ?? toDay(v.at) }, merchants.get(v.merchantId) ?? null);
  });
  const expected = new Map<string, { owner: string; grain: string; year: string; ym: string | null; c: Counts; m: Record<string, Counts>; d: Record<string, Counts> }>();
  const put = (src: Increments) => {
    for (const [id, doc] of src.docs) {
      if (doc.part === 'all') continue;
      const nested = nestedFrom(doc.inc);
      expected.set(id, { owner: doc.owner, grain: doc.grain, year: doc.year, ym: doc.ym, c: nested.c ?? {}, m: nested.m ?? {}, d: nested.d ?? {} });
    }
  };
  put(incs);
  put(flowIncs);
  const actualDocs = new Map<string, RollupDoc>();
  const keep = (page: RollupDoc[]) => {
    for (const d of page) actualDocs.set(d._id, d);
  };
  await scanCollection<RollupDoc>(db, ROLLUPS, { grain: 'day', ym: _.in(months) }, null, keep);
  if (years.size) await scanCollection<RollupDoc>(db, ROLLUPS, { grain: 'year', year: _.in([...years]) }, null, keep);
  const differences: RollupDifference[] = [];
  let checkedValues = 0;
  const inScope = (e: { grain: string; year: string; ym: string | null }) => (e.grain === 'day' ? months.includes(e.ym!) : e.grain === 'year' && years.has(e.year));
  const ids = new Set([...actualDocs.keys(), ...[...expected.entries()].filter(([, e]) => inScope(e)).map(([id]) => id)]);
  for (const id of ids) {
    const e = expected.get(id);
    const a = actualDocs.get(id);
    const owner = e?.owner ?? a?.owner ?? id.split('|')[0];
    const grain = e?.grain ?? a?.grain;
    if (grain === 'day') {
      const ym = (e?.ym ?? a?.ym)!;
      for (let d = from > `${ym}-01` ? from : `${ym}-01`; d <= to && d.startsWith(ym); d = addDay(d, 1)) {
        checkedValues += compare(differences, id, owner, d, e?.d?.[d.slice(8, 10)], a?.d?.[d.slice(8, 10)]);
      }
      continue;
    }
    const year = (e?.year ?? a?.year)!;
    for (const m of parts.months) if (m.startsWith(year)) checkedValues += compare(differences, id, owner, m, e?.m?.[m.slice(5, 7)], a?.m?.[m.slice(5, 7)]);
    if (parts.years.includes(year)) {
      checkedValues += compare(differences, id, owner, year, e?.c, a?.c);
      for (const mm of new Set([...Object.keys(e?.m ?? {}), ...Object.keys(a?.m ?? {})])) checkedValues += compare(differences, id, owner, `${year}-${mm}`, e?.m?.[mm], a?.m?.[mm]);
    }
  }
  return { from, to, checkedDocs: ids.size, checkedValues, differences, ms: Date.now() - started };
}
