import type { AuditEntryOut } from '../../shared/contracts/org.contract';
import { AUDIT_ACTION_LABELS, type AuditActionKey } from '../../shared/domain/audit.rules';
import { addDays, chinaTime, dayStart } from '../../shared/domain/period.rules';
import { type ActionContext, decodeCursor, encodeCursor, iso } from '../../server';
import { loadUnitInScope } from './org.service';

/** An audit entry as stored (server/audit.ts). */
export interface AuditDoc {
  _id: string;
  at: Date;
  staffId: string | null;
  action: AuditActionKey;
  target: { collection: string; id: string };
  detail: Record<string, unknown>;
  /** the actor's and the record's units; absent on entries written before it was kept (head office reads those) */
  unitPath?: string[];
}

export interface AuditFilter {
  staffId?: string;
  actions?: AuditActionKey[];
  targetId?: string;
  unitId?: string;
  from?: string;
  to?: string;
}

/**
 * The where-clause of a search, newest first by (at, _id): the caller's scope (head office every entry,
 * a branch the entries of its people and records, by the entry's `unitPath`), then who, what, which record,
 * which unit and which days. Each filter leads an index of `auditLog` (database/collections.json).
 */
export async function auditWhere(ctx: ActionContext, f: AuditFilter, cursor?: string): Promise<object> {
  const _ = ctx.db.command;
  const conds: object[] = [];
  // One scope unit (a branch manager's branch) is an equality, so the unitPath index reads in order.
  if (ctx.caller.scope !== 'all') conds.push({ unitPath: ctx.caller.scope.length === 1 ? ctx.caller.scope[0] : _.in(ctx.caller.scope) });
  if (f.unitId) conds.push({ unitPath: (await loadUnitInScope(ctx, f.unitId))._id });
  if (f.staffId) conds.push({ staffId: f.staffId });
  if (f.actions?.length) conds.push({ action: f.actions.length === 1 ? f.actions[0] : _.in(f.actions) });
  if (f.targetId) conds.push({ 'target.id': f.targetId });
  if (f.from) conds.push({ at: _.gte(dayStart(f.from)) });
  if (f.to) conds.push({ at: _.lt(dayStart(addDays(f.to, 1))) });
  if (cursor) {
    const c = decodeCursor(cursor);
    const t = new Date(c.k);
    conds.push({ at: _.lte(t) }, _.or([{ at: _.lt(t) }, { _id: _.lt(c.id) }]));
  }
  return conds.length === 0 ? {} : conds.length === 1 ? conds[0] : _.and(conds);
}

/** One page of entries and the cursor after it. */
export async function auditPage(ctx: ActionContext, f: AuditFilter, limit: number, cursor?: string): Promise<{ rows: AuditDoc[]; nextCursor: string | null }> {
  const where = await auditWhere(ctx, f, cursor);
  const res = await ctx.db.collection('auditLog').where(where).orderBy('at', 'desc').orderBy('_id', 'desc').limit(limit + 1).get();
  const rows = (res.data as AuditDoc[]).slice(0, limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: res.data.length > limit && last ? encodeCursor({ k: new Date(last.at).getTime(), id: last._id }) : null };
}

/** Names of the staff and records the entries name, read in one request per collection. */
async function namesOf(ctx: ActionContext, rows: AuditDoc[]): Promise<{ staff: Map<string, string>; targets: Map<string, string> }> {
  const _ = ctx.db.command;
  const wanted = new Map<string, Set<string>>([['staff', new Set()], ['merchants', new Set()], ['units', new Set()], ['markets', new Set()]]);
  for (const r of rows) {
    if (r.staffId) wanted.get('staff')!.add(r.staffId);
    if (r.target?.id) wanted.get(r.target.collection)?.add(r.target.id);
  }
  const found = new Map<string, Map<string, string>>();
  await Promise.all(
    [...wanted].map(async ([collection, ids]) => {
      const map = new Map<string, string>();
      found.set(collection, map);
      const list = [...ids];
      for (let i = 0; i < list.length; i += 100) {
        const res = await ctx.db.collection(collection).where({ _id: _.in(list.slice(i, i + 100)) }).field({ _id: true, name: true }).limit(1000).get();
        for (const d of res.data as { _id: string; name?: string }[]) if (d.name) map.set(d._id, d.name);
      }
    }),
  );
  const targets = new Map<string, string>();
  for (const [collection, map] of found) for (const [id, name] of map) targets.set(`${collection}|${id}`, name);
  return { staff: found.get('staff')!, targets };
}

/** Entries as the console shows them: the actor's name, the kind in words, the record's name where it has one. */
export async function auditViews(ctx: ActionContext, rows: AuditDoc[]): Promise<AuditEntryOut[]> {
  const names = await namesOf(ctx, rows);
  return rows.map((r) => ({
    id: r._id,
    at: iso(r.at) ?? '',
    action: r.action,
    actionLabel: AUDIT_ACTION_LABELS[r.action] ?? r.action,
    staffId: r.staffId ?? null,
    staffName: r.staffId ? (names.staff.get(r.staffId) ?? null) : null,
    target: { collection: r.target?.collection ?? '', id: r.target?.id ?? '', name: r.target ? (names.targets.get(`${r.target.collection}|${r.target.id}`) ?? null) : null },
    detail: r.detail ?? {},
  }));
}

export const AUDIT_EXPORT_HEADER = ['时间', '操作', '操作代码', '操作人', '操作人编号', '对象类型', '对象编号', '对象名称', '详情'];

/** One entry as the cells of an export row (China time). */
export function auditCells(e: AuditEntryOut): string[] {
  return [chinaTime(e.at, 'YYYY-MM-DD HH:mm:ss'), e.actionLabel, e.action, e.staffName ?? '', e.staffId ?? '', e.target.collection, e.target.id, e.target.name ?? '', JSON.stringify(e.detail)];
}

/** A CSV cell: quoted, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}
