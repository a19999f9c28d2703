/**
 * WeChat's dark mode for what WXSS cannot reach: the colours a page hands to a canvas (the ECharts
 * charts). The WXSS itself follows app.wxss's variables.
 */
export type Theme = 'light' | 'dark';

/** Text, axis and grid-line colours of a chart on a light or a dark card (series colours read on both). */
export const CHART_INK: Record<Theme, { label: string; axis: string; split: string; legend: string }> = {
  light: { label: '#6b7280', axis: '#d0d3d9', split: '#f0f1f3', legend: '#4b5563' },
  dark: { label: '#a2a7af', axis: '#4b4f56', split: '#2a2c30', legend: '#bfc3c9' },
};

/** The phone's theme: dark when WeChat is in dark mode (app.json `darkmode`). */
export function phoneTheme(): Theme {
  try {
    const info = (typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()) as { theme?: string };
    return info.theme === 'dark' ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}
