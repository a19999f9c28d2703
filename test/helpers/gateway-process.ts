import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = resolve(ROOT, 'local', 'gateway', 'main.ts');

/** The gateway running as its own process, as `npm start` runs it (crash, signal and restart tests). */
export interface GatewayProcess {
  proc: ChildProcess;
  /** the address it printed when listening */
  url: string;
  /** resolves when the process has exited, with its code or the signal that ended it */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** what it printed on stdout so far */
  stdout: () => string;
  /** the end of what it printed on stdout and stderr, for a failure's message */
  log: () => string;
}

export interface GatewayProcessOptions {
  /** environment on top of this process's and of the defaults (any port, functions from source, local mode) */
  env?: Record<string, string>;
  /** how long it may take to listen (a first start seeds the bank) */
  startWithinMs?: number;
  /** its own process group, so that a kill of `-pid` reaches everything it started */
  detached?: boolean;
}

/** Starts `local/gateway/main.ts` on `dataDir` and resolves once it says it listens; rejects if it exits first. */
export function startGatewayProcess(dataDir: string, options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const startWithinMs = options.startWithinMs ?? 60_000;
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, FUNCTIONS_FROM: 'source', MODE: 'local', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on('exit', (code, signal) => done({ code, signal })));
  return new Promise((ready, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${startWithinMs / 1000} s: ${out}${err}`)), startWithinMs);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        ready({ proc, url: JSON.parse(line).url, exited, stdout: () => out, log: () => `${out}\n${err}`.slice(-4000) });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gateway exited early: ${out}${err}`));
    });
  });
}
