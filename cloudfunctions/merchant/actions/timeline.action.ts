import { type TimelineEvent, type TimelineOut, timelineInput } from '../../../shared/contracts/merchant.contract';
import { CHECK_LABELS, IMPORT_KIND_LABELS, LIFECYCLE_CLASS_LABELS, TASK_KIND_LABELS, VISIT_TYPE_LABELS, fieldLabel, industryLabel, labelOf } from '../../../shared/domain/labels';
import { maskIdNumber, maskMobile } from '../../../shared/domain/mask.rules';
import { type FieldChange, HISTORY_KIND, type TimelinePosition, changeLine, compareTimeline, isAfter } from '../../../shared/domain/timeline.rules';
import { type Db, decodeCursor, defineAction, encodeCursor, loadUnits } from '../../../server';
import { loadMerchantInScope } from '../../../server/merchant';

/**
 * Rows read from each source beyond the page: rows at the cursor's very instant that were already shown
 * are dropped after the read, and one write stamps at most twenty documents with one instant (a CloudBase
 * transaction's limit, docs/rollups.md), so this many spare rows always cover them.
 */
const TIE_SLACK = 20;
/** Months of imported figures read per kind: eight years of monthly files. */
const IMPORT_MONTHS = 100;

type Raw = TimelinePosition & Omit<TimelineEvent, 'at' | 'key' | 'byName'>;

/**
 * `timeline`: every event of a merchant's file, newest first: filing, edits (fields, by whom), completion,
 * products, market/group, transfers, visits, tasks opened and closed, class changes and the imports whose
 * figures touched it. Each source is read on its own `merchantId` index from the cursor on and the reads
 * are merged, so a page costs the same at any depth.
 */
export const timeline = defineAction({
  schema: timelineInput,
  async handler(input, ctx): Promise<TimelineOut> {
    const m = await loadMerchantInScope(ctx, input.id);
    const limit = input.limit ?? 20;
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    const from: TimelinePosition | null = cursor ? { at: cursor.k, key: cursor.id } : null;
    const per = limit + TIE_SLACK + 1;
    const sources = await Promise.all([
      history(ctx.db, m._id, from, per),
      visits(ctx.db, m._id, from, per),
      classes(ctx.db, m._id, from, per),
      tasksOpened(ctx.db, m._id, from, per),
      tasksClosed(ctx.db, m._id, from, per),
      imports(ctx.db, m._id),
    ]);
    // A source that filled its read may have older rows not read: nothing past its last row is certain.
    let horizon: TimelinePosition | null = null;
    for (const s of sources) {
      if (!s.full || !s.rows.length) continue;
      const last = s.rows[s.rows.length - 1];
      if (!horizon || compareTimeline(last, horizon) < 0) horizon = last;
    }
    const h = horizon;
    const rows = sources
      .flatMap((s) => s.rows)
      .filter((r) => (!from || isAfter(r, from)) && (!h || compareTimeline(r, h) <= 0))
      .sort(compareTimeline);
    const page = rows.slice(0, limit);
    const more = rows.length > limit || h !== null;
    const names = await staffNames(ctx.db, page.map((r) => r.byStaffId));
    const grids = await loadUnits(ctx.db, [...new Set(page.flatMap((r) => [r.detail.fromGridId, r.detail.toGridId]).filter((g): g is string => typeof g === 'string'))]);
    const named = await changeNames(ctx.db, page);
    const items = page.map((r) => {
      const detail = { ...r.detail };
      let summary = r.summary;
      if (r.kind === 'transfer') {
        detail.fromGridName = grids.get(String(detail.fromGridId))?.name ?? null;
        detail.toGridName = grids.get(String(detail.toGridId))?.name ?? null;
        summary = `${detail.fromGridName ?? '—'} → ${detail.toGridName ?? '—'}${detail.reason ? `（${detail.reason}）` : ''}`;
      }
      if (Array.isArray(detail.changes)) {
        const changes = (detail.changes as FieldChange[]).map((c) => shownChange(c, named));
        detail.changes = changes;
        if (changes.length) summary = changeLine(changes);
      }
      return { key: r.key, kind: r.kind, at: new Date(r.at).toISOString(), byStaffId: r.byStaffId, byName: r.byStaffId ? (names.get(r.byStaffId) ?? null) : null, summary, detail };
    });
    const last = page[page.length - 1];
    return { items, nextCursor: more && last ? encodeCursor({ k: last.at, id: last.key }) : null };
  },
});

interface Source {
  rows: Raw[];
  /** the read returned as many rows as it asked for: there may be older ones */
  full: boolean;
}

