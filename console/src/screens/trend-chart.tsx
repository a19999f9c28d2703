/** The dashboard's 12-month trend (ECharts, only the parts it draws: a line chart on canvas). */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { TrendPoint } from '../../../shared/contracts/metrics.contract';
import { INDICATOR_LABELS } from '../../../shared/domain/labels';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export default function TrendChart({ points }: { points: TrendPoint[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    chart.setOption({
      // Drawn at once: the line is read against the table beside it, and a screenshot shows every month.
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: points.map((p) => p.month) },
      yAxis: [
        { type: 'value', name: '户' },
        { type: 'value', name: '覆盖率', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, max: 1, min: 0 },
      ],
      series: [
        { name: INDICATOR_LABELS.acquiring, type: 'line', data: points.map((p) => p.acquiring) },
        { name: INDICATOR_LABELS.filed, type: 'line', data: points.map((p) => p.filed) },
        { name: INDICATOR_LABELS.visitsTotal, type: 'line', data: points.map((p) => p.visitsTotal) },
        { name: INDICATOR_LABELS.coverage, type: 'line', yAxisIndex: 1, data: points.map((p) => p.coverage) },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [points]);
  return <div ref={el} className="c-chart" role="img" aria-label="近十二个月趋势" />;
}
