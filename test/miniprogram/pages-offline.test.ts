/** @jest-environment jsdom */
/**
 * Filing offline and by hand, on the pages: the grid picker when there is no fix, a filing kept when the
 * network is down, the queue screen (open into the form, resend, discard), and the leader's review list.
 */
import { answerCalls, calls, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut } from './fixtures';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

const GRIDS = { items: [{ id: 'g-cb1', name: '城北1号网格' }, { id: 'g-cb2', name: '城北2号网格' }] };
const queue = () => require('../../miniprogram/offline/index').getOfflineQueue();

describe('filing form without a fix, offline', () => {
  test('no fix: the grid picker lists the grids in scope; offline, the filing is kept and the queue screen opens', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'org' && ev.action === 'listUnits') return GRIDS;
      throw { code: 'NOT_FOUND' };
    });
    h.fake.locationDenied = true;
    // Signed in earlier: the profile is kept on the device.
    h.wx.setStorageSync('grid.profile', me('member'));
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    expect(page.text()).toContain('所属网格');
    page.instance.onGrid({ detail: { value: 1 } });
    await type(page, '.f-name', '无定位小店');
    h.fake.online = false;
    await tap(page, '.btn.secondary'); // 暂存
    await flush();
    expect(page.data.error).toBe('');
    const item = queue().get(page.data.merchantId);
    expect(item).toMatchObject({ kind: 'filing', state: 'waiting', record: { id: page.data.merchantId, name: '无定位小店', gridId: 'g-cb2' } });
    expect(calls().filter((c) => c.action === 'create')).toHaveLength(0);
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'redirectTo', url: '/pages/merchant/queue/index' });
  });

  test('no fix with a storefront photo: the filing is sent with the photo and no place, and the file opens', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'org' && ev.action === 'listUnits') return GRIDS;
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    h.fake.locationDenied = true;
    h.wx.setStorageSync('grid.profile', me('member'));
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    page.instance.onGrid({ detail: { value: 0 } });
    await type(page, '.f-name', '无定位拍照店');
    await tap(page, '.add');
    await flush(30);
    expect(page.data.photos.length).toBeGreaterThan(0);
    expect(h.fake.canvasText.some((t: string) => t.includes('位置未知'))).toBe(true);
    await tap(page, '.btn.secondary'); // 暂存
    await flush(10);
    expect(page.data.error).toBe('');
    const create = calls().find((c) => c.action === 'create')!.event;
    expect(create).toMatchObject({ name: '无定位拍照店', gridId: 'g-cb1' });
    expect(create.location).toBeUndefined();
    expect(create.photos[0]).toMatchObject({ fileId: expect.stringMatching(/^cloud:\/\//), staffId: expect.any(String) });
    expect(create.photos[0].location).toBeUndefined();
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'redirectTo', url: `/pages/merchant/detail/index?id=${create.id}` });
  });
});

