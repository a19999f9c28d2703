/**
 * The metrics of docs/domain.md §7, defined once. Dashboards, reports and the reconciliation job all derive their
 * figures from the same events produced here, so a figure means the same thing at every level.
 *
 * Stock metrics (acquiring, filed, credit, ...) are kept as dated +1/−1 events: the value at day D is the
 * sum of events on or before D. Deposits reset each month: the value at D is the sum of the events of
 * month(D) up to D (a merchant's month-end balance of month(D) while it is acquiring). Flow metrics
 * (visits) are counted on the day they happen.
 */

import { LIFECYCLE_CLASSES, type LifecycleClass } from './lifecycle.rules';
import { type Closure, closuresOf } from './merchant-archive.rules';
import { type Day, type Month, monthEnd, toDay } from './period.rules';
import { VISIT_TYPES, type VisitType } from './visit.rules';

/** Stock counters: the value at D is the sum of their events up to D. */
export const STOCK_COUNTERS = [
  'merchants', // 商户数: merchant files recorded (complete or not)
  'filed', // 建档数: complete files, filed on or before D
  'sweepFiled', // complete files from the three door-to-door sweeps (2021–2024)
  'acq', // 收单商户数: acquiring active at D
  'filedAcq', // filed and acquiring at D (numerator of coverage)
] as const;
export type StockCounter = (typeof STOCK_COUNTERS)[number];

/**
 * Reset every month, from the figures the bank's systems report for month(D) (imports): Σ month-end
 * deposit balance of merchants acquiring at D (资金沉淀), and the credit of month(D) of merchants acquiring
 * at D — granted (授信) and its amounts, drawing (用信, drawn balance > 0) and loans outstanding.
 */
export const MONTHLY_COUNTERS = ['depFen', 'granted', 'grantedFen', 'drawing', 'drawnFen'] as const;
export type MonthlyCounter = (typeof MONTHLY_COUNTERS)[number];

/** Flow counters: visits by type (`v_<type>`), the flagged ones among them (`vf_<type>`), and `rv`, distinct acquiring merchants revisited. */
export type FlowCounter = `v_${VisitType}` | `vf_${VisitType}` | 'rv';
export const FLOW_COUNTERS: FlowCounter[] = [...VISIT_TYPES.map((t) => `v_${t}` as const), ...VISIT_TYPES.map((t) => `vf_${t}` as const), 'rv'];

/** Current-only counters (no history): merchants per lifecycle class now. */
export type ClassCounter = `cls_${LifecycleClass}`;
export const CLASS_COUNTERS: ClassCounter[] = LIFECYCLE_CLASSES.map((c) => `cls_${c}` as const);

export type Counter = StockCounter | MonthlyCounter | FlowCounter | ClassCounter;

/** One dated change of one counter. */
export interface MetricEvent {
  day: Day;
  counter: StockCounter | MonthlyCounter;
  delta: number;
}

/** The merchant fields the metrics read (data-model `merchants`). */
export interface MerchantFacts {
  isComplete?: boolean;
  filedAt?: Date | string | null;
  sweep?: number | null;
  createdAt?: Date | string | null;
  acquiring?: { status?: string; since?: Day | null; closedAt?: Day | null } | null;
  credit?: { grantedFen?: number; grantedAt?: Day | null; drawnFen?: number } | null;
  lifecycleClass?: string | null;
  /** Closed stretches (archived, then perhaps reopened): merchant-archive.rules.ts. */
  closures?: Closure[] | null;
}

/** An interval of days [start, end) (end exclusive, open when null). */
interface Interval {
  start: Day;
  end: Day | null;
}

function intersectStart(iv: Interval, from: Day | null): Interval | null {
  if (!from) return null;
  const start = iv.start > from ? iv.start : from;
  if (iv.end !== null && iv.end <= start) return null;
  return { start, end: iv.end };
}

function pushInterval(out: MetricEvent[], iv: Interval | null, counter: StockCounter, weight: number): void {
  if (!iv || weight === 0) return;
  out.push({ day: iv.start, counter, delta: weight });
  if (iv.end !== null) out.push({ day: iv.end, counter, delta: -weight });
}

/** `iv` without the merchant's closed stretches (docs/domain.md §3, closed and moved merchants). */
function presentParts(iv: Interval | null, closures: Closure[]): Interval[] {
  if (!iv) return [];
  let parts = [iv];
  for (const c of closures) {
    const next: Interval[] = [];
    for (const p of parts) {
      if (p.start < c.from) next.push({ start: p.start, end: p.end !== null && p.end <= c.from ? p.end : c.from });
      if (c.to !== null && (p.end === null || p.end > c.to)) next.push({ start: p.start > c.to ? p.start : c.to, end: p.end });
    }
    parts = next;
  }
  return parts;
}

/**
 * The acquiring interval of a merchant: active from `since` (inclusive) until `closedAt` (exclusive).
 * Domain §7: "acquiring at day D: since ≤ D and not closedAt ≤ D".
 */
