/** The photo stamp's rules (shared/domain/photo.rules.ts): the time it draws, and what the server holds it to. */
import { PHOTO_PLACE_M, filingStampWindow, stampProblem, stampTimeText, visitStampWindow } from '../../shared/domain/photo.rules';

describe('the time a stamp draws', () => {
  it('is China time to the minute, whatever the instant is written in', () => {
    expect(stampTimeText(new Date('2025-07-31T02:00:00Z'))).toBe('2025-07-31 10:00');
    expect(stampTimeText('2025-07-31T02:05:59.999Z')).toBe('2025-07-31 10:05');
    // Past 16:00 UTC it is already the next day in China (and the next year on 31 December).
    expect(stampTimeText(new Date('2025-12-31T16:30:00Z'))).toBe('2026-01-01 00:30');
    expect(stampTimeText('2025-07-31T09:15:00+08:00')).toBe('2025-07-31 09:15');
  });
});

describe('a stamp held against its record', () => {
  const here = { lng: 119.825, lat: 32.925 };
  const at = new Date('2025-07-31T02:00:00Z');
  const stamp = { takenAt: new Date('2025-07-31T01:30:00Z'), location: here, staffId: 's-1' };

  it('names the field at fault: staff, time, place', () => {
    const w = visitStampWindow('s-1', at, here);
    expect(stampProblem(stamp, w)).toBeNull();
    expect(stampProblem({ ...stamp, staffId: 's-2' }, w)?.key).toBe('staffId');
    expect(stampProblem({ ...stamp, takenAt: new Date('2025-07-30T02:00:00Z') }, w)?.key).toBe('takenAt');
    expect(stampProblem({ ...stamp, location: { lng: here.lng + (2 * PHOTO_PLACE_M) / 93_500, lat: here.lat } }, w)?.key).toBe('location');
  });

  it('takes a photo without a place only for a record without a fix', () => {
    const { location: _none, ...unplaced } = stamp;
    expect(stampProblem(unplaced, filingStampWindow('s-1', at, null))).toBeNull();
    expect(stampProblem(unplaced, filingStampWindow('s-1', at, here))).toMatchObject({ key: 'location', reason: 'PHOTO.STAMP_PLACE' });
  });
});
