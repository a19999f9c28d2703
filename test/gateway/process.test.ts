import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

/** The gateway as its own process over the fixture functions, for crash and signal behaviour. */
function startChild(dataDir: string): Promise<GatewayProcess> {
  return startGatewayProcess(dataDir, { env: { FUNCTIONS_ROOT: FIXTURE_FUNCTIONS, COLLECTIONS_FILE: FIXTURE_COLLECTIONS, SEED: 'none' }, startWithinMs: 30000 });
}

async function call(url: string, event: object): Promise<any> {
  const res = await fetch(`${url}/functions/notes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': 'demo-member' }, body: JSON.stringify(event) });
  return res.json();
}

let dataDir: string;
beforeEach(() => {
  dataDir = makeDataDir();
});
afterEach(() => removeDataDir(dataDir));

describe('the gateway process', () => {
  it('loses no acknowledged write when killed with SIGKILL', async () => {
    const first = await startChild(dataDir);
    const ids = Array.from({ length: 25 }, (_, i) => `k${i}`);
    for (const id of ids) expect(await call(first.url, { action: 'add', id, text: `note ${id}` })).toEqual({ ok: true, data: { _id: id } });
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startChild(dataDir);
    try {
      expect((await call(second.url, { action: 'count' })).data.total).toBe(ids.length);
      for (const id of [ids[0], ids[ids.length - 1]]) expect((await call(second.url, { action: 'get', id })).data.text).toBe(`note ${id}`);
    } finally {
      second.proc.kill('SIGKILL');
      await second.exited;
    }
  });

  it('on SIGTERM finishes the call in flight, flushes, stops accepting and exits 0', async () => {
    const child = await startChild(dataDir);
    const inFlight = call(child.url, { action: 'add', id: 'late', text: 'finished during shutdown', delayMs: 400 });
    await new Promise((r) => setTimeout(r, 100));
    child.proc.kill('SIGTERM');
    expect(await inFlight).toEqual({ ok: true, data: { _id: 'late' } });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toContain('"msg":"stopped"');
    await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();

    const again = await startChild(dataDir);
    try {
      expect((await call(again.url, { action: 'get', id: 'late' })).data.text).toBe('finished during shutdown');
    } finally {
      again.proc.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);
    }
  });
});
