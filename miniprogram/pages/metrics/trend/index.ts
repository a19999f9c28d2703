import { fetchDashboard, type TrendPoint } from '../../../api/metrics.api';
import { count, percent } from '../../../utils/format';
import { chinaDay } from '../../../vendor/shared';
import { safeSetData } from '../../../utils/set-data';
import { bankDayOf, requireMe } from '../../../utils/session';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';
import { type ChartLook, chartFont, chartLook, chartLookOf, chartRoom } from '../../../utils/theme';
import { chartLookFollows } from '../../../behaviors/chart-look';

/**
 * ECharts options for the 12-month trend: acquiring and filed lines, visits bars; labels fit 375 px and grow
 * with the text scale (the room for the axis labels with them), in the theme's ink.
 */
export function trendOptions(points: TrendPoint[], look: ChartLook = chartLookOf('light', 1)) {
  const ink = look.ink;
  const AXIS = { axisLabel: { fontSize: chartFont(10, look), color: ink.label }, axisLine: { lineStyle: { color: ink.axis } } };
  const months = points.map((p) => p.month.slice(2).replace('-', '/'));
  return {
    trendOption: {
      color: ['#0052d9', '#2ba471'],
      grid: { left: chartRoom(44, look), right: 12, top: chartRoom(28, look), bottom: chartRoom(24, look) },
      legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 6, textStyle: { fontSize: chartFont(10, look), color: ink.legend }, data: ['收单商户', '建档商户'] },
      tooltip: { trigger: 'axis', confine: true },
      xAxis: { type: 'category', data: months, ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 1 } },
      yAxis: { type: 'value', ...AXIS, splitLine: { lineStyle: { color: ink.split } }, scale: true },
      series: [
        { name: '收单商户', type: 'line', smooth: true, symbolSize: 4, data: points.map((p) => p.acquiring), areaStyle: { opacity: 0.08 } },
        { name: '建档商户', type: 'line', smooth: true, symbolSize: 4, data: points.map((p) => p.filed) },
      ],
    },
    visitOption: {
      color: ['#e37318'],
      grid: { left: chartRoom(40, look), right: 12, top: 12, bottom: chartRoom(24, look) },
      tooltip: { trigger: 'axis', confine: true },
      xAxis: { type: 'category', data: months, ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 1 } },
      yAxis: { type: 'value', ...AXIS, splitLine: { lineStyle: { color: ink.split } } },
      series: [{ name: '走访', type: 'bar', barWidth: '55%', data: points.map((p) => p.visitsTotal), itemStyle: { borderRadius: [3, 3, 0, 0] } }],
    },
  };
}

/** 12-month trend charts (tree-shaken ECharts on canvas 2d) and the monthly table for a unit. */
definePage<{ _points?: TrendPoint[] }>()({
  behaviors: [textScale, loadable, chartLookFollows],
  data: { unitId: '', marketId: '', month: '', unitName: '', trendOption: {}, visitOption: {}, rows: [] as { month: string; acquiring: string; filed: string; coverage: string }[] },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      // The dashboard passes the month it shows; opened on its own, the trend ends at the bank's month.
      const month = /^\d{4}-\d{2}$/.test(query.month ?? '') ? query.month : (await requireMe().then(bankDayOf, () => chinaDay())).slice(0, 7);
      this.setData({ unitId: query.unitId ?? '', marketId: query.marketId ?? '', month, unitName: decodeURIComponent(query.name ?? '') || '本单位' });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
        const target = this.data.marketId ? { marketId: this.data.marketId } : { unitId: this.data.unitId || undefined };
        const d = await fetchDashboard({ ...target, period: this.data.month || chinaDay().slice(0, 7), sections: ['trend'] });
        const points = d.trend ?? [];
        if (!this.data.unitName || this.data.unitName === '本单位') this.setData({ unitName: d.scope.name });
        if (!points.length) return this.setData({ status: 'empty' });
        const rows = [...points].reverse().map((p) => ({ month: p.month, acquiring: count(p.acquiring), filed: count(p.filed), coverage: percent(p.coverage) }));
        this._points = points;
        const look = chartLook();
        await safeSetData(this, { status: 'ready', rows, chartLook: look.key, ...trendOptions(points, look) });
      });
    },
    /** The theme or the text scale changed (behaviors/chart-look): the charts again in the new look. */
    redrawCharts(look: ChartLook) {
      if (this._points) this.setData({ chartLook: look.key, ...trendOptions(this._points, look) });
    },
    onWorkload() {
      wx.navigateTo({ url: `/pages/metrics/workload/index?unitId=${this.data.unitId}` });
    },
  },
});
