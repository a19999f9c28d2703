/** Contract of the `visit` function: visits (走访), the six checks, follow-up tasks. */
import { z } from 'zod';
import { CHECK_ITEMS, CHECK_RESULTS, type CheckItem, type CheckResultValue } from '../domain/check.rules';
import { PRODUCTS } from '../domain/product.rules';
import { REMINDER_TEMPLATES } from '../domain/reminder.rules';
import { TASK_CLOSE_REASONS, type TaskCloseReason, type TaskState } from '../domain/task.rules';
import { MAX_ROUTE_STOPS } from '../domain/route.rules';
import { MARKETING_OUTCOMES, TASK_KINDS, type TaskKind, VISIT_TYPES, type VisitType, visitChecksProblem } from '../domain/visit.rules';
import { type PhotoOut, type PointOut, clientIdSchema, idSchema, instantSchema, optionalText, pagingShape, photoSchema, pointSchema } from './common.contract';
import { daySchema } from './date.contract';

/**
 * One of the six must-checks (六个必查) with its result, a note and an optional photo. The photo carries its
 * stamp (time, place, staff) like every photo a record is given, so the server holds it against the visit;
 * the visit stores its file id (`CheckOut.photo`).
 */
export const checkSchema = z.strictObject({
  item: z.enum(CHECK_ITEMS, { error: `检查项应为 ${CHECK_ITEMS.join('/')}` }),
  result: z.enum(CHECK_RESULTS, { error: '结果应为 pass/fail/na' }),
  note: optionalText(200),
  photo: photoSchema.optional(),
});

/**
 * A task id: the ids other ids allow, and `|`, which the nightly classification's deterministic ids
 * (`<kind>|<merchantId>|<day>`) carry.
 */
export const taskIdSchema = z
  .string({ error: '需要任务 id' })
  .min(1, '不能为空')
  .max(100, '过长')
  .regex(/^[A-Za-z0-9_:|-]+$/, '只能包含字母、数字、-、_、:、|');

export const submitVisitInput = z
  .strictObject({
    /** Client-made id (UUID): a retried submit answers with the first result and stores nothing twice. */
    visitId: clientIdSchema,
    merchantId: idSchema,
    type: z.enum(VISIT_TYPES, { error: `走访类型应为 ${VISIT_TYPES.join('/')}` }),
    /** When the visit happened (a queued offline visit is sent later); default: now. */
    at: instantSchema.optional(),
    /** The GPS fix on site (GCJ-02). */
    location: pointSchema,
    photos: z.array(photoSchema, { error: '需要照片列表' }).max(9, '最多 9 张照片').default([]),
    /** A revisit carries all six checks; other types none. */
    checks: z.array(checkSchema, { error: '需要检查项列表' }).max(6, '最多 6 项').optional(),
    outcome: z.enum(MARKETING_OUTCOMES, { error: `结果应为 ${MARKETING_OUTCOMES.join('/')}` }).optional(),
    note: optionalText(500),
    productsPitched: z.array(z.enum(PRODUCTS, { error: '未知的产品' })).max(PRODUCTS.length, '产品过多').optional(),
    /** The task the visit was started from (opened from a task list); it must be one of this merchant's. */
    taskId: taskIdSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const problem = visitChecksProblem(v.type, v.checks ?? null);
    if (problem) ctx.addIssue({ code: 'custom', path: ['checks'], message: problem });
  });

export const getVisitInput = z.strictObject({ visitId: idSchema });
export const listByMerchantInput = z.strictObject({ merchantId: idSchema, ...pagingShape });
export const tasksInput = z
  .strictObject({
    /** 'mine': tasks assigned to me; 'unit': a unit's tasks (leaders and above, members for their grids). */
    scope: z.enum(['mine', 'unit'], { error: '应为 mine/unit' }).default('mine'),
    /** A unit (a grid for the grid filter) of the caller's scope; default: the caller's own unit. */
    unitId: idSchema.optional(),
    /** One merchant's tasks, for any role that may see the merchant (its record's 任务 tab). */
    merchantId: idSchema.optional(),
    status: z.enum(['open', 'done'], { error: '应为 open/done' }).default('open'),
    kind: z.enum(TASK_KINDS, { error: `任务类型应为 ${TASK_KINDS.join('/')}` }).optional(),
    assigneeId: idSchema.optional(),
    /** Only open tasks past their due day. */
    overdue: z.boolean({ error: '应为 true/false' }).optional(),
    ...pagingShape,
  })
  .superRefine((v, ctx) => {
    if (v.overdue && v.status !== 'open') ctx.addIssue({ code: 'custom', path: ['overdue'], message: '只有待办任务会逾期' });
    if (v.merchantId && (v.scope === 'unit' || v.unitId || v.assigneeId)) ctx.addIssue({ code: 'custom', path: ['merchantId'], message: '按商户查看时不需要单元或人员' });
    if (!v.merchantId && v.scope === 'mine' && v.assigneeId) ctx.addIssue({ code: 'custom', path: ['assigneeId'], message: '查看本人任务时不需要人员' });
  });
