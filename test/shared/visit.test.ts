import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings.rules';
import {
  VISIT_TYPES,
  VISIT_TYPE_LABELS,
  followUpDueDay,
  isFlagged,
  isOverdue,
  isVisitType,
  taskDueDay,
  visitChecksProblem,
} from '../../shared/domain/visit.rules';

describe('visits', () => {
  it('has the four types of docs/domain.md §5', () => {
    expect(VISIT_TYPES.map((t) => VISIT_TYPE_LABELS[t])).toEqual(['建档', '营销', '回访', '维护']);
    expect(isVisitType('revisit')).toBe(true);
    expect(isVisitType('call')).toBe(false);
  });

  it('flags visits more than the radius away; exactly the radius passes', () => {
    expect(isFlagged(0)).toBe(false);
    expect(isFlagged(200)).toBe(false);
    expect(isFlagged(200.4)).toBe(true);
    expect(isFlagged(350, 500)).toBe(false);
    expect(isFlagged(501, 500)).toBe(true);
  });

  it('flags a visit without a usable distance', () => {
    expect(isFlagged(null)).toBe(true);
    expect(isFlagged(undefined)).toBe(true);
    expect(isFlagged(Number.NaN)).toBe(true);
    expect(isFlagged(-1)).toBe(true);
  });

  it('requires the six checks on a revisit only', () => {
    const all = CHECK_ITEMS.map((item) => ({ item, result: 'pass' as const }));
    expect(visitChecksProblem('revisit', all)).toBeNull();
    expect(visitChecksProblem('revisit', [])).toMatch(/六个必查/);
    expect(visitChecksProblem('maintenance', [])).toBeNull();
    expect(visitChecksProblem('marketing', undefined)).toBeNull();
    expect(visitChecksProblem('filing', all)).toMatch(/只有回访/);
  });

  it('sets due days from the settings, in China days', () => {
    expect(followUpDueDay('2025-07-31')).toBe('2025-08-07');
    expect(followUpDueDay('2025-07-31', { ...DEFAULT_SETTINGS, followUpDueDays: 3 })).toBe('2025-08-03');
    // 23:30 UTC on 30 July is 07:30 on 31 July in China
    expect(followUpDueDay(new Date('2025-07-30T23:30:00Z'))).toBe('2025-08-07');
    expect(taskDueDay('abnormal-visit', '2025-07-31')).toBe('2025-08-03');
    expect(taskDueDay('win-back', '2025-12-25')).toBe('2026-01-08');
    expect(taskDueDay('marketing', '2025-07-31')).toBe('2025-08-14');
  });

  it('is overdue only after the due day', () => {
    expect(isOverdue('2025-08-07', '2025-08-07')).toBe(false);
    expect(isOverdue('2025-08-07', '2025-08-08')).toBe(true);
  });
});
