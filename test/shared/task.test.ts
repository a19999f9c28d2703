import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { kindsSettledBy, manualCloseProblem, taskState, visitEffectOn, visitTypeFor } from '../../shared/domain/task.rules';

const checks = (fail: string[] = [], na: string[] = []) => CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? ('fail' as const) : na.includes(item) ? ('na' as const) : ('pass' as const) }));

describe('which visit settles which task', () => {
  it('a follow-up by a revisit where its check passes; n/a and fail leave it open', () => {
    const t = { kind: 'check-followup' as const, check: 'speaker' as const };
    expect(visitEffectOn(t, { type: 'revisit', isFlagged: false, checks: checks() })).toBe('close');
    expect(visitEffectOn(t, { type: 'revisit', isFlagged: false, checks: checks([], ['speaker']) })).toBeNull();
    expect(visitEffectOn(t, { type: 'revisit', isFlagged: false, checks: checks(['speaker']) })).toBeNull();
    expect(visitEffectOn(t, { type: 'maintenance', isFlagged: false })).toBeNull();
  });

  it('an abnormal merchant by a maintenance visit or a revisit; marketing and win-back by a signed marketing visit', () => {
    expect(visitEffectOn({ kind: 'abnormal-visit' }, { type: 'maintenance', isFlagged: false })).toBe('close');
    expect(visitEffectOn({ kind: 'abnormal-visit' }, { type: 'revisit', isFlagged: false, checks: checks(['app']) })).toBe('close');
    expect(visitEffectOn({ kind: 'abnormal-visit' }, { type: 'marketing', outcome: 'signed', isFlagged: false })).toBeNull();
    for (const kind of ['marketing', 'win-back'] as const) {
      expect(visitEffectOn({ kind }, { type: 'marketing', outcome: 'signed', isFlagged: false })).toBe('close');
      expect(visitEffectOn({ kind }, { type: 'marketing', outcome: 'interested', isFlagged: false })).toBeNull();
    }
    expect(kindsSettledBy('marketing', 'signed').sort()).toEqual(['marketing', 'win-back']);
    expect(kindsSettledBy('marketing', 'declined')).toEqual([]);
    expect(kindsSettledBy('maintenance')).toEqual(['abnormal-visit']);
  });

  it('a flagged visit never closes: it waits for the leader', () => {
    expect(visitEffectOn({ kind: 'abnormal-visit' }, { type: 'maintenance', isFlagged: true })).toBe('confirm');
    expect(visitEffectOn({ kind: 'check-followup', check: 'app' }, { type: 'revisit', isFlagged: true, checks: checks() })).toBe('confirm');
  });
});

describe('closing by hand, state, the visit to start', () => {
  it('a follow-up only by a leader or above with a reason; another task by its assignee, or by a manager with a reason', () => {
    const fu = { kind: 'check-followup' as const, check: 'app' as const, assigneeId: 's1' };
    expect(manualCloseProblem(fu, { role: 'leader', staffId: 'l' }, undefined)).toBe('TASK.CLOSE_BY_VISIT');
    expect(manualCloseProblem(fu, { role: 'maintenance', staffId: 's1' }, 'not-needed')).toBe('TASK.CLOSE_BY_VISIT');
    expect(manualCloseProblem(fu, { role: 'branch', staffId: 'b' }, 'not-needed')).toBeNull();
    const mk = { kind: 'marketing' as const, assigneeId: 's1' };
    expect(manualCloseProblem(mk, { role: 'marketing', staffId: 's2' }, 'duplicate')).toBe('TASK.NOT_ASSIGNEE');
    expect(manualCloseProblem(mk, { role: 'marketing', staffId: 's1' }, undefined)).toBeNull();
    expect(manualCloseProblem(mk, { role: 'leader', staffId: 'l' }, undefined)).toBe('TASK.REASON_REQUIRED');
    expect(manualCloseProblem(mk, { role: 'marketing', staffId: 's1' }, 'merchant-declined')).toBeNull();
  });

  it('a task due today is open, the day after overdue; pending and done come first', () => {
    expect(taskState({ status: 'open', dueDay: '2025-08-01' }, '2025-08-01')).toBe('open');
    expect(taskState({ status: 'open', dueDay: '2025-08-01' }, '2025-08-02')).toBe('overdue');
    expect(taskState({ status: 'open', dueDay: '2025-08-01', pendingVisitId: 'v' }, '2025-08-02')).toBe('pending');
    expect(taskState({ status: 'done', dueDay: '2025-08-01' }, '2025-08-02')).toBe('done');
    expect([visitTypeFor('check-followup'), visitTypeFor('abnormal-visit'), visitTypeFor('win-back'), visitTypeFor('marketing')]).toEqual(['revisit', 'maintenance', 'marketing', 'marketing']);
  });
});
