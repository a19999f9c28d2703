/**
 * The calendar: business days, months, years and periods in China time, in one module for every layer
 * (mini program, cloud functions, jobs, roll-ups, seed and benches).
 *
 * Why China time: every roll-up, dashboard and report is keyed by the day the work happened in China, not
 * in UTC (a visit at 07:00 in Xinghua is 23:00 UTC the day before). China has kept a fixed UTC+8 with no
 * daylight saving since 1991, so dayjs with a fixed +08:00 offset (its utc plugin) replaces a timezone
 * database, and the same code runs in the mini program, in cloud functions (whose clock is UTC) and in tests.
 * Keys: day 'YYYY-MM-DD', month 'YYYY-MM', year 'YYYY' (data model conventions).
 *
 * Calendar logic (real days, month lengths, leap years, formatting) is dayjs's. Roll-ups and benches move
 * through days hundreds of thousands of times, so each day key is read by dayjs once and remembered as a
 * day index (days since 1970-01-01): day steps are then integer steps and two map look-ups.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/** A business day 'YYYY-MM-DD' (China time). */
export type Day = string;
/** A month 'YYYY-MM'. */
export type Month = string;

/** China Standard Time's offset from UTC, in minutes (dayjs `utcOffset`). */
export const CHINA_UTC_OFFSET = 8 * 60;
const OFFSET_MS = CHINA_UTC_OFFSET * 60_000;
const DAY_MS = 86_400_000;

/**
 * Years a day, month or year key may name: wide enough for any record (a birthday on an ID card, a step past
 * the last request), narrow enough to catch typos.
 */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2999;

/**
 * Years a caller may name in a request (every date of every contract, `shared/contracts/date.contract.ts`): the
 * bank's records start after 2000 and anything past 2100 is a typo. Inside the calendar's own range, so a
 * request's dates are keys this module computes with, and every loop over a request's periods ends.
 */
export const REQUEST_YEARS = { first: 2000, last: 2100 } as const;

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

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const YEAR_PATTERN = /^\d{4}$/;

const pad2 = (n: number): string => String(n).padStart(2, '0');
const inYears = (y: number): boolean => y >= FIRST_YEAR && y <= LAST_YEAR;

// The day index: day key ⇄ days since 1970-01-01, each filled by dayjs on first use. Only real days of
// FIRST_YEAR–LAST_YEAR are remembered, so a hit is also a validation. Bounded: about 137 years of days.
const CACHE_LIMIT = 50_000;
const indexByDay = new Map<string, number>();
const dayByIndex = new Map<number, string>();

function remember(day: string, n: number): void {
  if (indexByDay.size >= CACHE_LIMIT) {
    indexByDay.clear();
    dayByIndex.clear();
  }
  indexByDay.set(day, n);
  dayByIndex.set(n, day);
}

/** The day index of a real day key in range, or null (dayjs reads it; an overflowing '2025-02-30' does not read back). */
function readDay(s: string): number | null {
  const n = indexByDay.get(s);
  if (n !== undefined) return n;
  if (!DAY_PATTERN.test(s)) return null;
  const d = dayjs.utc(s);
  if (!d.isValid() || !inYears(d.year()) || d.format('YYYY-MM-DD') !== s) return null;
  const index = d.valueOf() / DAY_MS;
  remember(s, index);
  return index;
}

/** Days since 1970-01-01 of a day key; throws on a value that is not a day (a bad key must fail loudly, not become a wrong roll-up id). */
export function dayIndex(day: string): number {
  const n = typeof day === 'string' ? readDay(day) : null;
  if (n === null) throw new RangeError(`not a day 'YYYY-MM-DD': ${String(day)}`);
  return n;
}

/** The day key of a day index. */
export function dayOfIndex(n: number): Day {
  const cached = dayByIndex.get(n);
  if (cached !== undefined) return cached;
  const d = dayjs.utc(n * DAY_MS);
  const day = d.format('YYYY-MM-DD');
  if (inYears(d.year())) remember(day, n);
  return day;
}

