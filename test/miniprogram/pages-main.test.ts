/** @jest-environment jsdom */
import { answerCalls, calls, fire, flush, mount, resetApp, tap, type } from './harness';
import { dashboard, me, merchantRow, task } from './fixtures';
import { chinaDay } from '../../shared/domain/period.rules';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

describe('login (binding with a one-time code)', () => {
  test('asks for the privacy agreement first, then binds with the code normalised by the contract', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'bind') return me('member');
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/login/index');
    await type(page, '.code', 'ab12 cd34');
    await tap(page, '.btn');
    await flush();
    expect(page.text()).toContain('请先阅读并同意《隐私保护指引》');
    expect(calls()).toHaveLength(0);
    await tap(page, '.agree-row');
    await tap(page, '.btn');
    await flush();
    expect(calls()).toEqual([{ fn: 'user', action: 'bind', event: { action: 'bind', code: 'AB12CD34' } }]);
    expect(h.fake.navigations).toContainEqual({ kind: 'switchTab', url: '/pages/workbench/index' });
  });

  test('a bad code is refused before sending, with the field named', async () => {
    const page = mount('pages/login/index');
    await tap(page, '.agree-row');
    await type(page, '.code', '12');
    await tap(page, '.btn');
    await flush();
    expect(calls()).toHaveLength(0);
    expect(page.text()).toContain('绑定码：绑定码应为 6–16 位字母或数字');
  });

  test('a server refusal is shown as its sentence', async () => {
    answerCalls(() => {
      throw { code: 'NOT_FOUND', message: '绑定码无效或已过期，请联系总行重新获取。' };
    });
    const page = mount('pages/login/index');
    await tap(page, '.agree-row');
    await type(page, '.code', 'ZZZZ9999');
    await tap(page, '.btn');
    await flush();
    expect(page.text()).toContain('绑定码无效或已过期');
  });
});

describe('privacy agreement page', () => {
  test('records acceptance of the current version', async () => {
    answerCalls((fn, ev) => ({ privacyAcceptedAt: '2025-07-31T02:00:00.000Z', privacyVersion: ev.version }));
    const page = mount('pages/privacy/index');
    expect(page.text()).toContain('位置信息');
    await tap(page, '.btn');
    await flush();
    expect(calls()[0]).toMatchObject({ fn: 'user', action: 'acceptPrivacy', event: { version: '2025-07' } });
    expect(page.text()).toContain('你已于 07-31 10:00 同意本指引');
  });
});

describe('privacy agreement before binding', () => {
  test('is kept on the device while unbound and recorded on the server right after binding', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'acceptPrivacy' && !calls().some((c) => c.action === 'bind')) throw { code: 'UNAUTHENTICATED', message: '请先绑定' };
      if (fn === 'user' && ev.action === 'acceptPrivacy') return { privacyAcceptedAt: '2025-07-31T02:00:00.000Z', privacyVersion: ev.version };
      if (fn === 'user' && ev.action === 'bind') return me('member');
      throw { code: 'NOT_FOUND' };
    });
    const privacy = mount('pages/privacy/index');
    await tap(privacy, '.btn');
    await flush();
    expect(privacy.text()).toContain('你已于');
    expect(privacy.text()).not.toContain('请先绑定');
    const login = mount('pages/login/index');
    await tap(login, '.agree-row');
    await type(login, '.code', 'AB12CD34');
    await tap(login, '.btn');
    await flush();
    expect(calls().map((c) => c.action)).toEqual(['acceptPrivacy', 'bind', 'acceptPrivacy']);
    expect(calls()[2]).toMatchObject({ event: { version: '2025-07' } });
  });
});

describe('mine (my profile)', () => {
  test('renders the staff member, unit path and grids it is given; head office sees settings', async () => {
    answerCalls(() => me('hq'));
    const page = mount('pages/mine/index');
    await flush();
    expect(page.text()).toContain('周总');
    expect(page.text()).toContain('兴化农商银行 / 城北支行 / 城北一网格');
    expect(page.text()).toContain('系统设置');
    expect(page.text()).toContain('报表导出');
  });

  test('a grid member sees no settings or exports; an error offers a retry that works', async () => {
    let fail = true;
    answerCalls(() => {
      if (fail) throw { code: 'INTERNAL', message: 'boom' };
      return me('member');
    });
    const page = mount('pages/mine/index');
    await flush();
    expect(page.text()).toContain('系统暂时出错，请稍后重试。');
    fail = false;
    await tap(page, '.retry');
    await flush();
    expect(page.text()).toContain('王网格');
    expect(page.text()).not.toContain('系统设置');
  });
});