export function acquiringInterval(m: MerchantFacts): Interval | null {
  const since = m.acquiring?.since ?? null;
  if (!since) return null;
  const closed = m.acquiring?.closedAt ?? null;
  if (closed !== null && closed <= since) return null;
  return { start: since, end: closed };
}

/** True when the merchant's acquiring is active on `day`. */
export function isAcquiringOn(m: MerchantFacts, day: Day): boolean {
  const iv = acquiringInterval(m);
  return !!iv && iv.start <= day && (iv.end === null || iv.end > day);
}

/** The day a complete file counts as filed (null for an incomplete file). */
export function filedDay(m: MerchantFacts): Day | null {
  if (!m.isComplete) return null;
  return toDay(m.filedAt ?? null) ?? toDay(m.createdAt ?? null);
}

/** The day a merchant first counts among the merchants (created or filed, whichever is earlier), or null. */
export function countedFrom(m: MerchantFacts): Day | null {
  return [toDay(m.createdAt ?? null), filedDay(m)].filter((d): d is Day => !!d).sort()[0] ?? null;
}

/** A merchant's acquiring on `day`, as the figures count it: open, closed by then, or not (yet) opened. */
export function acquiringStatusOn(m: MerchantFacts, day: Day): 'active' | 'closed' | 'none' {
  const iv = acquiringInterval(m);
  if (!iv || iv.start > day) return 'none';
  return iv.end === null || iv.end > day ? 'active' : 'closed';
}

/**
 * Every stock event a merchant contributes, from its file alone (deposits excluded): the single definition
 * of filed, acquiring, coverage numerator and credit figures.
 */
export function merchantEvents(m: MerchantFacts): MetricEvent[] {
  const out: MetricEvent[] = [];
  const filed = filedDay(m);
  const first = countedFrom(m);
  // An archived merchant leaves the merchant and filed counts and the coverage fraction for its closed
  // stretches; acquiring, deposits and credit follow the bank's own records (its imports close them).
  const closures = closuresOf(m);
  const present = (iv: Interval | null) => presentParts(iv, closures);
  for (const iv of present(first ? { start: first, end: null } : null)) pushInterval(out, iv, 'merchants', 1);
  for (const iv of present(filed ? { start: filed, end: null } : null)) {
    pushInterval(out, iv, 'filed', 1);
    if (m.sweep) pushInterval(out, iv, 'sweepFiled', 1);
  }
  const acq = acquiringInterval(m);
  if (acq) {
    pushInterval(out, acq, 'acq', 1);
    for (const iv of present(intersectStart(acq, filed))) pushInterval(out, iv, 'filedAcq', 1);
  }
  return out;
}

/**
 * Deposit events of one merchant for one month: its month-end balance counts on each day of that month on
 * which it is acquiring (docs/domain.md §7 "deposits at period end").
 */
export function depositEvents(m: MerchantFacts, month: Month, balanceFen: number): MetricEvent[] {
  const acq = acquiringInterval(m);
  if (!acq || !balanceFen) return [];
  const first = `${month}-01`;
  const last = monthEnd(month);
  const iv = intersectStart(acq, first);
  if (!iv || iv.start > last) return [];
  const out: MetricEvent[] = [{ day: iv.start, counter: 'depFen', delta: balanceFen }];
  if (iv.end !== null && iv.end <= last) out.push({ day: iv.end, counter: 'depFen', delta: -balanceFen });
  return out;
}

/** A merchant's credit figures of one month, as the bank's systems report them (a `credits` row). */
export interface MonthCredit {
  grantedFen?: number;
  grantedAt?: Day | null;
  drawnFen?: number;
}

/**
 * Credit events of one merchant for one month: the month's granted and drawn figures count on each day of
 * that month on which it is acquiring, from its grant day when that falls within the month. Each month
 * reads its own figures, so a later month's file never changes an earlier month.
 */
export function creditEvents(m: MerchantFacts, month: Month, c: MonthCredit | null | undefined): MetricEvent[] {
  const granted = c?.grantedFen ?? 0;
  const acq = acquiringInterval(m);
  if (!acq || granted <= 0) return [];
  const first = `${month}-01`;
  const last = monthEnd(month);
  const from = c?.grantedAt && c.grantedAt > first ? c.grantedAt : first;
  const iv = intersectStart(acq, from);
  if (!iv || iv.start > last) return [];
  const out: MetricEvent[] = [];
  const push = (counter: MonthlyCounter, w: number) => {
    out.push({ day: iv.start, counter, delta: w });
    if (iv.end !== null && iv.end <= last) out.push({ day: iv.end, counter, delta: -w });
  };
  push('granted', 1);
  push('grantedFen', granted);
  const drawn = c?.drawnFen ?? 0;
  if (drawn > 0) {
    push('drawing', 1);
    push('drawnFen', drawn);
  }
  return out;
}

