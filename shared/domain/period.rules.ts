/**
 * Business days, months, years and periods in China time.
 *
 * Why here: every roll-up, dashboard and report is keyed by the day the work happened in China, not
 * in UTC (a visit at 07:00 in Xinghua is 23:00 UTC the day before). China has kept a fixed UTC+8 with
 * no daylight saving since 1991, so a constant offset replaces a timezone database and the same code
 * runs in the mini program, in cloud functions (whose clock is UTC) and in tests.
 * Keys: day 'YYYY-MM-DD', month 'YYYY-MM', year 'YYYY' (data model conventions).
 */

/** China Standard Time offset from UTC, in milliseconds. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

const DAY_MS = 86_400_000;

/** Longest date range a period may span (about ten years), so a request cannot ask for unbounded work. */
export const MAX_RANGE_DAYS = 3660;

export type PeriodKind = 'day' | 'month' | 'year' | 'range';
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'month', 'year', 'range'];

/** A period of whole China days, `start` and `end` inclusive, both 'YYYY-MM-DD'. */
export interface Period {
  kind: PeriodKind;
  start: string;
  end: string;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const YEAR_PATTERN = /^(\d{4})$/;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Number of days in a month (1–12) of a Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `s` is a real calendar day written 'YYYY-MM-DD' (years 1900–2999). */
export function isDayKey(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY_PATTERN.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** True when `s` is a month written 'YYYY-MM' (years 1900–2999). */
export function isMonthKey(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = MONTH_PATTERN.exec(s);
  return !!m && Number(m[1]) >= 1900 && Number(m[1]) <= 2999 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** True when `s` is a year written 'YYYY' (1900–2999). */
export function isYearKey(s: unknown): s is string {
  return typeof s === 'string' && YEAR_PATTERN.test(s) && Number(s) >= 1900 && Number(s) <= 2999;
}

/** Throws on a value that is not a day key: a bad key must fail loudly, not become a wrong roll-up id. */
function assertDay(day: string): void {
  if (!isDayKey(day)) throw new RangeError(`not a day 'YYYY-MM-DD': ${String(day)}`);
}

/** The China day of an instant: `dayKey(new Date('2025-07-30T16:30:00Z'))` is '2025-07-31'. Throws on an invalid Date. */
export function dayKey(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('not a valid Date');
  const t = new Date(date.getTime() + CHINA_OFFSET_MS);
  return `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

/** The China month 'YYYY-MM' of an instant, or of a day key. */
export function monthKey(date: Date | string): string {
  return (typeof date === 'string' ? date : dayKey(date)).slice(0, 7);
}

/** The China year 'YYYY' of an instant, or of a day or month key. */
export function yearKey(date: Date | string): string {
  return (typeof date === 'string' ? date : dayKey(date)).slice(0, 4);
}

/** Days since 1970-01-01 of a day key (a day number, so day arithmetic is integer arithmetic). */
function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** The day key of a day number. */
function dayFromNumber(n: number): string {
  const t = new Date(n * DAY_MS);
  return `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

/** The day `n` days after `day` (before, when n is negative); throws on a bad key. */
export function addDays(day: string, n: number): string {
  assertDay(day);
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return dayFromNumber(dayNumber(day) + n);
}

/** Whole days from `from` to `to` (negative when `to` is earlier): daysBetween('2025-07-01','2025-07-31') is 30. */
export function daysBetween(from: string, to: string): number {
  assertDay(from);
  assertDay(to);
  return dayNumber(to) - dayNumber(from);
}

/** The instant China day `day` begins (00:00 at UTC+8, i.e. 16:00 UTC the day before). */
export function dayStart(day: string): Date {
  assertDay(day);
  return new Date(dayNumber(day) * DAY_MS - CHINA_OFFSET_MS);
}

/** The month `n` months before `month` ('YYYY-MM'); a negative n moves forward; throws on a bad key. */
export function monthsBack(month: string, n: number): string {
  if (!isMonthKey(month)) throw new RangeError(`not a month 'YYYY-MM': ${String(month)}`);
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of months: ${n}`);
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

/** First and last day of a month key. */
function monthBounds(month: string): { start: string; end: string } {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return { start: `${month}-01`, end: `${month}-${pad2(daysInMonth(y, m))}` };
}

/**
 * The period of the given kind that contains `at` (an instant, or a day key): the day itself, its
 * month or its year. A 'range' needs explicit bounds: use `rangePeriod`.
 */
export function periodOf(kind: 'day' | 'month' | 'year', at: Date | string): Period {
  const day = typeof at === 'string' ? at : dayKey(at);
  if (!isDayKey(day)) throw new Error(`not a day: ${day}`);
  if (kind === 'day') return { kind, start: day, end: day };
  if (kind === 'month') return { kind, ...monthBounds(day.slice(0, 7)) };
  return { kind, start: `${day.slice(0, 4)}-01-01`, end: `${day.slice(0, 4)}-12-31` };
}

/** A date range from `start` to `end`, both inclusive. */
export function rangePeriod(start: string, end: string): Period {
  return { kind: 'range', start, end };
}

/**
 * Why `value` is not a valid period, or null. A valid period has a known kind and real days, and its
 * bounds match its kind: a day starts and ends the same day, a month covers exactly one calendar
 * month, a year one calendar year, a range runs forward at most MAX_RANGE_DAYS days.
 */
export function periodProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return '统计期间无效';
  const p = value as Partial<Period>;
  if (!PERIOD_KINDS.includes(p.kind as PeriodKind)) return '统计期间类型应为日、月、年或时间段';
  if (!isDayKey(p.start)) return '统计期间的开始日期无效';
  if (!isDayKey(p.end)) return '统计期间的结束日期无效';
  if (p.end < p.start) return '统计期间的结束日期不能早于开始日期';
  if (p.kind === 'range') {
    if (daysBetween(p.start, p.end) + 1 > MAX_RANGE_DAYS) return `统计时间段不能超过${MAX_RANGE_DAYS}天`;
    return null;
  }
  const expected = periodOf(p.kind as 'day' | 'month' | 'year', p.start);
  if (expected.start !== p.start || expected.end !== p.end) return '统计期间的起止日期与类型不符';
  return null;
}

/**
 * Parses a period from its key: '2025-07-31' (day), '2025-07' (month), '2025' (year) or
 * '2025-01-01..2025-07-31' (range); or accepts a Period object. Returns null when invalid.
 */
export function parsePeriod(input: unknown): Period | null {
  let period: Period | null = null;
  if (typeof input === 'string') {
    const s = input.trim();
    const range = s.split('..');
    if (range.length === 2) period = rangePeriod(range[0], range[1]);
    else if (isDayKey(s)) period = periodOf('day', s);
    else if (isMonthKey(s)) period = { kind: 'month', ...monthBounds(s) };
    else if (isYearKey(s)) period = periodOf('year', `${s}-01-01`);
  } else if (typeof input === 'object' && input !== null) {
    const p = input as Period;
    period = { kind: p.kind, start: p.start, end: p.end };
  }
  return period && periodProblem(period) === null ? period : null;
}

/** The key of a period, as roll-up ids use it: '2025-07-31', '2025-07', '2025' or 'start..end'. */
export function periodKey(period: Period): string {
  if (period.kind === 'day') return period.start;
  if (period.kind === 'month') return period.start.slice(0, 7);
  if (period.kind === 'year') return period.start.slice(0, 4);
  return `${period.start}..${period.end}`;
}

/** Number of days in a period (both ends included). */
export function periodLength(period: Period): number {
  return daysBetween(period.start, period.end) + 1;
}

/** True when the day key lies within the period. */
export function isDayInPeriod(day: string, period: Period): boolean {
  return day >= period.start && day <= period.end;
}

/** Instants bounding a period for a query on a Date field: `from` inclusive, `to` exclusive. */
export function periodInstants(period: Period): { from: Date; to: Date } {
  return { from: dayStart(period.start), to: dayStart(addDays(period.end, 1)) };
}

/**
 * The period just before: the previous day, month or year; for a range, the range of the same
 * length ending the day before it starts (how "vs. previous period" is compared).
 */
export function previousPeriod(period: Period): Period {
  if (period.kind === 'day') return periodOf('day', addDays(period.start, -1));
  if (period.kind === 'month') return periodOf('month', addDays(period.start, -1));
  if (period.kind === 'year') return periodOf('year', addDays(period.start, -1));
  const length = periodLength(period);
  return rangePeriod(addDays(period.start, -length), addDays(period.start, -1));
}

/** The months ('YYYY-MM') a period touches, oldest first. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  const last = period.end.slice(0, 7);
  for (let m = period.start.slice(0, 7); m <= last; m = monthsBack(m, -1)) months.push(m);
  return months;
}

/** The `count` months of a trend chart ending with `endMonth`, oldest first (12 by default). */
export function trendMonths(endMonth: string, count = 12): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) months.push(monthsBack(endMonth, i));
  return months;
}

/** The days ('YYYY-MM-DD') of a period, oldest first. */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let i = 0; i < periodLength(period); i++) days.push(addDays(period.start, i));
  return days;
}
