/** @jest-environment jsdom */
import { answerCalls, calls, current, find, fire, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut, merchantRow, task } from './fixtures';
import { stampTimeText } from '../../shared/domain/photo.rules';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { MP_ROOT } from './build';
import { LIFECYCLE_CLASSES } from '../../shared/domain/lifecycle.rules';
import { LIFECYCLE_CLASS_COLORS } from '../../shared/domain/labels';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

/** A non-interlaced 8-bit RGBA PNG's size and pixels (what Chromium writes for the pins), decoded with zlib. */
function readPng(file: string): { width: number; height: number; rgba: (x: number, y: number) => number[] } {
  const buf = fs.readFileSync(file);
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  expect([buf[24], buf[25], buf[28]]).toEqual([8, 6, 0]);
  const parts: Buffer[] = [];
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    if (buf.toString('ascii', at + 4, at + 8) === 'IDAT') parts.push(buf.subarray(at + 8, at + 8 + len));
    at += len + 12;
  }
  const raw = zlib.inflateSync(Buffer.concat(parts));
  const stride = width * 4;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= 4 ? out[y * stride + i - 4] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= 4 && y > 0 ? out[(y - 1) * stride + i - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      out[y * stride + i] = (x + [0, a, b, Math.floor((a + b) / 2), paeth][filter]) & 0xff;
    }
  }
  return { width, height, rgba: (x, y) => [...out.subarray(y * stride + x * 4, y * stride + x * 4 + 4)] };
}

