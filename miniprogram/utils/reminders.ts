import { config } from '../config';
import { callAction } from '../api/transport';
import { parseInput } from '../api/validate';
import { templatesFor, visitContract as C } from '../vendor/shared';

type Template = keyof typeof config.subscribeTemplates;

/** The reminders each role is offered: its own tasks', and a leader's digest (the server's own rule). */
export function remindersFor(role: string): Template[] {
  return templatesFor(role);
}

/**
 * Asks WeChat for the reminders' subscriptions and tells the server which were accepted (one message each:
 * one-time subscriptions). WeChat shows the panel only from a tap, so call this first thing in a tap handler,
 * before any await. Answers the templates accepted.
 */
export function askReminders(role: string, only?: readonly Template[]): Promise<Template[]> {
  // `only` narrows the panel to some of the role's reminders (the board asks for the digest alone).
  const wanted = remindersFor(role).filter((t) => !only || only.includes(t));
  const ids = wanted.map((t) => config.subscribeTemplates[t]);
  return new Promise<Record<string, string>>((resolve, reject) => {
    if (typeof wx.requestSubscribeMessage !== 'function') return resolve({});
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res: WechatMiniprogram.RequestSubscribeMessageSuccessCallbackResult) => resolve(res as unknown as Record<string, string>),
      fail: (err: WechatMiniprogram.RequestSubscribeMessageFailCallbackResult) => reject(new Error(`没有开启提醒（${err.errMsg}）`)),
    });
  }).then(async (res) => {
    const accepted = wanted.filter((t) => res[config.subscribeTemplates[t]] === 'accept');
    if (accepted.length) await callAction('visit', 'subscribe', parseInput(C.subscribeInput, { accepted }));
    return accepted;
  });
}
