import fc from 'fast-check';
import {
  CHECK_DEFINITIONS,
  CHECK_ITEMS,
  checksProblem,
  failedChecks,
  passedChecks,
  tasksClosedBy,
  tasksToOpen,
  type CheckItem,
  type CheckOutcome,
  type CheckResultValue,
} from '../../shared/domain/check.rules';

/** All six checks passing except the given overrides. */
function checks(overrides: Partial<Record<CheckItem, CheckResultValue>> = {}): CheckOutcome[] {
  return CHECK_ITEMS.map((item) => ({ item, result: overrides[item] ?? 'pass' }));
}

describe('the six must-checks of a revisit', () => {
  it('are the six items of the checklist, in order, each with a label and a meaning', () => {
    expect(CHECK_ITEMS).toEqual(['app', 'real-name', 'realtime-settlement', 'payment-qr', 'stand-sign', 'speaker']);
    expect(CHECK_ITEMS.map((i) => CHECK_DEFINITIONS[i].label)).toEqual(['商户App', '实名认证', '实时到账', '收款码', '立牌', '喇叭']);
    for (const item of CHECK_ITEMS) expect(CHECK_DEFINITIONS[item].means.length).toBeGreaterThan(4);
  });

  it('accepts a revisit with all six checks, in any order', () => {
    expect(checksProblem(checks())).toBeNull();
    expect(checksProblem([...checks({ speaker: 'na', app: 'fail' })].reverse())).toBeNull();
  });

  it('refuses missing, repeated, unknown or unanswered checks, naming them', () => {
    expect(checksProblem([])).toBe('回访需要完成六个必查');
    expect(checksProblem(undefined)).toBe('回访需要完成六个必查');
    expect(checksProblem(checks().slice(0, 4))).toBe('还有必查项未填写：立牌、喇叭');
    expect(checksProblem([...checks(), { item: 'app', result: 'fail' }])).toBe('商户App重复填写');
    expect(checksProblem([...checks(), { item: 'wifi' as CheckItem, result: 'pass' }])).toBe('未知的检查项：wifi');
    expect(checksProblem(checks({ speaker: 'maybe' as CheckResultValue }))).toMatch(/^喇叭的结果/);
  });

  it('lists failed and passed checks in checklist order', () => {
    const outcome = [...checks({ speaker: 'fail', app: 'fail', 'stand-sign': 'na' })].reverse();
    expect(failedChecks(outcome)).toEqual(['app', 'speaker']);
    expect(passedChecks(outcome)).toEqual(['real-name', 'realtime-settlement', 'payment-qr']);
  });

  it('opens a follow-up for each failed check unless one is already open for it', () => {
    const outcome = checks({ 'payment-qr': 'fail', speaker: 'fail' });
    expect(tasksToOpen(outcome, [])).toEqual(['payment-qr', 'speaker']);
    expect(tasksToOpen(outcome, [{ check: 'speaker' }, { check: null }, {}])).toEqual(['payment-qr']);
    expect(tasksToOpen(checks(), [])).toEqual([]);
  });

  it('closes the open follow-ups whose check passed; fail and n/a keep them open', () => {
    const open = [
      { id: 't1', check: 'speaker' as CheckItem },
      { id: 't2', check: 'payment-qr' as CheckItem },
      { id: 't3', check: 'app' as CheckItem },
      { id: 't4' },
    ];
    const closed = tasksClosedBy(checks({ 'payment-qr': 'fail', app: 'na' }), open);
    expect(closed.map((t) => t.id)).toEqual(['t1']);
  });

  const outcome = fc
    .array(fc.constantFrom<CheckResultValue>('pass', 'fail', 'na'), { minLength: 6, maxLength: 6 })
    .map((results) => CHECK_ITEMS.map((item, i) => ({ item, result: results[i] })));
  const openTasks = fc.subarray([...CHECK_ITEMS]).map((items) => items.map((check) => ({ check })));

  it('property: after a revisit every failed check has exactly one open task and no passed check has one', () => {
    fc.assert(
      fc.property(outcome, openTasks, (o, open) => {
        const closed = new Set(tasksClosedBy(o, open));
        const after = [...open.filter((t) => !closed.has(t)).map((t) => t.check), ...tasksToOpen(o, open)];
        const failed = failedChecks(o);
        const passed = passedChecks(o);
        return (
          failed.every((f) => after.filter((c) => c === f).length === 1) &&
          passed.every((p) => !after.includes(p)) &&
          new Set(after).size === after.length
        );
      }),
    );
  });
});

describe('checksProblem on malformed input', () => {
  it('answers with a reason instead of throwing', () => {
    expect(checksProblem('app' as never)).toBe('回访需要完成六个必查');
    expect(checksProblem([null] as never)).toBe('检查项内容无效');
  });
});
