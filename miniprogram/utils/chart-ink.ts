/** A phone's theme: WeChat's light or dark mode (app.json `darkmode`). */
export type Theme = 'light' | 'dark';

/** Text, axis and grid-line colours of a chart on a light or a dark card (series colours read on both). */
export const CHART_INK: Record<Theme, { label: string; axis: string; split: string; legend: string }> = {
  light: { label: '#6b7280', axis: '#d0d3d9', split: '#f0f1f3', legend: '#4b5563' },
  dark: { label: '#a2a7af', axis: '#4b4f56', split: '#2a2c30', legend: '#bfc3c9' },
};
