import { rebuildInput } from '../../../shared/contracts/stats.contract';
import { defineAction } from '../../../server';
import { rebuildRollups } from '../../../server/rollup';

/** `rebuild` (head office): recomputes every roll-up from the raw records (the repair after a reported difference). */
export const rebuild = defineAction({
  schema: rebuildInput,
  roles: ['hq'],
  async handler(input, ctx) {
    return rebuildRollups(ctx.db, { parts: input.parts });
  },
});
