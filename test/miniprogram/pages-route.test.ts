/** @jest-environment jsdom */
import { answerCalls, calls, find, flush, mount, resetApp, tap } from './harness';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

const FROM = { lng: 119.8426, lat: 32.9396 };
const stop = (id: string, name: string, lng: number, over: Record<string, unknown> = {}) => ({
  merchantId: id, name, gridId: 'u-gr1', address: `${name}门口`, location: { lng, lat: FROM.lat }, tasks: [], revisitDue: true, legM: 0, ...over,
});
/** Three shops east of the fix, ≈ 205 m apart (0.0022° of longitude at 32.94° N), in walking order. */
const ROUTE = {
  day: '2025-08-05',
  from: FROM,
  stops: [
    stop('m-1', '好再来饭店', FROM.lng + 0.0022, { tasks: [{ id: 't-1', kind: 'check-followup', check: 'speaker', dueDay: '2025-08-01', isOverdue: true }], revisitDue: false }),
    stop('m-2', '老王烟酒', FROM.lng + 0.0044),
    stop('m-3', '小李超市', FROM.lng + 0.0066),
  ],
  unlocated: [stop('m-4', '无定位小店', 0, { location: null })],
  distanceM: 800,
  naiveDistanceM: 1600,
  truncated: false,
};

function serve(route: unknown = ROUTE) {
  answerCalls((fn, ev) => {
    if (fn === 'visit' && ev.action === 'route') return route;
    throw { code: 'NOT_FOUND', message: 'x' };
  });
}

describe('the day\'s route', () => {
  test('asks for the route from my fix and shows the stops on the map, in order, with the totals', async () => {
    serve();
    const page = mount('pages/route/index');
    await flush(10);
    expect(calls()[0].event).toEqual({ action: 'route', from: FROM });
    expect(page.data.markers).toHaveLength(3);
    expect(page.data.polyline[0].points).toHaveLength(4);
    expect(page.data.polyline[0].points[0]).toEqual({ latitude: FROM.lat, longitude: FROM.lng });
    const text = page.text();
    expect(text.indexOf('好再来饭店')).toBeLessThan(text.indexOf('老王烟酒'));
    expect(text.indexOf('老王烟酒')).toBeLessThan(text.indexOf('小李超市'));
    expect(text).toContain('必查整改（喇叭） · 已逾期');
    expect(text).toContain('本月回访');
    // 3 legs of ≈ 206 m × 1.3 ≈ 268 m: ≈ 804 m in all; the naive order as the server measured it.
    expect(text).toMatch(/全程约 80\d 米/);
    expect(text).toContain('按到期顺序走约 1.6 公里');
    expect(text).toContain('未定位的商户');
    expect(text).toContain('无定位小店');
  });

  test('moving a stop down reorders list, pins and line, and the total grows', async () => {
    serve();
    const page = mount('pages/route/index');
    await flush(10);
    await tap(page, '.down', 0);
    const text = page.text();
    expect(text.indexOf('老王烟酒')).toBeLessThan(text.indexOf('好再来饭店'));
    expect(page.data.rows.map((r: any) => r.merchantId)).toEqual(['m-2', 'm-1', 'm-3']);
    expect(page.data.polyline[0].points[1].longitude).toBeCloseTo(FROM.lng + 0.0044, 6);
    // 2 + 1 + 2 legs of ≈ 268 m ≈ 1.3 km, marked as changed by hand.
    expect(text).toMatch(/全程约 1\.3 公里/);
    expect(text).toContain('已手动调整顺序');
    await tap(page, '.up', 1);
    expect(page.data.rows.map((r: any) => r.merchantId)).toEqual(['m-1', 'm-2', 'm-3']);
    // The first stop cannot go up, the last cannot go down.
    await tap(page, '.up', 0);
    await tap(page, '.down', 2);
    expect(page.data.rows.map((r: any) => r.merchantId)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  test('开始走访 opens the visit as the task list does, with the stop\'s task, or a revisit', async () => {
    serve();
    const page = mount('pages/route/index');
    await flush(10);
    await tap(page, '.stop .start', 0);
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-1');
    await tap(page, '.stop .start', 1);
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-2');
  });

  test('location refused: the day\'s stops come unordered with a line saying why, and 去设置 opens the settings', async () => {
    h.fake.locationDenied = true;
    // Without a start the function answers the stops in the order found, unplanned.
    serve({ ...ROUTE, from: null, stops: ROUTE.stops.map((s) => ({ ...s, legM: null })), distanceM: null, naiveDistanceM: null });
    const page = mount('pages/route/index');
    await flush(10);
    expect(calls()[0].event).toEqual({ action: 'route' });
    expect(page.data.status).toBe('ready');
    const text = page.text();
    expect(text).toContain('没有位置权限');
    expect(text).toContain('未规划步行路线：以下按到期顺序列出');
    expect(text).not.toContain('全程约');
    expect(page.data.rows.map((r: any) => r.merchantId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(page.data.rows.every((r: any) => r.legLabel === '')).toBe(true);
    expect(page.data.polyline).toEqual([]);
    expect(page.data.markers).toHaveLength(3);
    expect(text).toContain('无定位小店');
    // 开始走访 still works from the unordered list.
    await tap(page, '.stop .start', 0);
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-1');
    // 去设置: allowed there, the page plans the walk from the fix.
    const wxAny = (globalThis as any).wx;
    const open = jest.spyOn(wxAny, 'openSetting').mockImplementation((o: any) => {
      h.fake.locationDenied = false;
      o.success?.({ authSetting: { 'scope.userLocation': true } });
    });
    serve();
    await tap(page, '.open-setting');
    await flush(10);
    expect(open).toHaveBeenCalled();
    expect(calls().at(-1)!.event).toEqual({ action: 'route', from: FROM });
    expect(page.data.unplanned).toBe('');
    expect(page.text()).toMatch(/全程约 80\d 米/);
  });

  test('an empty day, a refused location and a refused call are said in words', async () => {
    serve({ ...ROUTE, stops: [], unlocated: [], distanceM: 0, naiveDistanceM: 0 });
    let page = mount('pages/route/index');
    await flush(10);
    expect(page.text()).toContain('今天没有到期的任务和回访');

    h = resetApp();
    h.fake.location = null;
    serve();
    page = mount('pages/route/index');
    await flush(10);
    expect(page.text()).toContain('暂时无法定位');
    expect(calls()).toHaveLength(0);

    h = resetApp();
    answerCalls(() => {
      throw { code: 'FORBIDDEN', message: '只有网格员和助理有走访路线', reason: 'ROLE.NOT_ALLOWED' };
    });
    page = mount('pages/route/index');
    await flush(10);
    expect(find(page, '.start')).toHaveLength(0);
    expect(page.text()).toContain('只有网格员和助理有走访路线');
  });
});
