/**
 * The engine in a thread of its own (local/engine/thread.ts) answers every request as the engine in the
 * calling thread does: the same script of reads, writes, aggregates, transactions and failures runs against
 * both, through the real wx-server-sdk client, and what function code receives must be equal (request ids and
 * generated ids aside). Then what only the thread has: its commits reported, its close flushing to disk, and
 * requests after it failing as the service's failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine, openEngineThread, type CollectionsSpec, type LocalEngine } from '../../local/engine';
import { isDuplicateKey, isWriteConflict } from '../../server/tx';
import { TEST_COLLECTIONS } from './helpers';

const SPEC: CollectionsSpec = {
  collections: [
    ...TEST_COLLECTIONS.filter((n) => n !== 'people').map((name) => ({ name })),
    { name: 'people', indexes: [{ name: 'code_1', keys: { code: 1 }, unique: true }, { name: 'grid_1_age_-1', keys: { grid: 1, age: -1 } }] },
  ],
};

const database = () => {
  const cloud = require('wx-server-sdk');
  cloud.init({ env: 'local' });
  return cloud.database();
};

/** What function code receives from a call: its answer, or the error's code, errCode and message; request ids dropped. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const startedAt = Date.now() - 60_000;
    // Generated ids and server dates differ from run to run: compared by their kind.
    const res = JSON.parse(JSON.stringify(await call(), (_key, v) => {
      if (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)) return '<generated id>';
      if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && Date.parse(v) > startedAt) return '<server date>';
      return v;
    })) as Record<string, unknown>;
    delete res.requestId;
    return { answer: res };
  } catch (err) {
    const e = err as { code?: string; errCode?: number; errMsg?: string; message?: string };
    return { error: { code: e.code, errCode: e.errCode, errMsg: e.errMsg ?? e.message, conflict: isWriteConflict(err), duplicate: isDuplicateKey(err) } };
  }
}

/** The script: every kind of request the product sends, and the failures it must recognise. */
async function script(): Promise<unknown[]> {
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const people = db.collection('people');
  const out: unknown[] = [];
  const step = async (call: () => Promise<unknown>) => out.push(await outcome(call));
  await step(() => people.add({ data: Array.from({ length: 30 }, (_x, i) => ({ _id: `p${i}`, code: `C${i}`, grid: `g${i % 3}`, age: 20 + (i % 7), at: new Date(Date.UTC(2025, 6, 1 + i)), tags: [i % 2 ? 'a' : 'b'] })) }));
  await step(() => people.add({ data: { name: 'no id' } }));
  await step(() => people.where({ grid: 'g1', age: _.gte(22) }).orderBy('age', 'desc').orderBy('_id', 'asc').limit(5).get());
  await step(() => people.where({ at: _.gt(new Date(Date.UTC(2025, 6, 20))) }).field({ code: true, at: true }).orderBy('_id', 'asc').get());
  await step(() => people.where(_.or([{ tags: 'a', age: 21 }, { code: _.in(['C3', 'C4']) }])).orderBy('_id', 'asc').get());
  await step(() => people.where({ grid: 'g2' }).count());
  await step(() => people.doc('p3').update({ data: { age: _.inc(5), seen: db.serverDate(), tags: _.push(['c']) } }));
  await step(() => people.doc('p3').field({ age: true, tags: true }).get());
  await step(() => people.where({ grid: 'g0' }).update({ data: { flagged: true } }));
  await step(() => people.aggregate().match({ grid: _.neq('g9') }).group({ _id: '$grid', n: $.sum(1), oldest: $.max('$age') }).sort({ _id: 1 }).end());
  await step(() => people.doc('p4').set({ data: { code: 'C4', grid: 'g1', age: 99 } }));
  await step(() => people.add({ data: { _id: 'p5', code: 'new' } }));
  await step(() => people.add({ data: { _id: 'q1', code: 'C1' } }));
  await step(() => people.doc('p6').update({ data: { code: 'C7' } }));
  await step(() => db.collection('never').get());
  await step(() => people.where({ age: _.gt(1) }).limit(1001).get());
  await step(() => people.where({ $where: 'x' }).get());
  await step(() => people.where({ grid: 'g1' }).remove());
  // Transactions: a commit, a conflict between two, an abort, a duplicate at commit.
  await step(() => db.runTransaction(async (tx: any) => {
    const got = await tx.collection('people').doc('p0').get();
    await tx.collection('people').doc('p0').update({ data: { age: got.data.age + 1 } });
    return got.data.age;
  }, 0));
  const a = await db.startTransaction();
  const b = await db.startTransaction();
  await step(() => a.collection('people').doc('p2').update({ data: { age: 1 } }));
  await step(() => b.collection('people').doc('p2').update({ data: { age: 2 } }));
  await step(() => a.commit());
  await step(() => b.rollback());
  const c = await db.startTransaction();
  await step(() => c.collection('people').add({ data: { _id: 'p99', code: 'C0' } }));
  await step(() => c.commit());
  await step(() => people.orderBy('_id', 'asc').field({ age: true, code: true, flagged: true }).limit(100).get());
  return out;
}

