import type { NoticePage } from '../../../shared/contracts/notice.contract';
import { myNoticesInput } from '../../../shared/contracts/notice.contract';
import { defineAction } from '../../../server';
import { callerNoticeUnits, noticePage, noticeView, readId } from '../notice.service';

/** Pages read for unread notices before answering with fewer than asked (a long run of read ones). */
const MAX_PAGES = 5;

/**
 * `myNotices` (every role; the workbench): notices posted to a unit on the path of the caller's home unit or
 * assigned grids, newest first, each with whether the caller has read it; `unread: true` keeps the unread ones.
 */
export const myNotices = defineAction({
  schema: myNoticesInput,
  async handler(input, ctx): Promise<NoticePage> {
    const _ = ctx.db.command;
    const reaching = await callerNoticeUnits(ctx);
    const units = input.unitId ? reaching.filter((u) => u === input.unitId) : reaching;
    if (!units.length) return { items: [], nextCursor: null };
    const limit = input.limit ?? 20;
    const items: NoticePage['items'] = [];
    let cursor = input.cursor;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await noticePage(ctx.db, { unitId: _.in(units) }, cursor, limit);
      const ids = page.rows.map((n) => readId(n._id, ctx.caller.staffId));
      const read = ids.length ? new Set((await ctx.db.collection('noticeReads').where({ _id: _.in(ids) }).field({ noticeId: true }).limit(ids.length).get()).data.map((r: { noticeId: string }) => r.noticeId)) : new Set<string>();
      for (const n of page.rows) {
        const isRead = read.has(n._id);
        if (!input.unread || !isRead) items.push({ ...noticeView(n), isRead });
      }
      cursor = page.nextCursor ?? undefined;
      if (!input.unread || !cursor || items.length >= limit) return { items, nextCursor: page.nextCursor };
    }
    return { items, nextCursor: cursor ?? null };
  },
});
