/**
 * Where mingo or SQLite would answer differently from CloudBase (MongoDB underneath), the engine answers as
 * MongoDB does. Each expectation cites the MongoDB manual page or the CloudBase source it follows. Queries run
 * twice: on a collection without indexes (the evaluator) and on one with an index on the field (the planner).
 */
import { ObjectId } from 'bson';
import { openHarness, type Harness } from './helpers';

let h: Harness;
const MIXED = [
  { _id: 'num5', v: 5 }, { _id: 'str10', v: '10' }, { _id: 'strA', v: 'a' }, { _id: 'null', v: null }, { _id: 'missing' },
  { _id: 'arr17', v: [1, 7] }, { _id: 'arrX3', v: ['x', 3] }, { _id: 'date', v: new Date(5) }, { _id: 'bool', v: true },
  { _id: 'obj', v: { x: 1 } }, { _id: 'empty', v: [] },
];
beforeEach(async () => {
  h = openHarness();
  h.engine.ensureIndexes({ collections: [{ name: 'mixed' }, { name: 'mixedIx', indexes: [{ name: 'v_1', keys: { v: 1 } }] }] });
  await h.db.collection('mixed').add({ data: MIXED });
  await h.db.collection('mixedIx').add({ data: MIXED });
});
afterEach(() => h.close());

const idsOf = (res: { data: { _id: string }[] }) => res.data.map((d) => d._id).sort();
const both = async (where: object) => {
  const plain = idsOf(await h.db.collection('mixed').where(where).get());
  const indexed = idsOf(await h.db.collection('mixedIx').where(where).get());
  expect(indexed).toEqual(plain);
  return plain;
};

describe('query operators on values of other types', () => {
  it('comparisons stay within a type: numbers match numbers, strings strings, array elements each (MongoDB manual, "Comparison/Sort Order", type bracketing)', async () => {
    expect(await both({ v: h._.gt(4) })).toEqual(['arr17', 'num5']);
    expect(await both({ v: h._.gt('0') })).toEqual(['arrX3', 'str10', 'strA']);
    expect(await both({ v: h._.lt(8) })).toEqual(['arr17', 'arrX3', 'num5']);
    expect(await both({ v: h._.gt(false) })).toEqual(['bool']);
  });

  it('equality to null matches null and missing fields (MongoDB manual, "Query for Null or Missing Fields")', async () => {
    expect(await both({ v: null })).toEqual(['missing', 'null']);
    expect(await both({ v: h._.in([null, 5]) })).toEqual(['missing', 'null', 'num5']);
    expect(await both({ v: h._.neq(null) })).not.toContain('missing');
  });

  it('$gte and $lte null match null and missing too; $gt and $lt null match nothing (a missing field compares as null, the only value of its type)', async () => {
    expect(await both({ v: h._.gte(null) })).toEqual(['missing', 'null']);
    expect(await both({ v: h._.lte(null) })).toEqual(['missing', 'null']);
    expect(await both({ v: h._.gt(null) })).toEqual([]);
    expect(await both({ v: h._.lt(null) })).toEqual([]);
  });

  it('$mod matches numbers only, an array by any numeric element (MongoDB manual, "$mod")', async () => {
    expect(await both({ v: h._.mod([2, 1]) })).toEqual(['arr17', 'arrX3', 'num5']);
  });

  it('$size matches arrays only, an empty array by 0 (MongoDB manual, "$size")', async () => {
    expect(await both({ v: h._.size(2) })).toEqual(['arr17', 'arrX3']);
    expect(await both({ v: h._.size(0) })).toEqual(['empty']);
  });

  it('a scalar equality matches an array holding it; an array equality matches the whole array (MongoDB manual, "Query an Array")', async () => {
    expect(await both({ v: 7 })).toEqual(['arr17']);
    expect(await both({ v: [1, 7] })).toEqual(['arr17']);
  });
});

describe('sort on an array field', () => {
  // MongoDB manual, cursor.sort(), "Sort by an Array Field": ascending uses the smallest element, descending the
  // largest; types order as in "Comparison/Sort Order"; an empty array sorts below null and missing.
  const sorted = async (coll: string, dir: 'asc' | 'desc') => (await h.db.collection(coll).orderBy('v', dir).orderBy('_id', 'asc').get()).data.map((d: any) => d._id);

  it.each(['mixed', 'mixedIx'])('ascending by each array\'s smallest element (%s)', async (coll) => {
    expect(await sorted(coll, 'asc')).toEqual(['empty', 'missing', 'null', 'arr17', 'arrX3', 'num5', 'str10', 'strA', 'obj', 'bool', 'date']);
  });

  it.each(['mixed', 'mixedIx'])('descending by each array\'s largest element (%s)', async (coll) => {
    // arrX3's largest is 'x' (strings above numbers), arr17's is 7.
    expect(await sorted(coll, 'desc')).toEqual(['date', 'bool', 'obj', 'arrX3', 'strA', 'str10', 'arr17', 'num5', 'missing', 'null', 'empty']);
  });
});

describe('projection operators with other fields', () => {
  beforeEach(async () => {
    await h.db.collection('proj').add({ data: { _id: 'p', v: [1, 2, 3], w: 1, x: 2 } });
  });
  const one = async (field: object) => (await h.db.collection('proj').doc('p').field(field).get()).data;

  it('$slice alone keeps every other field (MongoDB manual, "$slice (projection)")', async () => {
    expect(await one({ v: h._.project.slice(1) })).toEqual({ _id: 'p', v: [1], w: 1, x: 2 });
    expect(await one({ v: h._.project.slice(-2) })).toEqual({ _id: 'p', v: [2, 3], w: 1, x: 2 });
  });

  it('$slice beside an exclusion keeps the rest but the excluded field', async () => {
    expect(await one({ v: h._.project.slice([1, 1]), w: false })).toEqual({ _id: 'p', v: [2], x: 2 });
  });

  it('$slice beside an inclusion keeps only the included fields and _id', async () => {
    expect(await one({ v: h._.project.slice(1), w: true })).toEqual({ _id: 'p', v: [1], w: 1 });
  });
});

