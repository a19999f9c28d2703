import { fetchRoute, type RouteOutput, type RouteStopOut } from '../../api/route.api';
import { describeError } from '../../utils/errors';
import { CHECK_LABELS, TASK_KIND_LABELS } from '../../utils/labels';
import { type Fix, LocationError, getPosition } from '../../utils/location';
import { PrivacyRefused } from '../../utils/privacy';
import { definePage } from '../../utils/page';
import { safeSetData } from '../../utils/set-data';
import { walkingMeters } from '../../vendor/shared';
import { textScale } from '../../behaviors/text-scale';

type Point = { lng: number; lat: number };

/** Metres as the list shows them: 850 米, 1.3 公里. */
export function metresLabel(m: number): string {
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(1)} 公里`;
}

/** What is due at a stop, in one line: its tasks, then the monthly revisit. */
function dueLine(s: RouteStopOut): string {
  const parts = s.tasks.map((t) => `${TASK_KIND_LABELS[t.kind] ?? t.kind}${t.check ? `（${CHECK_LABELS[t.check] ?? t.check}）` : ''}${t.isOverdue ? ' · 已逾期' : ''}`);
  if (s.revisitDue) parts.push('本月回访');
  return parts.join('、');
}

/** The stops in walking order from `from`, each with its leg; and the walk's total (walking estimate, shared rule). */
export function toRouteRows(from: Point | null, stops: RouteStopOut[]) {
  let at: [number, number] | null = from && [from.lng, from.lat];
  let total = 0;
  const rows = stops.map((s, i) => {
    const p: [number, number] = [s.location!.lng, s.location!.lat];
    // Without a start (location refused) the stops are listed as found: no legs to measure.
    const leg = at ? walkingMeters(at, p) : null;
    total += leg ?? 0;
    at = at && p;
    return {
      merchantId: s.merchantId,
      n: i + 1,
      name: s.name,
      address: s.address ?? '',
      due: dueLine(s),
      overdue: s.tasks.some((t) => t.isOverdue),
      taskId: s.tasks[0]?.id ?? '',
      legLabel: leg === null ? '' : metresLabel(leg),
    };
  });
  return { rows, totalM: total };
}

/** Numbered pins for the stops and one line through them from where I stand. */
export function toMapData(from: Point | null, stops: RouteStopOut[]) {
  const markers = stops.map((s, i) => ({
    id: i + 1,
    latitude: s.location!.lat,
    longitude: s.location!.lng,
    width: 24,
    height: 32,
    label: { content: String(i + 1), fontSize: 12, color: '#ffffff', bgColor: '#0052d9', padding: 4, borderRadius: 10, anchorX: -8, anchorY: -52 },
    callout: { content: s.name, fontSize: 12, padding: 6, borderRadius: 6, display: 'BYCLICK' },
  }));
  const polyline = stops.length && from
    ? [{ points: [{ latitude: from.lat, longitude: from.lng }, ...stops.map((s) => ({ latitude: s.location!.lat, longitude: s.location!.lng }))], color: '#0052d9', width: 4, arrowLine: true }]
    : [];
  return { markers, polyline };
}

/**
 * 今日路线: my due tasks and revisits on a map and as a walk from where I stand (nearest neighbour with
 * 2-opt, planned by the server); I can move a stop up or down and start each visit from here.
 */
definePage<{ _route?: RouteOutput; _stops?: RouteStopOut[] }>()({
  behaviors: [textScale],
  data: {
    status: 'loading',
    error: '',
    center: { lat: 32.93, lng: 119.84 },
    markers: [] as ReturnType<typeof toMapData>['markers'],
    polyline: [] as ReturnType<typeof toMapData>['polyline'],
    rows: [] as ReturnType<typeof toRouteRows>['rows'],
    unlocated: [] as { merchantId: string; name: string; due: string; taskId: string }[],
    totalLabel: '',
    naiveLabel: '',
    reordered: false,
    truncated: false,
    /** why the stops are not ordered as a walk (location refused); empty when they are */
    unplanned: '',
    needsSetting: false,
  },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  methods: {
    async load() {
      this.setData({ status: 'loading', error: '', unplanned: '', needsSetting: false });
      try {
        // Location refused (or the privacy prompt declined): the day's stops still come, unordered, with
        // 去设置. A fix that is only unavailable for now is retried instead.
        let fix: Fix | null = null;
        let refused: LocationError | PrivacyRefused | null = null;
        try {
          fix = await getPosition();
        } catch (err) {
          if (!((err instanceof LocationError && err.needsSetting) || err instanceof PrivacyRefused)) throw err;
          refused = err;
        }
        const route: RouteOutput = await fetchRoute(fix ? { from: { lng: fix.lng, lat: fix.lat } } : {});
        this._route = route;
        this._stops = route.stops.slice();
        const unlocated = route.unlocated.map((s) => ({ merchantId: s.merchantId, name: s.name, due: dueLine(s), taskId: s.tasks[0]?.id ?? '' }));
        const first = route.from ?? route.stops[0]?.location;
        await safeSetData(this, {
          status: route.stops.length || unlocated.length ? 'ready' : 'empty',
          ...(first ? { center: { lat: first.lat, lng: first.lng } } : {}),
          unplanned: refused ? `${refused.message} 未规划步行路线：以下按到期顺序列出。` : '',
          needsSetting: refused instanceof LocationError,
          naiveLabel: route.naiveDistanceM === null ? '' : metresLabel(route.naiveDistanceM),
          unlocated,
          truncated: route.truncated,
          reordered: false,
        });
        await this.show();
      } catch (err) {
        this.setData({ status: 'error', error: err instanceof LocationError ? err.message : describeError(err) });
      }
    },
    /** Redraws list, pins, line and total for the current order. */
    async show() {
      const route = this._route;
      const stops = this._stops;
      if (!route || !stops) return;
      const { rows, totalM } = toRouteRows(route.from, stops);
      await safeSetData(this, { rows, totalLabel: metresLabel(totalM), ...toMapData(route.from, stops) });
    },
    onOpenSetting() {
      // Back from the settings page with the location allowed, the walk is planned.
      wx.openSetting({ success: (r) => r.authSetting['scope.userLocation'] && void this.load() });
    },
    move(i: number, by: number) {
      const stops = this._stops;
      if (!stops) return;
      const j = i + by;
      if (j < 0 || j >= stops.length) return;
      [stops[i], stops[j]] = [stops[j], stops[i]];
      this.setData({ reordered: true });
      void this.show();
    },
    onUp(e: WechatMiniprogram.TouchEvent) {
      this.move(Number(e.currentTarget.dataset.index), -1);
    },
    onDown(e: WechatMiniprogram.TouchEvent) {
      this.move(Number(e.currentTarget.dataset.index), 1);
    },
    /** 开始走访: the visit page, as from the task list (with the stop's first task), or a revisit. */
    onStart(e: WechatMiniprogram.TouchEvent) {
      const { merchant, task } = e.currentTarget.dataset as { merchant: string; task: string };
      wx.navigateTo({ url: task ? `/pages/visit/revisit/index?merchantId=${merchant}&taskId=${task}` : `/pages/visit/revisit/index?merchantId=${merchant}` });
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
