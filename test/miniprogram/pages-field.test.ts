/** @jest-environment jsdom */
import { answerCalls, calls, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut, task } from './fixtures';

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
    await type(page, '.area', '已提醒商户充电');
    await tap(page, '.btn');
    await flush(10);
    const sent = calls().find((c) => c.action === 'submit')!.event;
    expect(sent.visitId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toMatchObject({ merchantId: 'm-1', type: 'revisit', location: { lng: 119.8426, lat: 32.9396 }, note: '已提醒商户充电', photos: [] });
    expect(sent.checks).toHaveLength(6);
    expect(sent.checks[5]).toEqual({ item: 'speaker', result: 'fail', note: '喇叭没电', photo: expect.stringMatching(/^cloud:\/\//) });
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