describe('merchant detail', () => {
  let tasksRefused = false;
  afterEach(() => {
    tasksRefused = false;
  });
  function serve(role = 'member', over: Record<string, unknown> = {}, meOver: Record<string, unknown> = {}) {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me(role, meOver);
      if (fn === 'merchant' && ev.action === 'get') return merchantOut(over);
      if (fn === 'merchant' && ev.action === 'revealPi') return { id: 'm-1', operator: { name: '张三', mobile: '13912345678', idNumber: '32128119800101001X' } };
      if (ev.action === 'listByMerchant') return { items: [{ id: 'v-1', merchantId: 'm-1', staffId: 's', type: 'revisit', at: '2025-07-30T02:00:00.000Z', day: '2025-07-30', location: null, distanceM: 260, isFlagged: true, gridId: 'g-cb1', checks: [{ item: 'speaker', result: 'fail' }], outcome: null, note: null, photos: [], productsPitched: null, createdAt: null }], nextCursor: null };
      if (fn === 'lifecycle' && ev.action === 'history') return { items: [{ from: 'to-win', to: 'qualified', reason: 'minimum-met', detail: '2025-07 交易 42 笔，达标', day: '2025-07-01' }, { from: null, to: 'to-win', reason: 'no-acquiring', detail: null, day: '2025-03-02' }] };
      if (ev.action === 'tasks') {
        if (tasksRefused) throw { code: 'FORBIDDEN', message: '当前角色只能查看本人任务' };
        // As the function answers: a merchantId narrows the list to that merchant's tasks.
        const items = [{ id: 't-1', kind: 'check-followup', merchantId: 'm-1', check: 'speaker', dueDay: '2025-08-06', status: 'open' }, { id: 't-2', kind: 'win-back', merchantId: 'm-9', dueDay: '2025-08-06', status: 'open' }];
        return { items: items.filter((t) => !ev.merchantId || t.merchantId === ev.merchantId), nextCursor: null };
      }
      if (ev.action === 'startMarketing') return { task: { id: ev.taskId, products: ev.products, dueDay: '2025-08-14' } };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }

  test('shows the masked file, the product matrix with gaps, visits, class history and this merchant’s tasks', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('张记面馆');
    expect(page.text()).toContain('139****5678');
    expect(page.text()).toContain('餐饮业');
    await tap(page, '.tab', 1);
    expect(page.text()).toContain('收单已开通');
    expect(page.text()).toContain('存款未开通农业银行');
    await tap(page, '.tab', 2);
    expect(page.text()).toContain('260 米·超距');
    expect(page.text()).toContain('1项未通过');
    await tap(page, '.tab', 3);
    expect(page.text()).toContain('攻坚 → 达标');
    // Each change says why in words: its sentence, else its reason's label.
    expect(page.text()).toContain('2025-07 交易 42 笔，达标');
    expect(page.text()).toContain('尚未开通本行收单');
    expect(page.text()).not.toContain('no-acquiring');
    await tap(page, '.tab', 4);
    expect(page.text()).toContain('必查整改');
    expect(page.text()).not.toContain('流失挽回');
    // The merchant's own tasks, whatever the caller's role, not a page of its grid's.
    expect(calls().find((c) => c.action === 'tasks')!.event).toEqual({ action: 'tasks', scope: 'mine', merchantId: 'm-1', status: 'open', limit: 50 });
    await tap(page, '.task-row');
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-1');
  });

  test('a maintenance assistant sees the merchant tasks; a refused list says so instead of looking empty', async () => {
    serve('maintenance');
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.tab', 4);
    expect(page.text()).toContain('必查整改');
    tasksRefused = true;
    const again = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(again, '.tab', 4);
    expect(again.text()).toContain('当前角色只能查看本人任务');
    expect(again.text()).not.toContain('没有未完成任务');
  });

  test('a visits or class history list that fails says why (with 重试) instead of 暂无走访记录', async () => {
    let refuse = true;
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'merchant' && ev.action === 'get') return merchantOut();
      if (refuse && ev.action === 'listByMerchant') throw { code: 'INTERNAL', message: '走访记录暂时无法读取' };
      if (refuse && fn === 'lifecycle' && ev.action === 'history') throw { code: 'FORBIDDEN', message: '无权查看分类记录' };
      if (ev.action === 'listByMerchant' || ev.action === 'tasks') return { items: [], nextCursor: null };
      if (fn === 'lifecycle' && ev.action === 'history') return { items: [] };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('张记面馆');
    await tap(page, '.tab', 2);
    expect(page.text()).toContain('走访记录暂时无法读取');
    expect(page.text()).not.toContain('暂无走访记录');
    await tap(page, '.tab', 3);
    expect(page.text()).toContain('无权查看分类记录');
    expect(page.text()).not.toContain('暂无分类变化');
    refuse = false;
    await tap(page, '.history-error .link');
    await flush();
    expect(page.text()).toContain('暂无分类变化');
    await tap(page, '.tab', 2);
    expect(page.text()).toContain('暂无走访记录');
  });

  describe('the merchant\'s 任务 tab: the team board\'s card and actions', () => {
    function serveTasks(role: string) {
      const rows = [
        task({ id: 't-1', state: 'overdue' }),
        task({ id: 't-2', kind: 'win-back', check: null, dueDay: '2999-01-01', isOverdue: false, state: 'pending', pendingVisitId: 'v-far', assigneeId: 's-member', assigneeName: '赵网格', openedBy: { reason: 'idle-90', detail: '96 天无交易' } }),
      ];
      answerCalls((fn, ev) => {
        if (ev.action === 'me') return me(role);
        if (fn === 'merchant' && ev.action === 'get') return merchantOut();
        if (ev.action === 'listByMerchant' || ev.action === 'tasks') return ev.action === 'tasks' ? { items: rows, nextCursor: null } : { items: [], nextCursor: null };
        if (fn === 'lifecycle' && ev.action === 'history') return { items: [] };
        if (fn === 'org' && ev.action === 'listStaff') return { items: [{ id: 's-member', name: '赵网格', role: 'member' }, { id: 's-maintenance', name: '孙维护', role: 'maintenance' }], nextCursor: null };
        if (ev.action === 'closeTask') return task({ id: ev.taskId, status: 'done', state: 'done', closeReason: ev.reason, closedAt: '2025-08-01T02:00:00.000Z' });
        const row = rows.find((r) => r.id === ev.taskId);
        if (ev.action === 'reassignTask') return { ...row, assigneeId: ev.assigneeId, assigneeName: '孙维护' };
        if (ev.action === 'confirmTask') return { ...row, status: ev.accept ? 'done' : 'open', state: ev.accept ? 'done' : 'open', pendingVisitId: null, closedAt: '2025-08-01T02:00:00.000Z' };
        throw { code: 'NOT_FOUND', message: 'x' };
      });
    }

    test('a leader sees who holds each task and whether it is overdue, and reassigns, confirms and closes from here', async () => {
      serveTasks('leader');
      const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
      await flush();
      await tap(page, '.tab', 4);
      expect(page.text()).toContain('孙维护 · 2000-01-01 前完成');
      expect(page.text()).toContain('必查整改 · 已逾期');
      expect(page.text()).toContain('赵网格 · 2999-01-01 前完成');
      expect(page.text()).toContain('流失挽回 · 待确认');
      h.fake.actionSheetIndex = 1;
      await tap(page, '.reassign', 0);
      await flush();
      expect(calls().at(-1)!.event).toEqual({ action: 'reassignTask', taskId: 't-1', assigneeId: 's-maintenance' });
      await tap(page, '.confirm', 0);
      await flush();
      expect(h.fake.modals.at(-1)!.content).toContain('超出商户范围');
      expect(calls().at(-1)!.event).toEqual({ action: 'confirmTask', taskId: 't-2', accept: true });
      expect(page.text()).toContain('流失挽回 · 已完成');
      await tap(page, '.close', 0);
      await flush();
      expect(calls().at(-1)!.event).toEqual({ action: 'closeTask', taskId: 't-1', reason: 'merchant-closed' });
      expect(find(page, '.close')).toHaveLength(0);
    });

    test('a member is offered no leader action; its own task closes with a reason; a task waiting for the leader starts no visit', async () => {
      serveTasks('member');
      const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
      await flush();
      await tap(page, '.tab', 4);
      expect(page.text()).toContain('孙维护');
      expect(find(page, '.reassign')).toHaveLength(0);
      expect(find(page, '.confirm')).toHaveLength(0);
      // t-2 is the member's own win-back; t-1 is a follow-up for someone else.
      expect(find(page, '.close')).toHaveLength(1);
      await tap(page, '.task-row', 1);
      expect(h.fake.navigations).toHaveLength(0);
      expect(page.text()).toContain('该任务已走访，待网格长确认，无需再次走访。');
      await tap(page, '.task-row', 0);
      expect(h.fake.navigations.at(-1)!.url).toBe('/pages/visit/revisit/index?merchantId=m-1&taskId=t-1');
    });
  });

  test('the timeline, WeChat group and transfer links sit in the header for the roles allowed, on whichever tab', async () => {
    serve('leader');
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(find(page, '.head .grid-links .link')).toHaveLength(3);
    expect(page.text()).toContain('完整时间线 ›微信群 ›移交网格 ›');
    await tap(page, '.tab', 4);
    await tap(page, '.transfer-link');
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/grid/transfer/index?id=m-1');
    await tap(page, '.timeline-link');
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/grid/timeline/index?id=m-1');
    await tap(page, '.group-link');
    expect(h.fake.navigations.at(-1)!.url).toBe('/pages/grid/merchant-group/index?id=m-1');
  });

  test('a member finds the timeline and WeChat group links in the header, without 移交网格', async () => {
    serve('member');
    const member = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(find(member, '.grid-links .link')).toHaveLength(2);
    expect(find(member, '.transfer-link')).toHaveLength(0);
  });

  test('an entitled user reveals the full operator data through the audited action; a marketing assistant is not offered it', async () => {
    serve('member');
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.btn.secondary');
    expect(calls().find((c) => c.action === 'revealPi')!.event).toEqual({ action: 'revealPi', id: 'm-1' });
    expect(page.text()).toContain('13912345678');
    expect(page.text()).toContain('32128119800101001X');

    resetApp();
    serve('marketing');
    const p2 = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(p2.text()).not.toContain('查看完整信息');
  });

  test('the full view is offered as head office\'s setting says (me.canRevealPi), not by a list of roles in the page', async () => {
    serve('member', {}, { canRevealPi: false });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('张记面馆');
    expect(page.text()).not.toContain('查看完整信息');

    resetApp();
    serve('marketing', {}, { canRevealPi: true });
    const p2 = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(p2, '.btn.secondary');
    expect(calls().find((c) => c.action === 'revealPi')!.event).toEqual({ action: 'revealPi', id: 'm-1' });
    expect(p2.text()).toContain('13912345678');
  });

  test('去营销 opens a marketing task for the products not held and goes to the marketing visit', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.bottom-bar .btn', 1);
    const sent = calls().find((c) => c.action === 'startMarketing')!.event;
    expect(sent.products).toEqual(['settlement-account', 'deposit', 'credit-granted', 'credit-drawn', 'mobile-banking', 'merchant-app']);
    expect(sent.taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.fake.navigations.at(-1)!.url).toContain('type=marketing');
  });

  test('an incomplete file says what is missing; a missing merchant shows the error sentence', async () => {
    serve('member', { isComplete: false, missingFields: ['photos', 'operator.mobile'] });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('缺：门头照、经营者手机号');
    resetApp();
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      throw { code: 'NOT_FOUND', message: 'not found' };
    });
    const p2 = mount('pages/merchant/detail/index', {}, { id: 'm-404' });
    await flush();
    expect(p2.text()).toContain('没有找到');
  });
});

