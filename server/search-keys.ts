/**
 * Backfill of `merchants.searchKeys` (shared/domain/search.rules.ts `merchantSearchKeys`) for files written
 * before the field existed: a step reads a page of files in `_id` order and writes the keys of those whose
 * keys differ, without moving `version` or `updatedAt` (the file did not change). Every write path keeps the
 * keys current from then on (merchant.service.ts `withCompleteness`, `withoutId`; the seeds).
 */
import { merchantSearchKeys } from '../shared/domain/search.rules';
import type { Db } from './db';

/** The settings document recording a finished backfill, so a start does not read every file again. */
export const SEARCH_KEYS_MARK = 'search-keys';
/** The version of the keys' shape: a new shape is backfilled again. */
export const SEARCH_KEYS_VERSION = 1;

/** One step: the files after `after` (a page of `size`), keys written where they differ. */
export async function backfillSearchKeysStep(db: Db, after: string | null, size = 500): Promise<{ after: string | null; read: number; written: number }> {
  const _ = db.command;
  const res = (await db
    .collection('merchants')
    .where(after === null ? {} : { _id: _.gt(after) })
    .field({ _id: true, address: true, unitPath: true, searchKeys: true })
    .orderBy('_id', 'asc')
    .limit(size)
    .get()) as { data: { _id: string; address?: { street?: string; doorPlate?: string }; unitPath?: string[]; searchKeys?: string[] }[] };
  let written = 0;
  for (const m of res.data) {
    const keys = merchantSearchKeys(m);
    if (JSON.stringify(keys) === JSON.stringify(m.searchKeys ?? null)) continue;
    await db.collection('merchants').doc(m._id).update({ data: { searchKeys: _.set(keys) } });
    written++;
  }
  const last = res.data[res.data.length - 1];
  return { after: res.data.length < size || !last ? null : last._id, read: res.data.length, written };
}

/** Backfills every file unless this shape of keys was backfilled already; answers the files written. */
export async function backfillSearchKeys(db: Db, opts: { size?: number; force?: boolean } = {}): Promise<{ read: number; written: number; skipped: boolean }> {
  const mark = (await db.collection('settings').where({ _id: SEARCH_KEYS_MARK }).limit(1).get()) as { data: { version?: number }[] };
  if (!opts.force && mark.data[0]?.version === SEARCH_KEYS_VERSION) return { read: 0, written: 0, skipped: true };
  let after: string | null = null;
  let read = 0;
  let written = 0;
  do {
    const step = await backfillSearchKeysStep(db, after, opts.size);
    read += step.read;
    written += step.written;
    after = step.after;
  } while (after !== null);
  await db.collection('settings').doc(SEARCH_KEYS_MARK).set({ data: { version: SEARCH_KEYS_VERSION, at: new Date(), read, written } });
  return { read, written, skipped: false };
}
