import type { Db, Tx } from './db';

/**
 * Runs `fn` in one database transaction (CloudBase `runTransaction`: retried on write conflicts, rolled back
 * on any error, which is rethrown as is). Only document-level reads and writes are allowed inside, as on
 * CloudBase.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.runTransaction((tx: Tx) => fn(tx), 5);
}