describe('filing form', () => {
  async function fillAll(page: any) {
    await tap(page, '.more'); // locate
    await tap(page, '.add'); // camera
    await type(page, '.f-name', '李家超市');
    page.instance.onTownship({ detail: { value: 0 } });
    await type(page, '.f-street', '英武中路');
    await type(page, '.f-door', '12号');
    page.instance.onIndustry({ detail: { value: 0 } });
    await type(page, '.f-op-name', '李四');
    await type(page, '.f-op-mobile', '13912345678');
  }

  /** The filing form as a marketing assistant opens it, every required field filled, `create` answering a complete file. */
  async function filledForm() {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id, isComplete: true }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    await fillAll(page);
    return page;
  }

  test('submits a complete file: camera-only photos stamped and compressed, uploaded, location, industry, operator, products', async () => {
    const page = await filledForm();
    await tap(page, '.chip', 0); // acquiring → in progress
    await tap(page, '.btn', 0);
    const create = calls().find((c) => c.action === 'create')!.event;
    expect(create).toMatchObject({
      name: '李家超市',
      address: { district: '兴化市', township: '昭阳街道', street: '英武中路', doorPlate: '12号', text: '兴化市昭阳街道英武中路12号' },
      location: { lng: 119.8426, lat: 32.9396 },
      operator: { name: '李四', mobile: '13912345678' },
      products: [{ product: 'acquiring', bank: 'ours', status: 'in-progress' }],
    });
    expect(create.industry).toBe(page.data.industries[0].code);
    expect(create.photos).toHaveLength(3);
    expect(create.photos[0]).toMatchObject({ fileId: expect.stringMatching(/^cloud:\/\//), staffId: 's-marketing', location: { lng: 119.8426, lat: 32.9396 } });
    expect(h.fake.canvasText.some((t) => t.includes('王网格'))).toBe(true);
    // The stamp's time is China time (the photo's takenAt, drawn to the minute).
    expect(h.fake.canvasText).toContain(`${stampTimeText(page.data.photos[0].takenAt)}  王网格`);
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'redirectTo', url: `/pages/merchant/detail/index?id=${create.id}` });
  });

  test('the 他行 chip names which other bank holds the product, and the file sends that bank', async () => {
    const page = await filledForm();
    const ccb = page.data.otherBanks.findIndex((o: any) => o.code === 'ccb');
    await fire(page, '.other-pick', 'change', { value: ccb }, 0);
    expect(page.text()).toContain('他行·建设银行');
    await tap(page, '.btn', 0);
    const create = calls().find((c) => c.action === 'create')!.event;
    expect(create.products).toEqual([{ product: 'acquiring', bank: 'other', otherBank: 'ccb', status: 'active' }]);
  });

  test('the privacy popup shows before the camera, and refusing explains and allows a retry', async () => {
    h.fake.privacyNeeded = true;
    answerCalls(() => me('marketing'));
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    await tap(page, '.add');
    expect(find(page, '.mask')).toHaveLength(1);
    expect(page.text()).toContain('隐私保护提示');
    await tap(page, '.refuse');
    await flush();
    expect(page.text()).toContain('需要同意《隐私保护指引》');
    expect(page.data.photos).toHaveLength(0);
    await tap(page, '.add');
    // The agree button has open-type="agreePrivacyAuthorization": WeChat fires this event on tap.
    await fire(page, '.agree', 'agreeprivacyauthorization', {});
    await flush(30);
    expect(page.data.photos).toHaveLength(3);
  });

  test('location refused: the message names the setting and offers retry', async () => {
    h.fake.locationDenied = true;
    const page = mount('pages/merchant/form/index', {}, {});
    await tap(page, '.more');
    expect(page.text()).toContain('没有位置权限');
    expect(page.text()).toContain('去设置');
    h.fake.locationDenied = false;
    await tap(page, '.link');
    expect(page.data.location).toMatchObject({ lat: 32.9396 });
  });

  test('probable duplicates are shown to compare; “not the same merchant” files with force', async () => {
    let n = 0;
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      if (ev.action === 'create' && !ev.force) {
        n++;
        return { duplicates: [{ merchantId: 'm-7', reasons: ['same-name-nearby'], distanceM: 31, inScope: true, name: '李家超市', address: '英武中路10号' }, { reasons: ['same-mobile'], inScope: false, askUnit: { id: 'u-br2', name: '戴南支行' } }] };
      }
      return { merchant: merchantOut({ id: ev.id }), isReplay: false };
    });
    const page = mount('pages/merchant/form/index', {}, {});
    await fillAll(page);
    await tap(page, '.btn', 0);
    expect(n).toBe(1);
    expect(page.text()).toContain('可能重复的商户');
    expect(page.text()).toContain('50米内同名商户（相距 31 米）');
    expect(page.text()).toContain('戴南支行的商户');
    expect(page.text()).toContain('请联系该单位核实');
    await tap(page, '.dup .btn');
    const last = calls().filter((c) => c.action === 'create').at(-1)!.event;
    expect(last.force).toBe(true);
    expect(h.fake.navigations.at(-1)!.kind).toBe('redirectTo');
  });

  test('an incomplete file is refused by 提交 with what is missing, and saved by 暂存', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('marketing') : { merchant: merchantOut({ id: ev.id, isComplete: false }), isReplay: false }));
    const page = mount('pages/merchant/form/index', {}, {});
    await type(page, '.f-name', '王家早点');
    await tap(page, '.btn', 0);
    expect(page.text()).toContain('还缺：门头照、乡镇/街道、路名、门牌号、位置、行业类别、经营者姓名、经营者手机号');
    expect(calls().filter((c) => c.fn === 'merchant')).toHaveLength(0);
    await tap(page, '.btn.secondary');
    const create = calls().find((c) => c.action === 'create')!.event;
    expect(create).toMatchObject({ name: '王家早点', products: [] });
    expect(create.photos).toBeUndefined();
  });

  test('a bad mobile is caught by the contract before sending, naming the field; a server VALIDATION marks its field', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      throw { code: 'VALIDATION', message: 'invalid', details: { issues: [{ field: 'licenceCode', message: '校验码不正确' }] } };
    });
    const page = mount('pages/merchant/form/index', {}, {});
    await fillAll(page);
    await type(page, '.f-op-mobile', '1391234');
    await tap(page, '.btn', 0);
    expect(calls().filter((c) => c.fn === 'merchant')).toHaveLength(0);
    expect(page.text()).toContain('经营者手机号：');
    await type(page, '.f-op-mobile', '13912345678');
    await type(page, '.f-licence', '91321281MA1XXXXXXX');
    await tap(page, '.btn', 0);
    expect(page.text()).toMatch(/统一社会信用代码/);
  });
});

