/**
 * The lifecycle function's one timer (cloudfunctions/lifecycle/index.ts), fired as the platform fires it, with
 * the clock set to a China-time minute: the day's reminders start from 08:00, once a day, however often the
 * timer fires after that, and a reminder reaches its subscriber once.
 */
import { addDays, chinaDay } from '../../shared/domain/period.rules';
import { REMINDER_FROM_HOUR } from '../../shared/domain/reminder.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, U, seedFixture, uid } from '../field/fixture';

const local = useLocalCloud();
const db = () => local.cloud.database() as any;
const day = chinaDay(new Date());
/** A China-time minute of `day` as an instant. */
const at = (hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

/** Only the clock is faked: the engine's timers and I/O run as they do. */
function setClock(now: Date): void {
  jest.useFakeTimers({
    now,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}
afterEach(() => jest.useRealTimers());

/** One firing of the timer trigger (the platform's word makes it the timer's, not the event). */
const fire = async () => (await local.cloud.callDetailed('lifecycle', { Type: 'Timer', TriggerName: 'lifecycle-minute' }, { source: 'timer' })).result as any;
const remindersJob = async () => (await db().collection('jobs').where({ _id: `reminders-${day}` }).get()).data[0];

let taskId = '';
beforeAll(async () => {
  await seedFixture(local);
  const PATH = [U.bank, U.br1, U.g1, U.gr1];
  const merchantId = uid('m');
  await db().collection('merchants').add({ data: { _id: merchantId, name: '定时提醒商户', gridId: U.gr1, unitPath: PATH, createdAt: new Date() } });
  taskId = uid('t');
  await db().collection('tasks').add({ data: { _id: taskId, kind: 'abnormal-visit', merchantId, gridId: U.gr1, unitPath: PATH, assigneeId: S.maintenance, dueDay: addDays(day, 1), status: 'open', openedBy: { reason: 'idle-30d' }, createdAt: new Date() } });
  expect((await local.call('visit', { action: 'subscribe', accepted: ['task-due'] }, O.maintenance)).ok).toBe(true);
});

describe('the lifecycle timer and the day’s reminders', () => {
  it('before 08:00 China time the timer starts no reminders', async () => {
    setClock(at(`0${REMINDER_FROM_HOUR - 1}:59`));
    // The minute's other work (the search keys, the day's reclassification) goes first, one thing a firing.
    for (let i = 0; i < 5; i++) expect((await fire()).ok).toBe(true);
    expect(await db().collection('jobs').where({ _id: `reclassify-${day}` }).count()).toMatchObject({ total: 1 });
    expect(await remindersJob()).toBeUndefined();
  });

  it('at 08:00 the timer starts the day’s reminders once; firing again starts nothing and sends nothing twice', async () => {
    setClock(at(`0${REMINDER_FROM_HOUR}:00`));
    const first = await fire();
    expect(first).toMatchObject({ ok: true, data: { jobId: `reminders-${day}`, status: 'done' } });
    const job = await remindersJob();
    expect(job).toMatchObject({ kind: 'reminders', status: 'done', params: { day } });
    const sent = (await db().collection('outbox').where({ subject: taskId }).get()).data;
    expect(sent).toEqual([expect.objectContaining({ template: 'task-due', staffId: S.maintenance, status: 'sent', day })]);

    // The next minutes: the job is the day's, not started again.
    setClock(at(`0${REMINDER_FROM_HOUR}:01`));
    for (let i = 0; i < 3; i++) {
      const again = await fire();
      expect(again.ok).toBe(true);
      expect(again.data.jobId).toBeUndefined();
    }
    expect(await db().collection('jobs').where({ kind: 'reminders' }).count()).toMatchObject({ total: 1 });
    const after = await remindersJob();
    expect([after.chunks, after.attempts, after.createdAt]).toEqual([job.chunks, job.attempts, job.createdAt]);
    expect((await db().collection('outbox').where({ subject: taskId }).get()).data).toHaveLength(1);
  });
});
