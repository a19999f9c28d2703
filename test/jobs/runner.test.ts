/**
 * The resumable job runner (server/jobs/runner.ts) against the local engine: a job runs in bounded
 * chunks with its cursor, state and progress in its document; a chunk abandoned by a dead instance is
 * taken up when its lease runs out; a chunk that throws is tried again and the job fails after
 * MAX_ATTEMPTS; a slow run that lost its lease cannot commit; nothing is ever counted twice.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { getDb } from '../../server/db';
import { type JobKind, LEASE_MS, MAX_ATTEMPTS, createJob, getJob, resumeJobs, retryJob, runJob, toJobView } from '../../server/jobs/runner';

const local = useLocalCloud({ seed: 'none' });

interface SumState {
  sum: number;
  seen: number;
}

/** What the test's kind does on a given try of a given chunk: run, throw after writing half, or hang after writing half. */
type Fault = 'throw' | 'hang';
let faults = new Map<string, Fault>();
let failedCalls = 0;

/**
 * A toy kind: sums `value` over the `items` collection (here: `staff` documents, a declared collection)
 * by `_id` cursor, and writes an idempotent mark per item (a `set` of its own id) as real chunks write
 * their results.
 */
const sumKind: JobKind<{ tag: string }, SumState> = {
  kind: 'test-sum',
  initialState: () => ({ sum: 0, seen: 0 }),
  async step({ db, job, maxItems }) {
    const _ = db.command;
    const limit = maxItems ?? 100;
    const where = { unitId: 'items', ...(job.cursor ? { _id: _.gt(job.cursor) } : {}) };
    const page = ((await db.collection('staff').where(where).orderBy('_id', 'asc').limit(limit).get()) as { data: any[] }).data;
    const fault = faults.get(`${job.chunks}:${job.attempts}`);
    let state = { ...job.state };
    for (let i = 0; i < page.length; i++) {
      if (fault && i === Math.floor(page.length / 2)) {
        if (fault === 'throw') throw new Error(`chunk ${job.chunks} died on try ${job.attempts}`);
        await new Promise(() => undefined); // the instance is gone: this try never ends
      }
      await db.collection('auditLog').doc(`mark-${job.params.tag}-${page[i]._id}`).set({ data: { action: 'mark', target: { id: page[i]._id }, at: new Date() } });
      state = { sum: state.sum + page[i].value, seen: state.seen + 1 };
    }
    const total = ((await db.collection('staff').where({ unitId: 'items' }).count()) as { total: number }).total;
    return { cursor: page.length ? page[page.length - 1]._id : job.cursor, state, done: state.seen, total, finished: page.length < limit };
  },
  async onFailed() {
    failedCalls++;
  },
};
const KINDS = { 'test-sum': sumKind };
const ITEMS = 250;
const expectedSum = (ITEMS * (ITEMS + 1)) / 2;

async function marks(tag: string): Promise<number> {
  return ((await getDb().collection('auditLog').where({ _id: getDb().command.in(Array.from({ length: ITEMS }, (_, i) => `mark-${tag}-item-${String(i + 1).padStart(4, '0')}`)) }).count()) as { total: number }).total;
}