describe('merchant map', () => {
  const GRIDS = [
    { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb1'], boundary: [[119.84, 32.93], [119.85, 32.93], [119.85, 32.94], [119.84, 32.94]] },
    { id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb2'], boundary: null },
  ];
  const MARKETS = [{ id: 'mk-1', name: '城北老街商圈', branchId: 'b-cb', unitPath: ['bank', 'b-cb'], gridIds: ['g-cb1', 'g-cb2'], merchantCount: 8, coveredCount: 6 }];
  function serve(role: string) {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me(role);
      if (ev.action === 'listUnits') return { items: GRIDS };
      if (ev.action === 'listMarkets') return { items: MARKETS };
      return { items: [merchantRow(1), merchantRow(2, { lifecycleClass: 'abnormal' }), merchantRow(3, { location: null })], nextCursor: null };
    });
  }

  test('puts the grid’s located merchants on the map as markers and opens the tapped one', async () => {
    serve('member');
    const page = mount('pages/merchant/map/index');
    await flush(10);
    expect(page.data.markers).toHaveLength(2);
    expect(page.data.markers[1]).toMatchObject({ latitude: 32.9396 + 0.0004, callout: { content: '张记面馆2', color: '#d54941' } });
    expect(page.text()).toContain('异动 1');
    page.instance.onMarker({ detail: { markerId: 2 } });
    await flush();
    await tap(page, '.sel');
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/detail/index?id=m-2' });
  });

  test('a member’s map names a market’s grids by the names the server gives, a grid outside its scope too', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me('member');
      if (ev.action === 'listUnits') return { items: [GRIDS[0]] };
      if (ev.action === 'listMarkets') return { items: [{ ...MARKETS[0], gridIds: ['g-cb1', 'u-br08-004'], gridNames: ['城北一网格', '城北四网格'] }] };
      return { items: [merchantRow(1)], nextCursor: null };
    });
    const page = mount('pages/merchant/map/index');
    await flush(10);
    expect(page.text()).toContain('城北一网格、城北四网格');
    expect(page.text()).not.toContain('u-br08-004');
  });

  test('each pin is its class’s image (a committed PNG, in the class colour), the callout in the same colour', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me('member');
      if (ev.action === 'listUnits') return { items: GRIDS };
      if (ev.action === 'listMarkets') return { items: MARKETS };
      return { items: [...LIFECYCLE_CLASSES.map((c, i) => merchantRow(i + 1, { lifecycleClass: c })), merchantRow(9, { lifecycleClass: 'unknown' })], nextCursor: null };
    });
    const page = mount('pages/merchant/map/index');
    await flush(10);
    const markers = page.data.markers as { iconPath: string; width: number; height: number; callout: { color: string } }[];
    expect(markers.map((m) => m.iconPath)).toEqual([...LIFECYCLE_CLASSES.map((c) => `/assets/pins/${c}.png`), '/assets/pins/to-win.png']);
    LIFECYCLE_CLASSES.forEach((c, i) => {
      expect(markers[i].callout.color).toBe(LIFECYCLE_CLASS_COLORS[c]);
      // The image is in the mini program, 44×60 (twice the marker), and its body is the class colour.
      const png = readPng(path.join(MP_ROOT, markers[i].iconPath));
      expect([png.width, png.height]).toEqual([markers[i].width * 2, markers[i].height * 2]);
      const [r, g, b, alpha] = png.rgba(10, 22); // left of the white dot, inside the drop
      expect(`#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`).toBe(LIFECYCLE_CLASS_COLORS[c]);
      expect(alpha).toBe(255);
      expect(png.rgba(1, 58)[3]).toBe(0); // outside the drop: transparent
    });
  });

  test('draws the grid boundaries as polygons and lists the markets with their coverage; only head office edits boundaries', async () => {
    serve('member');
    const page = mount('pages/merchant/map/index');
    await flush(10);
    expect(calls().find((c) => c.action === 'listMarkets')?.event).toEqual({ action: 'listMarkets', withCoverage: true });
    expect(page.data.polygons).toHaveLength(1);
    expect(page.data.polygons[0].points[0]).toEqual({ latitude: 32.93, longitude: 119.84 });
    expect(page.text()).toContain('城北老街商圈');
    expect(page.text()).toContain('城北一网格、城北二网格 · 覆盖 6/8（75%）');
    expect(find(page, '.edit-boundary')).toHaveLength(0);
    expect(find(page, '.manage-markets')).toHaveLength(0);

    resetApp();
    serve('hq');
    const hq = mount('pages/merchant/map/index');
    await flush(10);
    // Only grids with a boundary can be edited point by point.
    expect(find(hq, '.edit-boundary')).toHaveLength(1);
    await tap(hq, '.edit-boundary');
    expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/boundary/index?gridId=g-cb1' });
    await tap(hq, '.manage-markets');
    expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/markets/index' });
  });
});

