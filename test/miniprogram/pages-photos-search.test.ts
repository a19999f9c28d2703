/** @jest-environment jsdom */
/**
 * Photos, the merchant code and search in the pages (docs/miniprogram.md "How it behaves"): photos stamped in their own proportions, storefront and visit photos
 * as thumbnails and full screen (wx.previewImage), the merchant code, 扫码查户 and the search box.
 */
import { answerCalls, calls, fire, flush, mount, resetApp, tap } from './harness';
import { me, merchantOut, merchantRow } from './fixtures';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

const LINK = (name: string) => `http://127.0.0.1:3000/storage/tmp/${name}?t=1&sign=x`;

describe('stamped photos keep their proportions', () => {
  test('a portrait photo is stamped on a portrait canvas, a landscape one on a landscape canvas, the longer edge at most 1280', async () => {
    answerCalls(() => me('marketing'));
    const page = mount('pages/merchant/form/index', {}, {});
    await flush();
    h.fake.imageSize = { width: 3000, height: 4000 };
    await tap(page, '.add');
    await flush(30);
    expect(page.data.photos).toHaveLength(3);
    expect(h.fake.canvases.at(-1)).toEqual({ width: 960, height: 1280 });
    expect(h.fake.canvasText.some((t) => t.includes('王网格'))).toBe(true);
    page.instance.setData({ photos: [] });
    h.fake.imageSize = { width: 1600, height: 900 };
    await tap(page, '.add');
    await flush(30);
    expect(h.fake.canvases.at(-1)).toEqual({ width: 1280, height: 720 });
    // A small photo is not enlarged.
    page.instance.setData({ photos: [] });
    h.fake.imageSize = { width: 640, height: 480 };
    await tap(page, '.add');
    await flush(30);
    expect(h.fake.canvases.at(-1)).toEqual({ width: 640, height: 480 });
  });
});

