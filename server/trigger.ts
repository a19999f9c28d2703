import { callerOpenid, getCloud } from './db';

/**
 * Whether this call was made by the function's timer trigger, on the platform's word: CloudBase reports
 * the invocation source as SOURCE `wx_trigger` (getWXContext(), from TCB_SOURCE; Cloud.getWXContext()
 * reference: "wx_trigger 云函数定时触发器调用") and sets TRIGGER_SRC=timer (node-sdk reads it to choose the
 * timer's API token, utils/wxCloudToken.ts). The event body (`{ Type: 'Timer' }`) is the caller's to
 * write and is never taken as proof. A call with a WeChat user is never the timer's, and neither is one
 * chained from it through another function (SOURCE `wx_trigger,scf`).
 */
export function isTimerCall(): boolean {
  if (callerOpenid()) return false;
  const ctx = getCloud().getWXContext() as unknown as { SOURCE?: unknown };
  const source = typeof ctx.SOURCE === 'string' && ctx.SOURCE ? ctx.SOURCE : process.env.TCB_SOURCE || '';
  if (source) return source === 'wx_trigger';
  return process.env.TRIGGER_SRC === 'timer';
}
