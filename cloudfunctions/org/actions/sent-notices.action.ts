import type { NoticePage } from '../../../shared/contracts/notice.contract';
import { sentNoticesInput } from '../../../shared/contracts/notice.contract';
import { NOTICE_POSTER_ROLES } from '../../../shared/domain/notice.rules';
import { defineAction } from '../../../server';
import { loadUnitInScope } from '../org.service';
import { noticePage, noticeView } from '../notice.service';

/**
 * `sentNotices` (head office, branch managers): notices posted to units under `unitId` (default the caller's
 * home unit), newest first, each with the staff it reached and how many have read it. A read count is a count
 * of the notice's read marks on `noticeId_1`: readers write only their own mark, never a shared counter.
 */
export const sentNotices = defineAction({
  schema: sentNoticesInput,
  roles: NOTICE_POSTER_ROLES,
  async handler(input, ctx): Promise<NoticePage> {
    const unit = await loadUnitInScope(ctx, input.unitId ?? ctx.caller.unitId);
    const page = await noticePage(ctx.db, { unitPath: unit._id }, input.cursor, input.limit ?? 20);
    const counts = await Promise.all(page.rows.map((n) => ctx.db.collection('noticeReads').where({ noticeId: n._id }).count()));
    return { items: page.rows.map((n, i) => ({ ...noticeView(n), audience: n.audience, readCount: counts[i].total })), nextCursor: page.nextCursor };
  },
});
