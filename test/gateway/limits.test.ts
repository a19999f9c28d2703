import { startGateway, Gateway, RequestLog } from '../../local/gateway/server';
import { LocalCloud, startLocalCloud } from '../../local/runtime';
import { createMain } from '../../server/router';
import { MAX_EVENT_DEPTH } from '../../server/bounds';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

const logs: (RequestLog | Record<string, unknown>)[] = [];
let dataDir: string;
let cloud: LocalCloud;
let gateway: Gateway;

beforeAll(async () => {
  dataDir = makeDataDir();
  cloud = await startLocalCloud({ dataDir, functionsRoot: FIXTURE_FUNCTIONS, collectionsFile: FIXTURE_COLLECTIONS, onFunctionError: () => undefined, callTimeoutMs: 200 });
  gateway = await startGateway({ cloud, port: 0, mode: 'local', log: (l) => void logs.push(l) });
});
afterAll(async () => {
  await gateway.close();
  await cloud.close();
  removeDataDir(dataDir);
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(gateway.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** `{"action":"echo","x":{"a":{"a":…1…}}}` with `levels` objects in all, the event's own included. */
function nested(levels: number): string {
  let inner = '1';
  for (let i = 0; i < levels - 1; i++) inner = `{"a":${inner}}`;
  return `{"action":"echo","x":${inner}}`;
}

describe('bodies bounded in depth', () => {
  it('refuses a body nested 6,000 levels with a clear 400, and logs no failure', async () => {
    logs.length = 0;
    const res = await post('/functions/boom', nested(6000));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'VALIDATION', message: `body: nested deeper than ${MAX_EVENT_DEPTH} levels` } });
    expect(logs).toEqual([expect.objectContaining({ path: '/functions/boom', status: 400 })]);
  });

  it(`takes ${MAX_EVENT_DEPTH} levels and refuses ${MAX_EVENT_DEPTH + 1}`, async () => {
    expect((await post('/functions/boom', nested(MAX_EVENT_DEPTH))).status).toBe(200);
    expect((await post('/functions/boom', nested(MAX_EVENT_DEPTH + 1))).status).toBe(400);
  });

  it('refuses a deep event at the router too (on CloudBase no gateway stands in front)', async () => {
    const main = createMain({});
    let deep: unknown = 1;
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    const res = await main({ action: 'x', deep });
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ field: 'event' }] } } });
  });

  it("bounds bodies in size at CloudBase's 6 MB event at most", async () => {
    await expect(startGateway({ cloud, port: 0, maxBodyBytes: 7 * 1024 * 1024 })).rejects.toThrow(/MAX_BODY_BYTES must be at most 6291456/);
  });
});

describe("a call CloudBase fails answers with CloudBase's errCode and errMsg", () => {
  it('a timed-out call: 504 and -504003', async () => {
    logs.length = 0;
    const res = await post('/functions/boom', '{"action":"hang"}');
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' });
    expect(logs).toEqual([expect.objectContaining({ fn: 'boom', action: 'hang', status: 504 })]);
  });

  it('logs the database requests and sequential depth of each call', async () => {
    logs.length = 0;
    const res = await post('/functions/boom', JSON.stringify({ action: 'reads', shape: [2, 1, 3] }));
    expect(res.status).toBe(200);
    expect(logs).toEqual([expect.objectContaining({ fn: 'boom', action: 'reads', status: 200, requests: 6, depth: 3 })]);
  });
});
