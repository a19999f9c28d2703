/**
 * One seeded demo bank per jest run. Seeding the 40,000-merchant bank costs about a minute of CPU, so it
 * is seeded once into a template data folder under the OS temp dir and every suite that needs it works
 * on its own copy (the suites write: exports, audit entries, reconciliation runs).
 *
 * The template is keyed by a hash of everything that decides its contents (the seed, the roll-up code,
 * the shared domain rules, the engine, the runtime's start-up, the collection indexes, the SQLite
 * binding's version): a stale template is never reused, and a matching one is reused across runs. It
 * is built lazily, by the first suite that asks for it, under a lock folder so parallel workers wait
 * instead of seeding twice (robust whatever subset of files a run selects); the global setup fixes the
 * key for the run and prunes templates of older keys.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { LocalCloud } from '../../local/runtime';
import { makeDataDir, removeDataDir } from './local-cloud';

const ROOT = resolve(__dirname, '..', '..');
/** What the template's contents depend on (folders are hashed recursively, .ts/.json files only). */
// (The repository changes all day: hashing only what the bank depends on keeps a valid template in use.)
const SOURCES = ['scripts/seed', 'server/rollup', 'server/pi.ts', 'server/db.ts', 'shared/domain', 'local/engine', 'local/runtime/index.ts', 'database/collections.json'];
const PREFIX = 'mg-demo-bank-';
/** A lock older than this, or held by a process that is gone, was abandoned. */
const LOCK_STALE_MS = 45 * 60 * 1000;
/** Seeding on a busy shared machine can take many minutes. */
const SEED_TIMEOUT_MS = 40 * 60 * 1000;

/** What the template's seed.json records (the runtime's seed marker plus the seed's timings). */
export interface DemoSeedRecord {
  kind: 'demo';
  seed: number | null;
  at: string;
  accounts: { role: string; name: string; openid: string; unitName: string; unit: string }[];
  counts: Record<string, number>;
  ms: number;
  cpuMs: number;
  timings: Record<string, number>;
}

function sourceFiles(path: string): string[] {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|json)$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(abs, f))
    .sort();
}

/** The template key: a hash of the seed's and the engine's sources and of the SQLite binding's version. */
export function demoBankKey(): string {
  const h = createHash('sha256');
  for (const file of SOURCES.flatMap(sourceFiles)) {
    h.update(relative(ROOT, file));
    h.update('\0');
    h.update(readFileSync(file));
    h.update('\0');
  }
  h.update(`better-sqlite3@${require('better-sqlite3/package.json').version} node@${process.versions.modules}`);
  return h.digest('hex').slice(0, 20);
}

/** The template folder of the current sources (set once per run by the global setup, else computed). */
export function demoBankTemplateDir(): string {
  if (process.env.MG_DEMO_BANK_TEMPLATE) return process.env.MG_DEMO_BANK_TEMPLATE;
  const dir = join(tmpdir(), `${PREFIX}${demoBankKey()}`);
  process.env.MG_DEMO_BANK_TEMPLATE = dir;
  return dir;
}

const isReady = (dir: string): boolean => existsSync(join(dir, 'seed.json'));

function lockIsLive(lock: string): boolean {
  try {
    const { pid, at } = JSON.parse(readFileSync(join(lock, 'owner.json'), 'utf8'));
    if (Date.now() - at > LOCK_STALE_MS) return false;
    process.kill(pid, 0); // throws when the process is gone
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else. A lock without its owner file yet is live.
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return existsSync(lock) && Date.now() - statSync(lock).mtimeMs < 60_000;
    return false;
  }
}

/** A template of other sources is kept while used this recently (runs on other trees may need it). */
const KEEP_UNUSED_MS = 20 * 60 * 1000;