const ms = (d: unknown): number => (d instanceof Date ? d.getTime() : new Date(d as string).getTime());

/** Rows of `collection` for the merchant with `field` at or before the cursor's instant, newest first. */
async function readFrom(db: Db, collection: string, field: string, where: Record<string, unknown>, from: TimelinePosition | null, per: number): Promise<{ data: any[]; full: boolean }> {
  const _ = db.command;
  const cond = { ...where, [field]: from ? _.lte(new Date(from.at)) : _.exists(true) };
  const res = await db.collection(collection).where(cond).orderBy(field, 'desc').limit(per).get();
  return { data: res.data, full: res.data.length >= per };
}

async function history(db: Db, merchantId: string, from: TimelinePosition | null, per: number): Promise<Source> {
  const { data, full } = await readFrom(db, 'merchantHistory', 'at', { merchantId }, from, per);
  const rows = data.map((h): Raw => {
    const kind = HISTORY_KIND[h.change] ?? 'edit';
    const fields: string[] = h.fields ?? [];
    // Entries written before values were kept list the fields by name; newer ones are told from `changes`.
    const names = fields.map((f) => fieldLabel(f, 'merchant')).join('、');
    const summary = kind === 'edit' ? `修改：${names || '档案'}` : kind === 'assigned' ? `调整：${names}` : kind === 'filing' ? '建立商户档案' : kind === 'completed' ? '档案已完整' : kind === 'products' ? '更新产品持有情况' : kind === 'archived' ? `停业或迁出（${h.day ?? ''}）` : kind === 'reopened' ? `恢复营业（${h.day ?? ''}）` : '';
    const detail: Record<string, unknown> = { change: h.change };
    for (const k of ['fields', 'changes', 'fromGridId', 'toGridId', 'reason', 'againstBoundary', 'suggestedGridId', 'day', 'note']) if (h[k] !== undefined && h[k] !== null) detail[k] = h[k];
    return { at: ms(h.at), key: `history:${h._id}`, kind, byStaffId: h.byStaffId ?? null, summary, detail };
  });
  return { rows, full };
}

async function visits(db: Db, merchantId: string, from: TimelinePosition | null, per: number): Promise<Source> {
  const { data, full } = await readFrom(db, 'visits', 'at', { merchantId }, from, per);
  const rows = data.map((v): Raw => {
    const failed = (v.checks ?? []).filter((c: { result: string }) => c.result === 'fail').map((c: { item: string }) => labelOf(CHECK_LABELS, c.item));
    const parts = [labelOf(VISIT_TYPE_LABELS, v.type)];
    if (v.checks?.length) parts.push(failed.length ? `不通过：${failed.join('、')}` : '六项检查通过');
    if (v.isFlagged) parts.push('距离异常');
    return { at: ms(v.at), key: `visit:${v._id}`, kind: 'visit', byStaffId: v.staffId ?? null, summary: parts.join('，'), detail: { visitId: v._id, type: v.type, isFlagged: Boolean(v.isFlagged), outcome: v.outcome ?? null, failedChecks: failed.length } };
  });
  return { rows, full };
}

async function classes(db: Db, merchantId: string, from: TimelinePosition | null, per: number): Promise<Source> {
  const { data, full } = await readFrom(db, 'classHistory', 'at', { merchantId }, from, per);
  const rows = data.map((c): Raw => ({
    at: ms(c.at),
    key: `class:${c._id}`,
    kind: 'class',
    byStaffId: null,
    summary: `${labelOf(LIFECYCLE_CLASS_LABELS, c.from)} → ${labelOf(LIFECYCLE_CLASS_LABELS, c.to)}${c.detail ? `（${c.detail}）` : ''}`,
    detail: { from: c.from ?? null, to: c.to, reason: c.reason ?? null },
  }));
  return { rows, full };
}

function taskLabel(t: { kind: string; check?: string }): string {
  return `${labelOf(TASK_KIND_LABELS, t.kind)}${t.check ? `：${labelOf(CHECK_LABELS, t.check)}` : ''}`;
}

async function tasksOpened(db: Db, merchantId: string, from: TimelinePosition | null, per: number): Promise<Source> {
  const { data, full } = await readFrom(db, 'tasks', 'createdAt', { merchantId }, from, per);
  const rows = data.map((t): Raw => ({
    at: ms(t.createdAt),
    key: `task:${t._id}:opened`,
    kind: 'task-opened',
    byStaffId: t.openedBy?.staffId ?? null,
    summary: taskLabel(t),
    detail: { taskId: t._id, taskKind: t.kind, check: t.check ?? null, visitId: t.openedBy?.visitId ?? null },
  }));
  return { rows, full };
}

