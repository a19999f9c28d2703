/**
 * The merchant code (商户码, docs/api.md "merchant"): made once per merchant and kept on its record, an image for the
 * stand sign; a scanned scene opens the merchant in scope, and outside it the refusal says so.
 */
import { MERCHANT_CODE_PAGE } from '../../shared/contracts/qrcode.contract';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, photo, seedFixture } from './fixture';

const local = useLocalCloud();
let shortId = '';
const longId = `merchant-with-a-long-client-id-${'x'.repeat(16)}`;

beforeAll(async () => {
  await seedFixture(local);
  shortId = (await local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing)).data.merchant.id;
  const long = completeFile(S.marketing2, { id: longId, gridId: U.gr3, location: IN.gr3, photos: [photo(S.marketing2, IN.gr3)] });
  expect((await local.call('merchant', { action: 'create', ...long }, O.marketing2)).ok).toBe(true);
});

const code = (id: string, openid: string) => local.call('merchant', { action: 'qrCode', id }, openid);
const resolve = (scene: string, openid: string) => local.call('merchant', { action: 'resolveScene', scene }, openid);

describe('merchant code', () => {
  it('is made once, kept on the record, an image for the detail page with the merchant id as its scene', async () => {
    const first = await code(shortId, O.member);
    expect(first.ok).toBe(true);
    expect(first.data).toMatchObject({ merchantId: shortId, scene: shortId, page: MERCHANT_CODE_PAGE });
    expect(first.data.url).toMatch(/\/storage\/tmp\/qrcodes\//);
    // Locally the code is an SVG QR holding the page and scene a mini program code carries (its path).
    const svg = local.cloud.storage.download(first.data.fileId).toString();
    expect(svg).toMatch(/^<svg[^>]*viewBox/);
    const stored = (await local.cloud.database().collection('merchants').doc(shortId).get()).data;
    const doc = Array.isArray(stored) ? stored[0] : stored;
    expect(doc.qrCode).toEqual({ scene: shortId, fileId: first.data.fileId });
    expect(doc.version).toBe(1);
    const again = await code(shortId, O.leader);
    expect(again.data).toMatchObject({ scene: shortId, fileId: first.data.fileId });
  });

  it('an id longer than a scene allows gets a short code that resolves to it', async () => {
    const res = await code(longId, O.marketing2);
    expect(res.data.scene).toMatch(/^~[A-Za-z0-9]{20}$/);
    expect((await resolve(res.data.scene, O.branch2)).data).toMatchObject({ merchantId: longId });
  });

  it('a scanned scene opens the merchant in scope; outside it the refusal says so and names nothing', async () => {
    expect((await resolve(shortId, O.maintenance)).data).toEqual({ merchantId: shortId, name: expect.any(String) });
    const outside = await resolve(shortId, O.marketing2);
    expect(outside.error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect(outside.error.message).toContain('不在您的管辖范围');
    expect(outside.data).toBeUndefined();
    expect((await code(shortId, O.marketing2)).error.code).toBe('FORBIDDEN');
    expect((await resolve('no-such-merchant', O.hq)).error.code).toBe('NOT_FOUND');
    expect((await resolve('~NoSuchCode', O.hq)).error.code).toBe('NOT_FOUND');
    expect((await resolve('has space', O.hq)).error.details.issues[0].field).toBe('scene');
  });
});
