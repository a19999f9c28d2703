import { type TargetsView, targetsInput } from '../../../shared/contracts/metrics.contract';
import { DEFAULT_ASSESSED_INDICATORS, INDICATORS, type Indicator, indicatorValue } from '../../../shared/domain/metrics.rules';
import { defineAction, getDoc } from '../../../server';
import { computeDashboard, resolveTarget, targetsFor } from '../metrics.service';

/**
 * `targets` (考核指标, the 去营销 assessment): the indicators head office assesses (settings `assessedIndicators`, default a
 * fixed list) for a scope and period, each with its target and actual.
 */
export const targets = defineAction({
  schema: targetsInput,
  async handler(input, ctx): Promise<TargetsView> {
    const target = await resolveTarget(ctx, input);
    const view = await computeDashboard(ctx.db, target, input.period, []);
    const settings = await getDoc<{ assessedIndicators?: unknown }>(ctx.db, 'settings', 'global');
    const stored = Array.isArray(settings?.assessedIndicators) ? (settings!.assessedIndicators as unknown[]).filter((x): x is Indicator => (INDICATORS as readonly unknown[]).includes(x)) : [];
    const indicators = stored.length ? stored : DEFAULT_ASSESSED_INDICATORS;
    const targets = target.ref.type === 'unit' ? await targetsFor(ctx.db, target.ref.id, input.period, view.figures) : [];
    return {
      scope: view.scope,
      period: view.period,
      items: indicators.map((metric) => {
        const t = targets.find((x) => x.metric === metric);
        const actual = indicatorValue(view.figures, metric);
        return { metric, actual, target: t?.target ?? null, ratio: t && actual !== null && t.target > 0 ? actual / t.target : null };
      }),
    };
  },
});