export const closeTaskInput = z.strictObject({
  taskId: taskIdSchema,
  /** Why it closes without a visit (required but for the assignee's own task; a six-check follow-up closes by hand only so, by a leader or above). */
  reason: z.enum(TASK_CLOSE_REASONS, { error: `原因应为 ${TASK_CLOSE_REASONS.join('/')}` }).optional(),
  note: optionalText(200),
});
export const reassignTaskInput = z.strictObject({ taskId: taskIdSchema, assigneeId: idSchema, note: optionalText(200) });
/** A leader's answer to a flagged visit that would close a task: accept closes it, reject keeps it open. */
export const confirmTaskInput = z.strictObject({ taskId: taskIdSchema, accept: z.boolean({ error: '应为 true/false' }), note: optionalText(200) });

/** The templates the user accepted in wx.requestSubscribeMessage (each acceptance allows one message). */
export const subscribeInput = z.strictObject({
  accepted: z.array(z.enum(REMINDER_TEMPLATES, { error: `模板应为 ${REMINDER_TEMPLATES.join('/')}` })).max(REMINDER_TEMPLATES.length, '模板过多'),
});

export interface CheckOut {
  item: CheckItem;
  result: CheckResultValue;
  note?: string;
  photo?: string;
}

export interface VisitOut {
  id: string;
  merchantId: string;
  staffId: string;
  type: VisitType;
  at: string | null;
  day: string;
  location: PointOut | null;
  /** metres from the merchant's recorded location; null when the merchant has none */
  distanceM: number | null;
  isFlagged: boolean;
  gridId: string;
  checks: CheckOut[] | null;
  outcome: string | null;
  note: string | null;
  photos: PhotoOut[];
  productsPitched: string[] | null;
  createdAt: string | null;
  /** who visited, by name (a merchant's visit list; names only, nothing personal) */
  staffName?: string | null;
}

export interface TaskOut {
  id: string;
  kind: TaskKind;
  merchantId: string;
  merchantName: string | null;
  gridId: string;
  assigneeId: string | null;
  check: CheckItem | null;
  dueDay: string;
  isOverdue: boolean;
  status: 'open' | 'done';
  /** why the task exists: a reason code and, for a class change, its sentence */
  openedBy: { visitId?: string; reason: string; detail?: string } | null;
  closedByVisitId: string | null;
  createdAt: string | null;
  closedAt: string | null;
  /** the assignee's name when known */
  assigneeName: string | null;
  /** open, overdue, pending (a flagged visit waits for the leader's confirmation) or done */
  state: TaskState;
  /** the flagged visit waiting for confirmation */
  pendingVisitId: string | null;
  /** why it was closed by hand, and by whom */
  closeReason: TaskCloseReason | null;
  closedBy: string | null;
  products: string[] | null;
}

/** `submit`: the stored visit, the tasks it opened and closed; `isReplay` when answering a retry. */
export interface SubmitVisitOutput {
  visit: VisitOut;
  openedTaskIds: string[];
  closedTaskIds: string[];
  /** tasks this visit would close but, flagged, leaves for the leader's confirmation */
  pendingTaskIds: string[];
  isReplay: boolean;
}

/**
 * `route`: the caller's due stops for a day, ordered as a walk from where they stand (docs/domain.md §5
 * "The day's route"): open tasks assigned to them due by that day, and merchants of their grids due a
 * revisit (members and maintenance assistants).
 */
export const routeInput = z.strictObject({
  /**
   * Where the walk starts: the caller's GPS fix (GCJ-02). Without it (location refused) the day's stops come
   * in the order found, not planned.
   */
  from: pointSchema.optional(),
  /** The day planned (China time); default: the bank's day (today, or a demo bank's as-of day). */
  day: daySchema.optional(),
  /** Most stops planned. */
  limit: z.number({ error: '需要数字' }).int('需要整数').min(1, '至少 1').max(MAX_ROUTE_STOPS, `最多 ${MAX_ROUTE_STOPS}`).optional(),
});

/** One open task at a stop. */
export interface RouteTaskOut {
  id: string;
  kind: TaskKind;
  check: CheckItem | null;
  dueDay: string;
  isOverdue: boolean;
}

/** One merchant to visit: its tasks due and whether a revisit is due. */
export interface RouteStopOut {
  merchantId: string;
  name: string;
  gridId: string;
  address: string | null;
  location: PointOut | null;
  tasks: RouteTaskOut[];
  revisitDue: boolean;
  /** walking estimate from the previous stop (or the start), metres; null when the stop has no location or no start was given */
  legM: number | null;
}

export interface RouteOutput {
  day: string;
  /** the start asked; null when none was (the stops are then not planned) */
  from: PointOut | null;
  /** the stops with a location, in the planned walking order (without a start: in the order found) */
  stops: RouteStopOut[];
  /** stops without a recorded location: due, but not placed on the route */
  unlocated: RouteStopOut[];
  /** walking estimate of the planned order, metres; null without a start */
  distanceM: number | null;
  /** walking estimate of the stops in the order found (tasks by due day, then revisits), metres; null without a start */
  naiveDistanceM: number | null;
  /** more stops were due than `limit` */
  truncated: boolean;
}