/** Number of days in a month (1–12) of a Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  return dayjs.utc(`${String(year).padStart(4, '0')}-${pad2(month)}-01`).daysInMonth();
}

/** True when `s` is a real calendar day written 'YYYY-MM-DD' (years 1900–2999). */
export function isDayKey(s: unknown): s is Day {
  return typeof s === 'string' && readDay(s) !== null;
}

/** True when `s` is a month written 'YYYY-MM' (years 1900–2999). */
export function isMonthKey(s: unknown): s is Month {
  if (typeof s !== 'string') return false;
  const m = MONTH_PATTERN.exec(s);
  return !!m && inYears(Number(m[1])) && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** True when `s` is a year written 'YYYY' (1900–2999). */
export function isYearKey(s: unknown): s is string {
  return typeof s === 'string' && YEAR_PATTERN.test(s) && inYears(Number(s));
}

function assertMonth(month: string): void {
  if (!isMonthKey(month)) throw new RangeError(`not a month 'YYYY-MM': ${String(month)}`);
}

/** The China day of an instant (now by default): `chinaDay(new Date('2025-07-30T16:30:00Z'))` is '2025-07-31'. Throws on an invalid Date. */
export function chinaDay(at: Date = new Date()): Day {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError('not a valid Date');
  return dayOfIndex(Math.floor((at.getTime() + OFFSET_MS) / DAY_MS));
}

/**
 * The day the bank works as of: today in China, or the bank's fixed as-of day when that is earlier. A demo
 * bank's records end on a fixed day (its `settings/calendar` document says which, docs/operations.md): its
 * nightly jobs and the screens' default periods use that day, so a run months later neither reads the
 * months without data as idle (premium merchants turned lost) nor opens on empty dashboards.
 */
export function bankDay(asOfDay: Day | null | undefined, at: Date = new Date()): Day {
  const today = chinaDay(at);
  return asOfDay && isDayKey(asOfDay) && asOfDay < today ? asOfDay : today;
}

/** The China day of an instant or of an ISO string, a day key as it is; null when missing or unreadable (stored records). */
export function toDay(value: Date | string | null | undefined): Day | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && DAY_PATTERN.test(value)) return value;
  const at = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(at.getTime()) ? null : chinaDay(at);
}

/** Minutes since China-time midnight of an instant (when a daily job started by a minute timer is due). */
export function chinaMinuteOfDay(at: Date): number {
  const t = dayjs(at).utcOffset(CHINA_UTC_OFFSET);
  return t.hour() * 60 + t.minute();
}

/** An instant written in China time with a dayjs format: `chinaTime('2025-07-31T02:00:00Z', 'MM-DD HH:mm')` is '07-31 10:00'. */
export function chinaTime(at: Date | string | number, format: string): string {
  return dayjs(at).utcOffset(CHINA_UTC_OFFSET).format(format);
}

/** The China month 'YYYY-MM' of an instant, or of a day key. */
export function monthOf(at: Date | string): Month {
  return (typeof at === 'string' ? at : chinaDay(at)).slice(0, 7);
}

/** The China year 'YYYY' of an instant, or of a day or month key. */
export function yearOf(at: Date | string): string {
  return (typeof at === 'string' ? at : chinaDay(at)).slice(0, 4);
}

/** The day `n` days after `day` (before, when n is negative); throws on a bad key. */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return dayOfIndex(dayIndex(day) + n);
}

/** Whole days from `from` to `to` (negative when `to` is earlier): daysBetween('2025-07-01','2025-07-31') is 30. */
export function daysBetween(from: Day, to: Day): number {
  return dayIndex(to) - dayIndex(from);
}

/** The instant China day `day` begins (00:00 at UTC+8, i.e. 16:00 UTC the day before). */
export function dayStart(day: Day): Date {
  return chinaInstant(dayIndex(day), 0);
}

