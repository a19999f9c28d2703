/**
 * Reminders (docs/operations.md "Subscription messages"): the day's job sends due-tomorrow and overdue
 * reminders and the leaders' digest, a reassign sends the assigned one, each only to someone who accepted
 * the template, into the outbox and the gateway log, and never twice for the same task and day.
 */
import { addDays } from '../../shared/domain/period.rules';
import { JOB_KINDS, startReminders } from '../../cloudfunctions/lifecycle/lifecycle.jobs';
import { chinaDay } from '../../shared/domain/period.rules';
import { createJob, runJob } from '../../server/jobs/runner';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, seedFixture, uid } from './fixture';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';

const local = useLocalCloud();
const db = () => local.cloud.database() as any;
const PATH = [U.bank, U.br1, U.g1, U.gr1];
const today = chinaDay(new Date());

async function taskDue(dueDay: string, assigneeId: string = S.maintenance): Promise<string> {
  const merchantId = uid('m');
  await db().collection('merchants').add({ data: { _id: merchantId, name: `提醒商户${merchantId.slice(-4)}`, gridId: U.gr1, unitPath: PATH, createdAt: new Date() } });
  const id = uid('t');
  await db().collection('tasks').add({ data: { _id: id, kind: 'abnormal-visit', merchantId, gridId: U.gr1, unitPath: PATH, assigneeId, dueDay, status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date() } });
  return id;
}
const outbox = async () => (await db().collection('outbox').limit(1000).get()).data as any[];
let lines: Record<string, unknown>[] = [];
let spy: jest.SpyInstance;

beforeAll(async () => {
  await seedFixture(local);
});
beforeEach(() => {
  lines = [];
  spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
    for (const l of String(chunk).split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(l));
      } catch {
        /* not a log line */
      }
    }
    return true;
  }) as never);
});
afterEach(() => spy.mockRestore());

