import { init, setPlatformAPI } from '../../vendor/echarts';
import { definePage } from '../../../../utils/page';

/**
 * ECharts on a canvas 2d node. The chart draws on the node's 2d context at the device pixel ratio;
 * touches are forwarded so tooltips work. `option` is the ECharts option; changing it redraws.
 */
definePage<{ _chart?: ReturnType<typeof init> }>()({
  properties: {
    canvasId: { type: String, value: 'ec-canvas' },
    height: { type: Number, value: 240 },
    option: { type: Object, value: {} },
  },
  observers: {
    option(option: Record<string, unknown>) {
      const chart = this._chart;
      if (chart && option) chart.setOption(option, true);
    },
  },
  lifetimes: {
    ready() {
      wx.createSelectorQuery()
        .in(this)
        .select(`#${this.data.canvasId}`)
        .fields({ node: true, size: true })
        .exec((res: any[]) => {
          const hit = res?.[0];
          if (!hit?.node) return this.triggerEvent('error', { message: 'canvas not found' });
          const canvas = hit.node;
          const dpr = wx.getWindowInfo ? wx.getWindowInfo().pixelRatio : 2;
          canvas.width = hit.width * dpr;
          canvas.height = hit.height * dpr;
          // ECharts measures text on a canvas it creates: hand it this node's.
          setPlatformAPI({ createCanvas: () => canvas });
          const chart = init(canvasAdapter(canvas, hit.width, hit.height) as unknown as Parameters<typeof init>[0], undefined, { width: hit.width, height: hit.height, devicePixelRatio: dpr });
          this._chart = chart;
          if (this.data.option) chart.setOption(this.data.option);
          this.triggerEvent('ready', { chart });
        });
    },
    detached() {
      this._chart?.dispose();
    },
  },
});

/** What ECharts expects of a DOM canvas, built on the mini program's canvas node. */
function canvasAdapter(canvas: any, width: number, height: number) {
  const ctx = canvas.getContext('2d');
  return {
    width: canvas.width,
    height: canvas.height,
    style: { width: `${width}px`, height: `${height}px` },
    getContext: () => ctx,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    attachEvent: () => undefined,
    detachEvent: () => undefined,
    setAttribute: () => undefined,
    getBoundingClientRect: () => ({ left: 0, top: 0, width, height, right: width, bottom: height }),
    nodeName: 'CANVAS',
    clientWidth: width,
    clientHeight: height,
  };
}
