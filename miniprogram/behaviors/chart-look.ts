import { type ChartLook, chartLook } from '../utils/theme';
import { defineBehavior } from '../utils/page';

/**
 * Charts that follow the phone as the page's text does: when the page shows again after the text size
 * changed on 我的, or when WeChat turns dark mode on or off while the page is open, the page's
 * `redrawCharts(look)` draws its charts again in the new look (utils/theme chartLook). `chartLook` holds
 * the key of the look the charts were drawn in ('' before the first drawing).
 */
export const chartLookFollows = defineBehavior<{ _offTheme?: () => void }>()({
  data: { chartLook: '' },
  lifetimes: {
    attached() {
      if (typeof wx.onThemeChange !== 'function') return;
      const follow = () => this.followChartLook();
      wx.onThemeChange(follow);
      this._offTheme = () => {
        if (typeof wx.offThemeChange === 'function') wx.offThemeChange(follow);
      };
    },
    detached() {
      this._offTheme?.();
    },
  },
  pageLifetimes: {
    show() {
      this.followChartLook();
    },
  },
  methods: {
    followChartLook(): void {
      if (!this.data.chartLook) return;
      const look = chartLook();
      const page = this as unknown as { redrawCharts?: (look: ChartLook) => void };
      if (look.key !== this.data.chartLook) page.redrawCharts?.(look);
    },
  },
});
