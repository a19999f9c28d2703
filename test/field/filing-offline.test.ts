/**
 * Filing offline and without a grid (docs/domain.md §2 "Manual placement", docs/miniprogram.md "Offline
 * queue"), through the real `merchant` function: a filing queued on the device reaches the server once
 * whatever failed on the way, a filing whose grid was picked by hand waits for its grid leader, and a
 * picked grid outside the filer's scope is refused naming the field.
 */
import { OfflineQueue, type QueueDeps, type QueueItem } from '../../miniprogram/offline/visit-queue';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, counts, photo, seedFixture, uid, uploadPhoto } from './fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const stored = async (id: string) => {
  const res = (await db().collection('merchants').doc(id).get()).data;
  return Array.isArray(res) ? res[0] : res;
};
const audits = async (id: string) => (await db().collection('auditLog').where({ 'target.id': id }).get()).data.map((a: any) => a.action);

beforeAll(() => seedFixture(local));

/** The device side of the queue: storage in memory, a clock moved by hand, sends through the real function. */
function device(openid: string, transport: (record: Record<string, unknown>) => Promise<unknown>) {
  const clock = { t: Date.now() };
  let saved: QueueItem[] = [];
  const deps: QueueDeps = {
    load: () => saved,
    save: (items) => (saved = JSON.parse(JSON.stringify(items))),
    keepFile: async (_path, name, kind) => `usr/${kind}-photos/${name}.jpg`,
    removeFile: async () => undefined,
    // The photo's bytes reach the bank's storage in the taker's folder of the record's kind.
    uploadPhoto: async (_local, _id, _i, staffId, kind) => uploadPhoto(staffId ?? '', kind),
    submit: (record) => transport(record),
    // As the app's binding does: a refusal is kept, with its field issues; anything else is retried.
    classify: (err: any) => ({
      isRetryable: err?.retryable !== false,
      message: String(err?.message ?? err),
      fields: Object.fromEntries(((err?.envelope?.details?.issues ?? []) as { field: string; message: string }[]).map((i) => [i.field, i.message])),
    }),
    isOnline: () => true,
    now: () => clock.t,
    setTimer: () => 0,
    clearTimer: () => undefined,
  };
  const call = async (record: Record<string, unknown>) => {
    const res = await local.call('merchant', { action: 'create', ...record }, openid);
    if (!res.ok) throw Object.assign(new Error(res.error.message), { retryable: false, envelope: res.error });
    return res.data;
  };
  return { queue: new OfflineQueue(deps), clock, call, saved: () => saved };
}

describe('a filing made offline', () => {
  it('arrives once after two failed sends: the answer lost after the server stored it, then no network', async () => {
    const sends: string[] = [];
    let attempt = 0;
    const d = device(O.marketing, async (record) => {
      attempt += 1;
      if (attempt === 1) {
        // The server stores the filing; the answer never comes back.
        await d.call(record);
        sends.push('lost answer');
        throw new Error('request:fail timeout');
      }
      if (attempt === 2) {
        sends.push('no network');
        throw new Error('request:fail network down');
      }
      sends.push('answered');
      return d.call(record);
    });
    const id = uid('m');
    const before = await counts(local, ['merchants', 'merchantHistory']);
    const at = new Date().toISOString();
    await d.queue.enqueue({
      id,
      filing: { name: '离线建档小吃店', location: IN.gr1, industry: '62', address: { township: '昭阳街道', street: '英武路', doorPlate: '20号' } },
      photos: [{ tempPath: 'tmp/storefront.jpg', takenAt: at, location: IN.gr1, staffId: S.marketing }],
      label: '建档 · 离线建档小吃店',
    });
    await d.queue.flush();
    expect(d.saved()[0]).toMatchObject({ kind: 'filing', state: 'waiting', attempts: 1 });
    d.clock.t += 2_000;
    await d.queue.flush();
    expect(d.saved()[0]).toMatchObject({ state: 'waiting', attempts: 2 });
    d.clock.t += 4_000;
    await d.queue.flush();

    expect(sends).toEqual(['lost answer', 'no network', 'answered']);
    expect(d.saved()).toHaveLength(0);
    // The third send is the server's replay of the first: the same file, stored once, its photo uploaded once.
    const answer = d.queue.answerOf(id) as any;
    expect(answer).toMatchObject({ isReplay: true, merchant: { id, gridId: U.gr1, placement: null } });
    expect(answer.merchant.photos).toHaveLength(1);
    expect(answer.merchant.photos[0].fileId).toMatch(new RegExp(`/merchants/\\d{4}-\\d{2}/${S.marketing}/`));
    const after = await counts(local, ['merchants', 'merchantHistory']);
    expect(after.merchants).toBe(before.merchants + 1);
    expect(after.merchantHistory).toBe(before.merchantHistory + 1);
  });

  it('a refused filing stays in the queue with the field named, and once fixed is sent under the same id', async () => {
    const d = device(O.member, (record) => d.call(record));
    const id = uid('m');
    // Grid 3 is another branch's: the member picked a grid outside their scope.
    await d.queue.enqueue({ id, filing: { name: '选错网格的店', gridId: U.gr3 }, photos: [], label: '建档 · 选错网格的店' });
    await d.queue.flush();
    expect(d.saved()[0]).toMatchObject({ id, state: 'rejected', lastErrorFields: { gridId: expect.any(String) } });
    const refused = d.queue.failureOf(id) as any;
    expect(refused.envelope).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OTHER_GRID', details: { issues: [{ field: 'gridId' }] } });
    expect((await db().collection('merchants').where({ _id: id }).count()).total).toBe(0);

    const item = d.queue.get(id)!;
    await d.queue.revise(id, { record: { ...item.record, gridId: U.gr1 }, photos: [] });
    await d.queue.flush();
    expect(d.saved()).toHaveLength(0);
    expect((d.queue.answerOf(id) as any).merchant).toMatchObject({ id, gridId: U.gr1, placement: { reason: 'no-fix', status: 'pending' } });
  });
});