describe('merchant map, one grid at a time', () => {
  const GRIDS = [
    { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb1'], boundary: [[119.84, 32.93], [119.85, 32.93], [119.85, 32.94], [119.84, 32.94]] },
    { id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb2'], boundary: null },
  ];
  /** 120 merchants in g-cb1 over three pages (the last without a location), 2 in g-cb2. */
  function serveGrids(grids: unknown[] = GRIDS) {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me('hq');
      if (ev.action === 'listUnits') return { items: grids };
      if (ev.action === 'listMarkets') return { items: [] };
      if (ev.gridId === 'g-cb2') return { items: [merchantRow(201, { gridId: 'g-cb2', lifecycleClass: 'premium' }), merchantRow(202, { gridId: 'g-cb2', lifecycleClass: 'premium' })], nextCursor: null };
      const from = ev.cursor ? Number(ev.cursor) : 0;
      const items = Array.from({ length: from === 100 ? 20 : 50 }, (_, i) => merchantRow(from + i + 1, { lifecycleClass: from === 100 ? 'lost' : 'qualified', ...(from + i === 119 ? { location: null } : {}) }));
      return { items, nextCursor: from === 100 ? null : String(from + 50) };
    });
  }

  test("head office's map asks by grid, reads the grid to its end, and the legend says what it counts", async () => {
    serveGrids();
    const page = mount('pages/merchant/map/index');
    await flush(20);
    const asks = calls().filter((c) => c.action === 'list');
    expect(asks.map((c) => [c.event.gridId, c.event.cursor])).toEqual([['g-cb1', undefined], ['g-cb1', '50'], ['g-cb1', '100']]);
    expect(page.data.markers).toHaveLength(119);
    expect(page.data.legend.find((l: any) => l.value === 'qualified').count).toBe(100);
    expect(page.data.legend.find((l: any) => l.value === 'lost').count).toBe(19);
    expect(page.text()).toContain('城北一网格 120 户中有定位的 119 户');
    // The chosen grid's boundary is the stressed one.
    expect(page.data.polygons[0].strokeWidth).toBe(3);
    // Another grid: only its merchants, and the legend counts them.
    page.instance.onGrid({ detail: { value: 1 } });
    await flush(10);
    expect(calls().at(-1)!.event).toMatchObject({ action: 'list', gridId: 'g-cb2' });
    expect(page.data.markers).toHaveLength(2);
    expect(page.data.legend.find((l: any) => l.value === 'premium').count).toBe(2);
    expect(page.data.legend.find((l: any) => l.value === 'qualified').count).toBe(0);
    expect(page.text()).toContain('城北二网格 2 户中有定位的 2 户');
    expect(page.data.polygons[0].strokeWidth).toBe(2);
  });

  test('opened on a grid, it shows that grid', async () => {
    serveGrids();
    const page = mount('pages/merchant/map/index', {}, { gridId: 'g-cb2' });
    await flush(20);
    expect(calls().filter((c) => c.action === 'list').map((c) => c.event.gridId)).toEqual(['g-cb2']);
    expect(page.data.gridIndex).toBe(1);
  });

  test("a new grid's first boundary: no boundary and no located merchant, the grids card still offers 绘制边界", async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me('hq');
      if (ev.action === 'listUnits') return { items: [{ ...GRIDS[1], id: 'g-new', name: '新网格' }] };
      if (ev.action === 'listMarkets') return { items: [] };
      return { items: [], nextCursor: null };
    });
    const page = mount('pages/merchant/map/index');
    await flush(10);
    expect(page.data.status).toBe('ready');
    expect(page.text()).toContain('新网格暂无有定位的商户');
    expect(find(page, '.draw-boundary')).toHaveLength(1);
    await tap(page, '.draw-boundary');
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/boundary/index?gridId=g-new' });
  });
});

