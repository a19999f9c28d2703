/**
 * The offline visit queue through its wx binding, against a fake wx that behaves as documented:
 * temporary files vanish when the app is killed, storage and USER_DATA_PATH survive, requests fail offline.
 */
import './build';
import { createFakeWx, type FakeWx } from './fake-wx';
import { backoffMs, VisitQueue, type QueueDeps, type QueueItem } from '../../miniprogram/offline/visit-queue';
import { loadModules, settle, tempPhoto } from './offline-queue';

let h: FakeWx;
/** A server that stores each visit id once and can drop the answer after committing. */
let stored: Map<string, Record<string, any>>;
let dropNextAnswer = false;
let failWith: { code: string; message: string; details?: unknown } | null = null;

function installServer(): void {
  h.fake.requestHandler = async (req) => {
    const ev = req.data as Record<string, any>;
    if (failWith) return { statusCode: 200, data: { ok: false, error: failWith } };
    if (!stored.has(ev.visitId)) stored.set(ev.visitId, ev);
    if (dropNextAnswer) {
      dropNextAnswer = false;
      throw new Error('connection reset');
    }
    return { statusCode: 200, data: { ok: true, data: { visit: { id: ev.visitId }, openedTaskIds: [], closedTaskIds: [], isReplay: false } } };
  };
}

beforeEach(() => {
  h = createFakeWx();
  (global as any).wx = h.wx;
  stored = new Map();
  dropNextAnswer = false;
  failWith = null;
  installServer();
});

const visit = { merchantId: 'm-1', type: 'marketing', at: '2025-07-31T02:00:00.000Z', location: { lng: 119.84, lat: 32.94 } };

