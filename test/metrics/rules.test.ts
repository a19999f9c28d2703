/** The metric definitions and the lifecycle class rules, with hand-worked expected values. */
import fc from 'fast-check';
import { classifyMerchant } from '../../shared/domain/lifecycle.rules';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings.rules';
import { creditEvents, depositEvents, diffEvents, figuresFrom, isAcquiringOn, merchantEvents } from '../../shared/domain/metrics.rules';
import { addDays, decomposeRange } from '../../shared/domain/period.rules';

describe('metric definitions', () => {
  it('acquiring at D: since ≤ D and not closedAt ≤ D', () => {
    const m = { acquiring: { since: '2025-01-10', closedAt: '2025-03-01' } };
    expect(isAcquiringOn(m, '2025-01-09')).toBe(false);
    expect(isAcquiringOn(m, '2025-01-10')).toBe(true);
    expect(isAcquiringOn(m, '2025-02-28')).toBe(true);
    expect(isAcquiringOn(m, '2025-03-01')).toBe(false);
  });

  it('a filed, acquiring merchant contributes dated events; its credit counts by the month reported', () => {
    const m = {
      isComplete: true,
      filedAt: new Date('2024-03-01T20:00:00Z'), // 2024-03-02 in China time
      sweep: 2024,
      createdAt: new Date('2024-03-01T20:00:00Z'),
      acquiring: { since: '2024-02-01', closedAt: '2025-05-01' },
    };
    const events = merchantEvents(m);
    const at = (day: string, evs = events) => {
      const s: Record<string, number> = {};
      for (const e of evs) if (e.day <= day) s[e.counter] = (s[e.counter] ?? 0) + e.delta;
      return s;
    };
    expect(at('2024-02-15')).toEqual({ acq: 1 });
    expect(at('2024-03-02')).toEqual({ acq: 1, merchants: 1, filed: 1, sweepFiled: 1, filedAcq: 1 });
    expect(at('2025-05-01')).toEqual({ acq: 0, merchants: 1, filed: 1, sweepFiled: 1, filedAcq: 0 });
    // Credit of June 2024 (granted on the 10th) counts from its grant day to that month's end.
    const june = creditEvents(m, '2024-06', { grantedFen: 1000, grantedAt: '2024-06-10', drawnFen: 300 });
    expect(at('2024-06-09', june)).toEqual({});
    expect(at('2024-06-30', june)).toEqual({ granted: 1, grantedFen: 1000, drawing: 1, drawnFen: 300 });
    // April 2025: acquiring closes on 1 May, after the month; a month after the close counts nothing.
    expect(at('2025-04-30', creditEvents(m, '2025-04', { grantedFen: 1000, grantedAt: '2024-06-10', drawnFen: 0 }))).toEqual({ granted: 1, grantedFen: 1000 });
    expect(creditEvents(m, '2025-05', { grantedFen: 1000, grantedAt: '2024-06-10', drawnFen: 300 })).toEqual([]);
  });

  it('deposits count the month-end balance on the days of that month the merchant is acquiring', () => {
    expect(depositEvents({ acquiring: { since: '2025-07-10' } }, '2025-07', 500)).toEqual([{ day: '2025-07-10', counter: 'depFen', delta: 500 }]);
    expect(depositEvents({ acquiring: { since: '2025-01-01', closedAt: '2025-07-20' } }, '2025-07', 500)).toEqual([
      { day: '2025-07-01', counter: 'depFen', delta: 500 },
      { day: '2025-07-20', counter: 'depFen', delta: -500 },
    ]);
    expect(depositEvents({ acquiring: { since: '2025-08-01' } }, '2025-07', 500)).toEqual([]);
  });

  it('ratios are null without a denominator', () => {
    const f = figuresFrom({}, {});
    expect([f.coverage, f.grantRate, f.usageRate, f.revisitRate]).toEqual([null, null, null, null]);
    expect(figuresFrom({ acq: 30678, granted: 9221, drawing: 6771 }, {}).grantRate).toBeCloseTo(0.3006, 4);
  });

  it('a range splits into whole years, months and days that cover it exactly once', () => {
    expect(decomposeRange('2024-12-30', '2026-02-02')).toEqual({ years: ['2025'], months: ['2026-01'], days: ['2024-12-30', '2024-12-31', '2026-02-01', '2026-02-02'] });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 900 }), (a, len) => {
        const from = addDays('2020-01-01', a);
        const to = addDays(from, len);
        const p = decomposeRange(from, to);
        let days = p.days.length;
        for (const y of p.years) days += Number(y) % 4 === 0 ? 366 : 365;
        for (const m of p.months) days += new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
        return days === len + 1;
      }),
    );
  });

  it('diffing events of two states gives only the changes', () => {
    const before = merchantEvents({ isComplete: true, filedAt: '2024-01-01', acquiring: { since: '2024-02-01' } });
    const after = merchantEvents({ isComplete: true, filedAt: '2024-01-01', acquiring: { since: '2024-02-01', closedAt: '2025-01-01' } });
    expect(diffEvents(before, after).sort((a, b) => a.counter.localeCompare(b.counter))).toEqual([
      { day: '2025-01-01', counter: 'acq', delta: -1 },
      { day: '2025-01-01', counter: 'filedAcq', delta: -1 },
    ]);
  });
});

