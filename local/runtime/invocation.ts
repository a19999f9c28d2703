import { AsyncLocalStorage } from 'node:async_hooks';
import { promisify } from 'node:util';
import { EngineError, setRequestHook } from '../engine';
import { setStorageGate } from '../storage/sdk-route';
import { MAX_DB_ANSWER_BYTES } from './limits';
import { checkMemory } from './memory';

/**
 * One function call as the database sees it: whether it may still reach the database, how many requests
 * it made, and the longest chain of them made one after another.
 *
 * Sequential depth: each request gets a level, 1 + the highest level among the call's requests that had
 * already answered when it started (1 when none had); the call's depth is the highest level. Requests
 * sent together (Promise.all) share a level; a request sent after another answered goes one deeper.
 * So 24 awaited reads in a row have depth 24, and 24 reads in one Promise.all have depth 1. With a round
 * trip of L ms per request, a call spends at least depth × L ms waiting on the database.
 */
export class Invocation {
  /** false once the call has answered or timed out: its instance is gone, and so is its database access */
  live = true;
  /**
   * true once the platform ended the call (past its timeout or memory): its instance is gone, so its code never
   * runs again. Its timers are cleared and none it sets afterwards fires (see installInstanceTimers).
   */
  killed = false;
  requests = 0;
  depth = 0;
  private answeredLevel = 0;
  /** the call's timers not yet fired or cleared, each with its clearing */
  readonly timers = new Map<object, () => void>();

  constructor(readonly fn: string) {}

  /**
   * Ends the call as the platform does: no request of it reaches the database or storage any more, and no timer
   * of it fires, so what it was waiting on never resumes it. What it held is garbage from here on (its pending
   * requests wait on promises no one can settle), for the next collection to take.
   */
  kill(): void {
    this.live = false;
    this.killed = true;
    for (const clear of this.timers.values()) clear();
    this.timers.clear();
  }

  /** Records a request starting; returns its level. */
  begin(): number {
    this.requests += 1;
    const level = this.answeredLevel + 1;
    if (level > this.depth) this.depth = level;
    return level;
  }

  /** Records the request of `level` answering. */
  end(level: number): void {
    if (level > this.answeredLevel) this.answeredLevel = level;
  }
}

const current = new AsyncLocalStorage<Invocation>();

type TimerApi = {
  setTimeout: typeof globalThis.setTimeout;
  setInterval: typeof globalThis.setInterval;
  setImmediate: typeof globalThis.setImmediate;
  clearTimeout: typeof globalThis.clearTimeout;
  clearInterval: typeof globalThis.clearInterval;
  clearImmediate: typeof globalThis.clearImmediate;
};

/** Which call set a timer still pending (for its clearing by the call's code). */
const ownerOf = new WeakMap<object, Invocation>();

/** Drops a timer from its call's pending ones (it fired or was cleared). */
function forget(handle: unknown): void {
  if (!handle || typeof handle !== 'object') return;
  ownerOf.get(handle)?.timers.delete(handle);
  ownerOf.delete(handle);
}

/**
 * Makes the calls' timers those of an instance the platform can stop: a timer (setTimeout, setInterval,
 * setImmediate) set inside a function call is cleared when the platform ends the call (Invocation.kill), and
 * one set by a killed call never fires. So a call ended for its timeout or its memory never runs again: it
 * neither writes, nor allocates while a later call's memory is measured, and what it held can be collected
 * at once (memory.ts). A call that answered is frozen, not killed: its timers still fire (and its requests
 * still never arrive). Timers set outside a call (the runtime's own, the gateway's) are untouched. Returns
 * the uninstall.
 *
 * Limits: only timers are stopped. A killed call resumed by other callbacks (a file read or zlib of its own)
 * runs on until it next waits on a timer, the database or storage.
 */