describe('grid boundary editing', () => {
  const RING = [[119.84, 32.93], [119.85, 32.93], [119.85, 32.94], [119.84, 32.94]];
  function serve(preview: (ev: Record<string, any>) => unknown, save: (ev: Record<string, any>) => unknown = () => ({ unit: {}, moves: [] }), boundary: number[][] | null = RING) {
    answerCalls((fn, ev) => {
      if (ev.action === 'getUnit') return { unit: { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: [], boundary }, children: [] };
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: [], boundary: [[119.85, 32.93], [119.86, 32.93], [119.86, 32.94], [119.85, 32.94]] }] };
      if (ev.action === 'previewBoundary') return preview(ev);
      if (ev.action === 'saveBoundary') return save(ev);
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }
  const MOVE = { merchantId: 'm-9', merchantName: '东边小店', fromGridId: 'g-cb2', fromGridName: '城北二网格', toGridId: 'g-cb1', toGridName: '城北一网格' };

  test('tap a numbered point, tap its new place: the preview lists the merchants that would change grid; saving asks first', async () => {
    const previews: any[] = [];
    const saves: any[] = [];
    serve((ev) => (previews.push(ev), { unitId: 'g-cb1', moves: [MOVE] }), (ev) => (saves.push(ev), { unit: {}, moves: [MOVE] }));
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    expect(page.data.markers.map((m: any) => m.label.content)).toEqual(['1', '2', '3', '4']);
    expect(page.data.polygons).toHaveLength(2);
    // Saving before any change sends nothing.
    await tap(page, '.save');
    expect(saves).toHaveLength(0);
    page.instance.onVertex({ detail: { markerId: 3 } });
    expect(page.data.selected).toBe(2);
    expect(page.text()).toContain('第3个点将移到那里');
    page.instance.onMapTap({ detail: { latitude: 32.94, longitude: 119.8560001 } });
    await flush(10);
    expect(previews[0]).toEqual({ action: 'previewBoundary', unitId: 'g-cb1', boundary: [RING[0], RING[1], [119.856, 32.94], RING[3]] });
    expect(page.data.polygons[1].points[2]).toEqual({ latitude: 32.94, longitude: 119.856 });
    expect(page.text()).toContain('将更换网格的商户：1 户');
    expect(page.text()).toContain('东边小店');
    expect(page.text()).toContain('城北二网格 → 城北一网格');
    await tap(page, '.save');
    await flush(10);
    expect(current.fake.modals.at(-1)?.content).toContain('1 个商户将移交');
    expect(saves).toEqual([{ action: 'saveBoundary', unitId: 'g-cb1', boundary: [RING[0], RING[1], [119.856, 32.94], RING[3]] }]);
    expect(page.data.changed).toBe(false);
  });

  test('a refused boundary shows the sentence, turns the named point red and cannot be saved; 恢复 puts the boundary back', async () => {
    serve(() => {
      throw { code: 'VALIDATION', message: 'boundary.1: 边界与网格「城北二网格」重叠约5000平方米，请移动第2个点', reason: 'UNIT.BOUNDARY_OVERLAP', details: { pointIndex: 1, gridId: 'g-cb2', issues: [{ field: 'boundary.1', message: '边界与网格「城北二网格」重叠约5000平方米，请移动第2个点' }] } };
    });
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    page.instance.onVertex({ detail: { markerId: 2 } });
    page.instance.onMapTap({ detail: { latitude: 32.935, longitude: 119.855 } });
    await flush(10);
    expect(page.data.previewError).toContain('第2个点');
    expect(page.data.refusedPoint).toBe(1);
    expect(page.data.markers[1].label.color).toBe('#d54941');
    expect(find(page, '.save.disabled')).toHaveLength(1);
    await tap(page, '.save');
    expect(calls().filter((c) => c.action === 'saveBoundary')).toHaveLength(0);
    await tap(page, '.reset');
    expect(page.data.points).toEqual(RING);
    expect(page.data.previewError).toBe('');
  });
});

