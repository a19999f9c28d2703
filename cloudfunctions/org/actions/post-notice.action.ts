import type { NoticeView } from '../../../shared/contracts/notice.contract';
import { postNoticeInput } from '../../../shared/contracts/notice.contract';
import { NOTICE_POSTER_ROLES } from '../../../shared/domain/notice.rules';
import { AppError, type ActionContext, auditLog, defineAction, getDoc, inTransaction, writeOnce } from '../../../server';
import { loadUnitInScope } from '../org.service';
import { type NoticeDoc, audienceOf, noticeView } from '../notice.service';

/**
 * `postNotice` (head office, branch managers): posts a notice to a unit of the caller's scope — the bank,
 * a branch, a group or a grid. Idempotent on the client's id; audited with the notice in one transaction.
 */
export const postNotice = defineAction({
  schema: postNoticeInput,
  roles: NOTICE_POSTER_ROLES,
  async handler(input, ctx): Promise<NoticeView & { audience: number; readCount: number; isReplay: boolean }> {
    const unit = await loadUnitInScope(ctx, input.unitId);
    return writeOnce(
      async () => {
        const doc: NoticeDoc = {
          _id: input.id,
          unitId: unit._id,
          unitKind: unit.kind,
          unitName: unit.name,
          unitPath: unit.unitPath,
          title: input.title,
          body: input.body,
          postedBy: ctx.caller.staffId,
          postedByName: ctx.caller.name,
          postedAt: ctx.now,
          audience: await audienceOf(ctx.db, unit),
        };
        await inTransaction(ctx.db, async (tx) => {
          await tx.collection('notices').add({ data: doc });
          await auditLog(tx, ctx.caller, 'notice-post', { collection: 'notices', id: doc._id }, { unitId: unit._id, audience: doc.audience }, ctx.now, unit.unitPath);
        });
        return { ...noticeView(doc), audience: doc.audience, readCount: 0, isReplay: false };
      },
      () => replayOf(ctx, input.id),
      () => new AppError('CONFLICT', '该通知编号已被使用', { reason: 'NOTICE.ID_TAKEN' }),
    );
  },
});

async function replayOf(ctx: ActionContext, id: string) {
  const n = await getDoc<NoticeDoc>(ctx.db, 'notices', id);
  if (!n) return null;
  if (n.postedBy !== ctx.caller.staffId) throw new AppError('CONFLICT', '该通知编号已被使用', { reason: 'NOTICE.ID_TAKEN' });
  const reads = await ctx.db.collection('noticeReads').where({ noticeId: n._id }).count();
  return { ...noticeView(n), audience: n.audience, readCount: reads.total, isReplay: true };
}
