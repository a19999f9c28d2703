/**
 * Raw wire requests as a client (or a broken client) sends them: CloudBase's error shape
 * `{ code, message, requestId }` for malformed requests, never a crash or a stack trace; durability:
 * a write acknowledged before the process is killed is there when the store is opened again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { openEngine, type LocalEngine } from '../../local/engine';
import { rejection } from './helpers';

let engine: LocalEngine;
beforeEach(async () => {
  engine = openEngine({ dataDir: ':memory:' });
  engine.ensureIndexes({ collections: [{ name: 'c' }] });
  await engine.send('database.insertDocument', { collectionName: 'c', data: ['{"_id":"a","n":{"$numberInt":"1"}}'] });
});
afterEach(() => engine.close());

const expectCloudBaseError = (err: any, code: string) => {
  expect(err.code).toBe(code);
  expect(typeof err.message).toBe('string');
  expect(err.message).not.toMatch(/\n\s+at /);
  expect(err.requestId).toMatch(/^[0-9a-f]{16}$/);
};

describe('malformed requests', () => {
  it.each([
    ['an unknown action', 'database.frobnicate', { collectionName: 'c' }, 'INVALID_PARAM'],
    ['no collection name', 'database.getDocument', {}, 'INVALID_PARAM'],
    ['a query that is not JSON', 'database.getDocument', { collectionName: 'c', query: '{"n":' }, 'INVALID_PARAM'],
    ['a query that is an array', 'database.getDocument', { collectionName: 'c', query: '[1]' }, 'INVALID_PARAM'],
    ['a bad $numberInt', 'database.getDocument', { collectionName: 'c', query: '{"n":{"$numberInt":"one"}}' }, 'INVALID_PARAM'],
    ['a bad $date', 'database.insertDocument', { collectionName: 'c', data: ['{"d":{"$date":"yesterday"}}'] }, 'INVALID_PARAM'],
    ['a bad $oid', 'database.getDocument', { collectionName: 'c', query: '{"o":{"$oid":"zz"}}' }, 'INVALID_PARAM'],
    ['a bad regular expression', 'database.getDocument', { collectionName: 'c', query: '{"s":{"$regularExpression":{"pattern":"(","options":""}}}' }, 'INVALID_PARAM'],
    ['an unknown query operator', 'database.getDocument', { collectionName: 'c', query: '{"n":{"$gtx":1}}' }, 'DATABASE_INVALID_OPERRATOR'],
    ['a negative limit', 'database.getDocument', { collectionName: 'c', limit: -1 }, 'INVALID_PARAM'],
    ['a fractional offset', 'database.getDocument', { collectionName: 'c', offset: 1.5 }, 'INVALID_PARAM'],
    ['an unknown update operator', 'database.modifyDocument', { collectionName: 'c', query: '{"_id":"a"}', queryType: 'DOC', data: '{"$incr":{"n":1}}' }, 'DATABASE_INVALID_OPERRATOR'],
    ['insert data that is not an array', 'database.insertDocument', { collectionName: 'c', data: '{"a":1}' }, 'INVALID_PARAM'],
    ['insert of an array document', 'database.insertDocument', { collectionName: 'c', data: ['[1,2]'] }, 'INVALID_PARAM'],
    ['stages that are not an array', 'database.aggregateDocuments', { collectionName: 'c', stages: '$match' }, 'INVALID_PARAM'],
    ['a stage value that is not JSON', 'database.aggregateDocuments', { collectionName: 'c', stages: [{ stageKey: '$match', stageValue: '{' }] }, 'INVALID_PARAM'],
    ['an unknown transaction', 'database.commitTransaction', { transactionId: 'nope' }, 'DATABASE_TRANSACTION_FAIL'],
    ['a document request without _id', 'database.removeDocument', { collectionName: 'c', query: '{"n":1}', queryType: 'DOC' }, 'INVALID_PARAM'],
  ])('%s gets CloudBase error %#', async (_what, action, params, code) => {
    expectCloudBaseError(await rejection(engine.send(action as string, params as Record<string, unknown>)), code as string);
  });

  it('keeps every value of a canonical wire document exactly', async () => {
    const wire = EJSON.stringify(
      { n: 1, d: 1.5, whole: 2.0, neg: -0.25, big: 2 ** 40, inf: Infinity, at: new Date(-86_400_000), s: 'say "$5" 元', arr: [1, { x: null }], o: { $oidLike: false } as any },
      { relaxed: false },
    ).replace('"$oidLike"', '"oidLike"');
    const res = await engine.send('database.insertDocument', { collectionName: 'c', data: [wire] });
    const [id] = res.data.insertedIds;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const got = await engine.send('database.getDocument', { collectionName: 'c', query: JSON.stringify({ _id: id }), queryType: 'DOC' });
    const doc = EJSON.parse(got.data.list[0], { relaxed: true }) as Record<string, unknown>;
    expect(doc).toEqual({ _id: id, n: 1, d: 1.5, whole: 2, neg: -0.25, big: 2 ** 40, inf: Infinity, at: new Date(-86_400_000), s: 'say "$5" 元', arr: [1, { x: null }], o: { oidLike: false } });
    expect(Object.keys(doc)[0]).toBe('_id');
    const byDate = await engine.send('database.getDocument', { collectionName: 'c', query: '{"at":{"$lt":{"$date":{"$numberLong":"0"}}}}' });
    expect(byDate.data.list).toHaveLength(1);
  });

  it('a document over 16 MB is refused', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(16 * 1024 * 1024) });
    expectCloudBaseError(await rejection(engine.send('database.insertDocument', { collectionName: 'c', data: [big] })), 'DATABASE_REQUEST_FAILED');
  });

  it('a failed request leaves the data as it was', async () => {
    await rejection(engine.send('database.modifyDocument', { collectionName: 'c', query: '{}', queryType: 'WHERE', multi: true, data: '{"$inc":{"n":"x"}}' }));
    const res = await engine.send('database.getDocument', { collectionName: 'c', query: '{"_id":"a"}', queryType: 'DOC' });
    expect(res.data.list).toEqual(['{"_id":"a","n":1}']);
  });

  it('answers carry a requestId and the shapes the client reads', async () => {
    const ins = await engine.send('database.insertDocument', { collectionName: 'c', data: ['{"_id":"b"}'] });
    expect(ins).toEqual({ data: { insertedIds: ['b'] }, requestId: expect.any(String) });
    const cnt = await engine.send('database.calculateDocument', { collectionName: 'c', query: '{}' });
    expect(cnt.data).toEqual({ total: 2 });
    const mod = await engine.send('database.modifyDocument', { collectionName: 'c', query: '{"_id":"zz"}', queryType: 'DOC', data: '{"x":1}', merge: false, upsert: true, multi: false });
    expect(mod.data).toEqual({ updated: 0, upsert_id: 'zz' });
    const rem = await engine.send('database.removeDocument', { collectionName: 'c', query: '{}', queryType: 'WHERE', multi: true });
    expect(rem.data).toEqual({ deleted: 3 });
  });

  it('addCollection creates once, then says the collection exists', async () => {
    await engine.send('database.addCollection', { collectionName: 'fresh' });
    expectCloudBaseError(await rejection(engine.send('database.addCollection', { collectionName: 'fresh' })), 'DATABASE_COLLECTION_ALREADY_EXIST');
  });
});

describe('durability', () => {
  it('keeps every acknowledged write when the process is killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-kill-'));
    const acked: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/ack-writer.ts'), join(dir, 'data')], {
        cwd: join(__dirname, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buf = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
        if (acked.length >= 50) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(acked.length).toBeGreaterThanOrEqual(50);
    const reopened = openEngine({ dataDir: join(dir, 'data') });
    try {
      for (const id of acked) {
        const res = await reopened.send('database.getDocument', { collectionName: 'acks', query: JSON.stringify({ _id: id }), queryType: 'DOC' });
        expect(res.data.list).toHaveLength(1);
      }
    } finally {
      reopened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('data and indexes survive close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-reopen-'));
    try {
      const a = openEngine({ dataDir: dir });
      a.ensureIndexes({ collections: [{ name: 'k', indexes: [{ name: 'code_1', keys: { code: 1 }, unique: true }] }] });
      await a.send('database.insertDocument', { collectionName: 'k', data: ['{"_id":"1","code":"X"}'] });
      a.close();
      const b = openEngine({ dataDir: dir });
      const res = await b.send('database.getDocument', { collectionName: 'k', query: '{"code":"X"}' });
      expect(res.data.list).toEqual(['{"_id":"1","code":"X"}']);
      expect(b.explain('k', { code: 'X' }).index).toBe('code_1');
      const dup = await rejection(b.send('database.insertDocument', { collectionName: 'k', data: ['{"code":"X"}'] }));
      expectCloudBaseError(dup, 'DATABASE_REQUEST_FAILED');
      expect(dup.message).toMatch(/^\[FailedOperation\.Insert\] bulk write error: \[\{E11000 duplicate key error collection: k index: code_1 dup key: \{ code: "X" \}\}\]$/);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
