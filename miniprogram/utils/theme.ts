/**
 * WeChat's dark mode and the text scale for what WXSS cannot reach: the colours and text sizes a page hands
 * to a canvas (the ECharts charts). The WXSS itself follows app.wxss's variables and `--fs`.
 */
import { CHART_INK, type Theme } from './chart-ink';
import { textScale } from './text-setting';

export { CHART_INK, type Theme };

/** The phone's theme: dark when WeChat is in dark mode (app.json `darkmode`). */
export function phoneTheme(): Theme {
  try {
    const info = (typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()) as { theme?: string };
    return info.theme === 'dark' ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

/** How a chart is drawn on this phone: the theme's ink and the text scale (as the page's text, behaviors/text-scale). */
export interface ChartLook {
  ink: (typeof CHART_INK)[Theme];
  /** the text scale: 1, or up to 1.6 with large text */
  fs: number;
  /** theme and scale, to tell whether a drawn chart is out of date */
  key: string;
}

/** A chart's look for a theme and a text scale. */
export function chartLookOf(theme: Theme, fs: number): ChartLook {
  return { ink: CHART_INK[theme], fs, key: `${theme}|${fs}` };
}

/** The look a chart takes now: the phone's theme and the text scale in force. */
export function chartLook(): ChartLook {
  return chartLookOf(phoneTheme(), textScale());
}

/** A chart's text size (px) at the look's scale. */
export const chartFont = (px: number, look: ChartLook): number => Math.round(px * look.fs * 10) / 10;

/** A chart's room for axis labels (px) at the look's scale. */
export const chartRoom = (px: number, look: ChartLook): number => Math.round(px * look.fs);
