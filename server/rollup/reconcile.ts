import type { Db } from '../db';
import { type Day, addDay, decomposeRange, toDay } from '../../shared/domain/metrics.rules';
import { addMerchantChange } from './apply';
import { MarkSet, addVisitToComputation, loadMerchantsAndDeposits, scanCollection } from './rebuild';
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
  const _ = db.command;
  const { merchants, deposits } = await loadMerchantsAndDeposits(db, { month: _.in(months) });
  const incs = new Increments();
  for (const m of merchants.values()) addMerchantChange(incs, null, m, deposits.get(m._id!) ?? {});
  // Distinct revisits are compared per day, and per month or year only where the range covers it whole,
  // so the visits of the range are all that is needed.
  const marks = new MarkSet();
  const flowIncs = new Increments();
  await scanCollection<any>(db, 'visits', { day: _.gte(from).and(_.lte(to)) }, { _id: true, merchantId: true, staffId: true, type: true, day: true, at: true, isFlagged: true, unitPath: true }, (page) => {
    for (const v of page) addVisitToComputation(flowIncs, marks, { ...v, day: v.day ?? toDay(v.at) }, merchants.get(v.merchantId) ?? null);
  });
  const expected = new Map<string, { owner: string; c: Counts; m: Record<string, Counts>; d: Record<string, Record<string, Counts>> }>();
  const put = (src: Increments) => {
    for (const [id, doc] of src.docs) {
      if (doc.part === 'all') continue;
      const nested = nestedFrom(doc.inc);
      expected.set(id, { owner: doc.owner, c: nested.c ?? {}, m: nested.m ?? {}, d: nested.d ?? {} });
    }
  };
  put(incs);
  put(flowIncs);
  const actualDocs = new Map<string, RollupDoc>();
  const years = [...new Set([from.slice(0, 4), to.slice(0, 4)])];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!years.includes(String(y))) years.push(String(y));
  await scanCollection<RollupDoc>(db, ROLLUPS, { year: _.in(years) }, null, (page) => {
    for (const d of page) actualDocs.set(d._id, d);
  });
  const differences: RollupDifference[] = [];
  let checkedValues = 0;
  const ids = new Set([...actualDocs.keys(), ...[...expected.keys()].filter((id) => years.some((y) => id.includes(`|${y}|`)))]);
  for (const id of ids) {
    const e = expected.get(id);
    const a = actualDocs.get(id);
    const owner = e?.owner ?? a?.owner ?? id.split('|')[0];
    const year = id.split('|')[1];
    for (let d = from; d <= to; d = addDay(d, 1)) {
      if (d.slice(0, 4) !== year) continue;
      const mm = d.slice(5, 7);
      const dd = d.slice(8, 10);
      checkedValues += compare(differences, id, owner, d, e?.d?.[mm]?.[dd], a?.d?.[mm]?.[dd]);
    }
    for (const m of parts.months) if (m.slice(0, 4) === year) checkedValues += compare(differences, id, owner, m, e?.m?.[m.slice(5, 7)], a?.m?.[m.slice(5, 7)]);
    for (const y of parts.years) if (y === year) {
      checkedValues += compare(differences, id, owner, y, e?.c, a?.c);
      for (const [mm, counts] of Object.entries({ ...(e?.m ?? {}), ...(a?.m ?? {}) })) {
        void counts;
        checkedValues += compare(differences, id, owner, `${y}-${mm}`, e?.m?.[mm], a?.m?.[mm]);
      }
    }
  }
  return { from, to, checkedDocs: ids.size, checkedValues, differences, ms: Date.now() - started };
}
