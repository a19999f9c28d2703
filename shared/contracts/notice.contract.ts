/**
 * Contract of the announcements (通知, docs/domain.md §2), served by the `org` function: head office and branch
 * managers post a notice to a unit; staff under it read it on the workbench until they have read it.
 */
import { z } from 'zod';
import { clientIdSchema, idSchema, pagingShape, text } from './common.contract';

/** `postNotice`: `id` is the client's UUID, so a retried post stores one notice. */
export const postNoticeInput = z.strictObject({
  id: clientIdSchema,
  unitId: idSchema,
  title: text(60, '标题'),
  body: text(2000, '正文'),
});

/**
 * `myNotices`: the notices that reach the caller, newest first; `unread` keeps the ones not yet read, `unitId`
 * the ones posted to that unit (none when notices to it do not reach the caller).
 */
export const myNoticesInput = z.strictObject({ unread: z.boolean({ error: '需要 true/false' }).optional(), unitId: idSchema.optional(), ...pagingShape });

/** `readNotice`: marks one notice read by the caller (again: nothing changes). */
export const readNoticeInput = z.strictObject({ noticeId: idSchema });

/** `sentNotices`: notices posted to units in the caller's scope, with their read counts. */
export const sentNoticesInput = z.strictObject({ unitId: idSchema.optional(), ...pagingShape });

export interface NoticeView {
  id: string;
  unitId: string;
  unitName: string;
  unitKind: 'bank' | 'branch' | 'group' | 'grid';
  title: string;
  body: string;
  postedBy: string;
  postedByName: string;
  postedAt: string;
  /** for the reader: whether they have read it */
  isRead?: boolean;
  /** for the poster's list: staff it reached when posted, and how many have read it */
  audience?: number;
  readCount?: number;
}

export interface NoticePage {
  items: NoticeView[];
  nextCursor: string | null;
}
