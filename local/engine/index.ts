/**
 * The local CloudBase database engine. `openEngine({ dataDir })` opens the SQLite store; `install()` routes
 * every CloudBase database client in this process (wx-server-sdk's and node-sdk's `cloud.database()`,
 * which set `Db.reqClass` on each call) to this engine, so function code runs unchanged against it.
 */
import { dirname, join } from 'node:path';
import { Engine, type CollectionsSpec, type EngineOptions } from './engine';
import { EngineError } from './errors';
import type { Doc } from './codec';
import type { Order } from './store';
import { startEngineThread, type RequestHandler } from './thread-client';

export type { CollectionsSpec, EngineOptions } from './engine';
export { EngineError } from './errors';
export { DEFAULT_LIMIT, MAX_LIMIT, MAX_BATCH_INSERT } from './engine';
export { TRANSACTION_LIFETIME_MS, MAX_TRANSACTION_WRITES } from './transactions';

export interface LocalEngine {
  /** Routes every CloudBase database client in this process to this engine. */
  install(): void;
  /** Gives the clients back their own transport. */
  uninstall(): void;
  /** Flushes everything to disk and closes the store (uninstalling first). */
  close(): void;
  /** Creates the collections and indexes of a `database/collections.json` spec. */
  ensureIndexes(spec: CollectionsSpec): void;
  /** Answers one wire request exactly as the transport does (for tools and malformed-request tests). */
  send(action: string, params?: Record<string, unknown>): Promise<any>;
  /** The plan and SQLite EXPLAIN QUERY PLAN of a find, with the filter in live values. */
  explain(collection: string, query: Doc, order?: Order): { sql: string; index: string | null; ordered: boolean; exact: boolean; detail: string[] };
  /**
   * The underlying engine (store access for seeding at speed and for benchmarks); in this thread only: an
   * engine in a thread of its own throws here.
   */
  readonly engine: Engine;
  /** `'same'`: the engine runs in the calling thread; `'own'`: in a worker thread of its own (openEngineThread). */
  readonly thread: 'same' | 'own';
  /** Receives the size of each committed write set (null stops it). */
  watchCommits(fn: ((written: number) => void) | null): void;
  /** Flushes and closes (uninstalling first), waiting for the engine's thread when it has one. */
  shutdown(): Promise<void>;
}

type DbClass = { reqClass: unknown };

let active: RequestHandler | null = null;
let hook: RequestHook | null = null;
let patched: { cls: DbClass; descriptor: PropertyDescriptor | undefined }[] = [];

/**
 * Wraps every request the transport sends (the local runtime counts, delays and cuts off requests per
 * function call with it): `next` answers the request; the hook returns or throws what the client receives.
 */
export type RequestHook = (action: string, params: Record<string, unknown> | undefined, next: () => any) => Promise<any>;

/** Installs (or with null removes) the one request hook. */
export function setRequestHook(h: RequestHook | null): void {
  hook = h;
}

/** The transport CloudBase's client instantiates (`new Db.reqClass(config)`) for every request. */
export class LocalRequest {
  constructor(readonly config?: unknown) {}

  /**
   * Sends one database action to the installed engine. A failure is answered as the service answers it,
   * `{ code, message, requestId }`, and handed to node-sdk's own `processReturn`, as node-sdk's requester does
   * with a service answer carrying a code: function code gets the error node-sdk builds on CloudBase.
   */
  async send(action: string, params?: Record<string, unknown>): Promise<any> {
    const engine = active;
    if (!engine) throw new EngineError('DATABASE_REQUEST_FAILED', 'the local database engine is not installed');
    const next = async () => {
      try {
        return await engine.handle(action, params as Record<string, any>);
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        const processReturn = nodeSdkProcessReturn();
        if (!processReturn) throw err;
        return processReturn({ code: err.code, message: err.message, requestId: err.requestId });
      }
    };
    return hook ? hook(action, params, next) : next();
  }
}

let processReturnFn: ((answer: Record<string, unknown>) => unknown) | null | undefined;
/** node-sdk's `processReturn` (throws its TcbError, or returns the answer in its non-throwing mode), if installed. */
function nodeSdkProcessReturn(): ((answer: Record<string, unknown>) => unknown) | null {
  if (processReturnFn !== undefined) return processReturnFn;
  processReturnFn = null as ((answer: Record<string, unknown>) => unknown) | null;
  for (const from of [() => require.resolve('wx-server-sdk'), () => __filename]) {
    try {
      const nodeSdk = require.resolve('@cloudbase/node-sdk', { paths: [from()] });
      const utils = require(join(dirname(nodeSdk), 'utils', 'utils'));
      if (typeof utils.processReturn === 'function') return (processReturnFn = utils.processReturn);
    } catch {
      // Not installed along that path.
    }
  }
  return null;
}

