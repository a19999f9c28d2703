import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fail } from '../../shared/envelope';
import { generatePiKey } from '../../server/pi';
import { openEngine } from '../engine';
import { LocalStorage } from '../storage';
import { installStorageRoute, uninstallStorageRoute } from '../storage/sdk-route';
import { loadCollections } from './collections';
import { runAsCaller } from './wx-context';

/**
 * The local CloudBase: the engine behind the database client, the storage behind the storage API,
 * a PI key, and the cloud functions loaded from source (tests) or from their bundles (gateway), each
 * call run as its WeChat caller. Tests and the gateway both stand on this, so a function behaves the
 * same in both.
 */

export type SeedKind = 'none' | 'minimal' | 'demo';

export interface StartLocalCloudOptions {
  /** a folder for the store, storage and keys, or `':memory:'` (default) for a throwaway cloud */
  dataDir?: string;
  /** what to seed when the store is empty (default `'none'`) */
  seed?: SeedKind;
  /** seed number for deterministic demo data */
  seedNumber?: number;
  /** `'source'`: `<root>/<fn>/index.ts` (tests); `'build'`: `<root>/<fn>/index.js` bundles (gateway) */
  functionsFrom?: 'source' | 'build';
  /** folder holding one folder per function (default `cloudfunctions/` or `build/cloudfunctions/`) */
  functionsRoot?: string;
  /** CloudBase environment id used in file IDs (default `TCB_ENV` or `local`) */
  envId?: string;
  /** base URL of temporary storage links (the gateway sets its own once listening) */
  publicBaseUrl?: string;
  /** collections file to apply (default database/collections.json) */
  collectionsFile?: string;
  /** end a call after this long (default: the function's config.json timeout, else 60 s) */
  callTimeoutMs?: number;
  /** receives what a failing function threw (default: one JSON line on stderr) */
  onFunctionError?: (fnName: string, err: unknown) => void;
}

export interface DemoAccount {
  role: string;
  name: string;
  openid: string;
  unit: string;
}

export interface SeedSummary {
  accounts: DemoAccount[];
  counts: Record<string, number>;
}

export type LocalEngine = ReturnType<typeof openEngine>;

export interface SeedIfEmptyOptions {
  seed?: number;
  onProgress?: (message: string) => void;
  /** seed in a worker thread so this thread keeps serving (needs an on-disk data folder) */
  inWorker?: boolean;
}

export interface LocalCloud {
  /** Calls a function as `openid` (none: a call with no WeChat user, like a timer) and returns its JSON answer. */
  call(fnName: string, event?: Record<string, unknown>, openid?: string): Promise<any>;
  /** Whether a function of that name exists under the functions root. */
  hasFunction(fnName: string): boolean;
  /** The functions found under the functions root. */
  functionNames(): string[];
  /** `cloud.database()` of wx-server-sdk, talking to this engine. */
  database(): any;
  engine: LocalEngine;
  storage: LocalStorage;
  dataDir: string;
  functionsRoot: string;
  /** the accounts the seed created in this start (null when nothing was seeded now) */
  seeded: SeedSummary | null;
  /** Seeds the store when it holds no staff yet; null when it already did. */
  seedIfEmpty(kind: Exclude<SeedKind, 'none'>, options?: SeedIfEmptyOptions): Promise<SeedSummary | null>;
  /** Waits for calls in flight, then flushes and closes the engine and releases the SDK routes. */
  close(): Promise<void>;
}

/** A call to a function that does not exist (the gateway answers 404). */
export class FunctionNotFoundError extends Error {
  constructor(readonly fnName: string) {
    super(`function not found: ${fnName}`);
    this.name = 'FunctionNotFoundError';
  }
}

/** CloudBase function names: a letter first, then letters, digits, `-` and `_`, at most 60 characters. */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

const REPO_ROOT = resolve(__dirname, '..', '..');
const APP_ID = 'wx-local';
const DEFAULT_TIMEOUT_MS = 60_000;

let ownPiKey: string | undefined;
let open: LocalCloud | null = null;

