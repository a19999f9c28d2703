/**
 * The screens `npm run screenshots` renders: which page, as which demo account, with which query, and
 * what to prepare first (queries against the seeded local cloud pick real merchants and tasks).
 */
export interface ScreenContext {
  call(fn: string, event: Record<string, unknown>, openid: string): Promise<any>;
  /** A merchant in the demo member's grid (the first of its list). */
  merchantId: string;
  /** Stores a file under a file id in the local storage (the demo bank's photos are records without pictures). */
  putFile(fileId: string, content: Buffer): void;
}

export interface Screen {
  /** File name (without .png). */
  name: string;
  /** Page path under miniprogram/. */
  page: string;
  openid: string;
  title: string;
  tab?: 'workbench' | 'merchants' | 'dashboard' | 'mine';
  query?: (ctx: ScreenContext) => Record<string, string> | Promise<Record<string, string>>;
  /** Runs on the mounted page before the picture (e.g. switch a tab). */
  act?: (page: any, ctx: ScreenContext) => Promise<void>;
  /** Extra settling time for pages that poll or chain calls. */
  settle?: number;
  /** Pictures the full-screen viewer the page opened (`wx.previewImage`) over the page, at the photo tapped. */
  viewer?: boolean;
}

/** The search box of the merchants page, typed and sent as a user does. */
async function searchFor(page: any, q: string): Promise<void> {
  page.instance.onSearchInput({ detail: { value: q } });
  page.instance.onSearch();
}

/** The demo member's merchant of the screens, as its detail reads it. */
async function screenMerchant(c: ScreenContext): Promise<any> {
  return (await c.call('merchant', { action: 'get', id: c.merchantId }, 'demo-member')).data;
}