test('offline: the visit and its photos are kept on the device, copied out of temporary paths, and nothing is sent', async () => {
  h.fake.online = false;
  const q = loadModules().getVisitQueue();
  const photo = tempPhoto(h.wx);
  await q.enqueue({ id: 'v-00000001', visit, photos: [{ tempPath: photo, takenAt: visit.at, location: visit.location, staffId: 's-1' }], label: '营销 · 张记面馆' });
  await settle();
  const saved = h.wx.getStorageSync('grid.visitQueue.v1') as QueueItem[];
  expect(saved).toHaveLength(1);
  expect(saved[0].photos[0].localPath).toMatch(/^wxfile:\/\/usr\/visit-photos\//);
  expect(h.fake.files.has(saved[0].photos[0].localPath)).toBe(true);
  expect(stored.size).toBe(0);
  expect(q.summary()).toMatchObject({ waiting: 1, rejected: 0 });
});

test('the queue survives the app being killed and sends once the network is back, photos from the kept copies', async () => {
  h.fake.online = false;
  let q = loadModules().getVisitQueue();
  await q.enqueue({ id: 'v-00000002', visit, photos: [{ tempPath: tempPhoto(h.wx), takenAt: visit.at, location: visit.location, staffId: 's-1' }], label: '营销' });
  h.fake.killApp();
  // A new launch: fresh modules, the same storage and files.
  q = loadModules().getVisitQueue();
  expect(q.summary().waiting).toBe(1);
  h.fake.setOnline(true);
  await settle();
  expect(stored.size).toBe(1);
  const sent = stored.get('v-00000002')!;
  expect(sent.photos).toHaveLength(1);
  expect(sent.photos[0].fileId).toMatch(/^cloud:\/\//);
  expect(h.fake.uploads[0]).toMatch(/^wxfile:\/\/usr\/visit-photos\//);
  expect(q.summary().items).toHaveLength(0);
  // The kept copy is removed once the server has the visit.
  expect([...h.fake.files.keys()].some((k) => k.includes('visit-photos'))).toBe(false);
});

test('an answer lost after the server committed is retried with the same id and stored once', async () => {
  const q = loadModules().getVisitQueue();
  dropNextAnswer = true;
  await q.enqueue({ id: 'v-00000003', visit, photos: [], label: '回访' });
  await settle();
  expect(q.summary().waiting).toBe(1);
  q.onNetworkChange(true);
  await settle();
  expect(stored.size).toBe(1);
  expect(h.fake.requests.filter((r) => r.url.endsWith('/functions/visit'))).toHaveLength(2);
  expect(h.fake.requests.every((r) => (r.data as any).visitId === 'v-00000003')).toBe(true);
  expect(q.summary().items).toHaveLength(0);
});

test('a refused visit (VALIDATION) is kept as rejected with the sentence naming the field, and can be retried', async () => {
  const q = loadModules().getVisitQueue();
  failWith = { code: 'VALIDATION', message: 'invalid', details: { issues: [{ field: 'location', message: '坐标不在中国境内（需 GCJ-02 经纬度）' }] } };
  await q.enqueue({ id: 'v-00000004', visit, photos: [], label: '回访' });
  await settle();
  const item = q.summary().items[0];
  expect(item.state).toBe('rejected');
  expect(item.lastError).toBe('位置：坐标不在中国境内（需 GCJ-02 经纬度）');
  failWith = null;
  q.retry('v-00000004');
  await settle();
  expect(q.summary().items).toHaveLength(0);
  expect(stored.size).toBe(1);
});

describe('VisitQueue with plain deps', () => {
  function deps(over: Partial<QueueDeps> = {}): QueueDeps & { saved: QueueItem[]; timers: number[]; clock: { t: number } } {
    const clock = { t: 1_000_000 };
    const d: any = {
      saved: [] as QueueItem[],
      timers: [] as number[],
      clock,
      load: () => d.saved,
      save: (items: QueueItem[]) => (d.saved = JSON.parse(JSON.stringify(items))),
      keepFile: async (p: string, name: string) => `kept/${name}`,
      removeFile: async () => undefined,
      uploadPhoto: jest.fn(async (p: string) => `cloud://x/${p}`),
      submit: jest.fn(async () => ({})),
      classify: (e: any) => ({ isRetryable: e?.retry !== false, message: String(e?.message ?? e) }),
      isOnline: () => true,
      now: () => clock.t,
      setTimer: (_fn: () => void, ms: number) => d.timers.push(ms),
      clearTimer: () => undefined,
      ...over,
    };
    return d;
  }

  test('retries back off exponentially: 2 s, 4 s, 8 s … capped at 5 min', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffMs(30)).toBe(300000);
  });

  test('a failing send is scheduled after its backoff, and an uploaded photo is not uploaded again', async () => {
    const d = deps();
    let fail = true;
    (d.submit as jest.Mock).mockImplementation(async () => {
      if (fail) throw { message: 'busy' };
      return {};
    });
    const q = new VisitQueue(d);
    await q.enqueue({ id: 'v-1', visit: { merchantId: 'm' }, photos: [{ tempPath: 'tmp/a', takenAt: 't' }], label: 'x' });
    await q.flush();
    expect(d.saved[0]).toMatchObject({ state: 'waiting', attempts: 1, nextAttemptAt: d.clock.t + 2000 });
    expect(d.timers.at(-1)).toBe(2000);
    d.clock.t += 2000;
    await q.flush();
    expect(d.saved[0]).toMatchObject({ attempts: 2, nextAttemptAt: d.clock.t + 4000 });
    fail = false;
    d.clock.t += 4000;
    await q.flush();
    expect(d.saved).toHaveLength(0);
    expect(d.uploadPhoto).toHaveBeenCalledTimes(1);
    expect((d.submit as jest.Mock).mock.calls.at(-1)[0]).toMatchObject({ visitId: 'v-1', photos: [{ fileId: 'cloud://x/kept/v-1-0', takenAt: 't' }] });
  });

  test('an item caught mid-send when the app died is sent again on the next launch', async () => {
    const d = deps();
    // As stored before filings were queued: no kind, the record under `visit`.
    d.saved = [{ id: 'v-9', visit: { visitId: 'v-9' }, photos: [], checkPhotos: {}, label: 'x', state: 'sending', attempts: 1, nextAttemptAt: 0, createdAt: 0 }] as unknown as QueueItem[];
    const q = new VisitQueue(d);
    expect(q.summary().waiting).toBe(1);
    await q.flush();
    expect(d.submit).toHaveBeenCalledWith(expect.objectContaining({ visitId: 'v-9' }), 'visit');
  });

  test('a check photo is sent on its check, not among the visit photos', async () => {
    const d = deps();
    const q = new VisitQueue(d);
    await q.enqueue({
      id: 'v-2',
      visit: { checks: [{ item: 'speaker', result: 'fail', note: '喇叭坏了' }, { item: 'app', result: 'pass' }] },
      photos: [{ tempPath: 'tmp/s', takenAt: '2025-07-30T02:00:00.000Z', location: { lat: 32.9, lng: 119.8 }, staffId: 's-1' }],
      checkPhotos: { speaker: 0 },
      label: 'x',
    });
    await q.flush();
    const sent = (d.submit as jest.Mock).mock.calls[0][0];
    expect(sent.photos).toEqual([]);
    expect(sent.checks[0].photo.fileId).toBe('cloud://x/kept/v-2-0');
    // with its stamp, as the server checks it
    expect(sent.checks[0].photo).toEqual({ fileId: 'cloud://x/kept/v-2-0', takenAt: '2025-07-30T02:00:00.000Z', location: { lng: 119.8, lat: 32.9 }, staffId: 's-1' });
    expect(sent.checks[1].photo).toBeUndefined();
  });

  test('offline, nothing is timed; coming back online sends at once', async () => {
    let online = false;
    const d = deps({ isOnline: () => online });
    const q = new VisitQueue(d);
    await q.enqueue({ id: 'v-3', visit: {}, photos: [], label: 'x' });
    await q.flush();
    expect(d.submit).not.toHaveBeenCalled();
    expect(d.timers).toHaveLength(0);
    online = true;
    q.onNetworkChange(true);
    await q.flush();
    expect(d.submit).toHaveBeenCalledTimes(1);
  });
});
