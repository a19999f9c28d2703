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
