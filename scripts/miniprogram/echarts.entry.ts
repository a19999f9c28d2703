/**
 * The ECharts the metrics subpackage ships: core, line and bar charts, the components the dashboards use and
 * the canvas renderer — nothing else (bundled by scripts/build-miniprogram.ts).
 */
import * as echarts from 'echarts/core';
import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, CanvasRenderer]);

export const { init, use, registerTheme, setPlatformAPI } = echarts;
export { echarts };