export const SCREENS: Screen[] = [
  { name: '01-login', page: 'pages/login/index', openid: 'screenshot-new-user', title: '绑定员工账号' },
  { name: '02-privacy', page: 'pages/privacy/index', openid: 'demo-member', title: '隐私保护指引' },
  { name: '03-workbench', page: 'pages/workbench/index', openid: 'demo-maintenance', title: '工作台', tab: 'workbench' },
  { name: '04-merchants', page: 'pages/merchants/index', openid: 'demo-member', title: '商户', tab: 'merchants' },
  { name: '05-merchant-map', page: 'pages/merchant/map/index', openid: 'demo-member', title: '网格商户地图' },
  { name: '06-merchant-detail', page: 'pages/merchant/detail/index', openid: 'demo-member', title: '商户详情', query: (c) => ({ id: c.merchantId }) },
  {
    name: '07-merchant-products',
    page: 'pages/merchant/detail/index',
    openid: 'demo-member',
    title: '商户详情',
    query: (c) => ({ id: c.merchantId }),
    act: async (page) => page.instance.onTab({ currentTarget: { dataset: { value: 'products' } } }),
  },
  {
    name: '08-filing-form',
    page: 'pages/merchant/form/index',
    openid: 'demo-marketing',
    title: '商户建档',
    act: async (page) => {
      await page.instance.onTakePhoto();
      page.comp.setData({ 'form.name': '周记早点铺', 'form.street': '英武中路', 'form.doorPlate': '118号', 'form.operatorName': '周海燕', 'form.operatorMobile': '13952611234' });
      page.instance.onTownship({ detail: { value: 0 } });
      page.instance.onIndustry({ detail: { value: page.data.industries.findIndex((i: { code: string }) => i.code === '62') } });
      page.instance.onCycleOurs({ currentTarget: { dataset: { index: 1 } } });
      page.instance.onOtherBank({ currentTarget: { dataset: { index: 0 } }, detail: { value: 1 } });
    },
    settle: 40,
  },
  {
    // A filing refused by the server (a grid outside the member's scope) waiting to be fixed, then a filing
    // and a visit kept while offline.
    name: '08b-offline-queue',
    page: 'pages/merchant/queue/index',
    openid: 'demo-member',
    title: '待同步',
    act: async (page, c) => {
      const { current } = require('../../test/miniprogram/harness');
      const queue = require('../../miniprogram/offline/index').getOfflineQueue();
      const mine = new Set(((await c.call('org', { action: 'listUnits', kind: 'grid' }, 'demo-member')).data?.items ?? []).map((g: { id: string }) => g.id));
      const other = ((await c.call('org', { action: 'listUnits', kind: 'grid' }, 'demo-hq')).data?.items ?? []).find((g: { id: string }) => !mine.has(g.id));
      await queue.enqueue({ id: 'screen-filing-refused', filing: { name: '陈记五金', gridId: other?.id ?? 'none' }, photos: [], label: '建档 · 陈记五金' });
      await queue.flush();
      current.fake.online = false;
      await queue.enqueue({ id: 'screen-filing-offline', filing: { name: '刘家豆腐坊', industry: '62' }, photos: [], label: '建档 · 刘家豆腐坊' });
      const visit = { merchantId: c.merchantId, type: 'marketing', at: new Date().toISOString(), location: { lng: 119.8426, lat: 32.9396 } };
      await queue.enqueue({ id: 'screen-visit-offline', visit, photos: [], label: '营销走访 · 张记面馆' });
      page.comp.setData({ online: false });
    },
  },
  {
    // Filed by the demo member without a fix, with the grid picked by hand: waiting for the leader.
    name: '08c-placements',
    page: 'pages/merchant/placements/index',
    openid: 'demo-leader',
    title: '手动定格确认',
    act: async (page, c) => {
      const grid = ((await c.call('org', { action: 'listUnits', kind: 'grid' }, 'demo-member')).data?.items ?? [])[0];
      // A fixed client id: a later run gets the first filing back instead of a second one.
      await c.call('merchant', { action: 'create', id: 'screen-manual-placement-1', name: '桥头修车铺', gridId: grid?.id, industry: '52' }, 'demo-member');
      await page.instance.load();
    },
  },
  {
    name: '09-revisit',
    page: 'pages/visit/revisit/index',
    openid: 'demo-maintenance',
    title: '回访签到',
    query: (c) => ({ merchantId: c.merchantId }),
    act: async (page) => {
      await page.instance.onCheckIn();
      ['pass', 'pass', 'pass', 'na', 'pass', 'fail'].forEach((value, index) => page.instance.onResult({ currentTarget: { dataset: { index, value } } }));
      page.instance.onNote({ currentTarget: { dataset: { index: 5 } }, detail: { value: '喇叭没电，已提醒商户充电' } });
    },
  },
  { name: '10-tasks', page: 'pages/visit/tasks/index', openid: 'demo-maintenance', title: '我的任务' },
  // The team board of the demo leader's group: open tasks by due day, overdue ones marked, with the leader's actions.
  { name: '10b-task-board', page: 'pages/visit/board/index', openid: 'demo-leader', title: '任务看板', settle: 30 },
  {
    // A task opened from my tasks: its visit starts with the task named (an abnormal-merchant task, a maintenance visit).
    name: '10c-task-visit',
    page: 'pages/visit/revisit/index',
    openid: 'demo-maintenance',
    title: '任务走访',
    query: async (c): Promise<Record<string, string>> => {
      const mine = (await c.call('visit', { action: 'tasks', limit: 50 }, 'demo-maintenance')).data?.items ?? [];
      const task = mine.find((t: { kind: string }) => t.kind === 'abnormal-visit') ?? mine[0];
      return task ? { merchantId: task.merchantId, taskId: task.id } : { merchantId: c.merchantId };
    },
    act: async (page) => {
      await page.instance.onCheckIn();
    },
    settle: 30,
  },
  {
    // A storefront photo tapped on the merchant's record opens full screen (wx.previewImage), through a temporary link.
    name: '10d-photo-viewer',
    page: 'pages/merchant/detail/index',
    openid: 'demo-member',
    title: '照片',
    query: (c) => ({ id: c.merchantId }),
    act: async (page, c) => {
      // The demo bank's storefront photos are records only: a picture is stored under each before the links are asked.
      const m = await screenMerchant(c);
      for (const p of m?.photos ?? []) c.putFile(p.fileId, Buffer.from('storefront'));
      await page.instance.loadPhotos();
      page.instance.onPhoto({ currentTarget: { dataset: { index: 0 } } });
    },
    viewer: true,
    settle: 30,
  },
  {
    // One search box: the beginning of a street finds the grid's merchants on it.
    name: '04b-search-street',
    page: 'pages/merchants/index',
    openid: 'demo-member',
    title: '商户',
    tab: 'merchants',
    act: async (page, c) => searchFor(page, (await screenMerchant(c))?.address?.street ?? '英武'),
    settle: 30,
  },
  {
    // A door plate alone (`18号`): read on its search key within the member's grid.
    name: '04c-search-door-plate',
    page: 'pages/merchants/index',
    openid: 'demo-member',
    title: '商户',
    tab: 'merchants',
    act: async (page, c) => searchFor(page, (await screenMerchant(c))?.address?.doorPlate ?? '18号'),
    settle: 30,
  },
  { name: '11-lifecycle-lists', page: 'pages/lifecycle/lists/index', openid: 'demo-leader', title: '名单', query: () => ({ class: 'abnormal' }) },
  { name: '12-dashboard-hq', page: 'pages/dashboard/index', openid: 'demo-hq', title: '看板', tab: 'dashboard', settle: 30 },
  { name: '13-dashboard-leader', page: 'pages/dashboard/index', openid: 'demo-leader', title: '看板', tab: 'dashboard', settle: 30 },
  { name: '14-trend', page: 'pages/metrics/trend/index', openid: 'demo-hq', title: '趋势与排名', query: () => ({ unitId: '', name: '' }), settle: 30 },
  { name: '15-workload', page: 'pages/metrics/workload/index', openid: 'demo-leader', title: '走访工作量', settle: 30 },
  { name: '15b-targets', page: 'pages/metrics/targets/index', openid: 'demo-hq', title: '考核指标', settle: 30 },
  {
    // A branch splits head office's acquiring target over its groups: the parent's, each share, the sum and what is left.
    name: '15c-targets-split',
    page: 'pages/metrics/targets/index',
    openid: 'demo-branch',
    title: '考核指标',
    act: async (page, ctx) => {
      const branch = await ctx.call('user', { action: 'me' }, 'demo-branch');
      await ctx.call('metrics', { action: 'setTarget', unitId: branch.data.unit.id, period: page.data.periodKey, metric: 'acquiring', value: 40 }, 'demo-hq');
      await page.instance.load();
      await page.instance.onSplit({ currentTarget: { dataset: { metric: 'acquiring' } } });
    },
    settle: 30,
  },
  { name: '16-export', page: 'pages/export/index', openid: 'demo-hq', title: '报表导出' },
  { name: '16b-import', page: 'pages/import/index', openid: 'demo-hq', title: '数据导入', settle: 20 },
  { name: '17-settings', page: 'pages/settings/index/index', openid: 'demo-hq', title: '系统设置' },
  { name: '18-staff', page: 'pages/settings/staff/index', openid: 'demo-hq', title: '员工管理' },
  { name: '19-grids', page: 'pages/settings/grids/index', openid: 'demo-hq', title: '网格与人员' },
  { name: '20-mine', page: 'pages/mine/index', openid: 'demo-member', title: '我的', tab: 'mine' },
  { name: 'grid-1-groups', page: 'pages/grid/groups/index', openid: 'demo-member', title: '商户微信群', query: () => ({}) },
  { name: 'grid-2-merchant-group', page: 'pages/grid/merchant-group/index', openid: 'demo-member', title: '所在微信群', query: (c) => ({ id: c.merchantId }) },
  { name: 'grid-3-transfer', page: 'pages/grid/transfer/index', openid: 'demo-leader', title: '移交网格', query: (c) => ({ id: c.merchantId }) },
  {
    // An edit of the file first (once per screenshots' bank): the timeline tells each changed field from what to what.
    name: 'grid-4-timeline',
    page: 'pages/grid/timeline/index',
    openid: 'demo-leader',
    title: '商户时间线',
    query: async (c) => {
      const seen = await c.call('merchant', { action: 'timeline', id: c.merchantId, limit: 50 }, 'demo-leader');
      if (!seen.data?.items?.some((e: { kind: string }) => e.kind === 'edit')) {
        const m = await c.call('merchant', { action: 'get', id: c.merchantId }, 'demo-marketing');
        await c.call('merchant', { action: 'update', id: c.merchantId, industry: m.data.industry === '52' ? '62' : '52', address: { doorPlate: '66号' } }, 'demo-marketing');
      }
      return { id: c.merchantId };
    },
  },
  {
    name: 'grid-5-notices',
    page: 'pages/grid/notices/index',
    openid: 'demo-member',
    title: '通知',
    query: () => ({}),
    act: async (page, ctx) => {
      const me = await ctx.call('user', { action: 'me' }, 'demo-member');
      await ctx.call('org', { action: 'postNotice', id: 'screens-notice-1', unitId: me.data.grids[0].id, title: '本周回访安排', body: '请于周五前完成网格内商户回访，重点核对收款码和音箱。' }, 'demo-branch');
      await page.instance.load();
    },
  },
  { name: 'grid-6-notice-post', page: 'pages/grid/notice-post/index', openid: 'demo-branch', title: '发布通知', query: () => ({}) },
  {
    // Head office moves the north-east point of the demo member's grid outwards: the preview lists who would move.
    name: 'map-2-boundary',
    page: 'pages/merchant/boundary/index',
    openid: 'demo-hq',
    title: '编辑网格边界',
    query: () => ({}),
    act: async (page, ctx) => {
      const me = await ctx.call('user', { action: 'me' }, 'demo-member');
      page.instance.setData({ gridId: me.data.grids[0].id });
      await page.instance.load();
      const [lng, lat] = page.data.points[2];
      page.instance.onVertex({ detail: { markerId: 3 } });
      await page.instance.movePoint(2, lng + 0.001, lat + 0.001);
    },
    settle: 20,
  },
  {
    // A grid without a boundary (new, in the leader's group): head office draws it tap by tap north of the city.
    name: 'map-2b-boundary-draw',
    page: 'pages/merchant/boundary/index',
    openid: 'demo-hq',
    title: '编辑网格边界',
    query: () => ({}),
    act: async (page, ctx) => {
      // The screenshots' bank is kept between runs: a grid made by an earlier run is drawn again (never saved).
      const leader = await ctx.call('user', { action: 'me' }, 'demo-leader');
      const grids = await ctx.call('org', { action: 'listUnits', parentId: leader.data.unit.id, kind: 'grid' }, 'demo-hq');
      const made = grids.data.items.find((u: { name: string; boundary?: unknown[] | null }) => u.name === '城北新区网格' && !u.boundary?.length);
      const gridId = made?.id ?? (await ctx.call('org', { action: 'createUnit', kind: 'grid', name: '城北新区网格', parentId: leader.data.unit.id }, 'demo-hq')).data.id;
      page.instance.setData({ gridId });
      await page.instance.load();
      for (const [lng, lat] of [[119.85, 32.985], [119.858, 32.985], [119.858, 32.992], [119.85, 32.992]]) page.instance.onMapTap({ detail: { longitude: lng, latitude: lat } });
    },
    settle: 20,
  },
  { name: 'map-3-markets', page: 'pages/merchant/markets/index', openid: 'demo-branch', title: '商圈管理' },
  // The phone stands next to a merchant of the member's grid: the day's due stops walked from there.
  { name: 'route-1-today', page: 'pages/route/index', openid: 'demo-member', title: '今日路线', settle: 30 },
  { name: 'people-1-staff-branch', page: 'pages/settings/staff/index', openid: 'demo-branch', title: '人员管理' },
  {
    name: 'people-2-staff-detail',
    page: 'pages/settings/staff-detail/index',
    openid: 'demo-branch',
    title: '员工详情',
    query: () => ({}),
    act: async (page, ctx) => {
      const me = await ctx.call('user', { action: 'me' }, 'demo-member');
      page.instance.setData({ staffId: me.data.staffId });
      await page.instance.load();
    },
  },
];
