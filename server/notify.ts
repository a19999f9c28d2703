import { getCloud, getDoc, type Db } from './db';
import { isDuplicateKey } from './tx';
import { type ReminderTemplate, reminderId } from '../shared/domain/reminder.rules';
import { TASK_KIND_LABELS } from '../shared/domain/labels';

/**
 * Subscription messages (订阅消息): every reminder is first claimed in `outbox` under its deterministic id
 * (shared/domain/reminder.rules.ts `reminderId`), so a rerun, a retried chunk or a second timer never sends
 * it twice; it then uses one of the recipient's subscriptions (one per acceptance: WeChat's one-time
 * subscriptions, https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message.html)
 * and goes out through `cloud.openapi.subscribeMessage.send` (the function's config.json declares
 * `permissions.openapi: ["subscribeMessage.send"]`). The local runtime installs its own delivery (a log
 * line, the outbox record being the sent message): see `LOCAL_SENDER`.
 */

export const OUTBOX = 'outbox';

/** The message as subscribeMessage.send takes it (template fields as `{ key: { value } }`). */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

export type MessageSender = (msg: SubscribeMessage) => Promise<void>;

/** Where the local runtime puts its sender (one process, and every function bundle sees the same global). */
export const LOCAL_SENDER = Symbol.for('merchant-grid.subscribeMessage.sender');

/** Template ids by key: `SUBSCRIBE_TEMPLATES` (JSON) in the function's environment, else placeholders for local mode. */
export function templateIds(): Record<ReminderTemplate, string> {
  const fallback: Record<ReminderTemplate, string> = { 'task-assigned': 'local-task-assigned', 'task-due': 'local-task-due', 'task-overdue': 'local-task-overdue', 'daily-digest': 'local-daily-digest' };
  try {
    return { ...fallback, ...(JSON.parse(process.env.SUBSCRIBE_TEMPLATES ?? '{}') as Partial<Record<ReminderTemplate, string>>) };
  } catch {
    return fallback;
  }
}

async function deliver(msg: SubscribeMessage): Promise<void> {
  const local = (globalThis as Record<symbol, unknown>)[LOCAL_SENDER] as MessageSender | undefined;
  if (local) return local(msg);
  // miniprogramState: the released version opens the page the message links to.
  await (getCloud() as any).openapi.subscribeMessage.send({ touser: msg.touser, templateId: msg.templateId, page: msg.page, data: msg.data, miniprogramState: 'formal' });
}

export interface Reminder {
  id: string;
  template: ReminderTemplate;
  staffId: string;
  day: string;
  page: string;
  data: Record<string, string>;
  /** what it is about: a task id, or the leader's unit for a digest */
  subject: string;
}

export type ReminderOutcome = 'sent' | 'already' | 'no-subscription' | 'unbound' | 'failed';

/**
 * Sends one reminder at most once. Answers 'already' when its id was claimed before, 'unbound' when the
 * staff member has no WeChat account bound, 'no-subscription' when they hold no acceptance of the template
 * (nothing is sent, as WeChat would refuse it with 43101), 'failed' when WeChat refused it.
 *
 * The claim, the recipient's OPENID (unless the caller knows it: `openid`, null for none) and the use of a
 * subscription go out together, one round trip: a subscription used for a reminder that turns out to be
 * claimed already, or to have no one to go to, is given back (`_.inc(1)`, atomic like its use).
 */
export async function sendReminder(db: Db, r: Reminder, now: Date, openid?: string | null): Promise<ReminderOutcome> {
  const _ = db.command;
  const key = `subscriptions.${r.template}`;
  const claim = db
    .collection(OUTBOX)
    .add({ data: { _id: r.id, template: r.template, staffId: r.staffId, subject: r.subject, day: r.day, page: r.page, data: r.data, status: 'claimed', createdAt: now } })
    .then(
      () => true,
      (err) => {
        if (isDuplicateKey(err)) return false;
        throw err;
      },
    );
  const recipient = openid !== undefined ? Promise.resolve(openid) : getDoc<{ openid?: string }>(db, 'staff', r.staffId).then((s) => s?.openid ?? null);
  const use = db
    .collection('staff')
    .where({ _id: r.staffId, [key]: _.gt(0) })
    .update({ data: { [key]: _.inc(-1) } })
    .then((res) => (res?.stats?.updated ?? 0) === 1);
  const [claimed, to, used] = await Promise.allSettled([claim, recipient, use]);
  const giveBack = () => (used.status === 'fulfilled' && used.value ? db.collection('staff').doc(r.staffId).update({ data: { [key]: _.inc(1) } }) : Promise.resolve(null));
  if (claimed.status === 'rejected' || to.status === 'rejected' || used.status === 'rejected') {
    await giveBack().catch(() => undefined);
    throw [claimed, to, used].find((x): x is PromiseRejectedResult => x.status === 'rejected')!.reason;
  }
  if (!claimed.value) {
    await giveBack();
    return 'already';
  }
  const finish = (status: ReminderOutcome, extra: Record<string, unknown> = {}) =>
    db.collection(OUTBOX).doc(r.id).update({ data: { status, finishedAt: new Date(), ...extra } }).then(() => status);
  if (!to.value) {
    await Promise.all([giveBack(), finish('unbound')]);
    return 'unbound';
  }
  if (!used.value) return finish('no-subscription');
  const msg: SubscribeMessage = { touser: to.value, templateId: templateIds()[r.template], page: r.page, data: Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, { value: v }])) };
  try {
    await deliver(msg);
    return finish('sent', { templateId: msg.templateId });
  } catch (err) {
    const e = err as { errCode?: number; errMsg?: string; message?: string };
    return finish('failed', { error: `${e.errCode ?? ''} ${e.errMsg ?? e.message ?? String(err)}`.trim().slice(0, 300) });
  }
}

/** A task as the task-assigned reminder reads it. */
export interface AssignedTask {
  _id: string;
  kind: string;
  merchantId: string;
  dueDay: string;
  assigneeId?: string | null;
}

/**
 * Tells a task's assignee it is theirs (task-assigned), once per task, assignee and day (the outbox id):
 * for a task reassigned, opened by a visit's failed check, or opened by the nightly reclassification. A
 * task with no assignee sends nothing. Called after the task's transaction commits.
 */
export async function remindAssigned(db: Db, task: AssignedTask, day: string, now: Date, merchantName?: string, assigneeOpenid?: string | null): Promise<ReminderOutcome | null> {
  if (!task.assigneeId) return null;
  const name = merchantName ?? (await getDoc<{ name?: string }>(db, 'merchants', task.merchantId))?.name ?? '商户';
  const data = { thing1: name.slice(0, 20), thing2: TASK_KIND_LABELS[task.kind as keyof typeof TASK_KIND_LABELS] ?? '任务', date3: task.dueDay };
  return sendReminder(db, {
    id: reminderId('task-assigned', task._id, task.assigneeId, day),
    template: 'task-assigned',
    staffId: task.assigneeId,
    day,
    subject: task._id,
    page: `pages/visit/revisit/index?merchantId=${task.merchantId}&taskId=${task._id}`,
    data,
  }, now, assigneeOpenid);
}