describe('aggregation stages over empty input', () => {
  beforeEach(async () => {
    await h.db.createCollection('none');
  });
  const run = async (build: (a: any) => any) => (await build(h.db.collection('none').aggregate()).end()).list;

  it('$count passes no document on (MongoDB manual, "$count (aggregation)")', async () => {
    expect(await run((a) => a.count('n'))).toEqual([]);
    expect((await h.db.collection('mixed').aggregate().match({ v: 5 }).count('n').end()).list).toEqual([{ n: 1 }]);
  });

  it('$group, even by null, passes no document on (MongoDB manual, "$group": no input, no groups)', async () => {
    expect(await run((a) => a.group({ _id: null, n: h.$.sum(1) }))).toEqual([]);
  });

  it('$sortByCount, $bucket, $project and $unwind pass nothing on', async () => {
    expect(await run((a) => a.sortByCount('$v'))).toEqual([]);
    expect(await run((a) => a.bucket({ groupBy: '$v', boundaries: [0, 10] }))).toEqual([]);
    expect(await run((a) => a.project({ v: 1 }))).toEqual([]);
    expect(await run((a) => a.unwind('$v'))).toEqual([]);
  });

  it('$unwind skips missing, null and empty arrays and treats a scalar as one element (MongoDB manual, "$unwind")', async () => {
    const out = (await h.db.collection('mixed').aggregate().match({ _id: h._.in(['arr17', 'empty', 'missing', 'null', 'num5']) }).unwind('$v').sort({ _id: 1, v: 1 }).end()).list;
    expect(out).toEqual([{ _id: 'arr17', v: 1 }, { _id: 'arr17', v: 7 }, { _id: 'num5', v: 5 }]);
  });
});

describe('ObjectId values', () => {
  // TencentCloudBase/node-sdk test/database/unit/oid.test.ts (run against the service): add answers the 24-hex
  // string as the id; a get answers an ObjectId field as that string.
  it('answer as 24-hex strings, in insertedIds and in documents, and still match as ObjectIds', async () => {
    // node-sdk's db.ObjectId({ id }) sends an extended-JSON ObjectId; wx-server-sdk has no helper, so the wire request is sent as node-sdk sends it.
    const id = new ObjectId().toHexString();
    const ref = new ObjectId().toHexString();
    const added = await h.engine.send('database.insertDocument', { collectionName: 'o', data: [JSON.stringify({ _id: { $oid: id }, ref: { $oid: ref }, name: 'x' })] });
    expect(added.data.insertedIds).toEqual([id]);
    const byRef = await h.engine.send('database.getDocument', { collectionName: 'o', query: JSON.stringify({ ref: { $oid: ref } }) });
    expect(byRef.data.list).toEqual([JSON.stringify({ _id: id, ref, name: 'x' })]);
    const got = (await h.db.collection('o').where({ name: 'x' }).get()).data;
    expect(got).toEqual([{ _id: id, ref, name: 'x' }]);
    const agg = (await h.db.collection('o').aggregate().match({ name: 'x' }).end()).list;
    expect(agg).toEqual([{ _id: id, ref, name: 'x' }]);
  });
});

describe('limits', () => {
  it('a get answers at most 1000 documents, 100 unless asked (CloudBase docs, "Collection.limit": at most 1000 on the server side)', async () => {
    await h.db.collection('many').add({ data: Array.from({ length: 1000 }, (_, i) => ({ i })) });
    await h.db.collection('many').add({ data: Array.from({ length: 5 }, (_, i) => ({ i })) });
    expect((await h.db.collection('many').get()).data).toHaveLength(100);
    expect((await h.db.collection('many').limit(5000).get()).data).toHaveLength(1000);
  });
});

describe('updates through values that are not embedded documents', () => {
  // MongoDB: a field cannot be created inside null, a scalar or (by name) an array; CloudBase answers
  // "document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors:
  // [{Cannot create field 'analysisDate' in element {analysisResults: null}}]}, {<nil>}]" (quoted from the service).
  beforeEach(async () => {
    await h.db.collection('u').add({ data: { _id: 'a', n: null, s: 'x', arr: [1, { k: 1 }], o: { p: 1 } } });
  });
  const update = (data: object) => h.db.collection('u').doc('a').update({ data });

  it.each([
    ['n.b', 'n', 'null'],
    ['s.b', 's', '"x"'],
    ['arr.b', 'arr', '[1,{"k":1}]'],
  ])('setting %s fails, naming the element', async (path, parent, shown) => {
    const err = await (async () => { try { await update({ [path]: 1 }); } catch (e) { return e as any; } return null; })();
    expect(err?.errCode).toBe(-502001);
    expect(err?.errMsg).toBe(`document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{Cannot create field 'b' in element {${parent}: ${shown}}}]}, {<nil>}]`);
  });

  it('missing fields, embedded documents and array elements by index are created or reached', async () => {
    await update({ 'new.deep': 1, 'o.q': 2, 'arr.1.k': 3, 'arr.3': 4 });
    expect((await h.db.collection('u').doc('a').get()).data).toEqual({ _id: 'a', n: null, s: 'x', arr: [1, { k: 3 }, null, 4], o: { p: 1, q: 2 }, new: { deep: 1 } });
  });
});
