/**
 * The day's route (docs/domain.md §5 "The day's route"), through the real `visit` and `merchant` functions:
 * a member's or assistant's due tasks and revisits, ordered as a walk from where they stand, in scope,
 * bounded, and bad input refused naming the field.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, photo, seedFixture } from './fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const PATH = [U.bank, U.br1, U.g1, U.gr1];
const DAY = '2025-08-05';
/** Five shops along one street of grid 1, 200 m apart (0.0022° of longitude ≈ 205 m at 32.9° N). */
const along = (k: number) => ({ lng: 119.81 + 0.0022 * k, lat: IN.gr1.lat });

async function merchantAt(at: { lng: number; lat: number }, cls: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await local.call('merchant', { action: 'create', ...completeFile(S.marketing, { location: at, photos: [photo(S.marketing, at)] }) }, O.marketing);
  const id = res.data.merchant.id as string;
  // As the nightly classification and earlier revisits leave it.
  await db().collection('merchants').doc(id).update({ data: { lifecycleClass: cls, ...over } });
  return id;
}
async function taskFor(merchantId: string, assigneeId: string, dueDay: string, id = `abnormal-visit|${merchantId}|${dueDay}`): Promise<string> {
  await db().collection('tasks').add({ data: { _id: id, kind: 'abnormal-visit', merchantId, gridId: U.gr1, unitPath: PATH, assigneeId, dueDay, status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date() } });
  return id;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  await seedFixture(local);
  // Found in the order 4, 0, 3, 1 (tasks by due day, then revisits): a zig-zag along the street.
  ids.far = await merchantAt(along(4), 'abnormal');
  ids.near = await merchantAt(along(0), 'qualified');
  ids.mid = await merchantAt(along(3), 'premium', { lastRevisitAt: new Date('2025-07-20T03:00:00Z') });
  ids.second = await merchantAt(along(1), 'qualified');
  ids.revisited = await merchantAt(along(2), 'qualified', { lastRevisitAt: new Date('2025-08-02T03:00:00Z') });
  ids.toWin = await merchantAt(along(2), 'to-win');
  await taskFor(ids.far, S.maintenance, '2025-08-01');
  await taskFor(ids.near, S.maintenance, '2025-08-05');
  await taskFor(ids.mid, S.maintenance, '2025-08-20');
  await taskFor(ids.second, S.member, '2025-08-03');
});

