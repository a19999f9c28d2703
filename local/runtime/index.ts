import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fail } from '../../shared/envelope';
import { generatePiKey } from '../../server/pi';
import { openEngine, openEngineThread } from '../engine';
import { sourceWorker } from '../engine/source-worker';
import { LocalStorage } from '../storage';
import { installStorageRoute, uninstallStorageRoute } from '../storage/sdk-route';
import { installLocalMessages } from './messages';
import { loadCollections } from './collections';
import { installDatabaseWire, installInstanceTimers, installStorageWire, Invocation, runInvocation } from './invocation';
import { checkMemory, measuringMs, releaseMemory, watchMemory } from './memory';
import { CLOUDBASERC_FILE, FunctionLimits, functionLimits, jsonBytes, MAX_EVENT_BYTES, MAX_RESULT_BYTES, readCloudbaserc } from './limits';
import { CallSource, runAsCaller, type WebLogin } from './wx-context';

export { FunctionConfigError } from './limits';
export type { CallSource, WebLogin } from './wx-context';

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
  /**
   * the module that seeds an empty store, exporting `seedDatabase(db, { kind, seed, onProgress, engine })`
   * (scripts/seed: its `SEEDER`); needed only to seed, and loaded only then
   */
  seeder?: string;
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
  /** end a call after this long instead of the function's configured timeout (tests of the timeout itself) */
  callTimeoutMs?: number;
  /** deploy configuration holding each function's timeout and memory (default the repository's cloudbaserc.json; null for none) */
  cloudbasercFile?: string | null;
  /** round trip added to every database request a function call makes, ms (default `DB_LATENCY_MS`, else 0) */
  dbLatencyMs?: number;
  /** round trip added to every function call, ms (default `FN_LATENCY_MS`, else 0) */
  fnLatencyMs?: number;
  /**
   * `'same'`: the engine runs in this thread beside the functions (tests reach its store); `'own'`: in a worker
   * thread of its own, off the functions' thread as CloudBase's database is (default `ENGINE_THREAD`, else `'same'`)
   */
  engineThread?: 'same' | 'own';
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

/** One finished call: the function's JSON answer and what it cost on the database. */
export interface CallOutcome {
  result: any;
  /** database requests the call made */
  requests: number;
  /** the longest chain of those made one after another (see invocation.ts) */
  depth: number;
  /** wall time of the call, ms, the round trips included */
  ms: number;
}

export interface CallOptions {
  /** the WeChat user making the call (none: a call with no user) */
  openid?: string;
  /** who invoked the function, as CloudBase reports it to the function (default: the mini program) */
  source?: CallSource;
  /**
   * a call from a web page's CloudBase login instead of the mini program (no `openid`): the console on
   * CloudBase, signed in by custom login (`customUserId`) or anonymously (`uid` only); node-sdk's
   * `auth().getUserInfo()` and `getClientIP()` answer it inside the function (wx-context.ts)
   */
  web?: WebLogin;
}

export interface LocalCloud {
  /**
   * Calls a function as `openid` (none: a call with no WeChat user) and returns its JSON answer. A call
   * the platform fails (past its timeout or memory, an event or answer over 6 MB) rejects with a FunctionCallError
   * carrying CloudBase's errCode and errMsg, as wx.cloud.callFunction does.
   */
  call(fnName: string, event?: Record<string, unknown>, openid?: string): Promise<any>;
  /** Like `call`, with the call's database request count and sequential depth. */
  callDetailed(fnName: string, event?: Record<string, unknown>, options?: CallOptions): Promise<CallOutcome>;
  /** The timeout and memory each function runs under (validated against CloudBase's ranges at start). */
  limitsOf(fnName: string): FunctionLimits;
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
  /** the seed module this cloud was started with (it also names the demo accounts), or null */
  readonly seeder: string | null;
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

/**
 * A call the platform failed, as wx.cloud.callFunction and wx-server-sdk's callFunction reject: `errCode`
 * and `errMsg`. A timed-out call is `-504003` "Invoking task timed out after N seconds" (the error a mini
 * program receives: `cloud.callFunction:fail Error: errCode: -504003 | errMsg: Invoking task timed out
 * after 3 seconds`, reported in github.com/Mint-green/UnlearnableWord/issues/10). A call past its memory is
 * -504002 (wx-server-sdk's FUNCTIONS_EXECUTE_FAIL) naming CloudBase's `FUNCTIONS_MEMORY_LIMIT_EXCEEDED`
 * (docs.cloudbase.net/error-code/FUNCTIONS_MEMORY_LIMIT_EXCEEDED); see memory.ts.
 */
export class FunctionCallError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`errCode: ${errCode} | errMsg: ${errMsg}`);
    this.name = 'FunctionCallError';
  }
}