/** All events of a merchant: its file, its monthly deposit balances (`{ 'YYYY-MM': fen }`) and monthly credit. */
export function allMerchantEvents(m: MerchantFacts, deposits: Record<Month, number> = {}, credits: Record<Month, MonthCredit> = {}): MetricEvent[] {
  const out = merchantEvents(m);
  for (const [month, fen] of Object.entries(deposits)) out.push(...depositEvents(m, month, fen));
  for (const [month, c] of Object.entries(credits)) out.push(...creditEvents(m, month, c));
  return out;
}

/** Events of `after` minus events of `before`, merged per (day, counter); zero deltas dropped. */
export function diffEvents(before: MetricEvent[], after: MetricEvent[]): MetricEvent[] {
  const acc = new Map<string, MetricEvent>();
  const add = (e: MetricEvent, sign: number) => {
    const k = `${e.day}|${e.counter}`;
    const cur = acc.get(k);
    if (cur) cur.delta += sign * e.delta;
    else acc.set(k, { day: e.day, counter: e.counter, delta: sign * e.delta });
  };
  for (const e of before) add(e, -1);
  for (const e of after) add(e, 1);
  return [...acc.values()].filter((e) => e.delta !== 0);
}

/** Figures of a scope at a period end, as dashboards show them. */
export interface MetricFigures {
  merchants: number;
  filed: number;
  sweepFiled: number;
  acquiring: number;
  filedAcquiring: number;
  /** 收单覆盖率 = filed merchants acquiring ÷ filed merchants (0..1, null when nothing filed). */
  coverage: number | null;
  creditGranted: number;
  creditGrantedFen: number;
  creditDrawing: number;
  loansOutstandingFen: number;
  /** 授信率 = granted ÷ acquiring. */
  grantRate: number | null;
  /** 用信率 = drawing ÷ granted. */
  usageRate: number | null;
  depositsFen: number;
  /** Acquiring merchants revisited at least once in the period. */
  revisited: number;
  /** 回访率 = revisited ÷ acquiring. */
  revisitRate: number | null;
  visits: Record<VisitType, number>;
  flaggedVisits: Record<VisitType, number>;
  visitsTotal: number;
  flaggedTotal: number;
}

/** A ratio, or null when the denominator is zero (shown as "—", never as 0% or NaN). */
export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/** Turns raw counter values (stocks at the period end, flows over the period) into the §7 figures. */
export function figuresFrom(stock: Partial<Record<StockCounter | MonthlyCounter, number>>, flow: Partial<Record<FlowCounter, number>>): MetricFigures {
  const s = (k: StockCounter | MonthlyCounter) => stock[k] ?? 0;
  const f = (k: FlowCounter) => flow[k] ?? 0;
  const visits = Object.fromEntries(VISIT_TYPES.map((t) => [t, f(`v_${t}`)])) as Record<VisitType, number>;
  const flagged = Object.fromEntries(VISIT_TYPES.map((t) => [t, f(`vf_${t}`)])) as Record<VisitType, number>;
  return {
    merchants: s('merchants'),
    filed: s('filed'),
    sweepFiled: s('sweepFiled'),
    acquiring: s('acq'),
    filedAcquiring: s('filedAcq'),
    coverage: ratio(s('filedAcq'), s('filed')),
    creditGranted: s('granted'),
    creditGrantedFen: s('grantedFen'),
    creditDrawing: s('drawing'),
    loansOutstandingFen: s('drawnFen'),
    grantRate: ratio(s('granted'), s('acq')),
    usageRate: ratio(s('drawing'), s('granted')),
    depositsFen: s('depFen'),
    revisited: f('rv'),
    revisitRate: ratio(f('rv'), s('acq')),
    visits,
    flaggedVisits: flagged,
    visitsTotal: VISIT_TYPES.reduce((a, t) => a + visits[t], 0),
    flaggedTotal: VISIT_TYPES.reduce((a, t) => a + flagged[t], 0),
  };
}

/** Indicator codes head office can assess (the targets, 考核指标). */
export const INDICATORS = [
  'acquiring',
  'filed',
  'coverage',
  'revisitRate',
  'creditGranted',
  'creditDrawing',
  'grantRate',
  'usageRate',
  'depositsFen',
  'loansOutstandingFen',
  'visitsTotal',
] as const;
export type Indicator = (typeof INDICATORS)[number];

/** Indicators that are ratios: a unit's target is not the sum of its parts', so a split is not capped. */
export const RATIO_INDICATORS: readonly Indicator[] = ['coverage', 'revisitRate', 'grantRate', 'usageRate'];

/** Default indicators of the targets (考核指标) (head office may change the list in settings). */
export const DEFAULT_ASSESSED_INDICATORS: Indicator[] = ['acquiring', 'coverage', 'revisitRate', 'creditGranted', 'usageRate', 'depositsFen'];

/** Reads one indicator out of a figures object. */
export function indicatorValue(fig: MetricFigures, ind: Indicator): number | null {
  return fig[ind] as number | null;
}