/** Starts the local cloud; one at a time per process, as the database client routes to one engine. */
export async function startLocalCloud(options: StartLocalCloudOptions = {}): Promise<LocalCloud> {
  if (open) throw new Error('a local cloud is already running in this process; close it first');
  const inMemory = !options.dataDir || options.dataDir === ':memory:';
  const dataDir = inMemory ? ':memory:' : resolve(options.dataDir as string);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const from = options.functionsFrom ?? 'source';
  const functionsRoot = resolve(options.functionsRoot ?? join(REPO_ROOT, from === 'build' ? 'build/cloudfunctions' : 'cloudfunctions'));
  const envId = options.envId ?? process.env.TCB_ENV ?? 'local';
  const reportFunctionError = options.onFunctionError ?? logFunctionError;

  setPiKey(inMemory ? null : dataDir);

  const scratch = inMemory ? mkdtempSync(join(tmpdir(), 'local-cloud-')) : null;
  const storage = new LocalStorage({ root: join(scratch ?? dataDir, 'storage'), envId, publicBaseUrl: options.publicBaseUrl });

  const engine = openEngine({ dataDir });
  try {
    engine.ensureIndexes(loadCollections(options.collectionsFile));
    engine.install();
    installStorageRoute(storage);
  } catch (err) {
    engine.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw err;
  }

  const cloud = require('wx-server-sdk');
  cloud.init({ env: envId });
  const loaded = new Map<string, (event: unknown, context: unknown) => unknown>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let stopSeedWorker: (() => Promise<void>) | null = null;

  const entryOf = (fnName: string): string => join(functionsRoot, fnName, from === 'build' ? 'index.js' : 'index.ts');

  const timeouts = new Map<string, number>();
  /** The function's timeout from its config.json (seconds), else CloudBase's console default for ours. */
  const timeoutOf = (fnName: string): number => {
    let ms = timeouts.get(fnName);
    if (ms === undefined) {
      ms = options.callTimeoutMs ?? DEFAULT_TIMEOUT_MS;
      try {
        const config = JSON.parse(readFileSync(join(functionsRoot, fnName, 'config.json'), 'utf8'));
        if (options.callTimeoutMs === undefined && Number.isInteger(config.timeout) && config.timeout > 0) ms = config.timeout * 1000;
      } catch {
        // no config.json: the default applies
      }
      timeouts.set(fnName, ms);
    }
    return ms;
  };

  const hasFunction = (fnName: string): boolean => FUNCTION_NAME.test(fnName) && isFile(entryOf(fnName));

  const loadMain = (fnName: string): ((event: unknown, context: unknown) => unknown) => {
    const cached = loaded.get(fnName);
    if (cached) return cached;
    if (!hasFunction(fnName)) throw new FunctionNotFoundError(fnName);
    const mod = require(entryOf(fnName));
    const main = mod?.main ?? mod?.default?.main;
    if (typeof main !== 'function') throw new Error(`function ${fnName} does not export main`);
    loaded.set(fnName, main);
    return main;
  };

  const invoke = async (fnName: string, event: Record<string, unknown>, openid?: string): Promise<unknown> => {
    let main: (event: unknown, context: unknown) => unknown;
    try {
      main = loadMain(fnName);
    } catch (err) {
      if (err instanceof FunctionNotFoundError) throw err;
      // A function whose module fails to load answers like one that throws.
      reportFunctionError(fnName, err);
      return fail('INTERNAL', 'The service failed; please try again later.');
    }
    // The event crosses the wire as JSON (wx.cloud.callFunction's `data`): Dates arrive as strings,
    // undefined fields vanish, and the function never shares objects with the caller.
    const wire = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    // As on CloudBase, the platform (not the client) sets event.userInfo on calls from the mini program;
    // identity must still be taken from getWXContext().
    const { userInfo: _fromClient, ...rest } = wire;
    const input = openid ? { ...rest, userInfo: { appId: APP_ID, openId: openid } } : rest;
    const limitMs = timeoutOf(fnName);
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      request_id: randomUUID(),
      function_name: fnName,
      function_version: '$LATEST',
      namespace: envId,
      memory_limit_in_mb: 256,
      time_limit_in_ms: limitMs,
      environ: `TCB_ENV=${envId}`,
    };
    let result: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      // CloudBase ends a call at the function's timeout; the caller gets an error, not a hang.
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`function ${fnName} timed out after ${limitMs} ms`)), limitMs);
      });
      result = await Promise.race([runAsCaller(openid ? { openid, appid: APP_ID } : null, () => main(input, context)), timedOut]);
    } catch (err) {
      reportFunctionError(fnName, err);
      return fail('INTERNAL', 'The service failed; please try again later.');
    } finally {
      clearTimeout(timer);
    }
    // The answer crosses the wire as JSON (wx.cloud.callFunction's `result`): Dates become strings.
    try {
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (err) {
      reportFunctionError(fnName, err);
      return fail('INTERNAL', 'The service returned an answer that cannot be sent.');
    }
  };

  const localCloud: LocalCloud = {
    async call(fnName, event = {}, openid) {
      if (closed) throw new Error('the local cloud is closed');
      if (typeof fnName !== 'string' || !FUNCTION_NAME.test(fnName)) throw new FunctionNotFoundError(String(fnName));
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new TypeError('event must be a plain object');
      try {
        JSON.stringify(event);
      } catch {
        throw new TypeError('event must be JSON-serialisable (it crosses the wire as JSON)');
      }
      const p = invoke(fnName, event, openid);
      inFlight.add(p);
      try {
        return await p;
      } finally {
        inFlight.delete(p);
      }
    },
    hasFunction,
    functionNames() {
      if (!existsSync(functionsRoot)) return [];
      return readdirSync(functionsRoot)
        .filter((name) => hasFunction(name))
        .sort();
    },
    database: () => cloud.database(),
    engine,
    storage,
    dataDir,
    functionsRoot,
    seeded: null,
    async seedIfEmpty(kind, seedOptions = {}) {
      if (closed) throw new Error('the local cloud is closed');
      const marker = inMemory ? null : dataDir;
      const run = async (): Promise<SeedSummary | null> => {
        if (!seedOptions.inWorker || inMemory) return seedIfEmpty(cloud.database(), marker, kind, seedOptions.seed, seedOptions.onProgress, engine.engine);
        if (await isSeeded(cloud.database(), marker)) return null;
        const job = seedInWorker({ dataDir, kind, seed: seedOptions.seed, collectionsFile: options.collectionsFile, envId }, seedOptions.onProgress);
        stopSeedWorker = job.stop;
        try {
          return await job.done;
        } finally {
          stopSeedWorker = null;
        }
      };
      const p = run();
      inFlight.add(p);
      try {
        return await p;
      } finally {
        inFlight.delete(p);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // A seed still being written is abandoned (its marker is never written, so the next start says so).
      if (stopSeedWorker) await stopSeedWorker();
      await Promise.allSettled([...inFlight]);
      try {
        engine.uninstall();
        uninstallStorageRoute(storage);
      } finally {
        engine.close();
        if (scratch) rmSync(scratch, { recursive: true, force: true });
        if (open === localCloud) open = null;
      }
    },
  };
  open = localCloud;

  try {
    if (options.seed && options.seed !== 'none') localCloud.seeded = await localCloud.seedIfEmpty(options.seed, { seed: options.seedNumber });
  } catch (err) {
    await localCloud.close();
    throw err;
  }
  return localCloud;
}

