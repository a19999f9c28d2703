/**
 * Backfill of `merchants.searchKeys` (shared/domain/search.rules.ts `merchantSearchKeys`) for files written
 * before the field existed: a step reads a page of files in `_id` order and writes the keys of those whose
 * keys differ, without moving `version` or `updatedAt` (the file did not change). Every write path keeps the
 * keys current from then on (`withCompleteness` in cloudfunctions/merchant/merchant.service.ts, `withoutId` in
 * server/transfer.ts; the seeds).
 */
import { merchantSearchKeys } from '../shared/domain/search.rules';
import type { Db } from './db';
import { type JobKind, createJob, getJob, runJob } from './jobs/runner';

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

/** The backfill as a resumable job, one per shape of keys: what a deployed bank runs (no `npm start` there). */
export const SEARCH_KEYS_JOB_ID = `search-keys-v${SEARCH_KEYS_VERSION}`;

interface SearchKeysTally {
  read: number;
  written: number;
}

/**
 * Chunks of 500 files in `_id` order with the last id as the cursor (server/jobs/runner.ts), so it runs on
 * CloudBase inside a timer's budget at any size and goes on after an interrupted run; a bank whose files were
 * written with their keys (the mark set by a seed or an earlier run) finishes at its first chunk.
 */
export const searchKeysJob: JobKind<{ version: number }, SearchKeysTally> = {
  kind: 'search-keys',
  initialState: () => ({ read: 0, written: 0 }),
  async step({ db, job, deadline }) {
    const state = { ...job.state };
    let after = (job.cursor as string | null) ?? null;
    if (after === null && state.read === 0) {
      const mark = (await db.collection('settings').where({ _id: SEARCH_KEYS_MARK }).limit(1).get()) as { data: { version?: number }[] };
      if (mark.data[0]?.version === SEARCH_KEYS_VERSION) return { cursor: null, state, done: 0, total: 0, finished: true };
    }
    do {
      const step = await backfillSearchKeysStep(db, after);
      state.read += step.read;
      state.written += step.written;
      after = step.after;
    } while (after !== null && Date.now() < deadline);
    if (after === null) await db.collection('settings').doc(SEARCH_KEYS_MARK).set({ data: { version: SEARCH_KEYS_VERSION, at: new Date(), read: state.read, written: state.written } });
    return { cursor: after, state, done: state.read, finished: after === null };
  },
};

/** Starts the backfill job unless it exists (run or running), and runs it for up to `budgetMs`; null when it existed. */
export async function startSearchKeysBackfill(db: Db, budgetMs: number): Promise<{ status: string; read: number; written: number } | null> {
  if (await getJob(db, SEARCH_KEYS_JOB_ID)) return null;
  const { job } = await createJob(db, searchKeysJob, { id: SEARCH_KEYS_JOB_ID, params: { version: SEARCH_KEYS_VERSION }, byStaffId: null, now: new Date(), total: null });
  const ran = (await runJob(db, { [searchKeysJob.kind]: searchKeysJob }, job._id, { budgetMs })) ?? job;
  return { status: ran.status, read: ran.state.read, written: ran.state.written };
}