function lastUse(path: string): number {
  try {
    const marker = join(path, 'seed.json');
    return statSync(existsSync(marker) ? marker : path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes templates (and abandoned build folders) of other keys; the global setup calls it once per run. */
export function pruneDemoTemplates(keep = demoBankTemplateDir()): void {
  const keepName = keep.split(/[\\/]/).pop()!;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX) || name === keepName || name.startsWith(`${keepName}.`)) continue;
    const path = join(tmpdir(), name);
    const base = name.replace(/\.(lock|build-\d+)$/, '');
    if (existsSync(join(tmpdir(), `${base}.lock`)) && lockIsLive(join(tmpdir(), `${base}.lock`))) continue;
    // Another run (of other sources) may be copying it right now: only templates unused for a while go.
    if (Date.now() - lastUse(path) < KEEP_UNUSED_MS) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes sure the template exists, seeding it if needed: one process seeds (holding `<template>.lock`),
 * the others wait for it. The seed is built in a side folder and renamed into place once complete, so a
 * template folder always holds a whole bank.
 */
export async function ensureDemoTemplate(log: (message: string) => void = (m) => process.stderr.write(`demo bank: ${m}\n`)): Promise<string> {
  const dir = demoBankTemplateDir();
  const lock = `${dir}.lock`;
  for (;;) {
    if (isReady(dir)) return dir;
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lockIsLive(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(1000);
      continue;
    }
    try {
      writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, at: Date.now() }));
      if (isReady(dir)) return dir;
      await buildTemplate(dir, log);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Seeds the template in a child process through the seed's command line (plain Node with tsx: the
 * seed runs markedly faster there than inside a jest worker, whose memory it also spares).
 */
async function buildTemplate(dir: string, log: (message: string) => void): Promise<void> {
  const build = `${dir}.build-${process.pid}`;
  rmSync(build, { recursive: true, force: true });
  log(`seeding a template in ${dir}`);
  const env = { ...process.env };
  delete env.PI_KEY; // the template keeps its own key in pi.key
  const record = join(build, 'seed.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'seed', 'cli.ts'), '--kind', 'demo', '--data-dir', build, '--record', `${record}.tmp`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((line) => log(line.trim())));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('exit', res);
  });
  if (code !== 0 || !existsSync(`${record}.tmp`)) throw new Error(`seeding the demo bank template failed (exit ${code}): ${stderr.slice(-2000)}`);
  // The runtime's seed marker, written last: startLocalCloud refuses a non-empty store without it.
  renameSync(`${record}.tmp`, record);
  renameSync(build, dir);
}

export interface DemoBankHandle {
  /** the running cloud over this suite's copy (set in beforeAll) */
  readonly cloud: LocalCloud;
  /** this suite's data folder */
  readonly dataDir: string;
  /** the template's seed record: accounts, counts, timings */
  readonly seed: DemoSeedRecord;
  /** Calls a function as `openid`; shorthand for `cloud.call`. */
  call(fnName: string, event?: Record<string, unknown>, openid?: string): Promise<any>;
}

/**
 * Gives the current test file its own copy of the seeded demo bank (beforeAll) and a local cloud on it
 * (functions from source), closed and deleted afterwards (afterAll). The first file of a run to call it
 * may seed the template, so its beforeAll allows for that.
 *
 *   const bank = useDemoBank();
 *   it('...', async () => { const res = await bank.call('metrics', { action: 'dashboard' }, 'demo-hq'); });
 */
export function useDemoBank(): DemoBankHandle {
  let cloud: LocalCloud | null = null;
  let dataDir = '';
  let seed: DemoSeedRecord | null = null;
  beforeAll(async () => {
    const template = await ensureDemoTemplate();
    const now = new Date();
    utimesSync(join(template, 'seed.json'), now, now); // in use: pruning leaves it alone for a while
    dataDir = makeDataDir('mg-demo-copy-');
    // ~700 MB: a copy-on-write clone where the file system offers one, a plain copy otherwise.
    cpSync(template, dataDir, { recursive: true, mode: constants.COPYFILE_FICLONE });
    seed = JSON.parse(readFileSync(join(dataDir, 'seed.json'), 'utf8')) as DemoSeedRecord;
    // Sealed personal data in the copy opens with the template's key.
    process.env.PI_KEY = readFileSync(join(dataDir, 'pi.key'), 'utf8').trim();
    const { startLocalCloud } = require('../../local/runtime') as typeof import('../../local/runtime');
    cloud = await startLocalCloud({ functionsFrom: 'source', dataDir, seed: 'none' });
  }, SEED_TIMEOUT_MS);
  afterAll(async () => {
    await cloud?.close();
    cloud = null;
    if (dataDir) removeDataDir(dataDir);
  });
  const running = (): LocalCloud => {
    if (!cloud) throw new Error('the demo bank starts in beforeAll; use it inside tests');
    return cloud;
  };
  return {
    get cloud() {
      return running();
    },
    get dataDir() {
      return dataDir;
    },
    get seed() {
      if (!seed) throw new Error('the demo bank starts in beforeAll; use it inside tests');
      return seed;
    },
    call(fnName, event = {}, openid) {
      return running().call(fnName, event, openid);
    },
  };
}
