import { compileCron, findTimerTriggers, startTimers } from '../../local/gateway/timers';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, useLocalCloud } from '../helpers/local-cloud';

/** An instant given in China time (UTC+8), the zone CloudBase reads timer crons in. */
const china = (iso: string) => new Date(`${iso}+08:00`);

describe('CloudBase timer crons', () => {
  it('match in China time, to the second', () => {
    const at3 = compileCron('0 0 3 * * * *');
    expect(at3(china('2025-07-31T03:00:00'))).toBe(true);
    expect(at3(china('2025-07-31T03:00:01'))).toBe(false);
    expect(at3(new Date('2025-07-31T03:00:00Z'))).toBe(false);
    expect(at3(new Date('2025-07-30T19:00:00Z'))).toBe(true);
  });

  it('understand lists, ranges, steps, month names and weekday names', () => {
    const m = compileCron('*/15 5,35 8-10 * * MON-FRI *');
    expect(m(china('2025-07-31T09:35:30'))).toBe(true); // Thursday
    expect(m(china('2025-07-31T09:35:31'))).toBe(false);
    expect(m(china('2025-08-02T09:35:30'))).toBe(false); // Saturday
    expect(compileCron('0 0 0 * * SUN *')(china('2025-08-03T00:00:00'))).toBe(true); // Sunday
    expect(compileCron('0 0 0 * * sat,sun *')(china('2025-08-02T00:00:00'))).toBe(true);
    expect(compileCron('0 0 0 1 JAN * 2026')(china('2026-01-01T00:00:00'))).toBe(true);
    // "1/10": from the first, every tenth (the CloudBase guide's own example for minutes).
    const from1 = compileCron('0 1/10 * * * * *');
    expect(from1(china('2025-07-31T09:21:00'))).toBe(true);
    expect(from1(china('2025-07-31T09:20:00'))).toBe(false);
  });

  it('refuse malformed expressions naming the field', () => {
    expect(() => compileCron('0 0 3 * * *')).toThrow(/7 fields/);
    expect(() => compileCron('0 61 * * * * *')).toThrow(/field 2/);
    expect(() => compileCron('0 0 x * * * *')).toThrow(/field 3/);
    expect(() => compileCron('0 0 0 * * * 2100')).toThrow(/field 7.*1970–2099/);
  });

  it("refuse what CloudBase's documents leave open, rather than guess", () => {
    // Weekday numbers: 0 is Monday in one CloudBase table and Sunday in another (and in SCF's).
    expect(() => compileCron('0 0 0 * * 1-5 *')).toThrow(/MON–SUN/);
    expect(() => compileCron('0 0 0 * * 7 *')).toThrow(/MON–SUN/);
    // A day of month and a weekday both restricted: OR in standard cron, AND elsewhere.
    expect(() => compileCron('0 0 0 1 * MON *')).toThrow(/day of month and a weekday/);
    // SCF's extensions are not in CloudBase's table of wildcards (, - * /).
    expect(() => compileCron('0 0 0 1 1 ? 2026')).toThrow(/field 6/);
    expect(() => compileCron('0 0 0 L * * *')).toThrow(/field 4/);
  });

  it('read in China time by default, or at another offset when told (the documents name no zone)', () => {
    const at3utc = compileCron('0 0 3 * * * *', 0);
    expect(at3utc(new Date('2025-07-31T03:00:00Z'))).toBe(true);
    expect(at3utc(china('2025-07-31T03:00:00'))).toBe(false);
  });
});

describe('timer triggers in local mode', () => {
  const local = useLocalCloud({ functionsRoot: FIXTURE_FUNCTIONS, collectionsFile: FIXTURE_COLLECTIONS, onFunctionError: () => undefined });

  it('finds the triggers in config.json and fires them with the timer event and no caller', async () => {
    expect(findTimerTriggers(FIXTURE_FUNCTIONS)).toEqual([{ fn: 'notes', name: 'nightly', cron: '0 0 2 * * * *' }]);
    const lines: Record<string, unknown>[] = [];
    const timers = startTimers(local.cloud, { start: false, log: (l) => void lines.push(l) });
    await timers.tick(china('2025-07-31T01:59:59'));
    expect(lines).toEqual([]);
    await timers.tick(china('2025-07-31T02:00:00'));
    expect(lines).toEqual([expect.objectContaining({ msg: 'timer', fn: 'notes', trigger: 'nightly', ok: true, requests: 1, depth: 1 })]);
    const note = await local.call('notes', { action: 'get', id: 'timer-nightly' });
    // The function saw the platform's timer source (TCB_SOURCE wx_trigger, TRIGGER_SRC timer) and no caller.
    expect(note.data).toMatchObject({ text: '2025-07-30T18:00:00Z', by: null, trigger: 'timer' });
    timers.stop();
  });

  it('a timer-shaped event sent by anyone else is not a timer call', async () => {
    const forged = { Type: 'Timer', TriggerName: 'forged', Time: '2025-07-31T00:00:00Z', Message: '' };
    expect((await local.call('notes', forged)).ok).toBe(false);
    expect((await local.call('notes', forged, 'someone')).ok).toBe(false);
    expect((await local.call('notes', { action: 'get', id: 'timer-forged' })).error.code).toBe('NOT_FOUND');
  });
});