/** The instant of `hour:minute:second` China time on the day of index `n` (`dayIndex`): how generated records get their times. */
export function chinaInstant(n: number, hour: number, minute = 0, second = 0): Date {
  return new Date(n * DAY_MS - OFFSET_MS + (hour * 3600 + minute * 60 + second) * 1000);
}

/** The month `n` months after `month` ('YYYY-MM'; before, when n is negative); throws on a bad key. */
export function addMonths(month: Month, n: number): Month {
  assertMonth(month);
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of months: ${n}`);
  // A month index (year × 12 + month) is exact: months carry no calendar irregularity of their own.
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${pad2((index % 12) + 1)}`;
}

/** The month before the one `day` ('YYYY-MM-DD' or 'YYYY-MM') falls in: the bank's systems report a month once it has ended, so an import defaults to it. */
export function previousMonth(day: string): Month {
  return addMonths(day.slice(0, 7), -1);
}

const monthEnds = new Map<string, Day>();

/** The last day of a month ('YYYY-MM' → 'YYYY-MM-DD'). */
export function monthEnd(month: Month): Day {
  let end = monthEnds.get(month);
  if (end === undefined) {
    assertMonth(month);
    end = `${month}-${pad2(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7))))}`;
    if (monthEnds.size < CACHE_LIMIT) monthEnds.set(month, end);
  }
  return end;
}

/** Splits an inclusive day range into whole years, whole months and single days (the roll-up grains). */
export function decomposeRange(from: Day, to: Day): { years: string[]; months: Month[]; days: Day[] } {
  const out = { years: [] as string[], months: [] as Month[], days: [] as Day[] };
  let d = from;
  while (d <= to) {
    const y = yearOf(d);
    const m = monthOf(d);
    if (d.endsWith('-01-01') && `${y}-12-31` <= to) {
      out.years.push(y);
      d = `${Number(y) + 1}-01-01`;
    } else if (d.endsWith('-01') && monthEnd(m) <= to) {
      out.months.push(m);
      d = addDays(monthEnd(m), 1);
    } else {
      out.days.push(d);
      d = addDays(d, 1);
    }
  }
  return out;
}

/**
 * The period of the given kind that contains `at` (an instant, or a day key): the day itself, its
 * month or its year. A 'range' needs explicit bounds: use `rangePeriod`.
 */
export function periodOf(kind: 'day' | 'month' | 'year', at: Date | string): Period {
  const day = typeof at === 'string' ? at : chinaDay(at);
  if (!isDayKey(day)) throw new Error(`not a day: ${day}`);
  if (kind === 'day') return { kind, start: day, end: day };
  if (kind === 'month') return { kind, start: `${monthOf(day)}-01`, end: monthEnd(monthOf(day)) };
  return { kind, start: `${yearOf(day)}-01-01`, end: `${yearOf(day)}-12-31` };
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
    else if (isMonthKey(s)) period = periodOf('month', `${s}-01`);
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
  for (let m = period.start.slice(0, 7); m <= last; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** The `count` months of a trend chart ending with `endMonth`, oldest first (12 by default). */
export function trendMonths(endMonth: string, count = 12): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) months.push(addMonths(endMonth, -i));
  return months;
}

/** The days ('YYYY-MM-DD') of a period, oldest first. */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let i = 0; i < periodLength(period); i++) days.push(addDays(period.start, i));
  return days;
}

/** How a period key reads: '2025-07' → '2025年7月', '2025' → '2025年', a range → '2025-04-01 至 2025-06-30', a day as it is. */
export function periodLabel(key: string): string {
  if (YEAR_PATTERN.test(key)) return `${key}年`;
  if (MONTH_PATTERN.test(key)) return `${key.slice(0, 4)}年${Number(key.slice(5))}月`;
  return key.replace('..', ' 至 ');
}