describe('merchant detail: photos, code and scanned scenes', () => {
  const visit = { id: 'v-1', merchantId: 'm-1', staffId: 's', type: 'revisit', at: '2025-07-30T02:00:00.000Z', day: '2025-07-30', location: null, distanceM: 20, isFlagged: false, gridId: 'g-cb1', checks: [{ item: 'speaker', result: 'fail', photo: 'cloud://env/visits/c.jpg' }], outcome: null, note: null, photos: [{ fileId: 'cloud://env/visits/a.jpg', takenAt: '2025-07-30T02:00:00.000Z', location: { lng: 119.8426, lat: 32.9396 }, staffId: 's' }], productsPitched: null, createdAt: null };
  function serve(over: { resolve?: () => unknown } = {}) {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (fn === 'merchant' && ev.action === 'get') return merchantOut({ photos: [merchantOut().photos[0], { ...merchantOut().photos[0], fileId: 'cloud://env/m-1/1.jpg' }] });
      if (fn === 'merchant' && ev.action === 'photoUrls') return { files: [{ fileId: 'cloud://env/m-1/0.jpg', url: LINK('m0.jpg') }, { fileId: 'cloud://env/m-1/1.jpg', url: LINK('m1.jpg') }], maxAgeS: 600 };
      if (fn === 'visit' && ev.action === 'photoUrls') return { files: [{ fileId: 'cloud://env/visits/a.jpg', url: LINK('a.jpg') }, { fileId: 'cloud://env/visits/c.jpg', url: LINK('c.jpg') }], maxAgeS: 600 };
      if (fn === 'merchant' && ev.action === 'qrCode') return { merchantId: 'm-1', scene: 'm-1', page: 'pages/merchant/detail/index', fileId: 'cloud://env/qrcodes/q.png', url: LINK('q.png'), maxAgeS: 600 };
      if (fn === 'merchant' && ev.action === 'resolveScene') return over.resolve ? over.resolve() : { merchantId: 'm-1', name: '张记面馆' };
      if (ev.action === 'listByMerchant') return { items: [visit], nextCursor: null };
      if (ev.action === 'tasks' || ev.action === 'history') return { items: [], nextCursor: null };
      throw { code: 'NOT_FOUND', message: 'x' };
    });
  }

  test('storefront photos show as thumbnails through the issued links and open full screen at the one tapped', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(calls().find((c) => c.fn === 'merchant' && c.action === 'photoUrls')!.event).toEqual({ action: 'photoUrls', id: 'm-1' });
    expect(page.$$('.thumb')).toHaveLength(2);
    expect(page.data.photoUrls).toEqual([LINK('m0.jpg'), LINK('m1.jpg')]);
    await tap(page, '.thumb', 1);
    expect(h.fake.previews.at(-1)).toEqual({ urls: [LINK('m0.jpg'), LINK('m1.jpg')], current: LINK('m1.jpg') });
  });

  test('a visit with photos offers them, its checks’ photos included, full screen', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.tab', 2);
    expect(page.text()).toContain('照片 2');
    await tap(page, '.visit-photos');
    await flush();
    expect(calls().find((c) => c.fn === 'visit' && c.action === 'photoUrls')!.event).toEqual({ action: 'photoUrls', visitId: 'v-1' });
    expect(h.fake.previews.at(-1)).toEqual({ urls: [LINK('a.jpg'), LINK('c.jpg')], current: LINK('a.jpg') });
  });

  test('the merchant code shows and opens full screen to save or print', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.code-row');
    await flush();
    expect(calls().find((c) => c.action === 'qrCode')!.event).toEqual({ action: 'qrCode', id: 'm-1' });
    expect(page.$$('.code')).toHaveLength(1);
    expect(page.data.code.url).toBe(LINK('q.png'));
    expect(h.fake.previews.at(-1)).toEqual({ urls: [LINK('q.png')], current: LINK('q.png') });
  });

  test('opened by a scanned code, the page resolves the scene; outside the caller’s scope it says so', async () => {
    serve();
    const page = mount('pages/merchant/detail/index', {}, { scene: encodeURIComponent('m-1') });
    await flush();
    expect(calls().find((c) => c.action === 'resolveScene')!.event).toEqual({ action: 'resolveScene', scene: 'm-1' });
    expect(page.text()).toContain('张记面馆');

    resetApp();
    serve({ resolve: () => { throw { code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE', message: '该商户不在您的管辖范围内，无法查看' }; } });
    const outside = mount('pages/merchant/detail/index', {}, { scene: encodeURIComponent('m-9') });
    await flush();
    expect(outside.text()).toContain('该商户不在您的管辖范围内');
    expect(calls().some((c) => c.action === 'get')).toBe(false);
  });
});

describe('扫码查户 and the search box', () => {
  test('the merchants page scans a merchant code (its path carries the scene) and opens it', async () => {
    answerCalls(() => ({ items: [], nextCursor: null }));
    const page = mount('pages/merchants/index');
    await flush();
    h.fake.scanPath = 'pages/merchant/detail/index?scene=m-42';
    await tap(page, '.scan-btn');
    await flush();
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/detail/index?scene=m-42' });
    h.fake.scanPath = '';
    h.fake.scanResult = 'https://example.com/pay';
    await tap(page, '.scan-btn');
    await flush();
    expect(page.text()).toContain('这不是商户网格码');
  });

  test('the workbench opens the local stand-in QR, whose text is the same path', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('member') : { items: [], nextCursor: null }));
    const page = mount('pages/workbench/index');
    await flush();
    h.fake.scanResult = 'pages/merchant/detail/index?scene=%7EAbc23';
    await tap(page, '.action', 2);
    await flush();
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/merchant/detail/index?scene=%7EAbc23' });
  });

  test('one box searches every identifier: the text goes to the server as typed (trimmed), the rows it finds are shown', async () => {
    answerCalls((fn, ev) => (ev.q === '13912345678' ? { items: [merchantRow(3, { name: '王记超市' })], nextCursor: null } : { items: [], nextCursor: null }));
    const page = mount('pages/merchants/index');
    await flush();
    await fire(page, '.search', 'change', { value: ' 13912345678 ' });
    await fire(page, '.search', 'submit', { value: '13912345678' });
    await flush();
    expect(calls().at(-1)!.event).toEqual({ action: 'list', limit: 20, q: '13912345678' });
    expect(page.text()).toContain('王记超市');
  });
});
