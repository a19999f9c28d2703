import fc from 'fast-check';
import { request } from 'node:http';
import { startGateway, Gateway, RequestLog } from '../../local/gateway/server';
import { LocalCloud, startLocalCloud } from '../../local/runtime';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

const logs: (RequestLog | Record<string, unknown>)[] = [];
let dataDir: string;
let cloud: LocalCloud;
let gateway: Gateway;

async function open(): Promise<void> {
  cloud = await startLocalCloud({ dataDir, functionsRoot: FIXTURE_FUNCTIONS, collectionsFile: FIXTURE_COLLECTIONS, onFunctionError: () => undefined });
  gateway = await startGateway({ cloud, port: 0, mode: 'local', log: (l) => void logs.push(l), maxBodyBytes: 64 * 1024, maxUploadBytes: 256 * 1024 });
}

async function shut(): Promise<void> {
  await gateway.close();
  await cloud.close();
}

beforeAll(async () => {
  dataDir = makeDataDir();
  await open();
});
afterAll(async () => {
  await shut();
  removeDataDir(dataDir);
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as any) : JSON.stringify(body),
  });
}

async function json(res: Response): Promise<any> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return res.json();
}

describe('gateway: functions', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, data: { status: 'up', mode: 'local', functions: ['boom', 'broken', 'files', 'notes'] } });
  });

  it('runs a function as the X-WX-OPENID caller and answers what it returns', async () => {
    const res = await post('/functions/notes', { action: 'add', id: 'g1', text: '兴化' }, { 'x-wx-openid': 'demo-member' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, data: { _id: 'g1' } });
    const got = await json(await post('/functions/notes', { action: 'get', id: 'g1' }));
    expect(got.data).toMatchObject({ text: '兴化', by: 'demo-member' });
  });

  it('reads a JSON body whatever content type curl declares', async () => {
    const res = await post('/functions/notes', '{"action":"whoami"}', { 'content-type': 'application/x-www-form-urlencoded', 'x-wx-openid': 'demo-hq' });
    expect((await json(res)).data.openid).toBe('demo-hq');
  });

  it('writes one JSON log line per request without bodies or callers', async () => {
    logs.length = 0;
    await post('/functions/notes', { action: 'whoami', secret: '13800000000' }, { 'x-wx-openid': 'demo-leader' });
    expect(logs).toHaveLength(1);
    // `requests` and `depth`: the call's database requests and their longest sequential chain (whoami reads nothing).
    expect(logs[0]).toEqual({ time: expect.any(String), method: 'POST', path: '/functions/notes', fn: 'notes', action: 'whoami', status: 200, ms: expect.any(Number), requests: 0, depth: 0 });
    const line = JSON.stringify(logs[0]);
    expect(line).not.toContain('13800000000');
    expect(line).not.toContain('demo-leader');
  });

  it.each([
    ['a body that is not JSON', () => post('/functions/notes', '{"action":'), 400],
    ['a JSON array', () => post('/functions/notes', '[1,2]'), 400],
    ['a JSON string', () => post('/functions/notes', '"x"'), 400],
    ['a form body', () => post('/functions/notes', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 400],
    ['a multipart body', () => post('/functions/notes', '--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415],
    ['an unknown function', () => post('/functions/nothing', {}), 404],
    ['a path-climbing name', () => post('/functions/..%2Fnotes', {}), 404],
    ['a bad percent-encoding', () => post('/functions/%E0%A4%A', {}), 400],
    ['a GET on a function', () => fetch(`${gateway.url}/functions/notes`), 405],
    ['an oversized body', () => post('/functions/notes', { action: 'add', id: 'big', text: 'x'.repeat(70 * 1024) }), 413],
    ['a malformed caller header', () => post('/functions/notes', {}, { 'x-wx-openid': 'bad id!' }), 400],
    ['an unknown route', () => fetch(`${gateway.url}/nowhere`), 404],
  ])('refuses %s with a 4xx JSON error', async (_name, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body).toEqual({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('wrote nothing for the oversized request', async () => {
    expect((await json(await post('/functions/notes', { action: 'get', id: 'big' }))).error.code).toBe('NOT_FOUND');
  });

  it('answers INTERNAL for a throwing function and keeps serving', async () => {
    const res = await post('/functions/boom', { action: 'throw' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toContain('13800000000');
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await json(await post('/functions/boom', { action: 'fine' }))).data).toEqual({ fine: true });
    const broken = await post('/functions/broken', {});
    expect(broken.status).toBe(200);
    expect((await json(broken)).error.code).toBe('INTERNAL');
  });

  it('answers CORS preflights for the browser preview and DevTools', async () => {
    const res = await fetch(`${gateway.url}/functions/notes`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('X-WX-OPENID');
  });

  it('keeps written documents across a restart of the same data folder', async () => {
    await shut();
    await open();
    const got = await json(await post('/functions/notes', { action: 'get', id: 'g1' }));
    expect(got.data).toMatchObject({ _id: 'g1', text: '兴化' });
  });
});

describe('gateway: random input', () => {
  /** A raw request (fetch would normalise the path), answering status and body. */
  function raw(method: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolveRaw, reject) => {
      const req = request(`${gateway.url}${path}`, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolveRaw({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers any body, path and header with JSON and never a 5xx, and stays up', async () => {
    const path = fc.oneof(
      fc.constantFrom('/functions/notes', '/functions/boom', '/storage/upload', '/storage/delete', '/storage/temp-url', '/storage/download?fileID=x'),
      fc.stringMatching(/^\/[a-zA-Z0-9%._~/?=&-]{0,40}$/),
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.json().map((j) => Buffer.from(j)),
      fc.record({ action: fc.string(), id: fc.string(), text: fc.string() }).map((o) => Buffer.from(JSON.stringify(o))),
    );
    const headers = fc.record({ 'content-type': fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=b', 'x/y'), 'x-wx-openid': fc.constantFrom('demo-a', 'bad id', '') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), path, body, headers, async (method, p, b, h) => {
        const res = await raw(method, p, b, h as Record<string, string>);
        expect(res.status).toBeLessThan(500);
        if (!(res.status === 200 && p.startsWith('/storage/download'))) expect(() => JSON.parse(res.body)).not.toThrow();
      }),
      { numRuns: 120 },
    );
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});

describe('gateway: storage', () => {
  const me = { 'x-wx-openid': 'demo-member' };

  function multipart(cloudPath: string, content: Buffer): { body: Buffer; type: string } {
    const boundary = '----mgboundary7MA4YWxkTrZu0gW';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="cloudPath"\r\n\r\n${cloudPath}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { body, type: `multipart/form-data; boundary=${boundary}` };
  }

  it('uploads (multipart) and deletes a file; clients read only through links a function signs', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x01]);
    const form = multipart('visits/v1/photo.jpg', bytes);
    const up = await fetch(`${gateway.url}/storage/upload`, { method: 'POST', headers: { ...me, 'content-type': form.type }, body: form.body });
    expect(up.status).toBe(200);
    const { fileID } = await json(up);
    expect(fileID).toBe(cloud.storage.fileIdOf('visits/v1/photo.jpg'));
    // Another user cannot write over it (the storage rule: only the creator writes a file).
    const over = multipart('visits/v1/photo.jpg', Buffer.from('x'));
    const clash = await fetch(`${gateway.url}/storage/upload`, { method: 'POST', headers: { 'x-wx-openid': 'demo-other', 'content-type': over.type }, body: over.body });
    expect(clash.status).toBe(403);
    expect((await json(clash)).error.reason).toBe('STORAGE.STORAGE_EXCEED_AUTHORITY');

    // The storage rule lets no client read directly, with or without an identity, uploader included.
    const down = await fetch(`${gateway.url}/storage/download?fileID=${encodeURIComponent(fileID)}`, { headers: me });
    expect(down.status).toBe(403);
    expect((await fetch(`${gateway.url}/storage/download?fileId=${encodeURIComponent(fileID)}`)).status).toBe(403);
    const links = await json(await post('/storage/temp-url', { fileList: [{ fileID, maxAge: 60 }] }, me));
    expect(links.fileList[0]).toMatchObject({ fileID, status: -503002, tempFileURL: '' });

    // A link signed on the server side (as a function's getTempFileURL makes it) opens the file.
    const [signed] = cloud.storage.tempUrls([{ fileID, maxAge: 60 }]);
    const link = signed.tempFileURL;
    expect(link.startsWith(`${gateway.url}/storage/tmp/`)).toBe(true);
    const viaLink = await fetch(link);
    expect(viaLink.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await viaLink.arrayBuffer())).toEqual(bytes);
    expect((await fetch(link.replace(/sign=[0-9a-f]{4}/, 'sign=0000'))).status).toBe(403);

    const stranger = await json(await post('/storage/delete', { fileList: [fileID] }, { 'x-wx-openid': 'demo-other' }));
    expect(stranger.fileList[0]).toMatchObject({ fileID, status: -503002 });
    const del = await json(await post('/storage/delete', { fileList: [fileID] }, me));
    expect(del.fileList[0]).toEqual({ fileID, status: 0, errMsg: 'ok' });
    expect((await fetch(`${gateway.url}/storage/download?fileID=${encodeURIComponent(fileID)}`, { headers: me })).status).toBe(404);
  });

  it('accepts a raw body with ?cloudPath= and files uploaded there are readable by functions', async () => {
    const up = await fetch(`${gateway.url}/storage/upload?cloudPath=${encodeURIComponent('imports/t.csv')}`, { method: 'POST', headers: { ...me, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
    const { fileID } = await json(up);
    const res = await json(await post('/functions/files', { action: 'download', fileID }, me));
    expect(res.data.text).toBe('a,b\n1,2\n');
  });

  it('refuses uploads without a caller, with bad paths or too large', async () => {
    const noCaller = await fetch(`${gateway.url}/storage/upload?cloudPath=a.txt`, { method: 'POST', body: 'x' });
    expect(noCaller.status).toBe(401);
    const climb = await fetch(`${gateway.url}/storage/upload?cloudPath=${encodeURIComponent('../a.txt')}`, { method: 'POST', headers: me, body: 'x' });
    expect(climb.status).toBe(400);
    expect((await json(climb)).error.code).toBe('VALIDATION');
    const big = await fetch(`${gateway.url}/storage/upload?cloudPath=big.bin`, { method: 'POST', headers: me, body: Buffer.alloc(300 * 1024) });
    expect(big.status).toBe(413);
    const broken = await fetch(`${gateway.url}/storage/upload`, { method: 'POST', headers: { ...me, 'content-type': 'multipart/form-data; boundary=zzz' }, body: 'garbage' });
    expect(broken.status).toBe(400);
    const badList = await post('/storage/delete', { fileList: 'x' }, me);
    expect(badList.status).toBe(400);
    expect((await json(badList)).error.message).toMatch(/^fileList/);
  });
});

describe('gateway in cloud mode', () => {
  let cloudGateway: Gateway;
  beforeAll(async () => {
    cloudGateway = await startGateway({ cloud, port: 0, mode: 'cloud', log: () => undefined });
  });
  afterAll(() => cloudGateway.close());

  it('refuses the development caller header', async () => {
    const res = await fetch(`${cloudGateway.url}/functions/notes`, { method: 'POST', headers: { 'x-wx-openid': 'demo-hq' }, body: '{"action":"whoami"}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('FORBIDDEN');
  });

  it('runs calls without a caller and does not offer the header to browsers', async () => {
    const res = await fetch(`${cloudGateway.url}/functions/notes`, { method: 'POST', body: '{"action":"whoami"}' });
    expect(((await res.json()) as any).data.openid).toBeNull();
    const pre = await fetch(`${cloudGateway.url}/functions/notes`, { method: 'OPTIONS' });
    expect(pre.headers.get('access-control-allow-headers')).not.toContain('X-WX-OPENID');
  });

  it('refuses client storage endpoints', async () => {
    expect((await fetch(`${cloudGateway.url}/storage/upload?cloudPath=a.txt`, { method: 'POST', body: 'x' })).status).toBe(403);
  });
});

describe('gateway settings from the environment', () => {
  const { optionsFromEnv } = require('../../local/gateway/main');

  it('reads defaults and refuses nonsense, naming the variable', () => {
    expect(optionsFromEnv({})).toMatchObject({ port: 3000, host: '127.0.0.1', mode: 'local', seed: 'none', functionsFrom: 'build' });
    expect(optionsFromEnv({ PORT: '0', PUBLIC_URL: 'http://192.168.1.5:3000/' }).publicUrl).toBe('http://192.168.1.5:3000');
    expect(() => optionsFromEnv({ PORT: '70000' })).toThrow(/^PORT/);
    expect(() => optionsFromEnv({ MODE: 'prod' })).toThrow(/^MODE/);
    expect(() => optionsFromEnv({ SEED: 'all' })).toThrow(/^SEED/);
    expect(() => optionsFromEnv({ FUNCTIONS_FROM: 'x' })).toThrow(/^FUNCTIONS_FROM/);
    expect(() => optionsFromEnv({ PUBLIC_URL: 'ftp://x' })).toThrow(/^PUBLIC_URL/);
    expect(() => optionsFromEnv({ JOB_CHUNK_ITEMS: '0' })).toThrow(/^JOB_CHUNK_ITEMS/);
    expect(() => optionsFromEnv({ JOB_CHUNK_ITEMS: '2.5' })).toThrow(/^JOB_CHUNK_ITEMS/);
    expect(() => optionsFromEnv({ JOB_CHUNK_ITEMS: '3' })).not.toThrow();
  });
});