export function installInstanceTimers(): () => void {
  const g = globalThis as unknown as TimerApi;
  const saved: TimerApi = { setTimeout: g.setTimeout, setInterval: g.setInterval, setImmediate: g.setImmediate, clearTimeout: g.clearTimeout, clearInterval: g.clearInterval, clearImmediate: g.clearImmediate };
  const wrap = (setter: (...a: any[]) => any, clearer: (h: any) => void, repeats: boolean) => {
    const set = (...a: unknown[]) => setter.apply(g, a);
    const clear = (h: unknown) => clearer.call(g, h);
    return function (callback: unknown, ...rest: unknown[]): any {
      const inv = current.getStore();
      if (!inv || typeof callback !== 'function') return set(callback, ...rest);
      // The call is about to wait: its memory is read now (memory.ts), not only at the sampler's next tick, which
      // Node may run after this very timer when the call held the thread a while.
      if (!inv.killed) checkMemory();
      if (inv.killed) {
        // A handle the code can still hold, clear or unref; it never fires.
        const inert = set(() => undefined, ...rest);
        clear(inert);
        return inert;
      }
      const handle = set(function (this: unknown, ...args: unknown[]) {
        if (!repeats) {
          inv.timers.delete(handle);
          forget(handle);
        }
        if (inv.killed) return undefined;
        return (callback as (...a: unknown[]) => unknown).apply(this, args);
      }, ...rest);
      inv.timers.set(handle, () => clear(handle));
      if (typeof handle === 'object' && handle) ownerOf.set(handle, inv);
      return handle;
    };
  };
  const unwrapClear = (clearer: (h: any) => void) =>
    function (handle: any): void {
      forget(handle);
      clearer.call(g, handle);
    };
  const setTimeoutW = wrap(saved.setTimeout, saved.clearTimeout, false);
  const setImmediateW = wrap(saved.setImmediate, saved.clearImmediate, false);
  // util.promisify(setTimeout) and (setImmediate) answer through the wrapped timers too.
  Object.defineProperty(setTimeoutW, promisify.custom, { value: (ms?: number, value?: unknown) => new Promise((resolve) => setTimeoutW(() => resolve(value), ms)) });
  Object.defineProperty(setImmediateW, promisify.custom, { value: (value?: unknown) => new Promise((resolve) => setImmediateW(() => resolve(value))) });
  g.setTimeout = setTimeoutW as any;
  g.setInterval = wrap(saved.setInterval, saved.clearInterval, true) as any;
  g.setImmediate = setImmediateW as any;
  g.clearTimeout = unwrapClear(saved.clearTimeout) as any;
  g.clearInterval = unwrapClear(saved.clearInterval) as any;
  g.clearImmediate = unwrapClear(saved.clearImmediate) as any;
  const installed = { ...g };
  return () => {
    // Put back only what is still ours (a test may have replaced the timers since).
    for (const key of Object.keys(saved) as (keyof TimerApi)[]) if (g[key] === installed[key]) (g as any)[key] = saved[key];
  };
}

/** Runs `fn` as `inv`: every database request made inside is counted against it. */
export function runInvocation<T>(inv: Invocation, fn: () => T): T {
  return current.run(inv, fn);
}

/**
 * A promise that never settles: what a request from a frozen or killed instance gets. A new one each time, held
 * by no one but the waiting call: a shared one would keep every abandoned call (and all it holds) alive for good.
 */
const never = (): Promise<never> => new Promise<never>(() => undefined);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Bytes a request or answer carries, counting strings (the wire's EJSON texts) as UTF-8. */
function sizeOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + sizeOf(v), 0);
  if (typeof value === 'object') {
    let n = 0;
    for (const v of Object.values(value)) n += sizeOf(v);
    return n;
  }
  return 8;
}

export interface DatabaseWireOptions {
  /** round trip added to every database request made by a function call (ms; 0 = none) */
  latencyMs: number;
}

/**
 * Installs the database side of function calls: each request a call makes is counted (requests, depth),
 * delayed by the round trip (half each way), refused above CloudBase's packet size, and never reaches the
 * engine once the call has ended (answered or timed out), as a killed instance sends nothing more.
 * Requests made outside a function call (seeding, tests reading the store) pass untouched.
 */
export function installDatabaseWire(options: DatabaseWireOptions): () => void {
  const { latencyMs } = options;
  const out = Math.floor(latencyMs / 2);
  const back = latencyMs - out;
  setRequestHook(async (action, params, next) => {
    const inv = current.getStore();
    if (!inv) return next();
    if (!inv.live) return never();
    // A request is a wait too: the call's memory is read as it sends it (see installInstanceTimers).
    checkMemory();
    if (!inv.live) return never();
    const level = inv.begin();
    try {
      if (sizeOf(params) > MAX_DB_ANSWER_BYTES) {
        throw new EngineError('DATABASE_REQUEST_FAILED', `request larger than ${MAX_DB_ANSWER_BYTES} bytes (CloudBase's database packet limit)`);
      }
      if (out) await sleep(out);
      // The request reaches the service only while the instance lives.
      if (!inv.live) return never();
      const answer = await next();
      if (action === 'database.getDocument' || action === 'database.aggregateDocuments') {
        if (sizeOf(answer?.data?.list) > MAX_DB_ANSWER_BYTES) {
          throw new EngineError('DATABASE_REQUEST_FAILED', `answer larger than ${MAX_DB_ANSWER_BYTES} bytes (CloudBase's database packet limit); read fewer documents or fields`);
        }
      }
      if (back) await sleep(back);
      if (!inv.live) return never();
      return answer;
    } finally {
      inv.end(level);
    }
  });
  return () => setRequestHook(null);
}

/**
 * Installs the storage side of function calls: an upload, download, delete or link request made by a call
 * that has ended (answered or timed out) never reaches the store, so a timed-out call's files are lost with
 * its database writes. Requests made outside a function call pass.
 */
export function installStorageWire(): () => void {
  setStorageGate(() => current.getStore()?.live ?? true);
  return () => setStorageGate(null);
}
