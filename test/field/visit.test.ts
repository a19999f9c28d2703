import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { main as visitMain } from '../../cloudfunctions/visit';
import { runAsCaller } from '../../local/runtime/wx-context';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, seedFixture, uid } from './fixture';

const local = useLocalCloud();
let merchantId = '';
beforeAll(async () => {
  await seedFixture(local);
  const file = completeFile(S.marketing);
  const res = await local.call('merchant', { action: 'create', ...file }, O.marketing);
  merchantId = res.data.merchant.id;
});

function checks(fail: string[] = [], na: string[] = []) {
  return CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? 'fail' : na.includes(item) ? 'na' : 'pass', ...(fail.includes(item) ? { note: '未开通' } : {}) }));
}
const visit = (over: Record<string, unknown> = {}) => ({ action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: IN.gr1, checks: checks(), photos: [], ...over });

describe('visit.submit', () => {
  it('records the distance from the merchant and flags a visit beyond the radius', async () => {
    const near = await local.call('visit', visit(), O.maintenance);
    expect(near.data.visit).toMatchObject({ distanceM: 0, isFlagged: false, gridId: U.gr1, type: 'revisit' });
    const far = await local.call('visit', visit({ location: { lng: IN.gr1.lng + 0.003, lat: IN.gr1.lat } }), O.maintenance);
    expect(far.ok).toBe(true);
    expect(far.data.visit.distanceM).toBeGreaterThan(200);
    expect(far.data.visit.isFlagged).toBe(true);
  });

  it('requires the six checks on a revisit and none on other types', async () => {
    const before = await counts(local, ['visits', 'tasks']);
    const missing = await local.call('visit', visit({ checks: checks().slice(0, 5) }), O.maintenance);
    expect(missing.error.details.issues[0].field).toBe('checks');
    const extra = await local.call('visit', visit({ type: 'marketing', outcome: 'interested' }), O.maintenance);
    expect(extra.error.details.issues[0].field).toBe('checks');
    const future = await local.call('visit', visit({ at: new Date(Date.now() + 3600000).toISOString() }), O.maintenance);
    expect(future.error.details.issues[0].field).toBe('at');
    expect(await counts(local, ['visits', 'tasks'])).toEqual(before);
    const marketing = await local.call('visit', visit({ type: 'marketing', checks: undefined, outcome: 'interested', productsPitched: ['merchant-app'] }), O.marketing);
    expect(marketing.ok).toBe(true);
  });

  it('opens one follow-up task per failed check for the maintenance assistant and closes it on a passing revisit', async () => {
    const failed = await local.call('visit', visit({ checks: checks(['speaker', 'payment-qr']) }), O.member);
    expect(failed.data.openedTaskIds).toHaveLength(2);
    const mine = await local.call('visit', { action: 'tasks' }, O.maintenance);
    const open = mine.data.items.filter((t: any) => t.merchantId === merchantId);
    expect(open.map((t: any) => t.check).sort()).toEqual(['payment-qr', 'speaker']);
    expect(open[0]).toMatchObject({ kind: 'check-followup', assigneeId: S.maintenance, status: 'open', merchantName: expect.any(String) });
    expect(open[0].dueDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Failing again keeps one task per check.
    const again = await local.call('visit', visit({ checks: checks(['speaker', 'payment-qr']) }), O.maintenance);
    expect(again.data.openedTaskIds).toEqual([]);
    // A manual close is refused: only a passing check closes it.
    expect((await local.call('visit', { action: 'closeTask', taskId: open[0].id }, O.leader)).error.reason).toBe('TASK.CLOSE_BY_VISIT');
    // N/a leaves it open, pass closes it.
    const na = await local.call('visit', visit({ checks: checks([], ['speaker']) }), O.maintenance);
    expect(na.data.closedTaskIds).toHaveLength(1);
    const pass = await local.call('visit', visit(), O.maintenance);
    expect(pass.data.closedTaskIds).toHaveLength(1);
    const after = await local.call('visit', { action: 'tasks' }, O.maintenance);
    expect(after.data.items.filter((t: any) => t.merchantId === merchantId)).toEqual([]);
    const done = await local.call('visit', { action: 'tasks', status: 'done' }, O.maintenance);
    expect(done.data.items.filter((t: any) => t.merchantId === merchantId).map((t: any) => t.closedByVisitId).sort()).toEqual(
      [na.data.visit.id, pass.data.visit.id].sort(),
    );
    const leaderView = await local.call('visit', { action: 'tasks', scope: 'unit', unitId: U.g1, status: 'done' }, O.leader);
    expect(leaderView.data.items.length).toBeGreaterThanOrEqual(2);
    expect((await local.call('visit', { action: 'tasks', scope: 'unit' }, O.maintenance)).error.code).toBe('FORBIDDEN');
  });

  it('closes a follow-up opened before any submit (a seeded task, no map on the merchant) on a passing revisit', async () => {
    const file = completeFile(S.marketing);
    const created = await local.call('merchant', { action: 'create', ...file }, O.marketing);
    const id = created.data.merchant.id;
    const db = local.cloud.database();
    // As the seed writes them: an open follow-up task, and a merchant that never went through a submit.
    await db.collection('merchants').doc(id).update({ data: { openFollowUps: db.command.remove() } });
    const seeded = { _id: uid('t'), kind: 'check-followup', merchantId: id, gridId: U.gr1, unitPath: [U.bank, U.br1, U.g1, U.gr1], assigneeId: S.maintenance, check: 'app', dueDay: '2025-01-01', status: 'open', openedBy: { reason: 'check-failed' }, createdAt: new Date() };
    await db.collection('tasks').add({ data: seeded });
    const failing = await local.call('visit', visit({ merchantId: id, checks: checks(['app', 'speaker']) }), O.maintenance);
    expect(failing.data.openedTaskIds).toEqual([`${failing.data.visit.id}:speaker`]);
    const pass = await local.call('visit', visit({ merchantId: id }), O.maintenance);
    expect(pass.data.closedTaskIds.sort()).toEqual([seeded._id, `${failing.data.visit.id}:speaker`].sort());
    const open = await db.collection('tasks').where({ merchantId: id, status: 'open' }).count();
    expect(open.total).toBe(0);
  });

  it('stores a visit once when five retries race', async () => {
    const event = visit({ checks: checks(['app']) });
    const before = await counts(local, ['visits', 'tasks']);
    const answers = await Promise.all(Array.from({ length: 5 }, () => local.call('visit', event, O.maintenance)));
    for (const a of answers) expect(a.ok ? a.ok : a.error).toBe(true);
    expect(answers.filter((a) => !a.data.isReplay).length).toBeLessThanOrEqual(1);
    expect(new Set(answers.map((a) => a.data.visit.id))).toEqual(new Set([event.visitId]));
    expect(new Set(answers.map((a) => JSON.stringify(a.data.openedTaskIds)))).toEqual(new Set([JSON.stringify([`${event.visitId}:app`])]));
    const after = await counts(local, ['visits', 'tasks']);
    expect(after.visits).toBe(before.visits + 1);
    expect(after.tasks).toBe(before.tasks + 1);
  });

  it('answers a retry whose first answer was lost after the commit with the first result', async () => {
    const event = visit({ checks: checks(['stand-sign']) });
    // The first call commits; its answer is dropped (never read), as a phone losing the network would.
    const dropped = runAsCaller({ openid: O.maintenance }, () => visitMain(event));
    await dropped;
    const before = await counts(local, ['visits', 'tasks']);
    const retries = [];
    for (let i = 0; i < 4; i++) retries.push(await local.call('visit', event, O.maintenance));
    for (const r of retries) expect(r.data).toMatchObject({ isReplay: true, openedTaskIds: [`${event.visitId}:stand-sign`], visit: { id: event.visitId } });
    expect(await counts(local, ['visits', 'tasks'])).toEqual(before);
    const stored = await local.cloud.database().collection('visits').where({ _id: event.visitId }).count();
    expect(stored.total).toBe(1);
    // The same id from another person is not a replay.
    expect((await local.call('visit', event, O.member)).error.reason).toBe('VISIT.ID_TAKEN');
  });

  it('refuses a visit to a merchant outside scope and writes nothing', async () => {
    const before = await counts(local, ['visits', 'tasks']);
    const res = await local.call('visit', visit(), O.maintenance2);
    expect(res.error.code).toBe('FORBIDDEN');
    expect(await counts(local, ['visits', 'tasks'])).toEqual(before);
  });
});

describe('visit.get / listByMerchant', () => {
  it('lists a merchant visits newest first with a cursor, in scope only', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await local.call('visit', { action: 'listByMerchant', merchantId, limit: 4, ...(cursor ? { cursor } : {}) }, O.leader);
      all.push(...res.data.items.map((v: any) => v.id));
      cursor = res.data.nextCursor ?? undefined;
      if (!cursor) break;
    }
    const total = (await local.cloud.database().collection('visits').where({ merchantId }).count()).total;
    expect(new Set(all).size).toBe(total);
    // Each visit names who made it (the staff member's name, as the staff collection has it).
    const first = (await local.call('visit', { action: 'listByMerchant', merchantId, limit: 50 }, O.leader)).data.items as any[];
    const staff = (await local.cloud.database().collection('staff').get()).data as { _id: string; name: string }[];
    expect(first.length).toBeGreaterThan(0);
    for (const v of first) expect([v.id, v.staffName]).toEqual([v.id, staff.find((s) => s._id === v.staffId)!.name]);
    const one = await local.call('visit', { action: 'get', visitId: all[0] }, O.member);
    expect(one.data.id).toBe(all[0]);
    expect((await local.call('visit', { action: 'get', visitId: all[0] }, O.branch2)).error.code).toBe('FORBIDDEN');
    expect((await local.call('visit', { action: 'listByMerchant', merchantId }, O.marketing2)).error.code).toBe('FORBIDDEN');
  });
});
