/**
 * Every day, month and year a contract accepts is a real calendar value within 2000–2100 (one shared
 * schema, date.contract), so an impossible date is a VALIDATION naming its field, never INTERNAL, and a
 * date far in the future can never start a loop over months that does not end.
 */
import { calendarProblem, daySchema, monthSchema, periodInput, periodKeySchema, yearSchema } from '../../shared/contracts/date.contract';
import { setTargetInput, reconcileInput, dashboardInput } from '../../shared/contracts/metrics.contract';
import { reclassifyInput } from '../../shared/contracts/lifecycle.contract';
import { startImportInput } from '../../shared/contracts/import.contract';
import { productHoldingSchema } from '../../shared/contracts/merchant.contract';
import { instantSchema } from '../../shared/contracts/common.contract';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('shared calendar schema', () => {
  it('accepts real days, months and years from 2000 to 2100', () => {
    for (const d of ['2000-01-01', '2024-02-29', '2025-07-31', '2100-12-31']) expect(ok(daySchema, d)).toBe(true);
    for (const m of ['2000-01', '2025-12', '2100-12']) expect(ok(monthSchema, m)).toBe(true);
    for (const y of ['2000', '2025', '2100']) expect(ok(yearSchema, y)).toBe(true);
  });

  it('refuses impossible and out-of-range values', () => {
    for (const d of ['2025-02-30', '2025-02-29', '2100-02-29', '0000-00-00', '9999-99-99', '9999-12-01', '1999-12-31', '2101-01-01', '2025-7-01', ' 2025-07-01', '2025-07-01T00:00', '２０２５-07-01', '']) {
      expect({ d, ok: ok(daySchema, d) }).toEqual({ d, ok: false });
    }
    for (const m of ['2025-13', '2025-00', '0000-01', '9999-12', '2025-1']) expect({ m, ok: ok(monthSchema, m) }).toEqual({ m, ok: false });
    for (const y of ['0000', '1999', '2101', '9999', '25', 2025]) expect({ y, ok: ok(yearSchema, y) }).toEqual({ y, ok: false });
    expect(calendarProblem('9999-12-01', 'day')).toMatch(/2000–2100/);
    expect(calendarProblem('2025-02-30', 'day')).toMatch(/YYYY-MM-DD/);
  });

  it('a period key is a real day, month or year by its shape', () => {
    for (const k of ['2025', '2025-07', '2025-07-31']) expect(ok(periodKeySchema, k)).toBe(true);
    for (const k of ['2025-13', '2025-02-30', '0000', '9999', '2025-07-3', '2025-W01']) expect({ k, ok: ok(periodKeySchema, k) }).toEqual({ k, ok: false });
  });

  it('a statistics period keeps its days inside the range', () => {
    expect(ok(periodInput, '2025-07')).toBe(true);
    expect(ok(periodInput, '2025-01-01..2025-07-31')).toBe(true);
    for (const p of ['2999-07', '1950', '9999-12-01', '2099-01-01..2101-01-01', { kind: 'day', start: '2025-02-30', end: '2025-02-30' }]) {
      expect({ p, ok: ok(periodInput, p) }).toEqual({ p, ok: false });
    }
  });

  it('instants fall in the same years', () => {
    expect(ok(instantSchema, '2025-07-01T02:00:00.000Z')).toBe(true);
    expect(ok(instantSchema, 0)).toBe(false);
    expect(ok(instantSchema, '9999-01-01T00:00:00Z')).toBe(false);
    expect(ok(instantSchema, 8.64e15)).toBe(false);
  });
});

describe('every date in every contract uses it', () => {
  it('metrics.setTarget refuses 2025-13, 2025-02-30 and 0000 as its period', () => {
    for (const period of ['2025-13', '2025-02-30', '0000']) {
      const r = setTargetInput.safeParse({ unitId: 'u1', period, metric: 'acquiring', value: 1 });
      expect({ period, ok: r.success, field: r.success ? null : r.error.issues[0].path.join('.') }).toEqual({ period, ok: false, field: 'period' });
    }
    expect(setTargetInput.safeParse({ unitId: 'u1', period: '2025-07', metric: 'acquiring', value: 1 }).success).toBe(true);
  });

  it('metrics.reconcile refuses impossible days and ranges longer than a year', () => {
    for (const from of ['9999-12-01', '9999-99-99', '2025-02-30']) expect(reconcileInput.safeParse({ from }).success).toBe(false);
    const long = reconcileInput.safeParse({ from: '2024-01-01', to: '2025-07-31' });
    expect(long.success).toBe(false);
    expect(long.success ? null : long.error.issues[0].path).toEqual(['to']);
    expect(reconcileInput.safeParse({ from: '2025-07-31', to: '2025-07-01' }).success).toBe(false);
    expect(reconcileInput.safeParse({ from: '2025-01-01', to: '2025-12-31' }).success).toBe(true);
  });

  it('lifecycle.reclassify, import.start, the product matrix and the dashboard refuse impossible dates', () => {
    for (const asOf of ['0000-00-00', '2025-02-30']) expect(reclassifyInput.safeParse({ asOf }).success).toBe(false);
    expect(startImportInput.safeParse({ jobId: 'job-00000001', kind: 'transactions', period: '0000-01', fileId: 'cloud://x/y.csv' }).success).toBe(false);
    expect(productHoldingSchema.safeParse({ product: 'acquiring', bank: 'ours', status: 'active', since: '2025-02-30' }).success).toBe(false);
    expect(dashboardInput.safeParse({ period: '9999-12' }).success).toBe(false);
  });
});
