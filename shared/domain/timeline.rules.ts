/**
 * A merchant's timeline (docs/api.md "Timeline"): every event of its file, read from the records that already hold
 * them (history, visits, tasks, class changes, imported figures) and merged newest first.
 */

/** What a timeline row is about; the record it was read from decides it. */
export const TIMELINE_KINDS = ['filing', 'edit', 'completed', 'products', 'assigned', 'transfer', 'visit', 'task-opened', 'task-closed', 'class', 'import', 'archived', 'reopened'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TIMELINE_KIND_LABELS: Record<TimelineKind, string> = {
  filing: '建档',
  edit: '修改档案',
  completed: '档案完整',
  products: '产品变更',
  assigned: '商圈/微信群',
  transfer: '移交网格',
  visit: '走访',
  'task-opened': '生成任务',
  'task-closed': '任务完成',
  class: '分类变化',
  import: '数据导入',
  archived: '停业/迁出',
  reopened: '恢复营业',
};

/** The order of the timeline: newest first, then by key (source and record id) descending, so ties are stable. */
export interface TimelinePosition {
  /** epoch ms */
  at: number;
  /** `<source>:<record id>[:<part>]`, unique across the timeline */
  key: string;
}

/** Negative when `a` comes before `b` in the timeline. */
export function compareTimeline(a: TimelinePosition, b: TimelinePosition): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
}

/** True when `p` comes strictly after the cursor's row, i.e. belongs to the next page. */
export function isAfter(p: TimelinePosition, cursor: TimelinePosition): boolean {
  return compareTimeline(cursor, p) < 0;
}

/** The merchant history changes and the timeline kind each one is shown as. */
export const HISTORY_KIND: Record<string, TimelineKind> = {
  created: 'filing',
  updated: 'edit',
  completed: 'completed',
  products: 'products',
  assigned: 'assigned',
  transferred: 'transfer',
  archived: 'archived',
  reopened: 'reopened',
};

/**
 * One field an edit changed, as the merchant's history keeps it: the values before and after as text fit to show
 * (personal data only masked, never in clear; ids and codes that the timeline names when it reads them).
 */
export interface FieldChange {
  /** a dotted path of the merchant file, named by FIELD_LABELS (`industry`, `operator.mobile`) */
  field: string;
  from: string | null;
  to: string | null;
}

/** A merchant file as flat display values, the shape two versions are compared in. */
export type FileSnapshot = Record<string, string | null>;

/** The fields whose value differs between two snapshots of a file, in the order of `after`'s fields. */
export function fieldChanges(before: FileSnapshot, after: FileSnapshot): FieldChange[] {
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys.filter((k) => (before[k] ?? null) !== (after[k] ?? null)).map((field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }));
}

/** Fields whose history values are stored as ids or codes and shown by name on the timeline. */
export const NAMED_CHANGE_FIELDS = ['industry', 'marketId', 'wechatGroupId'] as const;

/** One line of an edit: `行业类别：批发业 → 零售业`; an entry written before values were kept lists the field names only. */
export function changeLine(changes: readonly { label: string; from: string | null; to: string | null }[]): string {
  return changes.map((c) => `${c.label}：${c.from ?? '空'} → ${c.to ?? '空'}`).join('；');
}
