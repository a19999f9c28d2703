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

  it('understand lists, ranges, steps and weekdays (7 is Sunday too)', () => {
    const m = compileCron('*/15 5,35 8-10 * * 1-5 *');
    expect(m(china('2025-07-31T09:35:30'))).toBe(true); // Thursday
    expect(m(china('2025-07-31T09:35:31'))).toBe(false);
    expect(m(china('2025-08-02T09:35:30'))).toBe(false); // Saturday
    expect(compileCron('0 0 0 * * 7 *')(china('2025-08-03T00:00:00'))).toBe(true); // Sunday
    expect(compileCron('0 0 0 1 1 ? 2026')(china('2026-01-01T00:00:00'))).toBe(true);
  });

  it('refuse malformed expressions naming the field', () => {
    expect(() => compileCron('0 0 3 * * *')).toThrow(/7 fields/);
    expect(() => compileCron('0 61 * * * * *')).toThrow(/field 2/);
    expect(() => compileCron('0 0 x * * * *')).toThrow(/field 3/);
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
    expect(lines).toEqual([expect.objectContaining({ msg: 'timer', fn: 'notes', trigger: 'nightly', ok: true })]);
    const note = await local.call('notes', { action: 'get', id: 'timer-nightly' });
    expect(note.data).toMatchObject({ text: '2025-07-30T18:00:00Z', by: null });
    timers.stop();
  });
});
