/**
 * Tasks as work (docs/domain.md §5 "Tasks"), through the real `visit` and `lifecycle` functions: which visit
 * closes which task, a flagged visit waiting for the leader, close with a reason and reassign (audited, in
 * scope), the team board's filters on indexes, and a merchant's tasks for every role that can see it.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, seedFixture, uid } from './fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const PATH = [U.bank, U.br1, U.g1, U.gr1];
/** About 943 m east of the merchant (1° of longitude is ≈ 93.4 km at 32.9° N). */
const FAR = { lng: IN.gr1.lng + 0.0101, lat: IN.gr1.lat };

function checks(fail: string[] = []) {
  return CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? 'fail' : 'pass', ...(fail.includes(item) ? { note: '未开通' } : {}) }));
}
async function newMerchant(): Promise<string> {
  const res = await local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing);
  return res.data.merchant.id;
}
/** An abnormal-merchant task as the nightly classification writes it. */
async function abnormalTask(merchantId: string, over: Record<string, unknown> = {}): Promise<string> {
  const id = (over._id as string | undefined) ?? `abnormal-visit|${merchantId}|2025-07-31`;
  await db().collection('tasks').add({ data: { _id: id, kind: 'abnormal-visit', merchantId, gridId: U.gr1, unitPath: PATH, assigneeId: S.maintenance, dueDay: '2099-01-01', status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date(), ...over } });
  return id;
}
const task = async (id: string) => (await db().collection('tasks').doc(id).get()).data;
const audits = async (id: string) => (await db().collection('auditLog').where({ 'target.id': id }).get()).data.map((a: any) => a.action);

beforeAll(async () => {
  await seedFixture(local);
});

describe('which visit closes which task', () => {
  it('a maintenance assistant opens an abnormal-merchant task and the maintenance visit started from it closes it', async () => {
    const m = await newMerchant();
    const id = await abnormalTask(m);
    const mine = await local.call('visit', { action: 'tasks', kind: 'abnormal-visit' }, O.maintenance);
    expect(mine.data.items.map((t: any) => t.id)).toContain(id);
    const res = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'maintenance', location: IN.gr1, taskId: id }, O.maintenance);
    expect(res.data).toMatchObject({ closedTaskIds: [id], pendingTaskIds: [] });
    expect(await task(id)).toMatchObject({ status: 'done', closedByVisitId: res.data.visit.id });
    expect((await db().collection('visits').doc(res.data.visit.id).get()).data.taskId).toBe(id);
  });

  it('a marketing visit closes its marketing task only when it signs', async () => {
    const m = await newMerchant();
    const started = await local.call('lifecycle', { action: 'startMarketing', merchantId: m, taskId: uid('t') }, O.marketing);
    const id = started.data.task.id;
    const pitch = (outcome: string) => ({ action: 'submit', visitId: uid('v'), merchantId: m, type: 'marketing', location: IN.gr1, outcome, productsPitched: ['merchant-app'], taskId: id });
    expect((await local.call('visit', pitch('interested'), O.marketing)).data.closedTaskIds).toEqual([]);
    expect((await task(id)).status).toBe('open');
    expect((await local.call('visit', pitch('signed'), O.marketing)).data.closedTaskIds).toEqual([id]);
    expect((await task(id)).status).toBe('done');
  });

  it('a revisit flagged 943 m away does not close a follow-up: it waits for the leader, who confirms', async () => {
    const m = await newMerchant();
    const failed = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'revisit', location: IN.gr1, checks: checks(['speaker']) }, O.maintenance);
    const [id] = failed.data.openedTaskIds;
    const far = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'revisit', location: FAR, checks: checks(), taskId: id }, O.maintenance);
    expect(far.data.visit.isFlagged).toBe(true);
    expect(far.data.visit.distanceM).toBeGreaterThan(900);
    expect(far.data).toMatchObject({ closedTaskIds: [], pendingTaskIds: [id] });
    expect(await task(id)).toMatchObject({ status: 'open', pendingVisitId: far.data.visit.id });
    const board = await local.call('visit', { action: 'tasks', scope: 'unit', unitId: U.gr1 }, O.leader);
    expect(board.data.items.find((t: any) => t.id === id)).toMatchObject({ state: 'pending', pendingVisitId: far.data.visit.id });
    // Only a leader or above confirms; the assistant cannot close it by hand either.
    expect((await local.call('visit', { action: 'confirmTask', taskId: id, accept: true }, O.maintenance)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await local.call('visit', { action: 'closeTask', taskId: id, reason: 'done-otherwise' }, O.maintenance)).error.reason).toBe('TASK.CLOSE_BY_VISIT');
    const ok = await local.call('visit', { action: 'confirmTask', taskId: id, accept: true }, O.leader);
    expect(ok.data).toMatchObject({ status: 'done', closedByVisitId: far.data.visit.id, state: 'done' });
    expect(await audits(id)).toEqual(['task-confirm']);
    // The merchant no longer counts it open: the next failure of that check opens a new follow-up.
    const again = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'revisit', location: IN.gr1, checks: checks(['speaker']) }, O.maintenance);
    expect(again.data.openedTaskIds).toHaveLength(1);
  });

  it('a refused confirmation keeps the task open; a flagged maintenance visit leaves an abnormal task pending', async () => {
    const m = await newMerchant();
    const id = await abnormalTask(m);
    const far = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'maintenance', location: FAR }, O.maintenance);
    expect(far.data.pendingTaskIds).toEqual([id]);
    const no = await local.call('visit', { action: 'confirmTask', taskId: id, accept: false }, O.leader);
    expect(no.data).toMatchObject({ status: 'open', pendingVisitId: null });
    expect((await local.call('visit', { action: 'confirmTask', taskId: id, accept: true }, O.leader)).error.reason).toBe('TASK.NOTHING_PENDING');
  });

  it('refuses a taskId of another merchant, naming the field, and writes nothing', async () => {
    const m = await newMerchant();
    const other = await abnormalTask(await newMerchant());
    const before = await counts(local, ['visits', 'tasks']);
    const res = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'maintenance', location: IN.gr1, taskId: other }, O.maintenance);
    expect(res.error.details.issues[0].field).toBe('taskId');
    expect(await counts(local, ['visits', 'tasks'])).toEqual(before);
  });
});

