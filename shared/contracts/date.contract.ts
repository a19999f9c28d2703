/**
 * Calendar values at the boundary: every day, month and year a contract accepts is a real calendar value
 * (the calendar's own check, `shared/domain/period.rules.ts`) in the years a request may name
 * (`REQUEST_YEARS`). A pattern alone lets `2025-02-30` through to become INTERNAL, and `9999-12-01` through to
 * a loop over months that never ends; the range keeps every loop over periods finite before it starts.
 * Imported by the mini program too (zod jitless).
 */
import { z } from 'zod';
import { type Period, REQUEST_YEARS, daysBetween, isDayKey, isMonthKey, isYearKey, parsePeriod } from '../domain/period.rules';

z.config({ jitless: true });

/** Years a business date may fall in (the calendar's `REQUEST_YEARS`). */
export const MIN_YEAR = REQUEST_YEARS.first;
export const MAX_YEAR = REQUEST_YEARS.last;

export type CalendarGrain = 'day' | 'month' | 'year';

const FORMATS: Record<CalendarGrain, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' };
const LABELS: Record<CalendarGrain, string> = { day: '日期', month: '月份', year: '年份' };
/** The shape of each grain's key, its year first: the year is checked against the range before the calendar reads the rest. */
const SHAPES: Record<CalendarGrain, RegExp> = { day: /^(\d{4})-\d{2}-\d{2}$/, month: /^(\d{4})-\d{2}$/, year: /^(\d{4})$/ };
const IS_KEY: Record<CalendarGrain, (s: string) => boolean> = { day: isDayKey, month: isMonthKey, year: isYearKey };

/** Why `value` is not a real `grain` (day 'YYYY-MM-DD', month 'YYYY-MM', year 'YYYY') within MIN_YEAR–MAX_YEAR, or null. */
export function calendarProblem(value: unknown, grain: CalendarGrain): string | null {
  if (typeof value !== 'string') return `${LABELS[grain]}需要文本（${FORMATS[grain]}）`;
  const shape = SHAPES[grain].exec(value);
  const invalid = `${LABELS[grain]}无效：应为 ${FORMATS[grain]} 格式的真实${LABELS[grain]}`;
  if (!shape) return invalid;
  const year = Number(shape[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return `${LABELS[grain]}的年份应在 ${MIN_YEAR}–${MAX_YEAR} 之间`;
  return IS_KEY[grain](value) ? null : invalid;
}

/** The grain of a key by its shape: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'. */
export function grainOfKey(key: string): CalendarGrain | null {
  return key.length === 4 ? 'year' : key.length === 7 ? 'month' : key.length === 10 ? 'day' : null;
}

function calendarSchema(grain: CalendarGrain): z.ZodType<string> {
  return z.string({ error: `需要${LABELS[grain]}（${FORMATS[grain]}）` }).superRefine((v, ctx) => {
    const problem = calendarProblem(v, grain);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A real day 'YYYY-MM-DD' within MIN_YEAR–MAX_YEAR. */
export const daySchema = calendarSchema('day');
/** A real month 'YYYY-MM' within MIN_YEAR–MAX_YEAR. */
export const monthSchema = calendarSchema('month');
/** A year 'YYYY' within MIN_YEAR–MAX_YEAR. */
export const yearSchema = calendarSchema('year');

/** A day, month or year key ('2025-07-31', '2025-07', '2025'), each a real calendar value in range. */
export const periodKeySchema = z.string({ error: '需要期间（YYYY、YYYY-MM 或 YYYY-MM-DD）' }).superRefine((v, ctx) => {
  const grain = grainOfKey(v);
  const problem = grain ? calendarProblem(v, grain) : '期间应为 YYYY、YYYY-MM 或 YYYY-MM-DD';
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A day range `{ from, to }` of real days in range, `to` not before `from`, at most `maxDays` long: the
 * work a request asks for is bounded before any loop over its days starts.
 */
export function dayRangeProblem(from: string, to: string, maxDays: number): string | null {
  // A bad day is its own field's problem (zod may still run an object's refinements after it).
  if (calendarProblem(from, 'day') || calendarProblem(to, 'day')) return null;
  if (to < from) return '结束日期不能早于开始日期';
  if (daysBetween(from, to) + 1 > maxDays) return `日期范围不能超过 ${maxDays} 天`;
  return null;
}

/** A period as a key ('2025-07-31', '2025-07', '2025', '2025-01-01..2025-03-31') or `{ kind, start, end }`, its days in range. */
export const periodInput = z
  .union([z.string().max(40, '统计期间过长'), z.object({ kind: z.string().max(10), start: z.string().max(10), end: z.string().max(10) })], { error: '需要统计期间' })
  .transform((v, ctx): Period => {
    const p = parsePeriod(v);
    if (!p) {
      ctx.addIssue({ code: 'custom', message: '统计期间无效（日 YYYY-MM-DD、月 YYYY-MM、年 YYYY 或 起..止）' });
      return z.NEVER;
    }
    const problem = calendarProblem(p.start, 'day') ?? calendarProblem(p.end, 'day');
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `统计期间：${problem}` });
      return z.NEVER;
    }
    return p;
  });