describe('a grid picked by hand (manual placement)', () => {
  it('no GPS fix and a picked grid in scope: stored as a manual placement the leader reviews, confirmed with an audit', async () => {
    const id = uid('m');
    const res = await local.call('merchant', { action: 'create', id, name: '无定位杂货店', gridId: U.gr1, industry: '52' }, O.member);
    expect(res.ok).toBe(true);
    expect(res.data.merchant.placement).toMatchObject({ reason: 'no-fix', status: 'pending', gridId: U.gr1, by: S.member, reviewedBy: null });
    const doc = await stored(id);
    expect(doc.placement).toMatchObject({ reason: 'no-fix', status: 'pending', by: S.member });
    expect(new Date(doc.placement.at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const list = await local.call('merchant', { action: 'placements' }, O.leader);
    expect(list.ok).toBe(true);
    expect(list.data.items.find((r: any) => r.merchantId === id)).toMatchObject({ name: '无定位杂货店', gridId: U.gr1, placement: { reason: 'no-fix', by: S.member } });
    // Another branch does not see it; a grid member does not review.
    const other = await local.call('merchant', { action: 'placements' }, O.branch2);
    expect(other.data.items.map((r: any) => r.merchantId)).not.toContain(id);
    expect(await local.call('merchant', { action: 'placements' }, O.member)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await local.call('merchant', { action: 'reviewPlacement', id, decision: 'confirm' }, O.branch2)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const confirmed = await local.call('merchant', { action: 'reviewPlacement', id, decision: 'confirm' }, O.leader);
    expect(confirmed.data.merchant).toMatchObject({ gridId: U.gr1, placement: { status: 'confirmed', reviewedBy: S.leader } });
    expect(await audits(id)).toEqual(['placement-review']);
    const again = await local.call('merchant', { action: 'placements' }, O.leader);
    expect(again.data.items.map((r: any) => r.merchantId)).not.toContain(id);
    expect(await local.call('merchant', { action: 'reviewPlacement', id, decision: 'confirm' }, O.leader)).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'PLACEMENT.NOT_PENDING' } });
  });

  it('no GPS fix and a storefront photo without a place: the filing is saved and placed for review', async () => {
    const id = uid('m');
    const { location: _none, ...unplaced } = photo(S.member);
    const res = await local.call('merchant', { action: 'create', id, name: '无定位拍照店', gridId: U.gr1, industry: '52', photos: [unplaced] }, O.member);
    expect(res.ok).toBe(true);
    expect(res.data.merchant.placement).toMatchObject({ reason: 'no-fix', status: 'pending', gridId: U.gr1 });
    expect(res.data.merchant.photos).toEqual([{ fileId: unplaced.fileId, takenAt: unplaced.takenAt, location: null, staffId: S.member }]);
    expect((await stored(id)).photos[0].location).toBeNull();
    // The leader finds it among the placements to review.
    const list = await local.call('merchant', { action: 'placements' }, O.leader);
    expect(list.data.items.map((r: any) => r.merchantId)).toContain(id);
  });

  it('a no-fix filing sent through the offline queue keeps its photo without a place and arrives placed for review', async () => {
    const d = device(O.member, (record) => d.call(record));
    const id = uid('m');
    await d.queue.enqueue({ id, filing: { name: '离线无定位店', gridId: U.gr1 }, photos: [{ tempPath: 'tmp/s.jpg', takenAt: new Date().toISOString(), staffId: S.member }], label: '建档 · 离线无定位店' });
    await d.queue.flush();
    expect(d.saved()).toHaveLength(0);
    expect((d.queue.answerOf(id) as any).merchant).toMatchObject({ id, placement: { reason: 'no-fix', status: 'pending' }, photos: [{ location: null, staffId: S.member }] });
  });

  it('a filing with a fix still needs its photos\' places, refused naming the field and nothing written', async () => {
    const before = await counts(local, ['merchants', 'merchantHistory']);
    const { location: _none, ...unplaced } = photo(S.member);
    const res = await local.call('merchant', { action: 'create', id: uid('m'), name: '有定位缺位置照片店', location: IN.gr1, photos: [unplaced] }, O.member);
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'PHOTO.STAMP_PLACE', details: { issues: [{ field: 'photos.0.location' }] } } });
    expect(res.error.message).toContain('photos.0.location');
    // A correction too: the file now has a fix, so a new photo without a place is refused.
    const created = await local.call('merchant', { action: 'create', id: uid('m'), name: '有定位店', location: IN.gr1 }, O.member);
    expect(created.ok).toBe(true);
    const { location: _gone, ...later } = photo(S.member);
    const upd = await local.call('merchant', { action: 'update', id: created.data.merchant.id, photos: [later] }, O.member);
    expect(upd).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ field: 'photos.0.location' }] } } });
    expect((await counts(local, ['merchants', 'merchantHistory'])).merchants).toBe(before.merchants + 1);
  });

  it('a fix outside every boundary with a picked grid is a manual placement; the leader moves it to another grid', async () => {
    const id = uid('m');
    const res = await local.call('merchant', { action: 'create', id, name: '边界外水果摊', gridId: U.gr1, location: IN.nowhere, photos: [photo(S.leader, IN.nowhere)] }, O.leader);
    expect(res.ok).toBe(true);
    expect(res.data.merchant.placement).toMatchObject({ reason: 'outside-boundary', status: 'pending' });
    const noTarget = await local.call('merchant', { action: 'reviewPlacement', id, decision: 'move' }, O.leader);
    expect(noTarget).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ field: 'toGridId' }] } } });
    const outside = await local.call('merchant', { action: 'reviewPlacement', id, decision: 'move', toGridId: U.gr3 }, O.leader);
    expect(outside).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { issues: [{ field: 'toGridId' }] } } });

    const moved = await local.call('merchant', { action: 'reviewPlacement', id, decision: 'move', toGridId: U.gr2, reason: '实际在二号网格' }, O.leader);
    expect(moved.data.merchant).toMatchObject({ gridId: U.gr2, placement: { status: 'moved', reviewedBy: S.leader } });
    expect(await audits(id)).toEqual(['placement-review']);
    const hist = await local.call('merchant', { action: 'history', id }, O.leader);
    expect(hist.data.items[0]).toMatchObject({ change: 'transferred', fromGridId: U.gr1, toGridId: U.gr2 });
  });

  it('a fix inside the picked grid is placed by its boundary, not by hand', async () => {
    const res = await local.call('merchant', { action: 'create', id: uid('m'), name: '界内小店', gridId: U.gr1, location: IN.gr1 }, O.member);
    expect(res.data.merchant.placement).toBeNull();
  });

  it('a picked grid outside the caller scope is refused naming the field, and nothing is written', async () => {
    const before = await counts(local);
    const res = await local.call('merchant', { action: 'create', id: uid('m'), name: '越权网格店', gridId: U.gr3 }, O.member);
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'SCOPE.OTHER_GRID', details: { issues: [{ field: 'gridId' }] } } });
    expect(res.error.message).toMatch(/^gridId: /);
    expect(await counts(local)).toEqual(before);
  });
});