describe('menus follow the shared role lists the functions check', () => {
  test.each(['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'])('%s', async (role) => {
    const { EXPORT_ROLES, PLACEMENT_REVIEWER_ROLES, TASK_BOARD_ROLES, BOUNDARY_EDITOR_ROLES, MARKET_MANAGER_ROLES } = require('../../shared/domain/roles');
    answerCalls((fn, ev) => {
      if (fn === 'user') return me(role);
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb1'], boundary: [[119.84, 32.93], [119.85, 32.93], [119.85, 32.94]] }] };
      if (ev.action === 'listMarkets') return { items: [] };
      return { items: [merchantRow(1)], nextCursor: null };
    });
    const page = mount('pages/mine/index');
    await flush();
    const text = page.text();
    expect([text.includes('报表导出'), text.includes('团队任务'), text.includes('手动定格确认')]).toEqual([EXPORT_ROLES.includes(role), TASK_BOARD_ROLES.includes(role), PLACEMENT_REVIEWER_ROLES.includes(role)]);
    const map = mount('pages/merchant/map/index');
    await flush(10);
    expect([map.data.canEditBoundary, map.data.canEditMarkets]).toEqual([BOUNDARY_EDITOR_ROLES.includes(role), MARKET_MANAGER_ROLES.includes(role)]);
  });
});

describe('workbench', () => {
  test("shows today's tasks and the visits waiting to sync", async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('maintenance');
      if (ev.action === 'tasks') return { items: [task()], nextCursor: null };
      throw { code: 'NOT_FOUND' };
    });
    h.fake.online = false;
    const { getVisitQueue } = require('../../miniprogram/offline/index');
    await getVisitQueue().enqueue({ id: 'v-11111111', visit: { merchantId: 'm-1' }, photos: [], label: '回访 · 张记面馆' });
    h.fake.online = true;
    const page = mount('pages/workbench/index');
    await flush();
    expect(page.text()).toContain('张记面馆');
    expect(page.text()).toContain('必查整改');
    expect(page.text()).toContain('已逾期');
    expect(page.text()).toContain('回访 · 张记面馆');
    expect(page.text()).toContain('等待发送');
    await tap(page, '.task');
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/visit/revisit/index?merchantId=m-1&taskId=t-1' });
  });

  test('shown again (back from a revisit), it asks for the tasks again and lists the new one', async () => {
    let tasks = [task()];
    answerCalls((fn, ev) => (ev.action === 'me' ? me('member') : { items: tasks, nextCursor: null }));
    const page = mount('pages/workbench/index');
    await flush();
    expect(page.text()).toContain('张记面馆');
    tasks = [task(), task({ id: 't-2', merchantId: 'm-2', merchantName: '李家超市' })];
    page.instance.onShow();
    await flush();
    expect(page.text()).toContain('张记面馆');
    expect(page.text()).toContain('李家超市');
  });

  test('scan: a merchant code opens the merchant, anything else is explained', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('member') : { items: [], nextCursor: null }));
    const page = mount('pages/workbench/index');
    await flush();
    expect(page.text()).toContain('今天没有待办任务');
    h.fake.scanResult = 'https://example.com/pay';
    await tap(page, '.action', 2);
    await flush();
    expect(page.text()).toContain('这不是商户网格码');
    h.fake.scanResult = 'merchant:m-42';
    await tap(page, '.action', 2);
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/detail/index?id=m-42' });
  });
});

