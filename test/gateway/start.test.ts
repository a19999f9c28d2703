import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';

/** `npm start` as a user runs it (tsx scripts/start.ts), on a fresh data folder with the minimal bank. */
const ROOT = resolve(__dirname, '..', '..');

interface Started {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function start(dataDir: string): Promise<Started> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED: 'minimal', TIMERS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${out}`)), 150_000);
    const onData = (d: Buffer) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('ready: ')) {
        clearTimeout(timer);
        resolveStart({ proc, url, output: () => out, exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
  });
}

let dataDir: string;
beforeAll(() => {
  dataDir = makeDataDir();
});
afterAll(() => removeDataDir(dataDir));

describe('npm start', () => {
  it('seeds on first start, prints one account per role, serves them, and restarts without seeding', async () => {
    const first = await start(dataDir);
    try {
      const out = first.output();
      expect(out).toContain('seeded the minimal bank');
      for (const role of ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance']) expect(out).toMatch(new RegExp(`\\n\\s+${role}\\s+demo-${role}\\s`));
      const health = (await (await fetch(`${first.url}/healthz`)).json()) as any;
      expect(health.data.status).toBe('up');
      const me = (await (await fetch(`${first.url}/functions/user`, { method: 'POST', headers: { 'x-wx-openid': 'demo-hq' }, body: '{"action":"me"}' })).json()) as any;
      expect(me).toMatchObject({ ok: true, data: { role: 'hq' } });
    } finally {
      first.proc.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    const second = await start(dataDir);
    try {
      expect(second.output()).not.toContain('seeded the minimal bank');
      expect(second.output()).toMatch(/\n\s+hq\s+demo-hq\s/);
    } finally {
      second.proc.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  }, 300_000);
});