describe('visit.route', () => {
  it('a maintenance assistant gets its tasks due by the day and the merchants due a revisit, walked from where it stands', async () => {
    const res = await local.call('visit', { action: 'route', from: along(-1), day: DAY }, O.maintenance);
    expect(res.error).toBeUndefined();
    const r = res.data;
    const order = r.stops.map((s: any) => s.merchantId);
    // Walked along the street from its west end; the shop revisited this month and the to-win one are not due.
    expect(order).toEqual([ids.near, ids.second, ids.mid, ids.far]);
    const byId = Object.fromEntries(r.stops.map((s: any) => [s.merchantId, s]));
    expect(byId[ids.far]).toMatchObject({ revisitDue: true, tasks: [{ kind: 'abnormal-visit', dueDay: '2025-08-01', isOverdue: true }] });
    expect(byId[ids.near]).toMatchObject({ revisitDue: true, tasks: [{ dueDay: '2025-08-05', isOverdue: false }] });
    // The task due on the 20th is not today's; the merchant is still due its monthly revisit.
    expect(byId[ids.mid]).toMatchObject({ revisitDue: true, tasks: [] });
    // Another's task is not on this route.
    expect(byId[ids.second]).toMatchObject({ revisitDue: true, tasks: [] });
    expect(r.unlocated).toEqual([]);
    expect(r.truncated).toBe(false);
    // 5 legs of ≈ 205 m × 1.3 walking; the naive order (4, 0, 3, 1) walks back and forth.
    expect(r.distanceM).toBeGreaterThan(1250);
    expect(r.distanceM).toBeLessThan(1400);
    expect(r.naiveDistanceM).toBeGreaterThan(r.distanceM);
    expect(r.stops.reduce((s: number, x: any) => s + x.legM, 0)).toBeCloseTo(r.distanceM, -1);
    console.log(`route of ${r.stops.length} stops: planned ${r.distanceM} m, naive order ${r.naiveDistanceM} m`);
  });

  it('a marketing assistant gets only its tasks (revisits are not its work); a member its own task and the revisits', async () => {
    await taskFor(ids.toWin, S.marketing, '2025-08-04', `marketing|${ids.toWin}|x`);
    const mk = await local.call('visit', { action: 'route', from: along(0), day: DAY }, O.marketing);
    expect(mk.data.stops.map((s: any) => s.merchantId)).toEqual([ids.toWin]);
    const member = await local.call('visit', { action: 'route', from: along(0), day: DAY }, O.member);
    const second = member.data.stops.find((s: any) => s.merchantId === ids.second);
    expect(second.tasks).toHaveLength(1);
    expect(member.data.stops).toHaveLength(4);
  });

  it("asked without a day, plans the bank's day: a demo bank's tasks and revisits are counted from its as-of day, not the clock's", async () => {
    const { CALENDAR_SETTINGS_ID } = await import('../../shared/domain/settings.rules');
    // The bank's records end on DAY (in the past): the task due on the 20th is not due yet, and the shop
    // revisited on 2 August was revisited this month.
    await db().collection('settings').doc(CALENDAR_SETTINGS_ID).set({ data: { asOfDay: DAY } });
    try {
      const res = await local.call('visit', { action: 'route', from: along(-1) }, O.maintenance);
      expect(res.error).toBeUndefined();
      expect(res.data.day).toBe(DAY);
      expect(res.data.stops.map((s: any) => s.merchantId)).toEqual([ids.near, ids.second, ids.mid, ids.far]);
      const byId = Object.fromEntries(res.data.stops.map((s: any) => [s.merchantId, s]));
      expect(byId[ids.mid].tasks).toEqual([]);
      expect(byId[ids.near].tasks).toMatchObject([{ dueDay: '2025-08-05', isOverdue: false }]);
    } finally {
      await db().collection('settings').doc(CALENDAR_SETTINGS_ID).remove();
    }
  });

  it('without a start (location refused) answers the same stops in the order found, unplanned', async () => {
    const res = await local.call('visit', { action: 'route', day: DAY }, O.maintenance);
    expect(res.error).toBeUndefined();
    // Tasks by due day (far 1 Aug, near 5 Aug), then the revisits as found: the same four stops as planned.
    expect(res.data).toMatchObject({ day: DAY, from: null, distanceM: null, naiveDistanceM: null, unlocated: [], truncated: false });
    expect(res.data.stops.slice(0, 2).map((s: any) => s.merchantId)).toEqual([ids.far, ids.near]);
    expect(res.data.stops.map((s: any) => s.merchantId).sort()).toEqual([ids.near, ids.second, ids.mid, ids.far].sort());
    expect(res.data.stops.every((s: any) => s.legM === null)).toBe(true);
  });

  it('is bounded by limit and says so', async () => {
    const res = await local.call('visit', { action: 'route', from: along(0), day: DAY, limit: 2 }, O.maintenance);
    expect(res.data.stops).toHaveLength(2);
    expect(res.data.truncated).toBe(true);
    // The tasks come first: both of today's tasks are kept.
    expect(res.data.stops.map((s: any) => s.merchantId).sort()).toEqual([ids.far, ids.near].sort());
  });

  it('stays in scope: an assistant of another branch sees none of these merchants', async () => {
    const res = await local.call('visit', { action: 'route', from: IN.gr3, day: DAY }, O.maintenance2);
    expect(res.data).toMatchObject({ stops: [], unlocated: [], distanceM: 0, naiveDistanceM: 0, truncated: false });
  });

  it('leaves out a closed merchant', async () => {
    await db().collection('merchants').doc(ids.second).update({ data: { archived: { reason: 'closed', at: new Date() } } });
    const res = await local.call('visit', { action: 'route', from: along(0), day: DAY }, O.member);
    expect(res.data.stops.map((s: any) => s.merchantId)).not.toContain(ids.second);
    await db().collection('merchants').doc(ids.second).update({ data: { archived: null } });
  });

  it('refuses bad input naming the field, and roles that do not walk a route', async () => {
    const bad = async (event: Record<string, unknown>, field: string) => {
      const res = await local.call('visit', { action: 'route', ...event }, O.member);
      expect(res.error.code).toBe('VALIDATION');
      expect(JSON.stringify(res.error.details)).toContain(field);
    };
    await bad({ from: { lng: 200, lat: 32.9 }, day: DAY }, 'from');
    await bad({ from: { lng: 0, lat: 0 }, day: DAY }, 'from');
    await bad({ from: along(0), day: '2025-02-30' }, 'day');
    await bad({ from: along(0), day: '20250805' }, 'day');
    await bad({ from: along(0), limit: 101 }, 'limit');
    const leader = await local.call('visit', { action: 'route', from: along(0), day: DAY }, O.leader);
    expect(leader.error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
  });
});
