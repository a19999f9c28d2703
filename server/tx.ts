import type { Db, StartedTx, Tx } from './db';

/** The fields CloudBase errors carry: node-sdk's TcbError (code, message) or wx-server-sdk's (errCode, errMsg). */
interface CloudError {
  code?: unknown;
  message?: unknown;
  errCode?: unknown;
  errMsg?: unknown;
}

const asCloudError = (err: unknown): CloudError | null => (err && typeof err === 'object' ? (err as CloudError) : null);

/**
 * True for a CloudBase write conflict between transactions (retryable), in the two shapes function code sees
 * (local/engine/README.md, "Errors"): from an operation inside the transaction, wx-server-sdk's errCode -501001
 * with "[ResourceUnavailable.TransactionConflict]" in errMsg; from the commit, the service's own
 * code DATABASE_TRANSACTION_CONFLICT (the SDK hands the commit's error on as node-sdk throws it).
 */
export function isWriteConflict(err: unknown): boolean {
  const e = asCloudError(err);
  if (!e) return false;
  if (e.code === 'DATABASE_TRANSACTION_CONFLICT') return true;
  return e.errCode === -501001 && typeof e.errMsg === 'string' && e.errMsg.includes('[ResourceUnavailable.TransactionConflict]');
}

/**
 * True for a repeated `_id` or unique key as CloudBase answers it: code DATABASE_REQUEST_FAILED (wx-server-sdk
 * errCode -502001) with MongoDB's "E11000 duplicate key error" inside the message (local/engine/README.md).
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = asCloudError(err);
  if (!e) return false;
  const dup = (text: unknown) => typeof text === 'string' && text.includes('E11000 duplicate key error');
  return (e.code === 'DATABASE_REQUEST_FAILED' && dup(e.message)) || (e.errCode === -502001 && dup(e.errMsg));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Work registered by code inside a transaction, run once that transaction has committed. */
const committed = new WeakMap<object, ((db: Db) => Promise<unknown>)[]>();

/**
 * Runs `fn` after the transaction `tx` commits (through `inTransaction`), with the database handle: work
 * that must not sit inside the transaction (the roll-up fold touches documents every writer shares).
 * It never fails the caller: the write is already committed, and what it leaves undone a timer finishes.
 * A transaction run without `inTransaction` never runs it.
 */
export function afterCommit(tx: Tx, fn: (db: Db) => Promise<unknown>): void {
  const list = committed.get(tx) ?? [];
  list.push(fn);
  committed.set(tx, list);
}

/** Work an instance owes the database, done beside the next call's first round trip (see `atNextCall`). */
const owed: ((db: Db) => Promise<unknown>)[] = [];

/**
 * Has the instance's next call do `fn` beside its caller's look-up (one round trip that adds nothing to
 * the call's depth), awaited before that call answers. For bookkeeping that may wait and that a timer
 * also does when no call comes: a warm CloudBase instance keeps its module state between calls (the
 * Node.js runtime reuses an instance's global scope; see docs/rollups.md), a cold one starts empty.
 */
export function atNextCall(fn: (db: Db) => Promise<unknown>): void {
  owed.push(fn);
}

/** Starts what the instance owes (the router, at a call's start); the promise never rejects (failures are logged, a timer redoes the work). */
export function payOwed(db: Db): Promise<unknown> | null {
  if (!owed.length) return null;
  const list = owed.splice(0);
  return Promise.all(list.map((fn) => fn(db).catch((err) => console.warn(JSON.stringify({ level: 'warn', atNextCall: String((err as Error)?.message ?? err) })))));
}

/**
 * A transaction opened ahead of its work, beside the reads a call starts with (CloudBase's
 * `startTransaction` is a round trip of its own and depends on nothing). Its snapshot is taken at its first
 * operation (MongoDB, under CloudBase's database), not when it opens, so opening it early changes nothing
 * of what it reads. `inTransaction` runs its first attempt in it; `dispose` rolls it back if nothing took it.
 */
export interface EarlyTransaction {
  /** The opened transaction, once (null when it could not be opened, or was taken or disposed of). */
  take(): Promise<StartedTx | null>;
  /** Rolls it back unless it was taken; never fails. */
  dispose(): Promise<void>;
}

/** Opens a transaction now for `inTransaction` to use later (see `EarlyTransaction`). */
export function openTransactionEarly(db: Db): EarlyTransaction {
  const opened: Promise<StartedTx | null> = typeof db.startTransaction === 'function' ? db.startTransaction().catch(() => null) : Promise.resolve(null);
  let taken = false;
  return {
    take() {
      if (taken) return Promise.resolve(null);
      taken = true;
      return opened;
    },
    async dispose() {
      if (taken) return;
      taken = true;
      await (await opened)?.rollback().catch(() => undefined);
    },
  };
}

/** One attempt in a transaction opened early, as the SDK's `runTransaction` runs one: rolled back on any error. */
async function attemptIn<T>(t: StartedTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let done = false;
  try {
    const out = await fn(t);
    await t.commit();
    done = true;
    return out;
  } catch (err) {
    if (!done) await t.rollback().catch(() => undefined);
    throw err;
  }
}

/**
 * Runs `fn` in one database transaction (CloudBase `runTransaction`), rolled back on any error, which is
 * rethrown as is. A write conflict with a concurrent transaction is retried with a random backoff that
 * grows with each attempt (the SDK's own retries are immediate and collide again under a burst): every
 * attempt reruns `fn` from its first read, so a retry never acts on what the failed attempt read.
 * Only document-level reads and writes are allowed inside, as on CloudBase. Work registered with
 * `afterCommit` runs once, after the attempt that committed. With `early`, the first attempt runs in
 * that transaction (opened while the call's first reads were under way); retries open their own.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 8, early?: EarlyTransaction): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let current: Tx | null = null;
    try {
      const opened = attempt === 1 && early ? await early.take() : null;
      const run = (tx: Tx) => {
        current = tx;
        return fn(tx);
      };
      const out = opened ? await attemptIn(opened, run) : await db.runTransaction(run, 0);
      const after = current ? committed.get(current) : undefined;
      if (after) await Promise.all(after.map((f) => f(db).catch((err) => console.warn(JSON.stringify({ level: 'warn', afterCommit: String((err as Error)?.message ?? err) })))));
      return out;
    } catch (err) {
      if (!isWriteConflict(err) || attempt >= attempts) throw err;
      // Full jitter over an exponential ceiling (5, 10, 20 … 320 ms): concurrent losers spread out.
      await sleep(Math.random() * Math.min(320, 5 * 2 ** attempt));
    }
  }
}
