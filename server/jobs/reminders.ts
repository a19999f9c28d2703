import { reminderDueDays, reminderId } from '../../shared/domain/reminder.rules';
import { TASK_KIND_LABELS } from '../../shared/domain/labels';
import type { Db } from '../db';
import { type ReminderOutcome, sendReminder } from '../notify';
import type { ChunkContext, ChunkResult, JobKind } from './runner';

/**
 * The day's reminders as a resumable job (docs/jobs.md): three phases, each a scan by `_id` of an
 * equality on an index, so a chunk costs the same at any size: open tasks due tomorrow
 * (`status_1_dueDay_1__id_1`), open tasks overdue since today (due yesterday; the same index), then the
 * active leaders (`role_1_status_1__id_1`) with their group's open and overdue counts (`unitPath_1_status_1_dueDay_1__id_1`).
 * Every message is claimed in `outbox` by its deterministic id before it is sent, so a chunk run again
 * sends nothing twice.
 */

export interface RemindersParams {
  day: string;
}
export type Phase = 'due' | 'overdue' | 'digest';
export interface RemindersState {
  sent: number;
  skipped: number;
}
interface Cursor {
  phase: Phase;
  after: string | null;
}

const PHASES: Phase[] = ['due', 'overdue', 'digest'];
/** Documents a chunk takes at most (each may send one message). */
export const REMINDER_CHUNK = 100;

async function taskPage(db: Db, dueDay: string, after: string | null, limit: number): Promise<any[]> {
  const _ = db.command;
  const where = after === null ? { status: 'open', dueDay } : { status: 'open', dueDay, _id: _.gt(after) };
  return ((await db.collection('tasks').where(where).orderBy('_id', 'asc').limit(limit).get()) as { data: any[] }).data;
}

async function leaderPage(db: Db, after: string | null, limit: number): Promise<any[]> {
  const _ = db.command;
  const where = after === null ? { role: 'leader', status: 'active' } : { role: 'leader', status: 'active', _id: _.gt(after) };
  return ((await db.collection('staff').where(where).field({ _id: true, unitId: true }).orderBy('_id', 'asc').limit(limit).get()) as { data: any[] }).data;
}

async function merchantName(db: Db, id: string): Promise<string> {
  const res = (await db.collection('merchants').where({ _id: id }).field({ name: true }).limit(1).get()) as { data: { name?: string }[] };
  return res.data[0]?.name ?? '商户';
}

export const remindersJob: JobKind<RemindersParams, RemindersState> = {
  kind: 'reminders',
  initialState: () => ({ sent: 0, skipped: 0 }),
  async step({ db, job, deadline, maxItems }: ChunkContext<RemindersParams, RemindersState>): Promise<ChunkResult<RemindersState>> {
    const state = { ...job.state };
    const { day } = job.params;
    const days = reminderDueDays(day);
    let cur: Cursor = (job.cursor as Cursor | null) ?? { phase: 'due', after: null };
    const limit = Math.min(maxItems ?? REMINDER_CHUNK, REMINDER_CHUNK);
    const count = (o: ReminderOutcome) => (o === 'sent' ? state.sent++ : state.skipped++);
    let taken = 0;
    while (taken < limit && Date.now() < deadline) {
      if (cur.phase === 'digest') {
        const leaders = await leaderPage(db, cur.after, limit - taken);
        if (!leaders.length) return { cursor: cur, state, done: state.sent + state.skipped, finished: true };
        for (const l of leaders) {
          const open = ((await db.collection('tasks').where({ unitPath: l.unitId, status: 'open' }).count()) as { total: number }).total;
          const overdue = ((await db.collection('tasks').where({ unitPath: l.unitId, status: 'open', dueDay: db.command.lt(day) }).count()) as { total: number }).total;
          // A leader whose group has nothing open is not messaged (a subscription is worth one message).
          if (open > 0) {
            const data = { thing1: '团队任务日报', number2: String(open), number3: String(overdue), date4: day };
            count(await sendReminder(db, { id: reminderId('daily-digest', l.unitId, l._id, day), template: 'daily-digest', staffId: l._id, day, subject: l.unitId, page: 'pages/visit/board/index', data }, new Date()));
          }
          cur = { phase: 'digest', after: l._id };
          taken++;
        }
        continue;
      }
      const template = cur.phase === 'due' ? 'task-due' : 'task-overdue';
      const tasks = await taskPage(db, cur.phase === 'due' ? days.due : days.overdue, cur.after, limit - taken);
      for (const t of tasks) {
        if (t.assigneeId) {
          const name = await merchantName(db, t.merchantId);
          count(await sendReminder(db, { id: reminderId(template, t._id, t.assigneeId, day), template, staffId: t.assigneeId, day, subject: t._id, page: `pages/visit/revisit/index?merchantId=${t.merchantId}&taskId=${t._id}`, data: { thing1: name.slice(0, 20), thing2: TASK_KIND_LABELS[t.kind as keyof typeof TASK_KIND_LABELS] ?? '任务', date3: t.dueDay } }, new Date()));
        }
        cur = { phase: cur.phase, after: t._id };
        taken++;
      }
      if (tasks.length === 0) cur = { phase: PHASES[PHASES.indexOf(cur.phase) + 1], after: null };
    }
    return { cursor: cur, state, done: state.sent + state.skipped, finished: false };
  },
};
