/**
 * Closed and moved merchants in the metric definitions (docs/domain.md §3), with hand-worked values: the
 * counts a merchant adds on each day, archived and reopened, and the days the rules accept.
 */
import fc from 'fast-check';
import { archiveDayProblem, isArchivedOn, reopenDayProblem } from '../../shared/domain/merchant-archive.rules';
import { type MerchantFacts, merchantEvents } from '../../shared/domain/metrics.rules';
import { addDays } from '../../shared/domain/period.rules';

/** The value of each counter at `day`: the sum of its events on or before it. */
function at(m: MerchantFacts, day: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of merchantEvents(m)) if (e.day <= day) out[e.counter] = (out[e.counter] ?? 0) + e.delta;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0));
}

const shop: MerchantFacts = { isComplete: true, sweep: 2024, createdAt: '2025-02-01', filedAt: '2025-03-01', acquiring: { since: '2025-04-01' } };
const all = { merchants: 1, filed: 1, sweepFiled: 1, acq: 1, filedAcq: 1 };
const gone = { acq: 1 };

describe('a merchant archived, then reopened', () => {
  it('counts before the archive day, not from it, and again from the day it reopened', () => {
    const m = { ...shop, closures: [{ from: '2025-07-15', to: '2025-09-01' }] };
    expect(at(m, '2025-07-14')).toEqual(all);
    expect(at(m, '2025-07-15')).toEqual(gone);
    expect(at(m, '2025-08-31')).toEqual(gone);
    expect(at(m, '2025-09-01')).toEqual(all);
    expect(isArchivedOn(m, '2025-07-15')).toBe(true);
    expect(isArchivedOn(m, '2025-09-01')).toBe(false);
  });

  it('archived before it was filed or acquiring, it adds nothing while closed; reopened on its archive day, nothing changes', () => {
    const early = { ...shop, closures: [{ from: '2025-02-15', to: null }] };
    expect(at(early, '2025-02-14')).toEqual({ merchants: 1 });
    expect(at(early, '2025-12-31')).toEqual(gone);
    const undone = { ...shop, closures: [{ from: '2025-07-15', to: '2025-07-15' }] };
    expect(merchantEvents(undone)).toEqual(merchantEvents(shop));
  });

  it('whatever its closed stretches, every counter stays 0 or 1 and is 0 on a closed day (acquiring aside)', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2025-01-01', n));
    fc.assert(
      fc.property(fc.uniqueArray(day, { minLength: 1, maxLength: 6 }), day, (cuts, probe) => {
        const sorted = [...cuts].sort();
        const closures = [];
        for (let i = 0; i < sorted.length; i += 2) closures.push({ from: sorted[i], to: sorted[i + 1] ?? null });
        const m = { ...shop, closures };
        const v = at(m, probe);
        for (const n of Object.values(v)) expect([0, 1]).toContain(n);
        if (isArchivedOn(m, probe)) expect(Object.keys(v).filter((k) => k !== 'acq')).toEqual([]);
        else expect(at(m, probe)).toEqual(at(shop, probe));
      }),
    );
  });

  it('accepts an archive day from the file’s first day (and its last reopening) up to today, a reopening from the archive day', () => {
    const facts = { createdDay: '2025-03-01', lastReopenedDay: null, today: '2025-12-02' };
    expect(archiveDayProblem('2025-03-01', facts)).toBeNull();
    expect(archiveDayProblem('2025-12-02', facts)).toBeNull();
    expect(archiveDayProblem('2025-12-03', facts)).toMatch('不能晚于今天');
    expect(archiveDayProblem('2025-02-28', facts)).toMatch('2025-03-01');
    expect(archiveDayProblem('2025-08-31', { ...facts, lastReopenedDay: '2025-09-01' })).toMatch('2025-09-01');
    expect(reopenDayProblem('2025-07-15', { archivedDay: '2025-07-15', today: '2025-12-02' })).toBeNull();
    expect(reopenDayProblem('2025-07-14', { archivedDay: '2025-07-15', today: '2025-12-02' })).toMatch('2025-07-15');
  });
});