/** Written into the data folder once a seed has completed; its absence beside data means a seed was cut short. */
const SEED_MARKER = 'seed.json';

/**
 * Whether the store was seeded: no staff means empty; staff and the marker mean seeded; staff without
 * the marker means a seed was interrupted (or the data came from elsewhere) and is refused.
 */
async function isSeeded(db: any, dataDir: string | null): Promise<boolean> {
  if ((await countStaff(db)) === 0) return false;
  if (!dataDir || existsSync(join(dataDir, SEED_MARKER))) return true;
  throw new Error(
    `${dataDir} holds data but no record of a completed seed (was a first start interrupted?). ` +
      `Delete the folder to seed it again, or start with SEED=none to use it as it is.`,
  );
}

/** Seeds when the store holds no staff yet (first start), through the engine's bulk insert when `bulk` is given, else the client. */
async function seedIfEmpty(db: any, dataDir: string | null, kind: Exclude<SeedKind, 'none'>, seed?: number, onProgress?: (message: string) => void, bulk?: unknown): Promise<SeedSummary | null> {
  if (await isSeeded(db, dataDir)) return null;
  // Loaded on demand: the seed module is large and tests with their own fixtures never need it.
  const { seedDatabase } = require(join(REPO_ROOT, 'scripts', 'seed', 'index'));
  const result = (await seedDatabase(db, { kind, seed, onProgress, engine: bulk })) as SeedSummary;
  if (dataDir) writeFileSync(join(dataDir, SEED_MARKER), `${JSON.stringify({ kind, seed: seed ?? null, at: new Date().toISOString(), accounts: result.accounts, counts: result.counts }, null, 2)}\n`);
  return result;
}