describe('offline queue screen', () => {
  test('a refused filing shows why; 修改 opens it in the form with the field marked; fixed, it is sent under the same id', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'org' && ev.action === 'listUnits') return GRIDS;
      if (ev.action === 'create' && ev.gridId === 'g-cb2') throw { code: 'FORBIDDEN', reason: 'SCOPE.OTHER_GRID', message: 'gridId: 不能在其他网格建档或操作', details: { issues: [{ field: 'gridId', message: '不能在其他网格建档或操作' }] } };
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id, gridId: ev.gridId }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    await queue().enqueue({ id: 'm-00000011', filing: { name: '选错网格的店', gridId: 'g-cb2' }, photos: [], label: '建档 · 选错网格的店' });
    await flush();
    const page = mount('pages/merchant/queue/index');
    await flush();
    expect(page.text()).toContain('建档 · 选错网格的店');
    expect(page.text()).toContain('被退回');
    expect(page.text()).toContain('网格：不能在其他网格建档或操作');
    await tap(page, '.edit');
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/form/index?queued=m-00000011' });

    const form = mount('pages/merchant/form/index', {}, { queued: 'm-00000011' });
    await flush();
    expect(form.data).toMatchObject({ merchantId: 'm-00000011', queuedId: 'm-00000011', gridName: '城北2号网格', form: { name: '选错网格的店' } });
    expect(form.data.errors.gridId).toBe('不能在其他网格建档或操作');
    form.instance.onGrid({ detail: { value: 0 } });
    await tap(form, '.btn.secondary');
    await flush();
    const creates = calls().filter((c) => c.action === 'create');
    expect(creates.map((c) => c.event.id)).toEqual(['m-00000011', 'm-00000011']);
    expect(creates[1].event.gridId).toBe('g-cb1');
    expect(queue().summary().items).toHaveLength(0);
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'redirectTo', url: '/pages/merchant/detail/index?id=m-00000011' });
  });

  test('重新发送 puts a refused item back in line; 放弃 asks, then removes it', async () => {
    let refuse = true;
    answerCalls((fn, ev) => {
      if (ev.action === 'create' && refuse) throw { code: 'CONFLICT', reason: 'MERCHANT.VERSION', message: 'x' };
      if (ev.action === 'create') return { merchant: merchantOut({ id: ev.id }), isReplay: false };
      throw { code: 'NOT_FOUND' };
    });
    await queue().enqueue({ id: 'm-00000012', filing: { name: '甲', gridId: 'g-cb1' }, photos: [], label: '建档 · 甲' });
    await queue().enqueue({ id: 'm-00000013', filing: { name: '乙', gridId: 'g-cb1' }, photos: [], label: '建档 · 乙' });
    await flush();
    const page = mount('pages/merchant/queue/index');
    await flush();
    expect(queue().summary().rejected).toBe(2);
    refuse = false;
    await tap(page, '.resend', 0);
    await flush();
    expect(queue().summary().items.map((i: any) => i.id)).toEqual(['m-00000013']);
    await tap(page, '.discard', 0);
    await flush();
    expect(h.fake.modals.at(-1)!.title).toBe('放弃这条记录？');
    expect(queue().summary().items).toHaveLength(0);
    expect(page.text()).toContain('所有建档和走访都已同步');
  });
});

describe('manual placements for the grid leader', () => {
  test('the merchant detail says a hand-picked grid waits for the leader', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'merchant' && ev.action === 'get') return merchantOut({ placement: { reason: 'outside-boundary', status: 'pending', gridId: 'g-cb1', by: 's-member', at: '2025-07-30T02:00:00.000Z', reviewedBy: null, reviewedAt: null } });
      if (ev.action === 'getUnit') return { unit: { id: 'g-cb1', name: '城北1号网格' }, children: [] };
      return { items: [], nextCursor: null };
    });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('建档人手动选择（位置不在任何网格边界内），待网格长确认');
  });

  test('lists the merchants whose grid was picked by hand, confirms one and moves another', async () => {
    const pending = [
      { merchantId: 'm-21', name: '无定位杂货店', address: null, gridId: 'g-cb1', placement: { reason: 'no-fix', status: 'pending', gridId: 'g-cb1', by: 's-member', at: '2025-07-30T02:00:00.000Z', reviewedBy: null, reviewedAt: null } },
      { merchantId: 'm-22', name: '边界外水果摊', address: null, gridId: 'g-cb1', placement: { reason: 'outside-boundary', status: 'pending', gridId: 'g-cb1', by: 's-member', at: '2025-07-30T03:00:00.000Z', reviewedBy: null, reviewedAt: null } },
    ];
    answerCalls((fn, ev) => {
      if (fn === 'org' && ev.action === 'listUnits') return GRIDS;
      if (ev.action === 'placements') return { items: pending, more: false };
      if (ev.action === 'reviewPlacement') {
        pending.splice(pending.findIndex((p) => p.merchantId === ev.id), 1);
        return { merchant: merchantOut({ id: ev.id }) };
      }
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/merchant/placements/index');
    await flush();
    expect(page.text()).toContain('无定位杂货店');
    expect(page.text()).toContain('城北1号网格 · 未能定位');
    expect(page.text()).toContain('位置不在任何网格边界内');
    await tap(page, '.confirm', 0);
    await flush();
    expect(calls().find((c) => c.action === 'reviewPlacement')!.event).toEqual({ action: 'reviewPlacement', id: 'm-21', decision: 'confirm' });
    page.instance.onMove({ currentTarget: { dataset: { id: 'm-22' } }, detail: { value: 1 } });
    await flush();
    expect(calls().filter((c) => c.action === 'reviewPlacement').at(-1)!.event).toEqual({ action: 'reviewPlacement', id: 'm-22', decision: 'move', toGridId: 'g-cb2' });
    expect(page.text()).toContain('没有待确认的商户');
  });
});
