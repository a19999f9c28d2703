/**
 * The local cloud with its engine in a thread of its own (`engineThread: 'own'`, `ENGINE_THREAD=own`): chosen by
 * the option or the environment, and a close waits for the calls in flight and leaves their writes on disk. The
 * function limits are tested in both threads in limits.test.ts.
 */
import { LocalCloud, startLocalCloud } from '../../local/runtime';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

const options = { functionsRoot: FIXTURE_FUNCTIONS, collectionsFile: FIXTURE_COLLECTIONS, onFunctionError: () => undefined, engineThread: 'own' as const };

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

describe('the engine in a thread of its own', () => {
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

  it('a close waits for the calls in flight, and their writes are on disk for the next start', async () => {
    const slow = cloud.call('notes', { action: 'add', id: 'slow', text: 'in flight', delayMs: 100 }, 'openid-a');
    const closing = cloud.close();
    expect(await slow).toEqual({ ok: true, data: { _id: 'slow' } });
    await closing;
    // Reopened with the engine beside the functions: the same store.
    cloud = await startLocalCloud({ ...options, engineThread: 'same', dataDir });
    expect((await cloud.call('notes', { action: 'get', id: 'slow' })).data.text).toBe('in flight');
  });
});