async function countStaff(db: any): Promise<number> {
  try {
    return (await db.collection('staff').count()).total;
  } catch {
    return 0; // no staff collection yet: an empty store
  }
}

/** Runs the seed in a worker thread (see seed-worker.ts); `stop` abandons it. */
function seedInWorker(
  data: { dataDir: string; kind: string; seed?: number; collectionsFile?: string; envId: string },
  onProgress?: (message: string) => void,
): { done: Promise<SeedSummary | null>; stop: () => Promise<void> } {
  const file = join(__dirname, `seed-worker${extname(__filename)}`);
  // From TypeScript sources (tsx), the worker registers tsx's CommonJS hook before loading the file.
  // A 192 MB young generation (node's default is 48): the seed's short-lived batch objects die young
  // beside its ~400 MB of generated documents instead of being copied and promoted (~20% less CPU).
  const resourceLimits = { maxYoungGenerationSizeMb: 192 };
  const worker = file.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData: data, resourceLimits })
    : new Worker(file, { workerData: data, resourceLimits });
  let stopped = false;
  const done = new Promise<SeedSummary | null>((resolvePromise, reject) => {
    let settled = false;
    worker.on('message', (msg: { type: string; message?: string; result?: SeedSummary | null }) => {
      if (msg.type === 'progress') onProgress?.(msg.message ?? '');
      else if (msg.type === 'done') {
        settled = true;
        resolvePromise(msg.result ?? null);
      } else if (msg.type === 'error') {
        settled = true;
        reject(new Error(`seeding failed: ${msg.message}`));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(stopped ? new SeedInterruptedError() : new Error(`the seed worker exited with code ${code}`));
    });
  });
  return {
    done,
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}

/** The seed was abandoned because the local cloud closed (e.g. Ctrl-C during the first start). */
export class SeedInterruptedError extends Error {
  constructor() {
    super('seeding was interrupted; the data folder must be deleted before the next start');
    this.name = 'SeedInterruptedError';
  }
}

/**
 * Sets PI_KEY for the functions: a configured key wins; otherwise the key kept in `<dataDir>/pi.key`
 * (created once, mode 0600); a throwaway cloud gets a fresh random key.
 */
function setPiKey(dataDir: string | null): void {
  const configured = process.env.PI_KEY;
  if (configured && configured !== ownPiKey) return;
  let key: string;
  if (!dataDir) key = generatePiKey();
  else {
    const file = join(dataDir, 'pi.key');
    if (existsSync(file)) key = readFileSync(file, 'utf8').trim();
    else {
      key = generatePiKey();
      writeFileSync(file, `${key}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  ownPiKey = key;
  process.env.PI_KEY = key;
}

function logFunctionError(fnName: string, err: unknown): void {
  // The stack goes to stderr for the developer; the caller only ever sees the INTERNAL envelope.
  const e = err as Error;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', fn: fnName, error: e?.name ?? 'Error', message: e?.message ?? String(err), stack: e?.stack })}\n`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
