import type { NoticeView } from '../../shared/contracts/notice.contract';
import { noticeAudienceUnits } from '../../shared/domain/notice.rules';
import { type ActionContext, type Db, type UnitDoc, decodeCursor, encodeCursor, getAll, iso, loadUnits } from '../../server';

/** A stored notice (collection `notices`). */
export interface NoticeDoc {
  _id: string;
  unitId: string;
  unitKind: UnitDoc['kind'];
  unitName: string;
  /** the path of the unit posted to: managers list notices under a unit of their scope by it */
  unitPath: string[];
  title: string;
  body: string;
  postedBy: string;
  postedByName: string;
  postedAt: Date;
  /** active staff it reached when posted */
  audience: number;
}

export function noticeView(n: NoticeDoc): NoticeView {
  return {
    id: n._id,
    unitId: n.unitId,
    unitName: n.unitName,
    unitKind: n.unitKind,
    title: n.title,
    body: n.body,
    postedBy: n.postedBy,
    postedByName: n.postedByName,
    postedAt: iso(n.postedAt) ?? '',
  };
}

/** The `_id` of a reader's read mark: one per notice and reader, so a repeated read writes nothing new. */
export function readId(noticeId: string, staffId: string): string {
  return `${noticeId}|${staffId}`;
}

/** The units whose notices reach the caller: the paths of their home unit and assigned grids. */
export async function callerNoticeUnits(ctx: ActionContext): Promise<string[]> {
  const grids = await loadUnits(ctx.db, ctx.caller.gridIds ?? []);
  return noticeAudienceUnits(ctx.caller.unitPath, [...grids.values()].map((g) => g.unitPath));
}

/** Active staff a notice to `unit` reaches: home unit under it, or an assigned grid under it. */
export async function audienceOf(db: Db, unit: UnitDoc): Promise<number> {
  const _ = db.command;
  const home = await getAll<{ _id: string }>(db, 'staff', { unitPath: unit._id, status: 'active' }, 20000);
  const grids = unit.kind === 'grid' ? [unit._id] : (await getAll<{ _id: string }>(db, 'units', { unitPath: unit._id, kind: 'grid' }, 20000)).map((g) => g._id);
  const ids = new Set(home.map((s) => s._id));
  for (let i = 0; i < grids.length; i += 100) {
    const working = await getAll<{ _id: string }>(db, 'staff', { gridIds: _.in(grids.slice(i, i + 100)), status: 'active' }, 20000);
    for (const s of working) ids.add(s._id);
  }
  return ids.size;
}

/** One page of notices matching `where`, newest first, continued from the cursor (postedAt, then _id). */
export async function noticePage(db: Db, where: Record<string, unknown>, cursor: string | undefined, limit: number): Promise<{ rows: NoticeDoc[]; nextCursor: string | null }> {
  const _ = db.command;
  const conds: Record<string, unknown>[] = [where];
  if (cursor) {
    const c = decodeCursor(cursor);
    const t = new Date(c.k);
    conds.push({ postedAt: _.lte(t) }, _.or([{ postedAt: _.lt(t) }, { _id: _.lt(c.id) }]));
  }
  const res = await db.collection('notices').where(_.and(conds)).orderBy('postedAt', 'desc').orderBy('_id', 'desc').limit(limit + 1).get();
  const rows = res.data as NoticeDoc[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor({ k: new Date(last.postedAt).getTime(), id: last._id }) : null };
}
