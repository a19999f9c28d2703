import fc from 'fast-check';
import {
  addDays,
  bankDay,
  addMonths,
  previousMonth,
  chinaDay,
  chinaMinuteOfDay,
  chinaTime,
  dayStart,
  daysBetween,
  daysInMonth,
  daysOf,
  isDayInPeriod,
  isDayKey,
  isMonthKey,
  isYearKey,
  monthEnd,
  monthOf,
  monthsOf,
  parsePeriod,
  periodInstants,
  periodKey,
  periodLabel,
  periodLength,
  periodOf,
  periodProblem,
  previousPeriod,
  rangePeriod,
  trendMonths,
  yearOf,
  type Period,
} from '../../shared/domain/period.rules';

describe('the bank day (a demo bank’s fixed as-of day)', () => {
  const at = new Date('2026-12-02T12:00:00Z');
  it('is today without an as-of day, or with one that is not a real day', () => {
    expect(bankDay(null, at)).toBe('2026-12-02');
    expect(bankDay(undefined, at)).toBe('2026-12-02');
    expect(bankDay('2025-02-30', at)).toBe('2026-12-02');
    expect(bankDay('soon', at)).toBe('2026-12-02');
  });
  it('is the as-of day when it is earlier than today, never a later one', () => {
    expect(bankDay('2025-07-31', at)).toBe('2025-07-31');
    expect(bankDay('2027-01-01', at)).toBe('2026-12-02');
    // China time decides today: 16:00 UTC on 30 July is already 31 July.
    expect(bankDay('2025-07-31', new Date('2025-07-30T16:00:00Z'))).toBe('2025-07-31');
  });
});

describe('China day keys (UTC+8)', () => {
  it('moves to the next day at 16:00 UTC', () => {
    expect(chinaDay(new Date('2025-07-30T15:59:59.999Z'))).toBe('2025-07-30');
    expect(chinaDay(new Date('2025-07-30T16:00:00.000Z'))).toBe('2025-07-31');
    expect(chinaDay(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(monthOf(new Date('2025-07-31T16:00:00Z'))).toBe('2025-08');
    expect(yearOf(new Date('2024-12-31T16:30:00Z'))).toBe('2025');
    expect(monthOf('2025-07-31')).toBe('2025-07');
    expect(yearOf('2025-07')).toBe('2025');
  });

  it('starts a China day at 16:00 UTC of the day before', () => {
    expect(dayStart('2025-07-31').toISOString()).toBe('2025-07-30T16:00:00.000Z');
    expect(dayStart('2025-01-01').toISOString()).toBe('2024-12-31T16:00:00.000Z');
  });

  it('validates keys, leap years included', () => {
    expect(isDayKey('2024-02-29')).toBe(true);
    expect(isDayKey('2025-02-29')).toBe(false);
    expect(isDayKey('2000-02-29')).toBe(true);
    expect(isDayKey('2100-02-29')).toBe(false);
    expect(isDayKey('2025-04-31')).toBe(false);
    expect(isDayKey('2025-7-31')).toBe(false);
    expect(isDayKey('2025-07-31T00:00')).toBe(false);
    expect(isDayKey(20250731)).toBe(false);
    expect(isMonthKey('2025-12')).toBe(true);
    expect(isMonthKey('2025-13')).toBe(false);
    expect(isMonthKey('2025-00')).toBe(false);
    expect(isYearKey('2025')).toBe(true);
    expect(isYearKey('25')).toBe(false);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(2025, 12)).toBe(31);
  });

  it('counts days across month, year and leap-day boundaries', () => {
    expect(daysBetween('2025-01-01', '2025-07-31')).toBe(211);
    expect(daysBetween('2025-07-31', '2025-01-01')).toBe(-211);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-07-31', 90)).toBe('2025-10-29');
  });

  it('throws on keys that are not days or months rather than computing a wrong one', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2025-07-31', 0.5)).toThrow(RangeError);
    expect(() => daysBetween('2025-07', '2025-07-31')).toThrow(RangeError);
    expect(() => dayStart('31/07/2025')).toThrow(RangeError);
    expect(() => addMonths('2025-13', -1)).toThrow(RangeError);
    expect(() => chinaDay(new Date('not a date'))).toThrow(RangeError);
  });

  it('does not take a day it computed past the last year for a valid key', () => {
    // The day index remembers days as it meets them: a step beyond 2999 is computed, never remembered as valid.
    expect(addDays('2999-12-31', 1)).toBe('3000-01-01');
    expect(isDayKey('3000-01-01')).toBe(false);
    expect(() => addDays('3000-01-01', -1)).toThrow(RangeError);
    expect(isDayKey('2999-12-31')).toBe(true);
  });

  it('reads the China time of day and formats instants in China time', () => {
    expect(chinaMinuteOfDay(new Date('2025-07-30T16:00:00Z'))).toBe(0);
    expect(chinaMinuteOfDay(new Date('2025-07-31T02:30:00Z'))).toBe(10 * 60 + 30);
    expect(chinaTime('2025-07-31T02:00:00Z', 'MM-DD HH:mm')).toBe('07-31 10:00');
    expect(chinaTime(new Date('2025-12-31T16:00:00Z'), 'YYYY-MM-DD HH:mm')).toBe('2026-01-01 00:00');
  });

  it('knows the last day of each month, leap years included', () => {
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(monthEnd('2025-02')).toBe('2025-02-28');
    expect(monthEnd('2025-12')).toBe('2025-12-31');
    expect(() => monthEnd('2025-13')).toThrow(RangeError);
  });

  it('steps months back and forward across years', () => {
    expect(addMonths('2025-07', -3)).toBe('2025-04');
    expect(addMonths('2025-02', -3)).toBe('2024-11');
    expect(addMonths('2025-01', -12)).toBe('2024-01');
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(addMonths('2025-07', 0)).toBe('2025-07');
  });

  it('lists the 12 months of a trend ending with the given month', () => {
    expect(trendMonths('2025-07')).toEqual([
      '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01',
      '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07',
    ]);
    expect(trendMonths('2025-02', 3)).toEqual(['2024-12', '2025-01', '2025-02']);
  });
});

