/**
 * The local cloud with its engine in a thread of its own (`engineThread: 'own'`, `ENGINE_THREAD=own`): the
 * function limits hold as with the engine beside the functions (a call past its timeout loses what it would
 * write afterwards and its uncommitted transaction; database packets over 16 MB are refused; requests are
 * counted per call), and a close waits for the calls in flight and leaves their writes on disk.
 */
import { FunctionCallError, LocalCloud, startLocalCloud } from '../../local/runtime';
import { MAX_DB_ANSWER_BYTES } from '../../local/runtime/limits';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

const options = { functionsRoot: FIXTURE_FUNCTIONS, collectionsFile: FIXTURE_COLLECTIONS, onFunctionError: () => undefined, engineThread: 'own' as const };
const reached: Set<string> = ((globalThis as any).__boomReached ??= new Set<string>());
const pastTheirWait = (ms: number) => new Promise((r) => setTimeout(r, ms + 200));

describe('ENGINE_THREAD', () => {
  const saved = process.env.ENGINE_THREAD;
  afterEach(() => {
    if (saved === undefined) delete process.env.ENGINE_THREAD;
    else process.env.ENGINE_THREAD = saved;
  });

  it('chooses the thread when the option does not, and refuses anything but same or own', async () => {
    process.env.ENGINE_THREAD = 'elsewhere';
    const { engineThread: _omit, ...fromEnv } = options;
    await expect(startLocalCloud(fromEnv)).rejects.toThrow(/ENGINE_THREAD must be "same" or "own", not "elsewhere"/);
    process.env.ENGINE_THREAD = 'own';
    const cloud = await startLocalCloud(fromEnv);
    try {
      expect(cloud.engine.thread).toBe('own');
      expect((await cloud.call('notes', { action: 'add', id: 'e1', text: '网格' }, 'openid-a')).ok).toBe(true);
    } finally {
      await cloud.close();
    }
  });
});

describe('the engine in a thread of its own, calls cut at 200 ms', () => {
  let dataDir: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    dataDir = makeDataDir();
    cloud = await startLocalCloud({ ...options, dataDir, callTimeoutMs: 200 });
  });
  afterAll(async () => {
    await cloud.close();
    removeDataDir(dataDir);
  });

  const noteExists = async (id: string) => (await cloud.call('notes', { action: 'get', id })).ok as boolean;

  it('a call past its timeout fails with -504003 and nothing it would write afterwards lands', async () => {
    const err = await cloud.call('boom', { action: 'late', id: 'w1', delayMs: 400 }).catch((e) => e);
    expect(err).toBeInstanceOf(FunctionCallError);
    expect(err).toMatchObject({ errCode: -504003 });
    await pastTheirWait(400);
    expect(reached.has('w1-late')).toBe(false);
    expect(await noteExists('w1-early')).toBe(true);
    expect(await noteExists('w1-late')).toBe(false);
  });

  it('a call past its timeout loses the transaction it had not committed', async () => {
    await expect(cloud.call('boom', { action: 'lateTx', id: 'w2', delayMs: 400 })).rejects.toMatchObject({ errCode: -504003 });
    await pastTheirWait(400);
    expect(reached.has('w2-commit')).toBe(false);
    expect(await noteExists('w2-tx')).toBe(false);
  });

  it('counts each call\'s requests and their sequential depth', async () => {
    const [a, b] = await Promise.all([cloud.callDetailed('boom', { action: 'reads', shape: [1, 1, 1] }), cloud.callDetailed('boom', { action: 'reads', shape: [5] })]);
    expect(a).toMatchObject({ requests: 3, depth: 3 });
    expect(b).toMatchObject({ requests: 5, depth: 1 });
  });

  it('a close waits for the calls in flight, and their writes are on disk for the next start', async () => {
    const slow = cloud.call('notes', { action: 'add', id: 'slow', text: 'in flight', delayMs: 100 }, 'openid-a');
    const closing = cloud.close();
    expect(await slow).toEqual({ ok: true, data: { _id: 'slow' } });
    await closing;
    // Reopened with the engine beside the functions: the same store.
    cloud = await startLocalCloud({ ...options, engineThread: 'same', dataDir });
    expect((await cloud.call('notes', { action: 'get', id: 'slow' })).data.text).toBe('in flight');
    expect((await cloud.call('notes', { action: 'get', id: 'w1-early' })).ok).toBe(true);
  });
});

describe('the engine in a thread of its own, sizes', () => {
  let dataDir: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    dataDir = makeDataDir();
    cloud = await startLocalCloud({ ...options, dataDir });
  });
  afterAll(async () => {
    await cloud.close();
    removeDataDir(dataDir);
  });

  it('refuses database packets over 16 MB, requests and answers alike', async () => {
    const big = await cloud.call('boom', { action: 'write', id: 'big', bytes: MAX_DB_ANSWER_BYTES + 1 });
    expect(big.ok).toBe(false);
    expect(big.error.details.errCode).toBe(-502001);
    const db = cloud.database();
    const chunk = 'y'.repeat(1024 * 1024);
    for (let i = 0; i < 17; i++) await db.collection('notes').doc(`big-${i}`).set({ data: { big: true, text: chunk } });
    const res = await cloud.call('boom', { action: 'readAll' });
    expect(res.ok).toBe(false);
    expect(res.error.message).toMatch(/answer larger than/);
    await db.collection('notes').where({ big: true }).remove();
  });

});
