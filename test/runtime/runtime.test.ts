import { existsSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionNotFoundError, LocalCloud, startLocalCloud } from '../../local/runtime';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

const errors: { fn: string; err: unknown }[] = [];
const options = {
  functionsRoot: FIXTURE_FUNCTIONS,
  collectionsFile: FIXTURE_COLLECTIONS,
  onFunctionError: (fn: string, err: unknown) => void errors.push({ fn, err }),
};

let dataDir: string;
let cloud: LocalCloud;

const configuredKey = process.env.PI_KEY;
beforeAll(async () => {
  // These tests cover the generated key; a configured one is tested at the end.
  delete process.env.PI_KEY;
  dataDir = makeDataDir();
  cloud = await startLocalCloud({ ...options, dataDir });
});
afterAll(async () => {
  await cloud?.close();
  removeDataDir(dataDir);
  if (configuredKey === undefined) delete process.env.PI_KEY;
  else process.env.PI_KEY = configuredKey;
});

describe('startLocalCloud', () => {
  it('runs a function as its caller and stores what it writes', async () => {
    expect(await cloud.call('notes', { action: 'add', id: 'n1', text: '城北菜场' }, 'openid-a')).toEqual({ ok: true, data: { _id: 'n1' } });
    const got = await cloud.call('notes', { action: 'get', id: 'n1' }, 'openid-b');
    expect(got.ok).toBe(true);
    expect(got.data).toMatchObject({ _id: 'n1', text: '城北菜场', by: 'openid-a' });
    // The answer crossed the wire as JSON, as wx.cloud.callFunction's result does.
    expect(typeof got.data.at).toBe('string');
    expect(Number.isNaN(Date.parse(got.data.at))).toBe(false);
  });

  it('gives each concurrent call its own caller and the platform-injected userInfo', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `openid-${i}`);
    const answers = await Promise.all(ids.map((id) => cloud.call('notes', { action: 'whoami' }, id)));
    expect(answers.map((a) => a.data.openid)).toEqual(ids);
    expect(answers[3].data.userInfo).toEqual({ appId: 'wx-local', openId: 'openid-3' });
    expect(answers[0].data.piKeySet).toBe(true);
    // CloudBase reports a mini program call's source as wx_client (Cloud.getWXContext() SOURCE).
    expect(answers[0].data.source).toBe('wx_client');
  });

  it('calls without a WeChat user (as a timer trigger does) have no OPENID', async () => {
    const res = await cloud.call('notes', { action: 'whoami' });
    expect(res.data.openid).toBeNull();
    expect(res.data.userInfo).toBeNull();
    expect(res.data.source).toBeNull();
  });

  it('turns a throw into the INTERNAL envelope without leaking its message, and keeps serving', async () => {
    errors.length = 0;
    const res = await cloud.call('boom', { action: 'throw' }, 'openid-a');
    expect(res).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(JSON.stringify(res)).not.toContain('13800000000');
    expect(errors).toHaveLength(1);
    expect(errors[0].fn).toBe('boom');
    expect((await cloud.call('boom', { action: 'fine' })).data).toEqual({ fine: true });
  });

  it('answers INTERNAL when the result cannot cross the wire, and null for no result', async () => {
    expect((await cloud.call('boom', { action: 'bigint' })).error.code).toBe('INTERNAL');
    expect(await cloud.call('boom', { action: 'undefined' })).toBeNull();
  });

  it('fails a call that outlives its timeout as CloudBase does (errCode -504003), and keeps serving', async () => {
    await cloud.close();
    cloud = await startLocalCloud({ ...options, dataDir, callTimeoutMs: 100 });
    try {
      await expect(cloud.call('boom', { action: 'hang' })).rejects.toMatchObject({ name: 'FunctionCallError', errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' });
      expect((await cloud.call('boom', { action: 'fine' })).data).toEqual({ fine: true });
    } finally {
      await cloud.close();
      cloud = await startLocalCloud({ ...options, dataDir });
    }
  });

  it('replaces a client-sent userInfo with the platform one, and drops it without a caller', async () => {
    const forged = { appId: 'x', openId: 'demo-hq' };
    expect((await cloud.call('boom', { action: 'echo', userInfo: forged }, 'openid-a')).data.userInfo).toEqual({ appId: 'wx-local', openId: 'openid-a' });
    expect((await cloud.call('boom', { action: 'echo', userInfo: forged })).data.userInfo).toBeUndefined();
  });

  it('passes the event as JSON, as the wire does', async () => {
    const event = { action: 'echo', at: new Date('2025-07-31T00:00:00Z'), gone: undefined, nested: { n: 1 } };
    const res = await cloud.call('boom', event);
    expect(res.data).toMatchObject({ at: '2025-07-31T00:00:00.000Z', nested: { n: 1 }, types: { at: 'string', nested: 'object' } });
    expect('gone' in res.data).toBe(false);
    const circular: Record<string, unknown> = { action: 'echo' };
    circular.self = circular;
    await expect(cloud.call('boom', circular)).rejects.toThrow(/JSON-serialisable/);
  });

  it('answers INTERNAL for a function whose module fails to load', async () => {
    errors.length = 0;
    expect((await cloud.call('broken', {})).error.code).toBe('INTERNAL');
    expect(errors.map((e) => e.fn)).toEqual(['broken']);
  });

  it('refuses unknown or malformed function names and non-object events', async () => {
    await expect(cloud.call('nope', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(cloud.call('../notes', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(cloud.call('notes', [] as any)).rejects.toThrow(TypeError);
    expect(cloud.functionNames()).toEqual(['boom', 'broken', 'files', 'notes']);
  });

  it("routes the function's own storage calls to local storage", async () => {
    const up = await cloud.call('files', { action: 'upload', cloudPath: 'notes/a.txt', text: '收单' }, 'openid-a');
    expect(up.data.fileID).toBe(cloud.storage.fileIdOf('notes/a.txt'));
    const down = await cloud.call('files', { action: 'download', fileID: up.data.fileID }, 'openid-a');
    expect(down.data).toMatchObject({ text: '收单', statusCode: 200, errMsg: 'downloadFile:ok' });
    expect(up.data.fileID).toMatch(/^cloud:\/\/[a-z0-9-]+\.[a-z0-9-]+\/notes\/a\.txt$/);
    expect(readFileSync(join(dataDir, 'storage', 'notes', 'a.txt'), 'utf8')).toBe('收单');
  });

  it('allows one local cloud per process', async () => {
    await expect(startLocalCloud({ ...options })).rejects.toThrow(/already running/);
  });

  it('keeps data and the PI key (mode 0600) across a restart of the same data folder', async () => {
    const key = readFileSync(join(dataDir, 'pi.key'), 'utf8').trim();
    expect(statSync(join(dataDir, 'pi.key')).mode & 0o777).toBe(0o600);
    // A call in flight when close() starts still completes and is kept.
    const slow = cloud.call('notes', { action: 'add', id: 'slow', text: 'in flight', delayMs: 150 }, 'openid-a');
    const closing = cloud.close();
    expect(await slow).toEqual({ ok: true, data: { _id: 'slow' } });
    await closing;
    await expect(cloud.call('notes', { action: 'count' })).rejects.toThrow(/closed/);

    cloud = await startLocalCloud({ ...options, dataDir });
    expect(process.env.PI_KEY).toBe(key);
    expect((await cloud.call('notes', { action: 'get', id: 'n1' })).data.text).toBe('城北菜场');
    expect((await cloud.call('notes', { action: 'get', id: 'slow' })).data.text).toBe('in flight');
  });
});

describe('a throwaway cloud', () => {
  it('runs in memory with a fresh PI key and leaves nothing behind', async () => {
    const before = (await cloud.call('notes', { action: 'count' })).data.total;
    const keyBefore = process.env.PI_KEY;
    await cloud.close();
    const mem = await startLocalCloud({ ...options });
    try {
      expect(mem.dataDir).toBe(':memory:');
      expect(process.env.PI_KEY).not.toBe(keyBefore);
      expect((await mem.call('notes', { action: 'count' })).data.total).toBe(0);
      await mem.call('notes', { action: 'add', id: 'm', text: 'x' });
    } finally {
      await mem.close();
    }
    cloud = await startLocalCloud({ ...options, dataDir });
    expect((await cloud.call('notes', { action: 'count' })).data.total).toBe(before);
  });
});

describe('a configured PI_KEY', () => {
  it('wins over the key file and is left as configured', async () => {
    await cloud.close();
    const key = Buffer.alloc(32, 7).toString('base64');
    process.env.PI_KEY = key;
    const dir = makeDataDir();
    try {
      const c = await startLocalCloud({ ...options, dataDir: dir });
      expect(process.env.PI_KEY).toBe(key);
      expect(existsSync(join(dir, 'pi.key'))).toBe(false);
      await c.close();
    } finally {
      removeDataDir(dir);
      delete process.env.PI_KEY;
    }
    cloud = await startLocalCloud({ ...options, dataDir });
  });
});