describe('grid boundary drawing, adding and removing points', () => {
  const RING = [[119.84, 32.93], [119.85, 32.93], [119.85, 32.94], [119.84, 32.94]];
  const OTHER = [[119.85, 32.93], [119.86, 32.93], [119.86, 32.94], [119.85, 32.94]];
  function serve(boundary: number[][] | null, preview: (ev: Record<string, any>) => unknown, save: (ev: Record<string, any>) => unknown = () => ({ unit: {}, moves: [] })) {
    answerCalls((fn, ev) => {
      if (ev.action === 'getUnit') return { unit: { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: [], boundary }, children: [] };
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: [], boundary: OTHER }] };
      if (ev.action === 'previewBoundary') return preview(ev);
      if (ev.action === 'saveBoundary') return save(ev);
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }
  const tapAt = (page: any, lng: number, lat: number) => page.instance.onMapTap({ detail: { latitude: lat, longitude: lng } });

  test('a grid without a boundary is drawn tap by tap: a line until three points, then each point previewed; 撤销 and 清除; saving sends the drawn ring', async () => {
    const previews: any[] = [];
    const saves: any[] = [];
    serve(null, (ev) => (previews.push(ev), { unitId: 'g-cb1', moves: [] }), (ev) => (saves.push(ev), { unit: {}, moves: [] }));
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    expect(page.data.status).toBe('ready');
    expect(page.data.drawing).toBe(true);
    expect(page.data.points).toEqual([]);
    expect(page.text()).toContain('依次点地图画出边界点（至少3个），已画0个');
    // Centred on the other grids, which are drawn grey.
    expect(page.data.center.lng).toBeCloseTo(119.855, 9);
    expect(page.data.center.lat).toBeCloseTo(32.935, 9);
    expect(page.data.polygons).toHaveLength(1);
    tapAt(page, 119.8300004, 32.93);
    tapAt(page, 119.84, 32.93);
    await flush(10);
    expect(page.data.points).toEqual([[119.83, 32.93], [119.84, 32.93]]);
    expect(page.data.polyline).toHaveLength(1);
    expect(page.data.polygons).toHaveLength(1);
    expect(page.data.markers.map((m: any) => m.label.content)).toEqual(['1', '2']);
    expect(previews).toHaveLength(0);
    await tap(page, '.save');
    expect(saves).toHaveLength(0);
    tapAt(page, 119.84, 32.94);
    await flush(10);
    expect(previews).toEqual([{ action: 'previewBoundary', unitId: 'g-cb1', boundary: [[119.83, 32.93], [119.84, 32.93], [119.84, 32.94]] }]);
    expect(page.data.polygons).toHaveLength(2);
    expect(page.data.polyline).toEqual([]);
    expect(page.text()).toContain('将更换网格的商户：0 户');
    await tap(page, '.undo-point');
    await flush(10);
    expect(page.data.points).toHaveLength(2);
    expect(page.data.changed).toBe(false);
    expect(previews).toHaveLength(1);
    await tap(page, '.clear-points');
    expect(page.data.points).toEqual([]);
    for (const [lng, lat] of [[119.83, 32.93], [119.84, 32.93], [119.84, 32.94], [119.83, 32.94]]) tapAt(page, lng, lat);
    await flush(10);
    expect(previews.at(-1).boundary).toEqual([[119.83, 32.93], [119.84, 32.93], [119.84, 32.94], [119.83, 32.94]]);
    await tap(page, '.save');
    await flush(10);
    expect(saves).toEqual([{ action: 'saveBoundary', unitId: 'g-cb1', boundary: [[119.83, 32.93], [119.84, 32.93], [119.84, 32.94], [119.83, 32.94]] }]);
    // Saved: the grid has a boundary now, edited point by point from here on.
    expect(page.data.drawing).toBe(false);
    expect(page.data.changed).toBe(false);
  });

  test('a drawn boundary refused by the server turns the named point red and cannot be saved', async () => {
    serve(null, () => {
      throw { code: 'VALIDATION', message: 'boundary.2: 边界与网格「城北二网格」重叠约5000平方米，请移动第3个点', reason: 'UNIT.BOUNDARY_OVERLAP', details: { pointIndex: 2, gridId: 'g-cb2', issues: [{ field: 'boundary.2', message: '边界与网格「城北二网格」重叠约5000平方米，请移动第3个点' }] } };
    });
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    for (const [lng, lat] of [[119.83, 32.93], [119.84, 32.93], [119.855, 32.935]]) tapAt(page, lng, lat);
    await flush(10);
    expect(page.data.previewError).toContain('第3个点');
    expect(page.data.markers[2].label.color).toBe('#d54941');
    await tap(page, '.save');
    expect(calls().filter((c) => c.action === 'saveBoundary')).toHaveLength(0);
  });

  test('a bank of 300 grids: the other grids are sent once in parts, a moved point sends only the edited polygon', async () => {
    const grids = Array.from({ length: 300 }, (_, k) => {
      const [x, y] = [119.7 + (k % 20) * 0.01, 32.8 + Math.floor(k / 20) * 0.01];
      return { id: `g-${k}`, name: `网格${k}`, kind: 'grid', unitPath: [], boundary: [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01]] };
    });
    answerCalls((fn, ev) => {
      if (ev.action === 'getUnit') return { unit: { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: [], boundary: RING }, children: [] };
      if (ev.action === 'listUnits') return { items: grids };
      if (ev.action === 'previewBoundary') return { unitId: 'g-cb1', moves: [] };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    // Every setData is measured by the harness: one over 64 KB fails the test.
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    expect(page.data.polygons).toHaveLength(301);
    const sent: Record<string, unknown>[] = [];
    const setData = page.instance.setData.bind(page.instance);
    page.instance.setData = (patch: Record<string, unknown>, cb?: () => void) => (sent.push(patch), setData(patch, cb));
    page.instance.onVertex({ detail: { markerId: 3 } });
    tapAt(page, 119.856, 32.94);
    await flush(10);
    expect(sent.some((p) => 'polygons' in p)).toBe(false);
    expect(sent.filter((p) => 'polygons[300]' in p).length).toBeGreaterThan(0);
    expect(page.data.polygons[300].points[2]).toEqual({ latitude: 32.94, longitude: 119.856 });
    expect(page.data.polygons[0].points[0]).toEqual({ latitude: 32.8, longitude: 119.7 });
  });

  test('加点 adds a point in the middle of the edge after the selected one, selected to be moved; 删点 removes one; three points stay', async () => {
    const previews: any[] = [];
    serve(RING, (ev) => (previews.push(ev), { unitId: 'g-cb1', moves: [] }));
    const page = mount('pages/merchant/boundary/index', {}, { gridId: 'g-cb1' });
    await flush(10);
    expect(page.data.drawing).toBe(false);
    // Nothing selected: no point buttons.
    expect(find(page, '.add-point')).toHaveLength(0);
    expect(find(page, '.remove-point')).toHaveLength(0);
    page.instance.onVertex({ detail: { markerId: 2 } });
    await tap(page, '.add-point');
    await flush(10);
    expect(page.data.points).toEqual([RING[0], RING[1], [119.85, 32.935], RING[2], RING[3]]);
    expect(page.data.selected).toBe(2);
    expect(previews.at(-1).boundary).toEqual([RING[0], RING[1], [119.85, 32.935], RING[2], RING[3]]);
    // The new point is moved like any other.
    tapAt(page, 119.853, 32.935);
    await flush(10);
    expect(previews.at(-1).boundary).toEqual([RING[0], RING[1], [119.853, 32.935], RING[2], RING[3]]);
    // The last point's edge closes the ring: its new point goes between it and the first.
    page.instance.onVertex({ detail: { markerId: 5 } });
    await tap(page, '.add-point');
    await flush(10);
    expect(page.data.points.at(-1)).toEqual([119.84, 32.935]);
    expect(page.data.selected).toBe(5);
    await tap(page, '.remove-point');
    page.instance.onVertex({ detail: { markerId: 3 } });
    await tap(page, '.remove-point');
    await flush(10);
    expect(page.data.points).toEqual(RING);
    expect(previews.at(-1).boundary).toEqual(RING);
    page.instance.onVertex({ detail: { markerId: 1 } });
    await tap(page, '.remove-point');
    await flush(10);
    expect(page.data.points).toEqual([RING[1], RING[2], RING[3]]);
    const asked = previews.length;
    page.instance.onVertex({ detail: { markerId: 1 } });
    await tap(page, '.remove-point');
    await flush(10);
    expect(current.fake.toasts.at(-1)).toBe('边界至少需要3个点');
    expect(page.data.points).toHaveLength(3);
    expect(previews).toHaveLength(asked);
    await tap(page, '.reset');
    expect(page.data.points).toEqual(RING);
  });
});