/** wx-server-sdk's codes for a call that failed (FUNCTIONS_REQUEST_FAIL, FUNCTIONS_EXECUTE_FAIL) and CloudBase's timeout code. */
export const FUNCTION_ERR = { requestFail: -504001, executeFail: -504002, timedOut: -504003 } as const;

/** CloudBase function names: a letter first, then letters, digits, `-` and `_`, at most 60 characters. */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

const REPO_ROOT = resolve(__dirname, '..', '..');
const APP_ID = 'wx-local';

let ownPiKey: string | undefined;
let open: LocalCloud | null = null;

/** Starts the local cloud; one at a time per process, as the database client routes to one engine. */
export async function startLocalCloud(options: StartLocalCloudOptions = {}): Promise<LocalCloud> {
  if (open) throw new Error('a local cloud is already running in this process; close it first');
  const { inMemory, dataDir, from, functionsRoot, envId, dbLatencyMs, fnLatencyMs, engineThread } = settingsOf(options);
  const reportFunctionError = options.onFunctionError ?? logFunctionError;
  const rc = readCloudbaserc(options.cloudbasercFile === undefined ? CLOUDBASERC_FILE : options.cloudbasercFile);

  setPiKey(inMemory ? null : dataDir);
  const plane = await openDataPlane(dataDir, inMemory, envId, options, engineThread);
  const { engine, storage, scratch } = plane;

  const cloud = require('wx-server-sdk');
  cloud.init({ env: envId });
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let stopSeedWorker: (() => Promise<void>) | null = null;

  const { hasFunction, functionNames, limitsOf, loadMain } = functionCatalogue(functionsRoot, from, rc);
  const uninstallWire = installWires(dbLatencyMs);
  const uninstallMessages = installLocalMessages();
  try {
    // Every function's timeout and memory, checked against CloudBase's ranges before anything runs.
    for (const name of functionNames()) limitsOf(name);
  } catch (err) {
    uninstallWire();
    uninstallMessages();
    await plane.release();
    throw err;
  }

  const invoke = invoker({ loadMain, limitsOf, reportFunctionError, envId, callTimeoutMs: options.callTimeoutMs });

  /** Waits for `p`, holding it among the calls in flight that `close` waits for. */
  const track = async <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    try {
      return await p;
    } finally {
      inFlight.delete(p);
    }
  };

  const callDetailed = async (fnName: string, event: Record<string, unknown> = {}, call: CallOptions = {}): Promise<CallOutcome> => {
    if (closed) throw new Error('the local cloud is closed');
    checkCall(fnName, event);
    const inv = new Invocation(fnName);
    const t0 = Date.now();
    const result = await track(withRoundTrip(fnLatencyMs, () => invoke(fnName, event, call, inv)));
    return { result, requests: inv.requests, depth: inv.depth, ms: Date.now() - t0 };
  };

  const localCloud: LocalCloud = {
    async call(fnName, event = {}, openid) {
      return (await callDetailed(fnName, event, { openid })).result;
    },
    callDetailed,
    limitsOf(fnName) {
      if (!hasFunction(fnName)) throw new FunctionNotFoundError(fnName);
      return limitsOf(fnName);
    },
    hasFunction,
    functionNames,
    database: () => cloud.database(),
    engine,
    storage,
    dataDir,
    functionsRoot,
    seeded: null,
    seeder: options.seeder ?? null,
    async seedIfEmpty(kind, seedOptions = {}) {
      if (closed) throw new Error('the local cloud is closed');
      const marker = inMemory ? null : dataDir;
      const run = async (): Promise<SeedSummary | null> => {
        // An engine in its own thread has no store here to bulk-insert into: a folder on disk is seeded by the worker's.
        if ((!seedOptions.inWorker && engine.thread === 'same') || inMemory) return seedIfEmpty(cloud.database(), marker, options.seeder, kind, seedOptions.seed, seedOptions.onProgress, engine.thread === 'same' ? engine.engine : undefined);
        if (await isSeeded(cloud.database(), marker)) return null;
        const job = seedInWorker({ dataDir, seeder: seederOf(options.seeder), kind, seed: seedOptions.seed, collectionsFile: options.collectionsFile, envId }, seedOptions.onProgress);
        stopSeedWorker = job.stop;
        try {
          return await job.done;
        } finally {
          stopSeedWorker = null;
        }
      };
      return track(run());
    },
    async close() {
      if (closed) return;
      closed = true;
      // A seed still being written is abandoned (its marker is never written, so the next start says so).
      if (stopSeedWorker) await stopSeedWorker();
      await Promise.allSettled([...inFlight]);
      try {
        uninstallWire();
        uninstallMessages();
        engine.uninstall();
        uninstallStorageRoute(storage);
      } finally {
        await engine.shutdown();
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

/** Refuses a call the client itself would refuse: a name CloudBase cannot have, an event that is no JSON object. */
function checkCall(fnName: string, event: Record<string, unknown>): void {
  if (typeof fnName !== 'string' || !FUNCTION_NAME.test(fnName)) throw new FunctionNotFoundError(String(fnName));
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new TypeError('event must be a plain object');
  try {
    JSON.stringify(event);
  } catch {
    throw new TypeError('event must be JSON-serialisable (it crosses the wire as JSON)');
  }
}

/** The client's round trip to the function around `call`: half on the way there, half back (FN_LATENCY_MS). */
async function withRoundTrip<T>(latencyMs: number, call: () => Promise<T>): Promise<T> {
  if (latencyMs) await sleep(Math.floor(latencyMs / 2));
  try {
    return await call();
  } finally {
    if (latencyMs) await sleep(latencyMs - Math.floor(latencyMs / 2));
  }
}

type FunctionMain = (event: unknown, context: unknown) => unknown;

interface InvokerSettings {
  loadMain: (fnName: string) => FunctionMain;
  limitsOf: (fnName: string) => FunctionLimits;
  reportFunctionError: (fnName: string, err: unknown) => void;
  envId: string;
  /** overrides every function's configured timeout (tests of the timeout itself) */
  callTimeoutMs?: number;
}

/**
 * Runs one call of a function as CloudBase does, step by step: load its `main`, carry the event over the wire,
 * run it as its caller under its timeout and memory, and carry the answer back. A function that throws answers
 * INTERNAL; the platform's own failures (too large, too long, too much memory) reject with FunctionCallError.
 */
function invoker(settings: InvokerSettings) {
  const { loadMain, limitsOf, reportFunctionError, envId } = settings;
  const internal = (fnName: string, err: unknown, message = 'The service failed; please try again later.') => {
    reportFunctionError(fnName, err);
    return fail('INTERNAL', message);
  };
  return async (fnName: string, event: Record<string, unknown>, call: CallOptions, inv: Invocation): Promise<unknown> => {
    let main: FunctionMain;
    try {
      main = loadMain(fnName);
    } catch (err) {
      if (err instanceof FunctionNotFoundError) throw err;
      // A function whose module fails to load answers like one that throws.
      return internal(fnName, err);
    }
    const { openid } = call;
    const input = eventOverTheWire(event, openid);
    const { timeoutS, memoryMb } = limitsOf(fnName);
    const limitMs = settings.callTimeoutMs ?? timeoutS * 1000;
    const context = functionContext(fnName, envId, memoryMb, limitMs);
    const run = () => runAsCaller(openid ? { openid, appid: APP_ID } : null, () => main(input, context), call.source ?? (openid ? 'client' : 'none'), openid ? null : (call.web ?? null));
    const outcome = await runWithinLimits(inv, limitMs, memoryMb, run);
    if ('thrown' in outcome) return internal(fnName, outcome.thrown);
    if ('ended' in outcome) {
      if (outcome.ended === 'timeout') throw new FunctionCallError(FUNCTION_ERR.timedOut, `Invoking task timed out after ${Math.max(1, Math.round(limitMs / 1000))} seconds`);
      throw new FunctionCallError(FUNCTION_ERR.executeFail, `FUNCTIONS_MEMORY_LIMIT_EXCEEDED: memory used by the function exceeded its configured ${memoryMb} MB`);
    }
    // The answer crosses the wire as JSON (wx.cloud.callFunction's `result`): Dates become strings.
    let answer: string | undefined;
    try {
      answer = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
    } catch (err) {
      return internal(fnName, err, 'The service returned an answer that cannot be sent.');
    }
    if (answer === undefined) return null;
    if (jsonBytes(answer) > MAX_RESULT_BYTES) throw new FunctionCallError(FUNCTION_ERR.executeFail, `response larger than ${MAX_RESULT_BYTES} bytes (6MB)`);
    return JSON.parse(answer);
  };
}

/**
 * The event as the function receives it. It crosses the wire as JSON (wx.cloud.callFunction's `data`): Dates
 * arrive as strings, undefined fields vanish, and the function never shares objects with the caller. As on
 * CloudBase, the platform (not the client) sets `userInfo` on calls from the mini program; identity must still
 * be taken from getWXContext().
 */
function eventOverTheWire(event: Record<string, unknown>, openid: string | undefined): Record<string, unknown> {
  const text = JSON.stringify(event);
  if (jsonBytes(text) > MAX_EVENT_BYTES) throw new FunctionCallError(FUNCTION_ERR.requestFail, `request event larger than ${MAX_EVENT_BYTES} bytes (6MB)`);
  const { userInfo: _fromClient, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return openid ? { ...rest, userInfo: { appId: APP_ID, openId: openid } } : rest;
}

/** The `context` CloudBase passes a function's `main` beside the event. */
function functionContext(fnName: string, envId: string, memoryMb: number, limitMs: number) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    request_id: randomUUID(),
    function_name: fnName,
    function_version: '$LATEST',
    namespace: envId,
    memory_limit_in_mb: memoryMb,
    time_limit_in_ms: limitMs,
    environ: `TCB_ENV=${envId}`,
  };
}

/** How a run within the limits ended: with an answer, with what the function threw, or cut off by the platform. */
type RunOutcome = { value: unknown } | { thrown: unknown } | { ended: 'timeout' | 'memory' };

/**
 * Runs a call as invocation `inv` under its timeout and memory. CloudBase ends a call at the function's timeout
 * or past its memory: the caller gets the platform's error, and the instance is gone: the call's code never runs
 * again (its timers are cleared) and its later database and storage requests never arrive (invocation.ts,
 * memory.ts).
 */
async function runWithinLimits(inv: Invocation, limitMs: number, memoryMb: number, call: () => unknown): Promise<RunOutcome> {
  let settle: (why: 'timeout' | 'memory') => void = () => undefined;
  const platformEnd = new Promise<'timeout' | 'memory'>((resolve) => {
    settle = resolve;
  });
  const endCall = (why: 'timeout' | 'memory') => {
    inv.kill();
    settle(why);
  };
  // The timeout counts the call's own time: what the memory watch spends collecting (memory.ts) is given back,
  // and the clock starts once the watch has taken its starting reading.
  const memory = watchMemory(memoryMb, () => endCall('memory'));
  const measuredAtStart = measuringMs();
  const startedAt = performance.now();
  let timer: NodeJS.Timeout;
  const armTimeout = (ms: number) => {
    timer = setTimeout(() => {
      const own = performance.now() - startedAt - (measuringMs() - measuredAtStart);
      if (own >= limitMs - 1) endCall('timeout');
      else armTimeout(limitMs - own);
    }, ms);
  };
  armTimeout(limitMs);
  try {
    const run = runInvocation(inv, call);
    const first = await Promise.race([Promise.resolve(run).then((value) => ({ value })), platformEnd]);
    // A last reading with the answer in hand: work done since the last sample is seen too.
    if (typeof first === 'object') checkMemory();
    if (typeof first === 'object' && !memory.exceeded) return first;
    // What the function still does is lost; its eventual failure is of no one's concern.
    Promise.resolve(run).catch(() => undefined);
    return { ended: first === 'timeout' ? 'timeout' : 'memory' };
  } catch (err) {
    checkMemory();
    return memory.exceeded ? { ended: 'memory' } : { thrown: err };
  } finally {
    inv.live = false;
    clearTimeout(timer!);
    releaseMemory(memory);
  }
}

/** Where the cloud keeps its data, where its functions come from, its environment id and round trips. */
function settingsOf(options: StartLocalCloudOptions) {
  const inMemory = !options.dataDir || options.dataDir === ':memory:';
  const dataDir = inMemory ? ':memory:' : resolve(options.dataDir as string);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const from = options.functionsFrom ?? 'source';
  const functionsRoot = resolve(options.functionsRoot ?? join(REPO_ROOT, from === 'build' ? 'build/cloudfunctions' : 'cloudfunctions'));
  const envId = options.envId ?? process.env.TCB_ENV ?? 'local';
  const dbLatencyMs = options.dbLatencyMs ?? latencyFromEnv('DB_LATENCY_MS');
  const fnLatencyMs = options.fnLatencyMs ?? latencyFromEnv('FN_LATENCY_MS');
  const engineThread = options.engineThread ?? engineThreadFromEnv();
  return { inMemory, dataDir, from, functionsRoot, envId, dbLatencyMs, fnLatencyMs, engineThread };
}

/**
 * Opens the storage and the engine (its collections and indexes applied) and routes the SDKs' database and
 * storage calls to them; `release` closes both and removes a throwaway cloud's scratch folder.
 */
async function openDataPlane(dataDir: string, inMemory: boolean, envId: string, options: StartLocalCloudOptions, thread: 'same' | 'own') {
  const scratch = inMemory ? mkdtempSync(join(tmpdir(), 'local-cloud-')) : null;
  const storage = new LocalStorage({ root: join(scratch ?? dataDir, 'storage'), envId, publicBaseUrl: options.publicBaseUrl });
  const removeScratch = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  let engine: LocalEngine | null = null;
  try {
    const collections = loadCollections(options.collectionsFile);
    if (thread === 'own') engine = await openEngineThread(dataDir, collections);
    else {
      engine = openEngine({ dataDir });
      engine.ensureIndexes(collections);
    }
    engine.install();
    installStorageRoute(storage);
  } catch (err) {
    await engine?.shutdown();
    removeScratch();
    throw err;
  }
  const opened = engine;
  return {
    engine: opened,
    storage,
    scratch,
    async release() {
      await opened.shutdown();
      uninstallStorageRoute(storage);
      removeScratch();
    },
  };
}

/** `ENGINE_THREAD=own` runs the engine in a thread of its own; anything else but `same` or nothing is refused. */
function engineThreadFromEnv(): 'same' | 'own' {
  const v = process.env.ENGINE_THREAD;
  if (v === undefined || v === '' || v === 'same') return 'same';
  if (v === 'own') return 'own';
  throw new Error(`ENGINE_THREAD must be "same" or "own", not ${JSON.stringify(v)}`);
}

/** Counts, delays and cuts off each function call's database and storage requests, and stops a killed call's timers (invocation.ts); returns the uninstall. */
function installWires(dbLatencyMs: number): () => void {
  const uninstallDatabaseWire = installDatabaseWire({ latencyMs: dbLatencyMs });
  const uninstallStorageWire = installStorageWire();
  const uninstallTimers = installInstanceTimers();
  return () => {
    uninstallDatabaseWire();
    uninstallStorageWire();
    uninstallTimers();
  };
}

/** The functions under `functionsRoot`: which exist, their checked limits, and their `main` (loaded once). */
function functionCatalogue(functionsRoot: string, from: 'source' | 'build', rc: ReturnType<typeof readCloudbaserc>) {
  const entryOf = (fnName: string): string => join(functionsRoot, fnName, from === 'build' ? 'index.js' : 'index.ts');
  const hasFunction = (fnName: string): boolean => FUNCTION_NAME.test(fnName) && isFile(entryOf(fnName));
  const functionNames = (): string[] => (existsSync(functionsRoot) ? readdirSync(functionsRoot).filter((name) => hasFunction(name)).sort() : []);
  const limits = new Map<string, FunctionLimits>();
  const limitsOf = (fnName: string): FunctionLimits => {
    let l = limits.get(fnName);
    if (!l) limits.set(fnName, (l = functionLimits(functionsRoot, fnName, rc)));
    return l;
  };
  const loaded = new Map<string, FunctionMain>();
  const loadMain = (fnName: string): FunctionMain => {
    const cached = loaded.get(fnName);
    if (cached) return cached;
    if (!hasFunction(fnName)) throw new FunctionNotFoundError(fnName);
    const mod = require(entryOf(fnName));
    const main = mod?.main ?? mod?.default?.main;
    if (typeof main !== 'function') throw new Error(`function ${fnName} does not export main`);
    loaded.set(fnName, main);
    return main;
  };
  return { hasFunction, functionNames, limitsOf, loadMain };
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

/** The seeder module a seed needs; a cloud started without one cannot seed. */
function seederOf(seeder: string | undefined): string {
  if (!seeder) throw new Error('seeding needs a seeder: start the local cloud with `seeder` (scripts/seed exports SEEDER)');
  return seeder;
}

/** Seeds when the store holds no staff yet (first start), through the engine's bulk insert when `bulk` is given, else the client. */
async function seedIfEmpty(db: any, dataDir: string | null, seeder: string | undefined, kind: Exclude<SeedKind, 'none'>, seed?: number, onProgress?: (message: string) => void, bulk?: unknown): Promise<SeedSummary | null> {
  if (await isSeeded(db, dataDir)) return null;
  // Loaded on demand: the seed module is large and tests with their own fixtures never need it.
  const { seedDatabase } = require(seederOf(seeder));
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
  data: { dataDir: string; seeder: string; kind: string; seed?: number; collectionsFile?: string; envId: string },
  onProgress?: (message: string) => void,
): { done: Promise<SeedSummary | null>; stop: () => Promise<void> } {
  const file = join(__dirname, `seed-worker${extname(__filename)}`);
  // A 192 MB young generation (node's default is 48): the seed's short-lived batch objects die young
  // beside its ~400 MB of generated documents instead of being copied and promoted (~20% less CPU).
  const resourceLimits = { maxYoungGenerationSizeMb: 192 };
  const worker = sourceWorker(file, { workerData: data, resourceLimits });
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A round trip from the environment: a whole number of ms, 0–10000; unset or empty means none. */
function latencyFromEnv(name: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 10_000) throw new Error(`${name} must be a whole number of milliseconds 0–10000, not "${raw}"`);
  return ms;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
