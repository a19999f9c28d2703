/**
 * Merchant filings in the offline queue, through its wx binding against a fake wx (as the visit queue's
 * tests): kept on the device, photos uploaded into the merchants folder once, sent to merchant.create under
 * the client id, a refusal kept with its fields, revised and resent, or discarded with its photos.
 */
import './build';
import { createFakeWx, type FakeWx } from './fake-wx';
import { OfflineQueue, type QueueDeps, type QueueItem } from '../../miniprogram/offline/visit-queue';
import { loadModules, settle, tempPhoto } from './offline-queue';

let h: FakeWx;
/** merchant.create stored by id; refuses a grid it is told to. */
let stored: Map<string, Record<string, any>>;
let refuseGrid: string | null = null;
let dropNextAnswer = false;

/** The upload URLs asked for (the cloud path travels in the query). */
let uploadUrls: string[] = [];

function installServer(): void {
  uploadUrls = [];
  const upload = h.fake.uploadHandler;
  h.fake.uploadHandler = (filePath: string, url: string) => {
    uploadUrls.push(url);
    return upload(filePath, url);
  };
  h.fake.requestHandler = async (req) => {
    const ev = req.data as Record<string, any>;
    if (refuseGrid && ev.gridId === refuseGrid) {
      return { statusCode: 200, data: { ok: false, error: { code: 'FORBIDDEN', reason: 'SCOPE.OTHER_GRID', message: 'gridId: 不能在其他网格建档或操作', details: { issues: [{ field: 'gridId', message: '不能在其他网格建档或操作' }] } } } };
    }
    const isReplay = stored.has(ev.id);
    if (!isReplay) stored.set(ev.id, ev);
    if (dropNextAnswer) {
      dropNextAnswer = false;
      throw new Error('connection reset');
    }
    return { statusCode: 200, data: { ok: true, data: { merchant: { id: ev.id, gridId: ev.gridId ?? 'u-gr1', placement: null }, isReplay } } };
  };
}

beforeEach(() => {
  h = createFakeWx();
  (global as any).wx = h.wx;
  (global as any).wx.setStorageSync('grid.profile', { staffId: 's-1', name: '赵网格' });
  stored = new Map();
  refuseGrid = null;
  dropNextAnswer = false;
  installServer();
});

const at = '2025-07-31T02:00:00.000Z';
const place = { lng: 119.84, lat: 32.94 };
const filing = { name: '张记面馆', location: place, industry: '62' };