describe('leaders run the team board', () => {
  it('a leader reassigns and closes with a reason, both audited; nobody acts outside scope', async () => {
    const m = await newMerchant();
    const id = await abnormalTask(m);
    // Another grid's staff, or one out of the leader's scope, is refused by the same answer.
    const before = await counts(local, ['tasks', 'auditLog']);
    for (const assigneeId of [S.marketing2, S.leader, 's-nobody']) {
      const res = await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId }, O.leader);
      expect(res.error.details.issues[0]).toMatchObject({ field: 'assigneeId' });
    }
    expect((await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId: S.member }, O.member)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId: S.marketing2 }, O.branch2)).error.code).toBe('FORBIDDEN');
    expect(await counts(local, ['tasks', 'auditLog'])).toEqual(before);

    const moved = await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId: S.member, note: '网格员熟悉商户' }, O.leader);
    expect(moved.data).toMatchObject({ assigneeId: S.member, assigneeName: '赵网格' });
    expect((await local.call('visit', { action: 'tasks', kind: 'abnormal-visit' }, O.member)).data.items.map((t: any) => t.id)).toContain(id);
    expect((await local.call('visit', { action: 'tasks', kind: 'abnormal-visit' }, O.maintenance)).data.items.map((t: any) => t.id)).not.toContain(id);

    expect((await local.call('visit', { action: 'closeTask', taskId: id }, O.leader)).error.details.issues[0].field).toBe('reason');
    const closed = await local.call('visit', { action: 'closeTask', taskId: id, reason: 'merchant-closed', note: '已停业' }, O.leader);
    expect(closed.data).toMatchObject({ status: 'done', closeReason: 'merchant-closed', closedBy: S.leader });
    expect(await audits(id)).toEqual(expect.arrayContaining(['task-reassign', 'task-close']));
    const rows = (await db().collection('auditLog').where({ 'target.id': id, action: 'task-reassign' }).get()).data;
    expect(rows[0]).toMatchObject({ staffId: S.leader, detail: { from: S.maintenance, to: S.member } });
  });

  it('a leader closes a six-check follow-up by hand only with a reason', async () => {
    const m = await newMerchant();
    const failed = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: m, type: 'revisit', location: IN.gr1, checks: checks(['app']) }, O.maintenance);
    const [id] = failed.data.openedTaskIds;
    expect((await local.call('visit', { action: 'closeTask', taskId: id }, O.leader)).error.reason).toBe('TASK.CLOSE_BY_VISIT');
    expect((await local.call('visit', { action: 'closeTask', taskId: id, reason: 'not-needed' }, O.leader)).data.status).toBe('done');
  });

  it('filters by kind, assignee, overdue and grid, page by page, on indexes', async () => {
    const m = await newMerchant();
    const late = await abnormalTask(m, { _id: uid('late'), dueDay: '2025-01-02' });
    const wb = uid('wb');
    await db().collection('tasks').add({ data: { _id: wb, kind: 'win-back', merchantId: m, gridId: U.gr1, unitPath: PATH, assigneeId: S.member, dueDay: '2099-02-01', status: 'open', openedBy: { reason: 'idle-90d' }, createdAt: new Date() } });
    const board = (over: Record<string, unknown>) => local.call('visit', { action: 'tasks', scope: 'unit', limit: 50, ...over }, O.leader).then((r) => r.data.items as any[]);
    const byKind = await board({ kind: 'win-back' });
    expect(byKind.map((t) => t.id)).toContain(wb);
    expect(byKind.every((t) => t.kind === 'win-back')).toBe(true);
    const byAssignee = await board({ assigneeId: S.member });
    expect(byAssignee.every((t) => t.assigneeId === S.member)).toBe(true);
    expect(byAssignee.map((t) => t.id)).toContain(wb);
    const overdue = await board({ overdue: true });
    expect(overdue.map((t) => t.id)).toContain(late);
    expect(overdue.every((t) => t.isOverdue && t.state === 'overdue')).toBe(true);
    expect(await board({ unitId: U.gr2 })).toEqual([]);
    expect((await board({ unitId: U.gr1 })).map((t) => t.id)).toEqual(expect.arrayContaining([late, wb]));
    // Page by page: every open task of the group once, in due-day order.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await local.call('visit', { action: 'tasks', scope: 'unit', limit: 2, ...(cursor ? { cursor } : {}) }, O.leader);
      seen.push(...res.data.items.map((t: any) => `${t.dueDay}|${t.id}`));
      cursor = res.data.nextCursor ?? undefined;
    } while (cursor);
    const total = (await db().collection('tasks').where({ unitPath: U.g1, status: 'open' }).count()).total;
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
    // The board's queries read an index in order (no sort of the whole unit's tasks).
    const engine = local.cloud.engine;
    for (const [criteria, index] of [
      [{ unitPath: U.g1, status: 'open' }, 'unitPath_1_status_1_dueDay_1__id_1'],
      [{ unitPath: U.g1, status: 'open', kind: 'win-back' }, 'unitPath_1_status_1_kind_1_dueDay_1__id_1'],
      [{ unitPath: U.g1, status: 'open', dueDay: { $lt: '2025-08-01' } }, 'unitPath_1_status_1_dueDay_1__id_1'],
      [{ assigneeId: S.member, status: 'open' }, 'assigneeId_1_status_1_dueDay_1__id_1'],
    ] as const) {
      const plan = engine.explain('tasks', criteria, [['dueDay', 1], ['_id', 1]]);
      expect([plan.index, plan.ordered]).toEqual([index, true]);
    }
  });
});

