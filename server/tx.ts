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

/**
 * Runs `fn` in one database transaction (CloudBase `runTransaction`), rolled back on any error, which is
 * rethrown as is. A write conflict with a concurrent transaction is retried with a short random backoff
 * (the SDK's own retries are immediate and collide again under a burst of retries from one phone).
 * Only document-level reads and writes are allowed inside, as on CloudBase.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.runTransaction((tx: Tx) => fn(tx), 0);
    } catch (err) {
      if (!isWriteConflict(err) || attempt >= attempts) throw err;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
}
