import { AsyncLocalStorage } from 'node:async_hooks';
import { EngineError, setRequestHook } from '../engine';
import { setStorageGate } from '../storage/sdk-route';
import { MAX_DB_ANSWER_BYTES } from './limits';

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
  requests = 0;
  depth = 0;
  private answeredLevel = 0;

  constructor(readonly fn: string) {}

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

/** Runs `fn` as `inv`: every database request made inside is counted against it. */
export function runInvocation<T>(inv: Invocation, fn: () => T): T {
  return current.run(inv, fn);
}

/** A promise that never settles: what a request from a frozen or killed instance gets. */
const NEVER = new Promise<never>(() => undefined);

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
    if (!inv.live) return NEVER;
    const level = inv.begin();
    try {
      if (sizeOf(params) > MAX_DB_ANSWER_BYTES) {
        throw new EngineError('DATABASE_REQUEST_FAILED', `request larger than ${MAX_DB_ANSWER_BYTES} bytes (CloudBase's database packet limit)`);
      }
      if (out) await sleep(out);
      // The request reaches the service only while the instance lives.
      if (!inv.live) return NEVER;
      const answer = await next();
      if (action === 'database.getDocument' || action === 'database.aggregateDocuments') {
        if (sizeOf(answer?.data?.list) > MAX_DB_ANSWER_BYTES) {
          throw new EngineError('DATABASE_REQUEST_FAILED', `answer larger than ${MAX_DB_ANSWER_BYTES} bytes (CloudBase's database packet limit); read fewer documents or fields`);
        }
      }
      if (back) await sleep(back);
      if (!inv.live) return NEVER;
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