describe('markets', () => {
  test('a branch creates a market from its grids and edits one; a refusal is shown', async () => {
    const sent: any[] = [];
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return me('branch', { unit: { id: 'b-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits' && ev.kind === 'grid') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb1'] }, { id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: ['bank', 'b-cb', 'g-cb2'] }] };
      if (ev.action === 'listUnits') return { items: [{ id: 'b-cb', name: '城北支行', kind: 'branch', unitPath: ['bank', 'b-cb'] }, { id: 'b-dn', name: '戴南支行', kind: 'branch', unitPath: ['bank', 'b-dn'] }] };
      if (ev.action === 'listMarkets') return { items: [{ id: 'mk-1', name: '老街商圈', branchId: 'b-cb', unitPath: [], gridIds: ['g-cb1'], merchantCount: 4, coveredCount: 1 }] };
      if (ev.action === 'createMarket' || ev.action === 'updateMarket') {
        sent.push(ev);
        if (ev.name === '越界') throw { code: 'VALIDATION', message: 'gridIds.0: 网格不在该支行', reason: 'MARKET.GRID_OUTSIDE_BRANCH', details: { issues: [{ field: 'gridIds.0', message: '网格不在该支行' }] } };
        return { id: 'mk-2', name: ev.name, branchId: 'b-cb', unitPath: [], gridIds: ev.gridIds ?? [] };
      }
      throw { code: 'NOT_FOUND', message: 'x' };
    });
    const page = mount('pages/merchant/markets/index');
    await flush(10);
    expect(page.text()).toContain('城北一网格 · 覆盖 1/4（25%）');
    // A branch manager makes markets of its own branch only: no branch picker, its grids offered.
    expect(find(page, '.branch-picker')).toHaveLength(0);
    expect(page.data.grids.map((g: any) => g.id)).toEqual(['g-cb1', 'g-cb2']);
    await tap(page, '.submit');
    expect(page.data.errors.name).toBe('请填写商圈名称');
    await type(page, '.market-name', '新街商圈');
    await tap(page, '.grid-option', 1);
    await tap(page, '.submit');
    await flush(10);
    expect(sent[0]).toEqual({ action: 'createMarket', name: '新街商圈', branchId: 'b-cb', gridIds: ['g-cb2'] });

    await tap(page, '.edit', 0);
    expect(page.data.name).toBe('老街商圈');
    expect(page.data.grids.filter((g: any) => g.checked).map((g: any) => g.id)).toEqual(['g-cb1']);
    await type(page, '.market-name', '越界');
    await tap(page, '.submit');
    await flush(10);
    expect(sent[1]).toEqual({ action: 'updateMarket', marketId: 'mk-1', name: '越界', gridIds: ['g-cb1'] });
    expect(page.text()).toContain('网格不在该支行');
  });
});