test('offline: a filing and its photos are kept on the device under filing-photos, and nothing is sent', async () => {
  h.fake.online = false;
  const q = loadModules().getOfflineQueue();
  await q.enqueue({ id: 'm-00000001', filing, photos: [{ tempPath: tempPhoto(h.wx), takenAt: at, location: place, staffId: 's-1' }], label: '建档 · 张记面馆' });
  await settle();
  const saved = h.wx.getStorageSync('grid.visitQueue.v1') as QueueItem[];
  expect(saved).toHaveLength(1);
  expect(saved[0]).toMatchObject({ kind: 'filing', record: { id: 'm-00000001', name: '张记面馆' }, state: 'waiting' });
  expect(saved[0].photos[0].localPath).toMatch(/^wxfile:\/\/usr\/filing-photos\//);
  expect(stored.size).toBe(0);
});

test('back online, the filing goes to merchant.create with its id, its photo uploaded into the merchants folder', async () => {
  h.fake.online = false;
  let q = loadModules().getOfflineQueue();
  await q.enqueue({ id: 'm-00000002', filing, photos: [{ tempPath: tempPhoto(h.wx), takenAt: at, location: place, staffId: 's-1' }], label: '建档' });
  h.fake.killApp();
  q = loadModules().getOfflineQueue();
  h.fake.setOnline(true);
  await settle();
  const sent = h.fake.requests.filter((r) => r.url.endsWith('/functions/merchant'));
  expect(sent).toHaveLength(1);
  expect(sent[0].data).toMatchObject({ action: 'create', id: 'm-00000002', name: '张记面馆', photos: [{ takenAt: new Date(at), location: place, staffId: 's-1' }] });
  expect((sent[0].data as any).photos[0].fileId).toMatch(/^cloud:\/\//);
  // Uploaded from the kept copy into the taker's folder of merchant files (the server accepts only those).
  expect(h.fake.uploads).toEqual([expect.stringMatching(/^wxfile:\/\/usr\/filing-photos\//)]);
  expect(decodeURIComponent(uploadUrls.join())).toMatch(/cloudPath=merchants\/\d{4}-\d{2}\/s-1\//);
  expect(q.summary().items).toHaveLength(0);
  expect([...h.fake.files.keys()].some((k) => k.includes('filing-photos'))).toBe(false);
});

test('an answer lost after the server stored the filing is retried under the same id and stored once', async () => {
  const q = loadModules().getOfflineQueue();
  dropNextAnswer = true;
  await q.enqueue({ id: 'm-00000003', filing, photos: [], label: '建档' });
  await settle();
  expect(q.summary().waiting).toBe(1);
  q.onNetworkChange(true);
  await settle();
  expect(stored.size).toBe(1);
  expect(h.fake.requests.filter((r) => r.url.endsWith('/functions/merchant')).every((r) => (r.data as any).id === 'm-00000003')).toBe(true);
  expect(q.answerOf('m-00000003')).toMatchObject({ isReplay: true });
});

test('a refused filing is kept with the field named; revised, it is sent again under the same id without uploading its photo twice', async () => {
  const q = loadModules().getOfflineQueue();
  refuseGrid = 'u-gr3';
  await q.enqueue({ id: 'm-00000004', filing: { ...filing, gridId: 'u-gr3' }, photos: [{ tempPath: tempPhoto(h.wx), takenAt: at, location: place, staffId: 's-1' }], label: '建档' });
  await settle();
  const item: QueueItem = q.get('m-00000004');
  expect(item).toMatchObject({ state: 'rejected', lastErrorFields: { gridId: '不能在其他网格建档或操作' } });
  expect(item.photos[0].fileId).toMatch(/^cloud:\/\//);
  const uploads = h.fake.uploads.length;
  await q.revise('m-00000004', { record: { ...item.record, gridId: 'u-gr1' }, photos: item.photos.map((p) => ({ tempPath: p.localPath, takenAt: p.takenAt, location: p.location, staffId: p.staffId })) });
  await settle();
  expect(q.summary().items).toHaveLength(0);
  expect(stored.get('m-00000004')).toMatchObject({ gridId: 'u-gr1', photos: [{ fileId: item.photos[0].fileId }] });
  expect(h.fake.uploads.length).toBe(uploads);
});

test('a refused filing discarded leaves nothing on the device', async () => {
  const q = loadModules().getOfflineQueue();
  refuseGrid = 'u-gr3';
  await q.enqueue({ id: 'm-00000005', filing: { ...filing, gridId: 'u-gr3' }, photos: [{ tempPath: tempPhoto(h.wx), takenAt: at, location: place, staffId: 's-1' }], label: '建档' });
  await settle();
  expect(q.summary().rejected).toBe(1);
  await q.discard('m-00000005');
  expect(q.summary().items).toHaveLength(0);
  expect([...h.fake.files.keys()].some((k) => k.includes('filing-photos'))).toBe(false);
  expect(h.wx.getStorageSync('grid.visitQueue.v1')).toEqual([]);
});

describe('OfflineQueue with plain deps', () => {
  function deps(): QueueDeps & { removed: string[] } {
    const d: any = {
      removed: [] as string[],
      saved: [] as QueueItem[],
      load: () => d.saved,
      save: (items: QueueItem[]) => (d.saved = JSON.parse(JSON.stringify(items))),
      keepFile: async (_p: string, name: string, kind: string) => `kept/${kind}/${name}`,
      removeFile: async (p: string) => void d.removed.push(p),
      uploadPhoto: jest.fn(async (p: string, _id: string, _i: number, _s: string, kind: string) => `cloud://x/${kind}/${p}`),
      submit: jest.fn(async () => ({})),
      classify: () => ({ isRetryable: false, message: 'refused' }),
      isOnline: () => true,
      now: () => 1000,
      setTimer: () => 0,
      clearTimer: () => undefined,
    };
    return d;
  }

  test('filings and visits leave in the order they were made, each to its kind (a filing before a visit to it)', async () => {
    const d = deps();
    const q = new OfflineQueue(d);
    const offline = { on: false };
    d.isOnline = () => offline.on;
    await q.enqueue({ id: 'm-1', filing: { name: 'a' }, photos: [{ tempPath: 't/1', takenAt: at, location: place }], label: 'f' });
    await q.enqueue({ id: 'v-1', visit: { merchantId: 'm-1' }, photos: [], label: 'v' });
    offline.on = true;
    await q.flush();
    const calls = (d.submit as jest.Mock).mock.calls;
    expect(calls.map((c) => c[1])).toEqual(['filing', 'visit']);
    expect(calls[0][0]).toMatchObject({ id: 'm-1', photos: [{ fileId: 'cloud://x/merchants/kept/filing/m-1-0' }] });
    expect(calls[1][0]).toMatchObject({ visitId: 'v-1', photos: [] });
  });

  test('a filing without photos leaves the field out; a revised one drops the photos no longer given', async () => {
    const d = deps();
    const q = new OfflineQueue(d);
    (d.submit as jest.Mock).mockRejectedValueOnce(new Error('FORBIDDEN'));
    await q.enqueue({ id: 'm-2', filing: { name: 'b', gridId: 'g' }, photos: [{ tempPath: 't/1', takenAt: at, location: place }], label: 'f' });
    await q.flush();
    expect(q.get('m-2')).toMatchObject({ state: 'rejected', lastError: 'refused' });
    await q.revise('m-2', { record: { name: 'b2' }, photos: [], label: '建档 · b2' });
    await q.flush();
    expect(d.removed).toEqual(['kept/filing/m-2-0']);
    const last = (d.submit as jest.Mock).mock.calls.at(-1)[0];
    expect(last).toEqual({ name: 'b2', id: 'm-2' });
    expect(q.summary().items).toHaveLength(0);
  });
});
