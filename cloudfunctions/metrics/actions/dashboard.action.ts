import { DEFAULT_DASHBOARD_SECTIONS, dashboardInput } from '../../../shared/contracts/metrics.contract';
import { defineAction } from '../../../server';
import { prefetchState } from '../../../server/rollup/state';
import { dashboardFor } from '../metrics.service';

/** `dashboard`: every §7 metric of a unit or market for a period, with comparisons, drill-down, rankings, trend and targets. */
export const dashboard = defineAction({
  schema: dashboardInput,
  // The roll-ups' state (which generation to read) beside the caller's look-up: the reads that need it
  // then go out together with the target's resolution, one round trip after the caller.
  prepare: (_input, ctx) => ({ state: prefetchState(ctx.db) }),
  async handler(input, ctx) {
    await ctx.prepared?.state;
    return dashboardFor(ctx, input, input.sections ?? DEFAULT_DASHBOARD_SECTIONS);
  },
});