describe('periods', () => {
  it('finds the day, month and year containing an instant in China time', () => {
    const at = new Date('2025-07-31T17:00:00Z'); // 1 August, 01:00 in China
    expect(periodOf('day', at)).toEqual({ kind: 'day', start: '2025-08-01', end: '2025-08-01' });
    expect(periodOf('month', at)).toEqual({ kind: 'month', start: '2025-08-01', end: '2025-08-31' });
    expect(periodOf('year', '2025-07-31')).toEqual({ kind: 'year', start: '2025-01-01', end: '2025-12-31' });
    expect(periodOf('month', '2024-02-10')).toEqual({ kind: 'month', start: '2024-02-01', end: '2024-02-29' });
    expect(() => periodOf('day', '2025-02-30')).toThrow();
  });

  it('parses keys of every kind', () => {
    expect(parsePeriod('2025-07-31')).toEqual({ kind: 'day', start: '2025-07-31', end: '2025-07-31' });
    expect(parsePeriod('2025-07')).toEqual({ kind: 'month', start: '2025-07-01', end: '2025-07-31' });
    expect(parsePeriod('2025')).toEqual({ kind: 'year', start: '2025-01-01', end: '2025-12-31' });
    expect(parsePeriod('2025-01-01..2025-07-31')).toEqual({ kind: 'range', start: '2025-01-01', end: '2025-07-31' });
    expect(parsePeriod({ kind: 'month', start: '2025-06-01', end: '2025-06-30', extra: 1 })).toEqual({
      kind: 'month', start: '2025-06-01', end: '2025-06-30',
    });
  });

  it('refuses malformed periods with a reason', () => {
    expect(parsePeriod('2025-02-30')).toBeNull();
    expect(parsePeriod('2025-07-31..2025-01-01')).toBeNull();
    expect(parsePeriod('yesterday')).toBeNull();
    expect(parsePeriod(null)).toBeNull();
    expect(periodProblem({ kind: 'week', start: '2025-07-01', end: '2025-07-07' })).toMatch(/类型/);
    expect(periodProblem({ kind: 'day', start: '2025-07-01', end: '2025-07-02' })).toMatch(/与类型不符/);
    expect(periodProblem({ kind: 'month', start: '2025-07-02', end: '2025-07-31' })).toMatch(/与类型不符/);
    expect(periodProblem({ kind: 'year', start: '2025-01-01', end: '2025-06-30' })).toMatch(/与类型不符/);
    expect(periodProblem({ kind: 'range', start: '2025-07-01', end: '2025-06-30' })).toMatch(/不能早于/);
    expect(periodProblem({ kind: 'range', start: '2010-01-01', end: '2025-01-01' })).toMatch(/不能超过/);
    expect(periodProblem({ kind: 'range', start: '2025-13-01', end: '2025-12-31' })).toMatch(/开始日期/);
    expect(periodProblem('2025')).toBe('统计期间无效');
  });

  it('gives keys that parse back to the same period', () => {
    for (const key of ['2025-07-31', '2025-07', '2025', '2025-01-01..2025-07-31']) {
      expect(periodKey(parsePeriod(key) as Period)).toBe(key);
    }
  });

  it('measures periods and tests membership', () => {
    expect(periodLength(parsePeriod('2024')!)).toBe(366);
    expect(periodLength(parsePeriod('2025-02')!)).toBe(28);
    expect(isDayInPeriod('2025-07-31', parsePeriod('2025-07')!)).toBe(true);
    expect(isDayInPeriod('2025-08-01', parsePeriod('2025-07')!)).toBe(false);
    expect(daysOf(rangePeriod('2025-02-27', '2025-03-02'))).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(monthsOf(rangePeriod('2024-11-15', '2025-02-01'))).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('bounds a period with instants for Date queries, end exclusive', () => {
    const { from, to } = periodInstants(parsePeriod('2025-07')!);
    expect(from.toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(to.toISOString()).toBe('2025-07-31T16:00:00.000Z');
  });

  it('finds the previous period of each kind', () => {
    expect(previousPeriod(parsePeriod('2025-03-01')!)).toEqual({ kind: 'day', start: '2025-02-28', end: '2025-02-28' });
    expect(previousPeriod(parsePeriod('2025-03')!)).toEqual({ kind: 'month', start: '2025-02-01', end: '2025-02-28' });
    expect(previousPeriod(parsePeriod('2025-01')!)).toEqual({ kind: 'month', start: '2024-12-01', end: '2024-12-31' });
    expect(previousPeriod(parsePeriod('2025')!)).toEqual({ kind: 'year', start: '2024-01-01', end: '2024-12-31' });
    expect(previousPeriod(rangePeriod('2025-07-01', '2025-07-10'))).toEqual({
      kind: 'range', start: '2025-06-21', end: '2025-06-30',
    });
  });

  const day = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('labels period keys the way dashboards title them', () => {
    expect(periodLabel('2025-07')).toBe('2025年7月');
    expect(periodLabel('2025')).toBe('2025年');
    expect(periodLabel('2025-04-01..2025-06-30')).toBe('2025-04-01 至 2025-06-30');
    expect(periodLabel('2025-07-31')).toBe('2025-07-31');
  });

  it('property: chinaDay agrees with shifting the instant by eight hours', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        return chinaDay(d) === new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) && isDayKey(chinaDay(d));
      }),
    );
  });

  it('property: addDays and daysBetween are inverse; dayStart maps back to its day', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -4000, max: 4000 }), (d, n) => {
        return daysBetween(d, addDays(d, n)) === n && chinaDay(dayStart(d)) === d;
      }),
    );
  });

  it('property: the previous period ends the day before and, for fixed kinds, has the same kind', () => {
    fc.assert(
      fc.property(day, day, fc.constantFrom('day', 'month', 'year', 'range'), (a, b, kind) => {
        const p: Period = kind === 'range' ? rangePeriod(a < b ? a : b, a < b ? b : a) : periodOf(kind as 'day', a);
        fc.pre(periodProblem(p) === null);
        const prev = previousPeriod(p);
        return prev.kind === p.kind && addDays(prev.end, 1) === p.start && periodProblem(prev) === null &&
          (p.kind !== 'range' || periodLength(prev) === periodLength(p));
      }),
    );
  });

  it('property: addMonths(m, -n) then forward n is m', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -600, max: 600 }), (d, n) => {
        const m = d.slice(0, 7);
        return addMonths(addMonths(m, -n), n) === m && isMonthKey(addMonths(m, -n));
      }),
    );
  });
});

describe('previousMonth (the month an import defaults to, console and mini program alike)', () => {
  it('is the month before the day\'s, across a year end', () => {
    expect(previousMonth('2026-01-15')).toBe('2025-12');
    expect(previousMonth('2025-08-01')).toBe('2025-07');
    expect(previousMonth('2025-08')).toBe('2025-07');
    expect(() => previousMonth('2025-13-01')).toThrow(RangeError);
  });
});