describe('lifecycle class rules (docs/domain.md §6, default thresholds)', () => {
  const t = DEFAULT_SETTINGS.lifecycle;
  const acq = { since: '2024-01-01', deviceStatus: 'bound' };
  const month = (m: string, count: number, yuan: number, last = `${m}-28`) => ({ month: m, count, amountFen: yuan * 100, lastTxnDay: last, deviceStatus: 'bound' as const });
  const steady = (yuan: number, count = 100) => ['2025-04', '2025-05', '2025-06'].map((m) => month(m, count, yuan));

  it('to-win without acquiring, lost once closed', () => {
    expect(classifyMerchant({ acquiring: { status: 'none' }, ourActiveProducts: 0, months: [] }, '2025-07-31', t).cls).toBe('to-win');
    expect(classifyMerchant({ acquiring: { since: '2024-01-01', closedAt: '2025-07-01' }, ourActiveProducts: 0, months: [] }, '2025-07-31', t)).toMatchObject({ cls: 'lost', reason: 'closed' });
  });

  it('qualified at 30 transactions or ¥10,000 a month; below is still to-win', () => {
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(8000, 30), month('2025-07', 30, 8000)] }, '2025-07-31', t).cls).toBe('qualified');
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(10000, 5), month('2025-07', 5, 10000)] }, '2025-07-31', t).cls).toBe('qualified');
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(9000, 29), month('2025-07', 29, 9999.99)] }, '2025-07-31', t)).toMatchObject({ cls: 'to-win', reason: 'below-minimum' });
  });

  it('premium at ¥100,000 a month or three of our products', () => {
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(100000), month('2025-07', 100, 100000)] }, '2025-07-31', t)).toMatchObject({ cls: 'premium', reason: 'volume' });
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 3, months: [...steady(20000), month('2025-07', 100, 20000)] }, '2025-07-31', t)).toMatchObject({ cls: 'premium', reason: 'products' });
  });

  it('abnormal when volume halves against the 3-month average, after 30 idle days, or with the device unbound', () => {
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(20000), month('2025-07', 50, 10000)] }, '2025-07-31', t)).toMatchObject({ cls: 'abnormal', reason: 'volume-drop' });
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(20000), month('2025-07', 50, 10000.01)] }, '2025-07-31', t).cls).toBe('qualified');
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(20000), month('2025-07', 100, 20000, '2025-07-01')] }, '2025-07-31', t)).toMatchObject({ cls: 'abnormal', reason: 'idle-30' });
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(20000), { ...month('2025-07', 100, 20000), deviceStatus: 'unbound' }] }, '2025-07-31', t)).toMatchObject({ cls: 'abnormal', reason: 'device-unbound' });
  });

  it('lost after 90 days without a transaction', () => {
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [month('2025-04', 100, 20000, '2025-04-30')] }, '2025-07-31', t)).toMatchObject({ cls: 'lost', reason: 'idle-90' });
  });

  it('head-office thresholds change the outcome', () => {
    const strict = { ...t, qualifiedMinTxnCount: 200, qualifiedMinAmountFen: 5_000_000 };
    expect(classifyMerchant({ acquiring: acq, ourActiveProducts: 1, months: [...steady(20000), month('2025-07', 100, 20000)] }, '2025-07-31', strict).cls).toBe('to-win');
  });
});
