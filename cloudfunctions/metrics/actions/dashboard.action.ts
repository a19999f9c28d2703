import { DEFAULT_DASHBOARD_SECTIONS, dashboardInput } from '../../../shared/contracts/metrics.contract';
import { defineAction } from '../../../server';
import { dashboardFor } from '../metrics.service';

/** `dashboard`: every §7 metric of a unit or market for a period, with comparisons, drill-down, rankings, trend and targets. */
export const dashboard = defineAction({
  schema: dashboardInput,
  async handler(input, ctx) {
    return dashboardFor(ctx, input, input.sections ?? DEFAULT_DASHBOARD_SECTIONS);
  },
});