describe("a merchant's tasks", () => {
  it('shows every task of the merchant to each role that can see it, and nothing outside scope', async () => {
    const m = await newMerchant();
    const id = await abnormalTask(m);
    for (const who of [O.maintenance, O.marketing, O.member, O.leader, O.branch, O.hq]) {
      const res = await local.call('visit', { action: 'tasks', merchantId: m }, who);
      expect(res.data.items.map((t: any) => t.id)).toEqual([id]);
    }
    const done = await local.call('visit', { action: 'tasks', merchantId: m, status: 'done' }, O.maintenance);
    expect(done.data.items).toEqual([]);
    for (const who of [O.maintenance2, O.branch2]) expect((await local.call('visit', { action: 'tasks', merchantId: m }, who)).error.code).toBe('FORBIDDEN');
  });
});

describe("overdue as of the bank's day", () => {
  it("a demo bank's tasks are due and overdue as of its fixed day, on my tasks, the board, the merchant's tasks and the route", async () => {
    const { CALENDAR_SETTINGS_ID } = await import('../../shared/domain/settings.rules');
    // The bank's records end on 31 July 2025: a task due 20 July is overdue, one due 10 August is not (yet).
    await db().collection('settings').doc(CALENDAR_SETTINGS_ID).set({ data: { asOfDay: '2025-07-31' } });
    try {
      const m = await newMerchant();
      const late = await abnormalTask(m, { _id: uid('late'), dueDay: '2025-07-20' });
      const due = await abnormalTask(m, { _id: uid('due'), dueDay: '2025-08-10' });
      const flags = (items: any[]) => Object.fromEntries(items.filter((t) => t.id === late || t.id === due).map((t) => [t.id === late ? 'late' : 'due', [t.isOverdue, t.state]]));
      const expected = { late: [true, 'overdue'], due: [false, 'open'] };
      const mine = await local.call('visit', { action: 'tasks', limit: 50 }, O.maintenance);
      expect(flags(mine.data.items)).toEqual(expected);
      const board = await local.call('visit', { action: 'tasks', scope: 'unit', unitId: U.gr1, limit: 50 }, O.leader);
      expect(flags(board.data.items)).toEqual(expected);
      const overdue = await local.call('visit', { action: 'tasks', scope: 'unit', unitId: U.gr1, overdue: true, limit: 50 }, O.leader);
      expect(overdue.data.items.map((t: any) => t.id)).toContain(late);
      expect(overdue.data.items.map((t: any) => t.id)).not.toContain(due);
      const ofMerchant = await local.call('visit', { action: 'tasks', merchantId: m, limit: 50 }, O.member);
      expect(flags(ofMerchant.data.items)).toEqual(expected);
      const route = await local.call('visit', { action: 'route', from: IN.gr1 }, O.maintenance);
      const stop = route.data.stops.find((s: any) => s.merchantId === m);
      // The route plans the bank's day: the task due 10 August is not due on 31 July, so only the late one is on it.
      expect(Object.fromEntries(stop.tasks.map((t: any) => [t.id === late ? 'late' : 'due', t.isOverdue]))).toEqual({ late: true });
      expect(route.data.day).toBe('2025-07-31');
    } finally {
      await db().collection('settings').doc(CALENDAR_SETTINGS_ID).remove();
    }
  });
});