async function tasksClosed(db: Db, merchantId: string, from: TimelinePosition | null, per: number): Promise<Source> {
  const { data, full } = await readFrom(db, 'tasks', 'closedAt', { merchantId, status: 'done' }, from, per);
  const rows = data.map((t): Raw => ({
    at: ms(t.closedAt),
    key: `task:${t._id}:closed`,
    kind: 'task-closed',
    byStaffId: t.closedBy ?? null,
    summary: taskLabel(t),
    detail: { taskId: t._id, taskKind: t.kind, check: t.check ?? null, closedByVisitId: t.closedByVisitId ?? null, closeReason: t.closeReason ?? null },
  }));
  return { rows, full };
}

/**
 * The imports whose figures touched the merchant: its rows of each kind on `merchantId_1_month_1` (one per
 * month once a replaced version is cleaned up), then their jobs by id. Bounded by IMPORT_MONTHS per kind.
 */
async function imports(db: Db, merchantId: string): Promise<Source> {
  const _ = db.command;
  const kinds = ['transactions', 'credits', 'deposits'] as const;
  const reads = await Promise.all(kinds.map((c) => db.collection(c).where({ merchantId }).orderBy('month', 'desc').limit(IMPORT_MONTHS).field({ importId: true, month: true }).get()));
  const jobIds = [...new Set(reads.flatMap((r) => r.data.map((d: { importId?: string }) => d.importId)).filter((id): id is string => Boolean(id)))];
  if (!jobIds.length) return { rows: [], full: false };
  const jobs = (await db.collection('imports').where({ _id: _.in(jobIds), status: 'done' }).field({ kind: true, period: true, byStaffId: true, createdAt: true, finishedAt: true }).limit(jobIds.length).get()).data;
  const rows = jobs.map((j: any): Raw => ({
    at: ms(j.finishedAt ?? j.createdAt),
    key: `import:${j._id}`,
    kind: 'import',
    byStaffId: j.byStaffId ?? null,
    summary: `${labelOf(IMPORT_KIND_LABELS, j.kind)} ${j.period}`,
    detail: { importId: j._id, importKind: j.kind, period: j.period },
  }));
  return { rows, full: false };
}

/** Personal data in a change is shown masked, whatever an entry holds (it is stored masked already). */
const MASKS: Partial<Record<string, (v: string) => string>> = { 'operator.mobile': maskMobile, 'operator.idNumber': maskIdNumber };

/** The names of the markets and groups that the page's edits moved a merchant between, one read each. */
async function changeNames(db: Db, page: Raw[]): Promise<Map<string, string>> {
  const ids = { marketId: new Set<string>(), wechatGroupId: new Set<string>() };
  for (const r of page) {
    for (const c of (Array.isArray(r.detail.changes) ? r.detail.changes : []) as FieldChange[]) {
      if (c.field === 'marketId' || c.field === 'wechatGroupId') for (const v of [c.from, c.to]) if (v) ids[c.field].add(v);
    }
  }
  const out = new Map<string, string>();
  const read = async (collection: string, want: Set<string>) => {
    if (!want.size) return;
    const res = await db.collection(collection).where({ _id: db.command.in([...want]) }).field({ name: true }).limit(want.size).get();
    for (const d of res.data as { _id: string; name: string }[]) out.set(d._id, d.name);
  };
  await Promise.all([read('markets', ids.marketId), read('wechatGroups', ids.wechatGroupId)]);
  return out;
}

/** A stored change as the timeline shows it: the field's label and its values by name, personal data masked. */
function shownChange(c: FieldChange, named: Map<string, string>): FieldChange & { label: string } {
  const show = (v: string | null): string | null => {
    if (v === null) return null;
    if (c.field === 'industry') return industryLabel(v);
    if (c.field === 'marketId' || c.field === 'wechatGroupId') return named.get(v) ?? v;
    const mask = MASKS[c.field];
    return mask && !v.includes('*') ? mask(v) : v;
  };
  return { field: c.field, label: fieldLabel(c.field, 'merchant'), from: show(c.from), to: show(c.to) };
}

/** Staff names by id, one read. */
async function staffNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (!want.length) return new Map();
  const res = await db.collection('staff').where({ _id: db.command.in(want) }).field({ name: true }).limit(want.length).get();
  return new Map(res.data.map((s: { _id: string; name: string }) => [s._id, s.name]));
}
