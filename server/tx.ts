import type { Db, Tx } from './db';

/** True for a CloudBase write conflict between transactions (retryable). */
export function isWriteConflict(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
  const text = [e.code, e.errCode, e.message, e.errMsg].filter((x) => x !== undefined).join(' ');
  return /TRANSACTION_CONFLICT|WriteConflict|write conflict/i.test(text);
}

/** True for a duplicate `_id` or unique key (CloudBase's E11000 / DATABASE_DUPLICATE_WRITE). */
export function isDuplicateKey(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
  const text = [e.code, e.errCode, e.message, e.errMsg].filter((x) => x !== undefined).join(' ');
  return /DUPLICATE_WRITE|E11000|duplicate key/i.test(text);
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
