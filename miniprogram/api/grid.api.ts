/**
 * Calls behind the grid screens (docs/miniprogram.md "Layout", the grid subpackage): a grid's WeChat groups, a merchant's group, transfers
 * and their suggestion, the merchant timeline, and notices.
 */
import { merchantContract as M, noticeContract as N, orgContract as O } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';

type Shared = typeof import('../vendor/shared');
type In<C, K extends keyof C> = InputOf<C[K]>;
export type WechatGroup = import('../vendor/shared').orgContract.WechatGroupView;
export type WechatGroupList = import('../vendor/shared').orgContract.WechatGroupList;
export type SuggestGrid = import('../vendor/shared').merchantContract.SuggestGridOut;
export type TimelineEvent = import('../vendor/shared').merchantContract.TimelineEvent;
export type TimelinePage = import('../vendor/shared').merchantContract.TimelineOut;
export type Notice = import('../vendor/shared').noticeContract.NoticeView;
export type NoticePage = import('../vendor/shared').noticeContract.NoticePage;
type MerchantOut = import('../vendor/shared').merchantContract.MerchantOut;

/** A grid's WeChat groups with their merchant counts, and how many of its merchants are in none. */
export function fetchWechatGroups(gridId: string): Promise<WechatGroupList> {
  return callAction('org', 'listWechatGroups', parseInput(O.listWechatGroupsInput, { gridId }));
}

/** Creates a group in a grid; `id` (client UUID) makes a retry answer the same group. */
export function createWechatGroup(input: In<Shared['orgContract'], 'createWechatGroupInput'>): Promise<WechatGroup> {
  return callAction('org', 'createWechatGroup', parseInput(O.createWechatGroupInput, input));
}

/** Renames a group. */
export function renameWechatGroup(groupId: string, name: string): Promise<WechatGroup> {
  return callAction('org', 'renameWechatGroup', parseInput(O.renameWechatGroupInput, { groupId, name }));
}

/** Puts a merchant in one of its grid's groups (null: in none). */
export function setMerchantGroup(id: string, wechatGroupId: string | null): Promise<{ merchant: MerchantOut }> {
  return callAction('merchant', 'assign', parseInput(M.assignMerchantInput, { id, wechatGroupId }));
}

/** The grid whose boundary contains the merchant. */
export function suggestGrid(id: string): Promise<SuggestGrid> {
  return callAction('merchant', 'suggestGrid', parseInput(M.suggestGridInput, { id }));
}

/** Moves a merchant to another grid; `transferId` (client UUID) makes a retry answer the first move. */
export function transferMerchant(input: { id: string; toGridId: string; reason?: string; transferId?: string }): Promise<{ merchant: MerchantOut; isReplay: boolean }> {
  return callAction('merchant', 'transfer', parseInput(M.transferMerchantInput, input));
}

/** One page of a merchant's timeline, newest first. */
export function fetchTimeline(id: string, cursor?: string | null, limit = 20): Promise<TimelinePage> {
  return callAction('merchant', 'timeline', parseInput(M.timelineInput, { id, limit, ...(cursor ? { cursor } : {}) }));
}

/** Notices that reach the signed-in staff member (`unread`: only those not yet read). */
export function fetchMyNotices(input: In<Shared['noticeContract'], 'myNoticesInput'> = {}): Promise<NoticePage> {
  return callAction('org', 'myNotices', parseInput(N.myNoticesInput, input));
}

/** Marks a notice read. */
export function readNotice(noticeId: string): Promise<Notice> {
  return callAction('org', 'readNotice', parseInput(N.readNoticeInput, { noticeId }));
}

/** Posts a notice to a unit (head office, branch managers); `id` is the client's UUID. */
export function postNotice(input: In<Shared['noticeContract'], 'postNoticeInput'>): Promise<Notice & { audience: number; readCount: number; isReplay: boolean }> {
  return callAction('org', 'postNotice', parseInput(N.postNoticeInput, input));
}

/** Notices posted under a unit, with how many they reached and how many have read them. */
export function fetchSentNotices(input: In<Shared['noticeContract'], 'sentNoticesInput'> = {}): Promise<NoticePage> {
  return callAction('org', 'sentNotices', parseInput(N.sentNoticesInput, input));
}
