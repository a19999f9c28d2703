/** @jest-environment jsdom */
import { answerCalls, calls, find, fire, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut, merchantRow } from './fixtures';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

describe('merchant detail', () => {
  let tasksRefused = false;
  afterEach(() => {
    tasksRefused = false;
  });
  function serve(role = 'member', over: Record<string, unknown> = {}) {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me(role);
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

  test('submits a complete file: camera-only photos stamped and compressed, uploaded, location, industry, operator, products', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id, isComplete: true }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    await fillAll(page);
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
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'redirectTo', url: `/pages/merchant/detail/index?id=${create.id}` });
  });

  test('the 他行 chip names which other bank holds the product, and the file sends that bank', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('marketing');
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id, isComplete: true }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    await fillAll(page);
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
  test('puts the grid’s located merchants on the map as markers and opens the tapped one', async () => {
    answerCalls(() => ({ items: [merchantRow(1), merchantRow(2, { lifecycleClass: 'abnormal' }), merchantRow(3, { location: null })], nextCursor: null }));
    const page = mount('pages/merchant/map/index');
    await flush();
    expect(page.data.markers).toHaveLength(2);
    expect(page.data.markers[1]).toMatchObject({ latitude: 32.9396 + 0.0004, callout: { content: '张记面馆2', color: '#d54941' } });
    expect(page.text()).toContain('异动 1');
    page.instance.onMarker({ detail: { markerId: 2 } });
    await flush();
    await tap(page, '.sel');
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/detail/index?id=m-2' });
  });
});