describe('merchants list', () => {
  test('renders rows with masked operators, searches with the validated filter, and pages with the cursor', async () => {
    answerCalls((fn, ev) => {
      if (ev.cursor === 'c2') return { items: [merchantRow(21)], nextCursor: null };
      if (ev.q) return { items: [merchantRow(7, { name: '李家超市' })], nextCursor: null };
      return { items: Array.from({ length: 20 }, (_, i) => merchantRow(i + 1)), nextCursor: 'c2' };
    });
    const page = mount('pages/merchants/index');
    await flush();
    expect(page.$$('.merchant')).toHaveLength(20);
    expect(page.text()).toContain('张* 139****5678');
    expect(page.text()).toContain('达标');
    page.instance.onReachBottom();
    await flush();
    expect(page.$$('.merchant')).toHaveLength(21);
    expect(calls()[1].event).toEqual({ action: 'list', limit: 20, cursor: 'c2' });
    await fire(page, '.search', 'change', { value: '  李家 ' });
    await fire(page, '.search', 'submit', { value: '李家' });
    expect(calls().at(-1)!.event).toEqual({ action: 'list', limit: 20, q: '李家' });
    expect(page.$$('.merchant')).toHaveLength(1);
  });

  test('class filter and incomplete filter are sent; empty answer shows the empty state', async () => {
    answerCalls(() => ({ items: [], nextCursor: null }));
    const page = mount('pages/merchants/index');
    await flush();
    await tap(page, '.filter', 4); // 异动
    await flush();
    expect(calls().at(-1)!.event).toMatchObject({ lifecycleClass: 'abnormal' });
    await tap(page, '.filter', 6);
    await flush();
    expect(calls().at(-1)!.event).toMatchObject({ lifecycleClass: 'abnormal', isComplete: false });
    expect(page.text()).toContain('没有符合条件的商户');
  });
});

