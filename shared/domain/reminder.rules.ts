/**
 * Reminders (docs/domain.md §5 "Tasks", docs/operations.md "Subscription messages"): which WeChat
 * subscription message (订阅消息) a task or a leader gets, and the id that makes each one unique.
 *
 * Why: a task nobody is reminded of is forgotten. WeChat lets a mini program message a user only with a
 * template the user accepted, one message per acceptance (one-time subscriptions), so each message is
 * worth sending once: a deterministic id per task, recipient and day makes a resent or rerun reminder a
 * no-op.
 */
import { addDays } from './period.rules';

/** The four templates: a task assigned, due tomorrow, overdue (its first overdue day), a leader's daily digest. */
export const REMINDER_TEMPLATES = ['task-assigned', 'task-due', 'task-overdue', 'daily-digest'] as const;
export type ReminderTemplate = (typeof REMINDER_TEMPLATES)[number];

export const REMINDER_TEMPLATE_LABELS: Record<ReminderTemplate, string> = {
  'task-assigned': '任务分派提醒',
  'task-due': '任务到期提醒',
  'task-overdue': '任务逾期提醒',
  'daily-digest': '团队任务日报',
};

/** The templates each role is asked to subscribe to (a leader also gets the digest). */
export function templatesFor(role: string): ReminderTemplate[] {
  const own: ReminderTemplate[] = ['task-assigned', 'task-due', 'task-overdue'];
  return role === 'leader' ? [...own, 'daily-digest'] : own;
}

/** The id of one reminder: never two for the same template, subject (task or leader), recipient and day. */
export function reminderId(template: ReminderTemplate, subjectId: string, recipientId: string, day: string): string {
  return `${template}|${subjectId}|${recipientId}|${day}`;
}

/** The due day a task must have to be reminded on `today`: due tomorrow, or overdue since today (due yesterday). */
export function reminderDueDays(today: string): { due: string; overdue: string } {
  return { due: addDays(today, 1), overdue: addDays(today, -1) };
}

/** The China-time hour from which the day's reminders go out (working hours, after the night's classification). */
export const REMINDER_FROM_HOUR = 8;