describe('the engine in a thread of its own answers as the engine in this thread', () => {
  it('the same script gives function code the same answers and errors', async () => {
    const here = openEngine({ dataDir: ':memory:' });
    here.ensureIndexes(SPEC);
    here.install();
    let expected: unknown[];
    try {
      expected = await script();
    } finally {
      await here.shutdown();
    }
    const there = await openEngineThread(':memory:', SPEC);
    there.install();
    let got: unknown[];
    try {
      got = await script();
    } finally {
      await there.shutdown();
    }
    expect(got).toEqual(expected);
    // The script did reach the failures it is meant to compare.
    const errors = expected.filter((o) => (o as { error?: unknown }).error) as { error: { conflict: boolean; duplicate: boolean; errCode: number } }[];
    expect(errors.some((e) => e.error.conflict)).toBe(true);
    expect(errors.filter((e) => e.error.duplicate).length).toBeGreaterThanOrEqual(3);
    expect(errors.some((e) => e.error.errCode === -502005)).toBe(true);
    expect(expected).toHaveLength(got.length);
  });
});

describe('what only the thread has', () => {
  let dir: string;
  let engine: LocalEngine | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engine-thread-'));
  });
  afterEach(async () => {
    await engine?.shutdown();
    engine = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each commit\'s write set, and its close leaves every acknowledged write on disk', async () => {
    engine = await openEngineThread(dir, SPEC);
    engine.install();
    const sizes: number[] = [];
    engine.watchCommits((n) => sizes.push(n));
    const db = database();
    await db.runTransaction(async (tx: any) => {
      await tx.collection('people').add({ data: { _id: 'a', code: 'A' } });
      await tx.collection('people').add({ data: { _id: 'b', code: 'B' } });
      await tx.collection('k').doc('n').set({ data: { n: 1 } });
    }, 0);
    expect(sizes).toEqual([3]);
    await engine.shutdown();
    engine = null;
    const reopened = openEngine({ dataDir: dir });
    try {
      const found = await reopened.send('database.getDocument', { collectionName: 'people', query: '{}', order: [], offset: 0, limit: 10, projection: {} });
      expect(found.data.list.map((d: string | { _id: string }) => (typeof d === 'string' ? JSON.parse(d)._id : d._id)).sort()).toEqual(['a', 'b']);
    } finally {
      reopened.close();
    }
  });

  it('refuses what needs the engine object, and answers requests after its close as the service\'s failure', async () => {
    engine = await openEngineThread(dir, SPEC);
    expect(engine.thread).toBe('own');
    expect(() => engine?.engine).toThrow(/in this thread/);
    expect(() => engine?.explain('people', {})).toThrow(/in this thread/);
    await engine.shutdown();
    await expect(engine.send('database.getDocument', { collectionName: 'people' })).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/closed/) });
    engine = null;
  });

  it('a data folder it cannot open fails the start with the reason', async () => {
    await expect(openEngineThread(dir, { collections: [{ name: 'x', indexes: [{ name: 'bad', keys: { a: 'sideways' as unknown as 1 } }] }] })).rejects.toThrow(/could not open/);
  });
});