describe('dashboard tab', () => {
  test('shows the metric cards, the breakdown and rankings, and drills into a child unit', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('hq');
      if (ev.unitId === 'b-cb') return dashboard({ scope: { type: 'unit', id: 'b-cb', name: '城北支行', kind: 'branch' }, children: [] });
      return dashboard();
    });
    const page = mount('pages/dashboard/index');
    await flush();
    const text = page.text();
    expect(text).toContain('30,678');
    expect(text).toContain('较年初 +3,018');
    expect(text).toContain('52.5%');
    expect(text).toContain('资金沉淀19.30亿较年初 +1.80亿');
    expect(text).toContain('贷款余额 35.40亿');
    expect(text).toContain('30.1%');
    expect(text).toContain('73.4%');
    expect(text).toContain('城北支行');
    expect(text).toContain('城北一网格');
    const sent = calls().find((c) => c.action === 'dashboard')!.event;
    expect(sent.unitId).toBe('bank');
    // The contract's parsed period travels: the month that contains today.
    expect(sent.period).toMatchObject({ kind: 'month', start: expect.stringMatching(/^\d{4}-\d{2}-01$/) });
    await tap(page, '.row', 1);
    await flush();
    expect(calls().at(-1)!.event.unitId).toBe('b-cb');
    expect(page.text()).toContain('兴化农商银行 › 城北支行');
    await tap(page, '.seg-item', 2);
    await flush();
    expect(calls().at(-1)!.event.period).toMatchObject({ kind: 'year', start: expect.stringMatching(/-01-01$/), end: expect.stringMatching(/-12-31$/) });
  });

  test('opens on the day the records run to: a demo bank ending on 31 July 2025 opens on July 2025', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('hq', { bankDay: '2025-07-31' }) : dashboard()));
    const page = mount('pages/dashboard/index');
    await flush();
    expect(calls().find((c) => c.action === 'dashboard')!.event.period).toEqual({ kind: 'month', start: '2025-07-01', end: '2025-07-31' });
    expect(page.text()).toContain('2025年7月');
    // The 12-month trend ends on the month shown.
    await tap(page, '.link-card', 0);
    expect(h.fake.navigations.at(-1)!.url).toContain('month=2025-07');
  });

  test('今天 brings a dashboard opened on a demo bank’s last day to today’s month, and is gone there', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('hq', { bankDay: '2025-07-31' }) : dashboard()));
    const page = mount('pages/dashboard/index');
    await flush();
    expect(page.text()).toContain('今天');
    await tap(page, '.to-today');
    await flush();
    const today = chinaDay();
    expect(calls().filter((c) => c.action === 'dashboard').at(-1)!.event.period).toEqual({ kind: 'month', start: `${today.slice(0, 7)}-01`, end: expect.stringMatching(new RegExp(`^${today.slice(0, 7)}-[0-9]{2}$`)) });
    expect(page.data.anchor).toBe(today);
    expect(page.text()).not.toContain('今天');
  });

  test('a staff row opens that person’s workload; a market row opens the market’s own dashboard', async () => {
    const market = { type: 'market', id: 'mk-cbcc', name: '城北菜场', kind: 'market', figures: { ...dashboard().children[0].figures, acquiring: 119, coverage: 0.9 } };
    const person = { type: 'staff', id: 's-wang', name: '王网格', kind: 'member', figures: dashboard().children[0].figures };
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('branch', { unit: { id: 'b-cb', name: '城北支行', kind: 'branch' }, scope: ['b-cb'], bankDay: '2025-07-31' });
      if (ev.marketId === 'mk-cbcc') return dashboard({ scope: { type: 'market', id: 'mk-cbcc', name: '城北菜场', kind: 'market' } });
      if (ev.unitId === 'g-cb1') return dashboard({ scope: { type: 'unit', id: 'g-cb1', name: '城北一网格', kind: 'grid' }, children: [person] });
      return dashboard({ scope: { type: 'unit', id: 'b-cb', name: '城北支行', kind: 'branch' }, children: [{ ...dashboard().children[0], id: 'g-cb1', name: '城北一网格', kind: 'grid' }, market] });
    });
    const page = mount('pages/dashboard/index');
    await flush();
    // The market row: its own dashboard, asked by marketId (never as a unit: that was 单位不存在).
    await tap(page, '.row', 2);
    await flush();
    const asked = calls().at(-1)!.event;
    expect(asked.marketId).toBe('mk-cbcc');
    expect(asked.unitId).toBeUndefined();
    expect(page.text()).toContain('城北支行 › 城北菜场');
    // Its trend and targets are the market's too.
    await tap(page, '.link-card', 0);
    expect(h.fake.navigations.at(-1)!.url).toContain('marketId=mk-cbcc');
    // Back to the branch, into the grid: its rows are people, and a person opens their workload.
    await tap(page, '.crumb', 0);
    await flush();
    await tap(page, '.row', 1);
    await flush();
    expect(calls().at(-1)!.event.unitId).toBe('g-cb1');
    const before = calls().length;
    await tap(page, '.row', 1);
    await flush();
    expect(calls().length).toBe(before);
    expect(h.fake.navigations.at(-1)!.url).toBe(`/pages/metrics/workload/index?staffId=s-wang&name=%E7%8E%8B%E7%BD%91%E6%A0%BC&day=2025-07-31`);
    // The staff ranking's rows lead to the same place.
    await tap(page, '.row', 2);
    expect(h.fake.navigations.at(-1)!.url).toContain('/pages/metrics/workload/index?staffId=s-member');
  });

  test('reads any past day, month or year, or a date range', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('hq') : dashboard()));
    const page = mount('pages/dashboard/index');
    await flush();
    // A month picked (the picker answers 'YYYY-MM'): that month.
    await fire(page, '.when-pick', 'change', { value: '2025-03' });
    expect(calls().at(-1)!.event.period).toEqual({ kind: 'month', start: '2025-03-01', end: '2025-03-31' });
    expect(page.text()).toContain('2025年3月');
    // The same day switched to its year, then a range in either order.
    await tap(page, '.seg-item', 2);
    await flush();
    expect(calls().at(-1)!.event.period).toMatchObject({ kind: 'year', start: '2025-01-01', end: '2025-12-31' });
    await tap(page, '.seg-item', 3);
    await flush();
    await fire(page, '.range-pick', 'change', { value: '2025-06-30' }, 0);
    await fire(page, '.range-pick', 'change', { value: '2025-04-01' }, 1);
    expect(calls().at(-1)!.event.period).toMatchObject({ kind: 'range', start: '2025-04-01', end: '2025-06-30' });
    expect(page.text()).toContain('2025-04-01至2025-06-30');
    // The targets page opens on the period's month.
    await tap(page, '.seg-item', 1);
    await flush();
    await fire(page, '.when-pick', 'change', { value: '2025-05' });
    await tap(page, '.link-card', 1);
    expect(h.fake.navigations.at(-1)!.url).toContain('period=2025-05');
  });
});
