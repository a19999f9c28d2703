import { DASHBOARD_SECTIONS, dashboardInput } from '../../../shared/contracts/stats.contract';
import { defineAction } from '../../../server';
import { computeDashboard, resolveTarget } from '../stats.service';

/** `dashboard`: every §7 metric of a unit or market for a period, with comparisons, drill-down, rankings, trend and targets. */
export const dashboard = defineAction({
  schema: dashboardInput,
  async handler(input, ctx) {
    const target = await resolveTarget(ctx, input);
    return computeDashboard(ctx.db, target, input.period, input.sections ?? DASHBOARD_SECTIONS);
  },
});
