import { readNoticeInput } from '../../../shared/contracts/notice.contract';
import { defineAction, getDoc, isDuplicateKey, notFound } from '../../../server';
import { type NoticeDoc, callerNoticeUnits, noticeView, readId } from '../notice.service';

/**
 * `readNotice`: the caller has read a notice that reaches them. The mark's id is the notice and the reader,
 * so reading again (or a retry) adds nothing and the read count stays exact.
 */
export const readNotice = defineAction({
  schema: readNoticeInput,
  async handler(input, ctx) {
    const n = await getDoc<NoticeDoc>(ctx.db, 'notices', input.noticeId);
    // A notice that does not reach the caller is answered as one that does not exist: nothing of it is named.
    if (!n || !(await callerNoticeUnits(ctx)).includes(n.unitId)) throw notFound('通知', 'NOTICE.NOT_FOUND');
    try {
      await ctx.db.collection('noticeReads').add({ data: { _id: readId(n._id, ctx.caller.staffId), noticeId: n._id, staffId: ctx.caller.staffId, at: ctx.now } });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    return { ...noticeView(n), isRead: true };
  },
});