describe('job runner', () => {
  beforeAll(async () => {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ _id: `item-${String(i + 1).padStart(4, '0')}`, unitId: 'items', value: i + 1 }));
    await local.cloud.database().collection('staff').add({ data: items });
  });
  beforeEach(() => {
    faults = new Map();
    failedCalls = 0;
    // A dying chunk is logged for operators; the tests assert on the job instead.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs a job in chunks, its cursor, state and progress in the job document', async () => {
    const db = getDb();
    const { job, created } = await createJob(db, sumKind, { id: 'job-chunks', params: { tag: 'a' }, byStaffId: null, now: new Date() });
    expect(created).toBe(true);
    expect(job).toMatchObject({ status: 'running', cursor: null, progress: { done: 0, total: null }, attempts: 0, chunks: 0 });
    // One chunk per run: the job is resumable between any two of them.
    const one = await runJob(db, KINDS, 'job-chunks', { budgetMs: 0.001, maxItems: 100 });
    expect(one).toMatchObject({ status: 'running', cursor: 'item-0100', chunks: 1, progress: { done: 100, total: ITEMS }, state: { seen: 100 } });
    expect(toJobView(one!)).toMatchObject({ status: 'running', progress: { done: 100, total: ITEMS, share: 0.4 } });
    const rest = await runJob(db, KINDS, 'job-chunks', { budgetMs: 60_000, maxItems: 100 });
    expect(rest).toMatchObject({ status: 'done', chunks: 3, progress: { done: ITEMS, total: ITEMS }, state: { sum: expectedSum, seen: ITEMS }, lease: null });
    expect(await marks('a')).toBe(ITEMS);
    // A retried start answers the same job; running a finished job does nothing.
    const again = await createJob(db, sumKind, { id: 'job-chunks', params: { tag: 'a' }, byStaffId: null, now: new Date() });
    expect(again.created).toBe(false);
    expect((await runJob(db, KINDS, 'job-chunks'))!.chunks).toBe(3);
  });

  it('a chunk abandoned by a dead instance is run again once its lease runs out, and counted once', async () => {
    const db = getDb();
    await createJob(db, sumKind, { id: 'job-abandon', params: { tag: 'b' }, byStaffId: null, now: new Date() });
    // The second chunk's first try writes half its marks, then its instance is gone (the try never ends).
    faults.set('1:1', 'hang');
    void runJob(db, KINDS, 'job-abandon', { budgetMs: 60_000, maxItems: 100 });
    let stuck = await getJob(db, 'job-abandon');
    for (let i = 0; i < 200 && !(stuck?.chunks === 1 && stuck.lease); i++) {
      await new Promise((r) => setTimeout(r, 10));
      stuck = await getJob(db, 'job-abandon');
    }
    expect(stuck).toMatchObject({ status: 'running', chunks: 1, attempts: 1, cursor: 'item-0100', state: { seen: 100 } });
    expect(stuck!.lease).not.toBeNull();
    // While the lease lives, another run (a poll, the timer) leaves the chunk alone.
    const meanwhile = await runJob(db, KINDS, 'job-abandon', { budgetMs: 60_000, maxItems: 100 });
    expect(meanwhile).toMatchObject({ chunks: 1, attempts: 1 });
    // After the lease, the timer's sweep takes it up from the same cursor and state.
    const later = Date.now() + LEASE_MS + 1000;
    const swept = await resumeJobs(db, KINDS, { budgetMs: 60_000, maxItems: 100, now: () => later });
    expect(swept).toEqual({ resumed: 1, finished: 1, failed: 0 });
    expect(await getJob(db, 'job-abandon')).toMatchObject({ status: 'done', state: { sum: expectedSum, seen: ITEMS }, progress: { done: ITEMS, total: ITEMS }, attempts: 0 });
    expect(await marks('b')).toBe(ITEMS);
  });

  it('a chunk that throws midway is tried again at once; its partial writes are redone, not doubled', async () => {
    const db = getDb();
    await createJob(db, sumKind, { id: 'job-retry', params: { tag: 'c' }, byStaffId: null, now: new Date() });
    faults.set('1:1', 'throw');
    faults.set('1:2', 'throw');
    const job = await runJob(db, KINDS, 'job-retry', { budgetMs: 60_000, maxItems: 100 });
    expect(job).toMatchObject({ status: 'done', chunks: 3, attempts: 0, error: null, state: { sum: expectedSum, seen: ITEMS } });
    expect(await marks('c')).toBe(ITEMS);
  });

  it(`a chunk that fails ${MAX_ATTEMPTS} times fails the job with its error; a retry resumes from the cursor`, async () => {
    const db = getDb();
    await createJob(db, sumKind, { id: 'job-fail', params: { tag: 'd' }, byStaffId: null, now: new Date() });
    for (let t = 1; t <= MAX_ATTEMPTS; t++) faults.set(`1:${t}`, 'throw');
    const failed = await runJob(db, KINDS, 'job-fail', { budgetMs: 60_000, maxItems: 100 });
    expect(failed).toMatchObject({ status: 'failed', chunks: 1, cursor: 'item-0100', state: { seen: 100 }, error: `chunk 1 died on try ${MAX_ATTEMPTS}` });
    expect(failedCalls).toBe(1);
    expect(toJobView(failed!).error).toMatch(/重新发起/);
    // Started again (e.g. the same export requested again): from where it stopped, counted once.
    faults = new Map();
    await retryJob(db, 'job-fail', new Date());
    const done = await runJob(db, KINDS, 'job-fail', { budgetMs: 60_000, maxItems: 100 });
    expect(done).toMatchObject({ status: 'done', state: { sum: expectedSum, seen: ITEMS } });
  });

  it('a run too slow for its lease cannot commit over the run that took the chunk over', async () => {
    const db = getDb();
    await createJob(db, sumKind, { id: 'job-slow', params: { tag: 'e' }, byStaffId: null, now: new Date() });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowKind: JobKind<{ tag: string }, SumState> = {
      ...sumKind,
      async step(ctx) {
        const out = await sumKind.step(ctx);
        await gate; // finishes its work, then stalls past its lease before committing
        return out;
      },
    };
    const slow = runJob(db, { 'test-sum': slowKind }, 'job-slow', { budgetMs: 60_000, maxItems: 100 });
    let held = await getJob(db, 'job-slow');
    for (let i = 0; i < 200 && !held?.lease; i++) {
      await new Promise((r) => setTimeout(r, 10));
      held = await getJob(db, 'job-slow');
    }
    const later = Date.now() + LEASE_MS + 1000;
    const other = await runJob(db, KINDS, 'job-slow', { budgetMs: 60_000, maxItems: 100, now: () => later });
    expect(other).toMatchObject({ status: 'done', state: { sum: expectedSum, seen: ITEMS } });
    release();
    const end = await slow;
    expect(end).toMatchObject({ status: 'done', state: { sum: expectedSum, seen: ITEMS } });
    expect(await getJob(db, 'job-slow')).toMatchObject({ status: 'done', chunks: 3, state: { sum: expectedSum, seen: ITEMS } });
  });
});
