import { subscribeInput } from '../../../shared/contracts/visit.contract';
import { defineAction } from '../../../server';

/**
 * `subscribe`: records the reminder templates the caller just accepted in wx.requestSubscribeMessage. A
 * one-time subscription allows one message, so each acceptance adds one to the caller's count for that
 * template and each reminder sent uses one (server/notify.ts).
 */
export const subscribe = defineAction({
  schema: subscribeInput,
  async handler(input, ctx) {
    const _ = ctx.db.command;
    const accepted = [...new Set(input.accepted)];
    if (accepted.length) {
      await ctx.db.collection('staff').doc(ctx.caller.staffId).update({ data: Object.fromEntries(accepted.map((t) => [`subscriptions.${t}`, _.inc(1)])) });
    }
    return { accepted };
  },
});