describe('reminders', () => {
  it('the day job reminds of a task due tomorrow and one overdue since today, once, to whoever subscribed, in chunks', async () => {
    const due = await taskDue(addDays(today, 1));
    const late = await taskDue(addDays(today, -1));
    const later = await taskDue(addDays(today, 5));
    const unsubscribed = await taskDue(addDays(today, 1), S.member);
    expect((await local.call('visit', { action: 'subscribe', accepted: ['task-due', 'task-overdue'] }, O.maintenance)).data.accepted).toEqual(['task-due', 'task-overdue']);
    await local.call('visit', { action: 'subscribe', accepted: ['daily-digest'] }, O.leader);

    const job = await startReminders(db(), today, 0);
    // One item per chunk: the job resumes from its cursor until it is done.
    const done = await runJob(db(), JOB_KINDS, job._id, { maxItems: 1, budgetMs: 60_000 });
    expect(done!.status).toBe('done');
    const box = await outbox();
    const byTask = (id: string) => box.filter((m) => m.subject === id);
    expect(byTask(due)).toEqual([expect.objectContaining({ template: 'task-due', staffId: S.maintenance, status: 'sent', day: today })]);
    expect(byTask(late)).toEqual([expect.objectContaining({ template: 'task-overdue', staffId: S.maintenance, status: 'sent' })]);
    expect(byTask(later)).toEqual([]);
    // The member accepted nothing: nothing is sent (WeChat would refuse it), and it is recorded so.
    expect(byTask(unsubscribed)).toEqual([expect.objectContaining({ status: 'no-subscription' })]);
    const digest = box.find((m) => m.template === 'daily-digest' && m.staffId === S.leader);
    expect(digest).toMatchObject({ status: 'sent', subject: U.g1 });
    expect(Number(digest.data.number2)).toBeGreaterThanOrEqual(4);
    expect(Number(digest.data.number3)).toBeGreaterThanOrEqual(1);
    const sentLines = lines.filter((l) => l.openapi === 'subscribeMessage.send');
    expect(sentLines).toHaveLength(3);
    expect(sentLines.map((l) => l.page)).toContain(`pages/visit/revisit/index?merchantId=${box.find((m) => m.subject === due).page.split('merchantId=')[1].split('&')[0]}&taskId=${due}`);

    // The same day again (a second job, a rerun): nothing new, nothing sent twice, even with subscriptions left.
    await local.call('visit', { action: 'subscribe', accepted: ['task-due', 'task-overdue'] }, O.maintenance);
    lines = [];
    const again = await runJob(db(), JOB_KINDS, (await startReminders(db(), today, 0))._id, { budgetMs: 60_000 });
    expect(again!.status).toBe('done');
    const rerun = await createJob(db(), JOB_KINDS.reminders, { id: uid('rerun'), params: { day: today }, byStaffId: null, now: new Date() });
    await runJob(db(), JOB_KINDS, rerun.job._id, { budgetMs: 60_000 });
    expect((await outbox()).length).toBe(box.length);
    expect(lines.filter((l) => l.openapi === 'subscribeMessage.send')).toEqual([]);
  });

  it('a reassign sends the new assignee the assigned reminder once', async () => {
    const id = await taskDue(addDays(today, 3));
    await local.call('visit', { action: 'subscribe', accepted: ['task-assigned', 'task-assigned'] }, O.member);
    expect((await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId: S.member }, O.leader)).ok).toBe(true);
    expect((await local.call('visit', { action: 'reassignTask', taskId: id, assigneeId: S.member }, O.leader)).ok).toBe(true);
    const mine = (await outbox()).filter((m) => m.subject === id);
    expect(mine).toEqual([expect.objectContaining({ template: 'task-assigned', staffId: S.member, status: 'sent', data: expect.objectContaining({ thing2: '异动走访', date3: addDays(today, 3) }) })]);
    expect(lines.filter((l) => l.openapi === 'subscribeMessage.send' && l.templateId === 'local-task-assigned')).toHaveLength(1);
  });

  it('a task opened by a visit’s failed check tells its assignee once', async () => {
    const file = (await local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing)).data.merchant;
    await local.call('visit', { action: 'subscribe', accepted: ['task-assigned', 'task-assigned'] }, O.maintenance);
    const checks = (fail: string[]) => CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? 'fail' : 'pass', ...(fail.includes(item) ? { note: '未开通' } : {}) }));
    const visit = { action: 'submit', merchantId: file.id, type: 'revisit', location: IN.gr1, photos: [], checks: checks(['speaker']) };
    const first = await local.call('visit', { ...visit, visitId: uid('v') }, O.member);
    expect(first.data.openedTaskIds).toHaveLength(1);
    const taskId = first.data.openedTaskIds[0];
    // The same check failing again opens nothing new and tells no one again.
    expect((await local.call('visit', { ...visit, visitId: uid('v') }, O.member)).data.openedTaskIds).toEqual([]);
    const mine = (await outbox()).filter((m) => m.subject === taskId);
    expect(mine).toEqual([expect.objectContaining({ template: 'task-assigned', staffId: S.maintenance, status: 'sent', data: expect.objectContaining({ thing1: file.name.slice(0, 20), thing2: '必查整改' }) })]);
    expect(lines.filter((l) => l.openapi === 'subscribeMessage.send' && l.templateId === 'local-task-assigned')).toHaveLength(1);
  });

  it('a task opened by the nightly reclassification tells its assignee once, even when the run is repeated', async () => {
    const merchantId = uid('m');
    // Acquiring since 2024 with no transaction since: idle, so the run opens a task for the grid's staff.
    await db().collection('merchants').add({ data: { _id: merchantId, name: `沉睡商户${merchantId.slice(-4)}`, gridId: U.gr1, unitPath: PATH, lifecycleClass: 'qualified', acquiring: { status: 'active', since: '2024-01-02' }, products: [], createdAt: new Date() } });
    for (const who of [O.member, O.marketing, O.maintenance]) await local.call('visit', { action: 'subscribe', accepted: ['task-assigned'] }, who);
    const run = await local.call('lifecycle', { action: 'reclassify', merchantIds: [merchantId] }, O.hq);
    expect(run.data).toMatchObject({ status: 'done', asOf: today, tasksOpened: 1 });
    const task = (await db().collection('tasks').where({ merchantId }).get()).data[0];
    expect(task.assigneeId).toEqual(expect.any(String));
    // The same day's run again (the job's id is the day: a rerun rewrites the same task, and sends nothing).
    expect((await local.call('lifecycle', { action: 'reclassify', merchantIds: [merchantId] }, O.hq)).ok).toBe(true);
    const mine = (await outbox()).filter((m) => m.subject === task._id);
    expect(mine).toEqual([expect.objectContaining({ template: 'task-assigned', staffId: task.assigneeId, day: today, status: 'sent', page: `pages/visit/revisit/index?merchantId=${merchantId}&taskId=${task._id}` })]);
  });

  it('refuses an unknown template naming the field', async () => {
    const res = await local.call('visit', { action: 'subscribe', accepted: ['spam'] }, O.member);
    expect(res.error.details.issues[0].field).toMatch(/^accepted/);
  });
});