/** The `Db` classes of @cloudbase/database that the installed SDKs resolve (usually one). */
function dbClasses(): DbClass[] {
  const found = new Set<DbClass>();
  const tryResolve = (fromPkg: string | null) => {
    try {
      const paths = fromPkg ? [require.resolve(fromPkg)] : undefined;
      const file = require.resolve('@cloudbase/database', paths ? { paths } : undefined);
      const mod = require(file);
      if (mod?.Db) found.add(mod.Db);
    } catch {
      // The package is not installed along that path.
    }
  };
  tryResolve('@cloudbase/node-sdk');
  tryResolve(null);
  try {
    const nodeSdk = require.resolve('@cloudbase/node-sdk', { paths: [require.resolve('wx-server-sdk')] });
    const file = require.resolve('@cloudbase/database', { paths: [nodeSdk] });
    const mod = require(file);
    if (mod?.Db) found.add(mod.Db);
  } catch {
    // wx-server-sdk not installed.
  }
  return [...found];
}

function installTransport(engine: RequestHandler): void {
  if (active && active !== engine) throw new Error('another local database engine is installed; uninstall it first');
  active = engine;
  if (patched.length) return;
  for (const cls of dbClasses()) {
    const descriptor = Object.getOwnPropertyDescriptor(cls, 'reqClass');
    // node-sdk assigns its HTTP requester on every cloud.database(): the setter ignores it.
    Object.defineProperty(cls, 'reqClass', { get: () => LocalRequest, set: () => undefined, configurable: true });
    patched.push({ cls, descriptor });
  }
}

function uninstallTransport(engine: RequestHandler): void {
  if (active !== engine) return;
  active = null;
  for (const { cls, descriptor } of patched) {
    if (descriptor) Object.defineProperty(cls, 'reqClass', descriptor);
    else delete (cls as Partial<DbClass>).reqClass;
  }
  patched = [];
}

/** Opens the engine over `dataDir/db.sqlite` (or in memory). */
export function openEngine(options: EngineOptions): LocalEngine {
  const engine = new Engine(options);
  const close = () => {
    uninstallTransport(engine);
    engine.close();
  };
  return {
    engine,
    thread: 'same',
    install: () => installTransport(engine),
    uninstall: () => uninstallTransport(engine),
    close,
    shutdown: async () => close(),
    ensureIndexes: (spec) => engine.ensureIndexes(spec),
    send: async (action, params) => engine.handle(action, params as Record<string, any>),
    explain: (collection, query, order = []) => {
      const e = engine.explain(collection, query, order);
      return { sql: e.sql, index: e.index, ordered: e.ordered, exact: e.exact, detail: e.detail };
    },
    watchCommits: (fn) => {
      engine.tx.onCommit = fn;
    },
  };
}

/**
 * Opens the engine over `dataDir` in a worker thread of its own, with the collections of `spec` applied: the
 * database off the functions' thread, as CloudBase's database is off the function's CPU. The clients' requests
 * reach it as messages and get the same answers and errors; what needs the engine object itself (`engine`,
 * `explain`, a later `ensureIndexes`) is refused, and `close` ends the thread without waiting (use `shutdown`).
 */
export async function openEngineThread(dataDir: string, spec: CollectionsSpec): Promise<LocalEngine> {
  const remote = await startEngineThread(dataDir, spec);
  const sameThreadOnly = (what: string): never => {
    throw new Error(`${what} needs the engine in this thread; this one runs in a thread of its own`);
  };
  const shutdown = async () => {
    uninstallTransport(remote);
    await remote.close();
  };
  return {
    get engine(): Engine {
      return sameThreadOnly('the engine object');
    },
    thread: 'own',
    install: () => installTransport(remote),
    uninstall: () => uninstallTransport(remote),
    close: () => void shutdown(),
    shutdown,
    ensureIndexes: () => sameThreadOnly('ensureIndexes after opening'),
    send: (action, params) => remote.handle(action, params),
    explain: () => sameThreadOnly('explain'),
    watchCommits: (fn) => remote.watchCommits(fn),
  };
}
