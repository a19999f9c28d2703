import type { Db, Tx } from './db';

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

/**
 * Runs `fn` in one database transaction (CloudBase `runTransaction`), rolled back on any error, which is
 * rethrown as is. A write conflict with a concurrent transaction is retried with a random backoff that
 * grows with each attempt (the SDK's own retries are immediate and collide again under a burst): every
 * attempt reruns `fn` from its first read, so a retry never acts on what the failed attempt read.
 * Only document-level reads and writes are allowed inside, as on CloudBase. Work registered with
 * `afterCommit` runs once, after the attempt that committed.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let current: Tx | null = null;
    try {
      const out = await db.runTransaction((tx: Tx) => {
        current = tx;
        return fn(tx);
      }, 0);
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
