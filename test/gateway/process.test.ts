import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { FIXTURE_COLLECTIONS, FIXTURE_FUNCTIONS, makeDataDir, removeDataDir } from '../helpers/local-cloud';

/** The gateway as its own process (as `npm start` runs it), for crash and signal behaviour. */
const MAIN = resolve(__dirname, '..', '..', 'local', 'gateway', 'main.ts');

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
}

function startChild(dataDir: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: resolve(__dirname, '..', '..'),
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      FUNCTIONS_FROM: 'source',
      FUNCTIONS_ROOT: FIXTURE_FUNCTIONS,
      COLLECTIONS_FILE: FIXTURE_COLLECTIONS,
      SEED: 'none',
      MODE: 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on('exit', (code, signal) => done({ code, signal })));
  return new Promise((resolveChild, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}${err}`)), 30000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolveChild({ proc, url: JSON.parse(line).url, exited, stdout: () => out });
      }
    });
    exited.then(() => reject(new Error(`gateway exited early: ${out}${err}`)));
  });
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
