/** @jest-environment jsdom */
import { answerCalls, calls, find, fire, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut, task } from './fixtures';
import { stampTimeText } from '../../shared/domain/photo.rules';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

function serveVisit(answer: (ev: any) => unknown = (ev) => ({ visit: { id: ev.visitId, distanceM: 12, isFlagged: false }, openedTaskIds: ev.checks?.some((c: any) => c.result === 'fail') ? ['t-9'] : [], closedTaskIds: [], isReplay: false })) {
  answerCalls((fn, ev) => {
    if (ev.action === 'me') return me('maintenance');
    if (fn === 'merchant' && ev.action === 'get') return merchantOut();
    if (fn === 'visit' && ev.action === 'submit') return answer(ev);
    throw { code: 'NOT_FOUND', message: 'x' };
  });
}

describe('revisit', () => {
  test('GPS check-in shows the distance; a far fix is flagged in words', async () => {
    serveVisit();
    h.fake.location = { latitude: 32.9396 + 0.003, longitude: 119.8426, accuracy: 10 };
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1' });
    await flush();
    await tap(page, '.checkin .more');
    expect(page.text()).toMatch(/距商户 33\d 米，超出 200 米范围，将标记为异常走访/);
  });

  test('six checks: a missing result or a failure without a note is explained before anything is sent', async () => {
    serveVisit();
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1' });
    await flush();
    await tap(page, '.btn');
    expect(page.text()).toContain('请先完成 GPS 签到');
    await tap(page, '.checkin .more');
    await tap(page, '.btn');
    expect(page.text()).toContain('请填写第 1 项必查');
    for (let i = 0; i < 6; i++) await tap(page, '.res', i * 3 + (i === 5 ? 1 : 0));
    await tap(page, '.btn');
    expect(page.text()).toContain('第 6 项“喇叭”未通过，请写明问题');
    expect(calls().filter((c) => c.action === 'submit')).toHaveLength(0);
  });

  test('a failed check with note and photo is sent with the client id; the follow-up task is shown', async () => {
    serveVisit();
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1' });
    await flush();
    await tap(page, '.checkin .more');
    for (let i = 0; i < 5; i++) await tap(page, '.res', i * 3);
    await tap(page, '.res', 5 * 3 + 1);
    await type(page, '.fail-box .input', '喇叭没电');
    await tap(page, '.fail-box .link');
    await flush(20);
    // The stamp drawn on the photo says China time, the minute it was taken.
    const taken = page.data.checks[5].photoAt;
    expect(h.fake.canvasText.some((t: string) => t.startsWith(`${stampTimeText(taken)}  `))).toBe(true);
    await type(page, '.area', '已提醒商户充电');
    await tap(page, '.btn');
    await flush(10);
    const sent = calls().find((c) => c.action === 'submit')!.event;
    expect(sent.visitId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toMatchObject({ merchantId: 'm-1', type: 'revisit', location: { lng: 119.8426, lat: 32.9396 }, note: '已提醒商户充电', photos: [] });
    expect(sent.checks).toHaveLength(6);
    expect(sent.checks[5]).toEqual({
      item: 'speaker',
      result: 'fail',
      note: '喇叭没电',
      // The check's photo carries its stamp: when it was taken, the visit's fix, the visitor.
      photo: { fileId: expect.stringMatching(/^cloud:\/\//), takenAt: expect.any(Date), location: { lng: 119.8426, lat: 32.9396 }, staffId: expect.any(String) },
    });
    expect(sent.checks[5].photo.takenAt.getTime()).toBeLessThanOrEqual(new Date(sent.at).getTime());
    expect(page.text()).toContain('走访已提交');
    expect(page.text()).toContain('已生成整改任务：喇叭');
    expect(page.text()).toContain('距商户 12 米');
  });

  test('offline: the visit is kept on the phone and the page says it will be sent', async () => {
    serveVisit();
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', type: 'marketing', products: 'deposit' });
    await flush();
    await tap(page, '.checkin .more');
    // The profile was cached by an earlier launch; the app then loses the network.
    h.wx.setStorageSync('grid.profile', me('maintenance'));
    require('../../miniprogram/offline/index').getVisitQueue();
    h.fake.setOnline(false);
    await tap(page, '.btn');
    expect(page.text()).toContain('已保存在手机上，联网后自动提交');
    expect(calls().filter((c) => c.action === 'submit')).toHaveLength(0);
    h.fake.setOnline(true);
    await flush(10);
    const sent = calls().filter((c) => c.action === 'submit');
    expect(sent).toHaveLength(1);
    expect(sent[0].event).toMatchObject({ type: 'marketing', productsPitched: ['deposit'] });
  });

  test('a visit the server refuses shows its sentence and leaves nothing queued', async () => {
    serveVisit(() => {
      throw { code: 'FORBIDDEN', message: '该商户不在你负责的网格内。' };
    });
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', type: 'maintenance' });
    await flush();
    await tap(page, '.checkin .more');
    await tap(page, '.btn');
    await flush(10);
    expect(page.text()).toContain('该商户不在你负责的网格内。');
    expect(require('../../miniprogram/offline/index').getVisitQueue().summary().items).toHaveLength(0);
  });
});

describe('tasks', () => {
  test('lists open tasks with overdue ones marked, switches to done, and opens the revisit', async () => {
    answerCalls((fn, ev) => ({ items: ev.status === 'done' ? [task({ id: 't-5', status: 'done', isOverdue: false })] : [task(), task({ id: 't-2', kind: 'win-back', check: null, dueDay: '2999-01-01', isOverdue: false, merchantName: '老王烟酒', openedBy: { reason: 'idle-90', detail: '96 天无交易' } }), task({ id: 't-3', kind: 'abnormal-visit', check: null, dueDay: '2999-01-01', isOverdue: false, merchantName: '好再来饭店', openedBy: { reason: 'volume-drop' } })], nextCursor: null }));
    const page = mount('pages/visit/tasks/index');
    await flush();
    expect(page.text()).toContain('整改：喇叭');
    expect(page.text()).toContain('已逾期');
    // A class change's task says why in words: its sentence, else its reason's label, never the code.
    expect(page.text()).toContain('96 天无交易');
    expect(page.text()).toContain('交易额较前几个月均值明显下降');
    expect(page.text()).not.toContain('volume-drop');
    expect(calls()[0].event).toEqual({ action: 'tasks', scope: 'mine', status: 'open' });
    await tap(page, '.task');
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-1');
    await tap(page, '.seg-item', 1);
    expect(calls().at(-1)!.event.status).toBe('done');
    expect(page.text()).toContain('已完成');
  });
});

describe('closing and waiting tasks from my tasks', () => {
  function serveMine(role = 'maintenance') {
    const rows = [
      task(),
      task({ id: 't-2', kind: 'abnormal-visit', check: null, dueDay: '2999-01-01', isOverdue: false, state: 'open', merchantName: '好再来饭店', openedBy: { reason: 'volume-drop' } }),
      task({ id: 't-3', kind: 'win-back', check: null, dueDay: '2999-01-01', isOverdue: false, state: 'pending', pendingVisitId: 'v-far', merchantId: 'm-3', merchantName: '老王烟酒', openedBy: { reason: 'idle-90' } }),
      task({ id: 't-4', kind: 'marketing', check: null, dueDay: '2999-01-01', isOverdue: false, state: 'open', assigneeId: 's-other', merchantName: '别人的店', openedBy: { reason: 'product-gap' } }),
    ];
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me(role);
      if (ev.action === 'tasks') return { items: rows, nextCursor: null };
      if (ev.action === 'closeTask') return task({ id: ev.taskId, kind: 'abnormal-visit', check: null, status: 'done', state: 'done', closeReason: ev.reason, closedAt: '2025-08-01T02:00:00.000Z' });
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }

  test('an assignee closes its own task with the board\'s reasons; never a six-check follow-up nor another\'s task', async () => {
    serveMine();
    const page = mount('pages/visit/tasks/index');
    await flush();
    // t-1 is a follow-up (closed by a passing revisit), t-4 someone else's: only t-2 and t-3 offer 关闭.
    expect(page.data.items.map((r: any) => r.canClose)).toEqual([false, true, true, false]);
    expect(page.$$('.close')).toHaveLength(2);
    h.fake.actionSheetIndex = 1;
    await tap(page, '.close', 0);
    await flush();
    expect(h.fake.actionSheets.at(-1)).toContain('商户已停业或迁走');
    expect(calls().at(-1)!.event).toEqual({ action: 'closeTask', taskId: 't-2', reason: 'merchant-closed' });
    expect(page.data.items[1].dueLabel).toBe('已完成');
    expect(page.$$('.close')).toHaveLength(1);
    // Closing is not opening: no visit was started.
    expect(h.fake.navigations).toHaveLength(0);
  });

  test('a dismissed sheet sends nothing; a refusal is shown', async () => {
    serveMine();
    const page = mount('pages/visit/tasks/index');
    await flush();
    h.fake.actionSheetIndex = null;
    await tap(page, '.close', 0);
    await flush();
    expect(calls().some((c) => c.action === 'closeTask')).toBe(false);
    answerCalls((fn, ev) => {
      if (ev.action === 'closeTask') throw { code: 'FORBIDDEN', message: '只能关闭自己的任务' };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    h.fake.actionSheetIndex = 0;
    await tap(page, '.close', 0);
    await flush();
    expect(page.text()).toContain('只能关闭自己的任务');
  });

  test('a task waiting for the leader is shown as such and opens the merchant, not a new visit', async () => {
    serveMine();
    const page = mount('pages/visit/tasks/index');
    await flush();
    expect(page.text()).toContain('已走访，待网格长确认');
    expect(page.text()).toContain('待确认');
    await tap(page, '.task', 2);
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/merchant/detail/index?id=m-3');
    expect(h.fake.navigations.some((n) => n.url.includes('/pages/visit/'))).toBe(false);
    await tap(page, '.task', 1);
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-2');
  });

  test('a leader may close a follow-up from its own list too (with a reason)', async () => {
    serveMine('leader');
    const page = mount('pages/visit/tasks/index');
    await flush();
    expect(page.data.items.map((r: any) => r.canClose)).toEqual([true, true, true, true]);
  });
});

describe('task photos', () => {
  test('a task shows the photos of the visit that opened it, then the storefront, full screen through temporary links', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'tasks') return { items: [task(), task({ id: 't-2', merchantId: 'm-2', openedBy: { reason: 'idle-90' } })], nextCursor: null };
      if (fn === 'visit' && ev.action === 'photoUrls') return { files: [{ fileId: `cloud://env/${ev.visitId}/a.jpg`, url: `http://x/${ev.visitId}/a.jpg?sign=1` }], maxAgeS: 600 };
      if (fn === 'merchant' && ev.action === 'photoUrls') return { files: ev.id === 'm-1' ? [{ fileId: 'cloud://env/m-1/0.jpg', url: 'http://x/m-1/0.jpg?sign=1' }] : [], maxAgeS: 600 };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/visit/tasks/index');
    await flush();
    await tap(page, '.photos', 0);
    await flush();
    expect(calls().filter((c) => c.action === 'photoUrls').map((c) => [c.fn, c.event.visitId ?? c.event.id])).toEqual([['visit', 'v-0'], ['merchant', 'm-1']]);
    expect(h.fake.previews.at(-1)).toEqual({ urls: ['http://x/v-0/a.jpg?sign=1', 'http://x/m-1/0.jpg?sign=1'], current: 'http://x/v-0/a.jpg?sign=1' });
    // Tapping 照片 does not open the task's visit.
    expect(h.fake.navigations).toEqual([]);
    // A task opened by the nightly job has no visit: the storefront only, and none at all says so.
    await tap(page, '.photos', 1);
    await flush();
    expect(calls().at(-1)!.event).toEqual({ action: 'photoUrls', id: 'm-2' });
    expect(page.text()).toContain('这个任务还没有照片。');
  });
});

describe('lifecycle lists', () => {
  test('shows the abnormal list with reasons and open tasks, and switches class', async () => {
    answerCalls((fn, ev) => ({
      items: ev.cls === 'abnormal' ? [{ id: 'm-3', name: '好再来饭店', gridId: 'g-cb1', cls: 'abnormal', classSince: '2025-07-20', reason: '交易额较近 3 月均值下降 62%', operatorMobile: '137****0000', openTask: { id: 't-3', kind: 'abnormal-visit', dueDay: '2025-07-23' } }] : [],
      nextCursor: null,
    }));
    const page = mount('pages/lifecycle/lists/index', {}, {});
    await flush();
    expect(page.text()).toContain('好再来饭店');
    expect(page.text()).toContain('交易额较近 3 月均值下降 62%');
    expect(page.text()).toContain('异动走访 · 2025-07-23 前');
    await tap(page, '.tab', 1);
    expect(calls().at(-1)!.event).toEqual({ action: 'list', cls: 'lost' });
    expect(page.text()).toContain('该名单暂无商户');
  });
});

describe('a visit opened from a task', () => {
  function serveTask(t: Record<string, unknown>, answer: (ev: any) => unknown = (ev) => ({ visit: { id: ev.visitId, distanceM: 12, isFlagged: false }, openedTaskIds: [], closedTaskIds: [ev.taskId], pendingTaskIds: [], isReplay: false })) {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('maintenance');
      if (fn === 'merchant' && ev.action === 'get') return merchantOut();
      if (fn === 'visit' && ev.action === 'tasks') return { items: [task(t)], nextCursor: null };
      if (fn === 'visit' && ev.action === 'submit') return answer(ev);
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }

  test('an abnormal-merchant task starts a maintenance visit that carries the task and says it closed it', async () => {
    serveTask({ id: 'abnormal-visit|m-1|2025-07-31', kind: 'abnormal-visit', check: null, dueDay: '2999-01-01', isOverdue: false, state: 'open' });
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', taskId: 'abnormal-visit|m-1|2025-07-31' });
    await flush();
    expect(calls().find((c) => c.action === 'tasks')!.event).toEqual({ action: 'tasks', scope: 'mine', merchantId: 'm-1', status: 'open', limit: 50 });
    expect(page.text()).toContain('任务：异动走访 · 2999-01-01 前完成');
    expect(page.data.type).toBe('maintenance');
    expect(page.text()).not.toContain('六个必查');
    await tap(page, '.checkin .more');
    await tap(page, '.btn');
    await flush(10);
    const sent = calls().find((c) => c.action === 'submit')!.event;
    expect(sent).toMatchObject({ type: 'maintenance', taskId: 'abnormal-visit|m-1|2025-07-31', merchantId: 'm-1' });
    expect(page.text()).toContain('已关闭 1 个任务');
  });

  test('a marketing task starts a marketing visit with its products ticked; signing is sent as the outcome', async () => {
    serveTask({ id: 't-mk', kind: 'marketing', check: null, products: ['deposit', 'mobile-banking'], dueDay: '2999-01-01', isOverdue: false, state: 'open' });
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', taskId: 't-mk' });
    await flush();
    expect(page.data.type).toBe('marketing');
    await tap(page, '.checkin .more');
    // 已签约 is the first outcome.
    expect(page.text()).toContain('营销结果已签约');
    await tap(page, '.outcome', 0);
    await tap(page, '.btn');
    await flush(10);
    const sent = calls().find((c) => c.action === 'submit')!.event;
    expect(sent).toMatchObject({ type: 'marketing', outcome: 'signed', taskId: 't-mk' });
    expect([...sent.productsPitched].sort()).toEqual(['deposit', 'mobile-banking']);
  });

  test('a task that cannot be read is shown with 重试 and no visit of the wrong type is sent; the retry picks the task\'s type', async () => {
    let refuse = true;
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      if (fn === 'merchant' && ev.action === 'get') return merchantOut();
      if (fn === 'visit' && ev.action === 'tasks') {
        if (refuse) throw { code: 'INTERNAL', message: '任务暂时无法读取' };
        return { items: [task({ id: 't-mk', kind: 'marketing', check: null, products: ['deposit'], dueDay: '2999-01-01', isOverdue: false, state: 'open' })], nextCursor: null };
      }
      if (fn === 'visit' && ev.action === 'submit') return { visit: { id: ev.visitId, distanceM: 12, isFlagged: false }, openedTaskIds: [], closedTaskIds: [ev.taskId], pendingTaskIds: [], isReplay: false };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', taskId: 't-mk' });
    await flush();
    expect(page.text()).toContain('任务未能读取：任务暂时无法读取');
    await tap(page, '.checkin .more');
    await tap(page, '.btn');
    await flush(10);
    expect(calls().some((c) => c.action === 'submit')).toBe(false);
    expect(page.text()).toContain('任务未能读取，请点“重试”后再提交');
    refuse = false;
    await tap(page, '.task-error .link');
    await flush();
    expect(page.text()).toContain('任务：去营销 · 2999-01-01 前完成');
    expect(page.text()).not.toContain('任务未能读取');
    expect(page.data.type).toBe('marketing');
    await tap(page, '.btn');
    await flush(10);
    expect(calls().find((c) => c.action === 'submit')!.event).toMatchObject({ type: 'marketing', taskId: 't-mk', productsPitched: ['deposit'] });
  });

  test('a follow-up opens the revisit; a flagged visit says the task waits for the leader', async () => {
    serveTask({}, (ev) => ({ visit: { id: ev.visitId, distanceM: 943, isFlagged: true }, openedTaskIds: [], closedTaskIds: [], pendingTaskIds: [ev.taskId], isReplay: false }));
    h.fake.location = { latitude: 32.9396, longitude: 119.8426 + 0.0101, accuracy: 10 };
    const page = mount('pages/visit/revisit/index', {}, { merchantId: 'm-1', taskId: 't-1' });
    await flush();
    expect(page.text()).toContain('任务：必查整改：喇叭');
    expect(page.data.type).toBe('revisit');
    expect(page.data.task.check).toBe('speaker');
    await tap(page, '.checkin .more');
    for (let i = 0; i < 6; i++) await tap(page, '.res', i * 3);
    await tap(page, '.btn');
    await flush(10);
    expect(calls().find((c) => c.action === 'submit')!.event).toMatchObject({ type: 'revisit', taskId: 't-1' });
    expect(page.text()).toContain('距商户 943 米，已标记为异常走访');
    expect(page.text()).toContain('1 个任务待网格长确认后关闭');
  });
});

describe('team board', () => {
  function serveBoard(role = 'leader') {
    const rows = [
      task({ id: 't-1', state: 'overdue' }),
      task({ id: 't-2', kind: 'win-back', check: null, merchantName: '老王烟酒', dueDay: '2999-01-01', isOverdue: false, state: 'pending', pendingVisitId: 'v-far', assigneeId: 's-member', assigneeName: '赵网格', openedBy: { reason: 'idle-90', detail: '96 天无交易' } }),
    ];
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me(role);
      if (fn === 'org' && ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北1号网格', kind: 'grid' }, { id: 'g-cb2', name: '城北2号网格', kind: 'grid' }] };
      if (fn === 'org' && ev.action === 'listStaff') return { items: [{ id: 's-member', name: '赵网格', role: 'member' }, { id: 's-maintenance', name: '孙维护', role: 'maintenance' }], nextCursor: null };
      if (ev.action === 'tasks') return { items: ev.cursor ? [task({ id: 't-3', merchantName: '第二页商户', state: 'open' })] : rows, nextCursor: ev.cursor ? null : 'c1' };
      if (ev.action === 'closeTask') return task({ id: ev.taskId, status: 'done', state: 'done', closeReason: ev.reason, closedAt: '2025-08-01T02:00:00.000Z' });
      const row = rows.find((r) => r.id === ev.taskId);
      if (ev.action === 'reassignTask') return { ...row, assigneeId: ev.assigneeId, assigneeName: '赵网格' };
      if (ev.action === 'confirmTask') return { ...row, status: ev.accept ? 'done' : 'open', state: ev.accept ? 'done' : 'open', pendingVisitId: null };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }

  test('filters by kind, overdue, grid and assignee, and pages on', async () => {
    serveBoard();
    const page = mount('pages/visit/board/index');
    await flush();
    expect(calls().find((c) => c.action === 'tasks')!.event).toEqual({ action: 'tasks', scope: 'unit', status: 'open' });
    expect(page.text()).toContain('老王烟酒');
    expect(page.text()).toContain('赵网格');
    expect(page.text()).toContain('待确认');
    expect(page.text()).toContain('已逾期');
    await tap(page, '.kind', 3);
    expect(calls().at(-1)!.event).toMatchObject({ kind: 'win-back' });
    await tap(page, '.overdue');
    expect(calls().at(-1)!.event).toMatchObject({ kind: 'win-back', overdue: true });
    await fire(page, '.grid-pick', 'change', { value: 1 });
    await flush();
    expect(calls().find((c) => c.action === 'listStaff')!.event).toMatchObject({ unitId: 'g-cb1', status: 'active' });
    expect(calls().at(-1)!.event).toMatchObject({ unitId: 'g-cb1', kind: 'win-back', overdue: true });
    await fire(page, '.staff-pick', 'change', { value: 1 });
    await flush();
    expect(calls().at(-1)!.event).toEqual({ action: 'tasks', scope: 'unit', status: 'open', unitId: 'g-cb1', kind: 'win-back', assigneeId: 's-member', overdue: true });
    await tap(page, '.more');
    await flush();
    expect(calls().at(-1)!.event.cursor).toBe('c1');
    expect(page.text()).toContain('第二页商户');
  });

  test('a grid or staff list that fails is said in the notice instead of leaving the filter silently empty', async () => {
    let refuse = 'listUnits';
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('leader');
      if (fn === 'org' && ev.action === refuse) throw { code: 'INTERNAL', message: '服务繁忙' };
      if (fn === 'org' && ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北1号网格', kind: 'grid' }] };
      if (fn === 'org' && ev.action === 'listStaff') return { items: [], nextCursor: null };
      if (ev.action === 'tasks') return { items: [task()], nextCursor: null };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/visit/board/index');
    await flush();
    expect(page.text()).toContain('网格列表未能读取：服务繁忙');
    // The board itself still shows.
    expect(page.text()).toContain('张记面馆');
    refuse = 'listStaff';
    const again = mount('pages/visit/board/index');
    await flush();
    expect(again.text()).not.toContain('未能读取');
    await fire(again, '.grid-pick', 'change', { value: 1 });
    await flush();
    expect(again.text()).toContain('人员列表未能读取：服务繁忙');
  });

  test('a leader closes with a reason, reassigns and confirms a flagged visit', async () => {
    serveBoard();
    const page = mount('pages/visit/board/index');
    await flush();
    h.fake.actionSheetIndex = 1;
    await tap(page, '.close', 0);
    await flush();
    expect(h.fake.actionSheets.at(-1)).toContain('商户已停业或迁走');
    expect(calls().at(-1)!.event).toEqual({ action: 'closeTask', taskId: 't-1', reason: 'merchant-closed' });
    expect(page.text()).toContain('已完成');
    h.fake.actionSheetIndex = 0;
    await tap(page, '.reassign', 0);
    await flush();
    expect(calls().at(-1)!.event).toEqual({ action: 'reassignTask', taskId: 't-2', assigneeId: 's-member' });
    await tap(page, '.confirm', 0);
    await flush();
    expect(h.fake.modals.at(-1)!.content).toContain('超出商户范围');
    expect(calls().at(-1)!.event).toEqual({ action: 'confirmTask', taskId: 't-2', accept: true });
    expect(page.text()).not.toContain('待确认');
  });

  test('a grid with more field staff than an action sheet holds: the name is asked and searched by the server', async () => {
    const many = ['赵网格', '钱营销', '孙维护', '李网格', '周维护', '吴营销', '王网格', '王维护'].map((name, i) => ({ id: `s-${i}`, name, role: i % 3 === 0 ? 'member' : i % 3 === 1 ? 'marketing' : 'maintenance' }));
    const rows = [task({ id: 't-1', state: 'open' })];
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('leader');
      if (fn === 'org' && ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北1号网格', kind: 'grid' }] };
      // As the function answers: with `q`, the names beginning with it.
      if (fn === 'org' && ev.action === 'listStaff') return { items: many.filter((s) => !ev.q || s.name.startsWith(ev.q)), nextCursor: null };
      if (ev.action === 'tasks') return { items: rows, nextCursor: null };
      if (ev.action === 'reassignTask') return { ...rows[0], assigneeId: ev.assigneeId, assigneeName: '王维护' };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/visit/board/index');
    await flush();
    h.fake.modalInput = ' 王 ';
    h.fake.actionSheetIndex = 1;
    await tap(page, '.reassign', 0);
    await flush();
    expect(calls().filter((c) => c.action === 'listStaff').at(-1)!.event).toMatchObject({ unitId: expect.any(String), status: 'active', q: '王' });
    expect(h.fake.actionSheets.at(-1)).toEqual(['王网格', '王维护']);
    expect(calls().at(-1)!.event).toEqual({ action: 'reassignTask', taskId: 't-1', assigneeId: 's-7' });
    // Nobody of that name: said so, nothing sent.
    h.fake.modalInput = '郑';
    const sent = calls().length;
    await tap(page, '.reassign', 0);
    await flush();
    expect(page.data.notice).toContain('郑');
    expect(calls().slice(sent).map((c) => c.action)).toEqual(['listStaff', 'listStaff']);
  });

  test('a member sees the board of its grids without the leader actions', async () => {
    serveBoard('member');
    const page = mount('pages/visit/board/index');
    await flush();
    expect(page.text()).toContain('老王烟酒');
    expect(find(page, '.close')).toHaveLength(0);
    expect(find(page, '.reassign')).toHaveLength(0);
  });
});

describe('reminders', () => {
  test('开启提醒 asks WeChat from the tap and tells the server the accepted templates', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('leader');
      if (ev.action === 'tasks') return { items: [task()], nextCursor: null };
      if (ev.action === 'subscribe') return { accepted: ev.accepted };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    h.fake.subscribeAnswers = { 'local-task-overdue': 'reject' };
    const page = mount('pages/visit/tasks/index');
    await flush();
    await tap(page, '.remind');
    await flush();
    expect(h.fake.subscribeRequests).toEqual([['local-task-assigned', 'local-task-due', 'local-task-overdue', 'local-daily-digest']]);
    expect(calls().at(-1)!.event).toEqual({ action: 'subscribe', accepted: ['task-assigned', 'task-due', 'daily-digest'] });
    expect(page.text()).toContain('已开启 3 项提醒');
  });

  test('a leader subscribes to the daily digest from the team board too, from the tap; a branch is not offered it', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('leader');
      if (fn === 'org' && ev.action === 'listUnits') return { items: [] };
      if (ev.action === 'tasks') return { items: [task()], nextCursor: null };
      if (ev.action === 'subscribe') return { accepted: ev.accepted };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/visit/board/index');
    await flush();
    await tap(page, '.digest');
    await flush();
    expect(h.fake.subscribeRequests).toEqual([['local-daily-digest']]);
    expect(calls().at(-1)!.event).toEqual({ action: 'subscribe', accepted: ['daily-digest'] });
    expect(page.text()).toContain('已开启团队任务日报');

    h.fake.subscribeAnswers = { 'local-daily-digest': 'reject' };
    await tap(page, '.digest');
    await flush();
    expect(calls().filter((c) => c.action === 'subscribe')).toHaveLength(1);
    expect(page.text()).toContain('未开启日报提醒');

    resetApp();
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('branch');
      if (fn === 'org' && ev.action === 'listUnits') return { items: [] };
      if (ev.action === 'tasks') return { items: [task()], nextCursor: null };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const branch = mount('pages/visit/board/index');
    await flush();
    expect(branch.text()).toContain('张记面馆');
    expect(find(branch, '.digest')).toHaveLength(0);
  });

  test('WeChat refuses the panel outside a tap, as documented', async () => {
    const err = await new Promise<any>((resolve) => h.wx.requestSubscribeMessage({ tmplIds: ['local-task-due'], success: resolve, fail: resolve }));
    expect(err).toMatchObject({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
    const sent = calls().filter((c) => c.action === 'subscribe');
    expect(sent).toHaveLength(0);
  });
});
