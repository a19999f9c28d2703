/**
 * Collection and document operations through wx-server-sdk, as CloudBase documents them:
 * add (one and many), get with where/orderBy/skip/limit/field, count, doc get/set/update/remove,
 * where().update()/.remove() on many, the get limits (100 by default, 1000 at most), value round-trips.
 */
import { openHarness, ids, rejection, type Harness } from './helpers';

let h: Harness;
beforeEach(() => {
  h = openHarness();
});
afterEach(() => h.close());

describe('add', () => {
  it('adds one document and answers its generated _id', async () => {
    const res = await h.db.collection('shops').add({ data: { name: '城北菜场 12号', stalls: 3 } });
    expect(res.errMsg).toBe('collection.add:ok');
    expect(res._id).toMatch(/^[0-9a-f]{32}$/);
    const got = await h.db.collection('shops').doc(res._id).get();
    expect(got.data).toEqual({ _id: res._id, name: '城北菜场 12号', stalls: 3 });
  });

  it('adds many documents at once, keeping given _ids', async () => {
    const res = await h.db.collection('shops').add({ data: [{ _id: 'a', n: 1 }, { n: 2 }, { _id: 'c', n: 3 }] });
    expect(res._ids).toHaveLength(3);
    expect(res._ids[0]).toBe('a');
    expect(res._ids[2]).toBe('c');
    expect((await h.db.collection('shops').count()).total).toBe(3);
  });

  it('fails on a duplicate _id and writes nothing of the batch', async () => {
    await h.db.collection('shops').add({ data: { _id: 'a', n: 1 } });
    const err = await rejection(h.db.collection('shops').add({ data: [{ _id: 'b', n: 2 }, { _id: 'a', n: 3 }] }));
    expect(err.errMsg).toMatch(/collection\.add:fail/);
    expect(err.errMsg).toMatch(/E11000 duplicate key/);
    expect((await h.db.collection('shops').count()).total).toBe(1);
    expect((await h.db.collection('shops').doc('a').get()).data.n).toBe(1);
  });

  it('accepts a numeric _id and finds it by doc()', async () => {
    await h.db.collection('shops').add({ data: { _id: 7, n: 1 } });
    expect((await h.db.collection('shops').doc(7).get()).data).toEqual({ _id: 7, n: 1 });
  });

  it('refuses a field name starting with $', async () => {
    const err = await rejection(h.engine.send('database.insertDocument', { collectionName: 'shops', data: ['{"$bad":1}'] }));
    expect(err.code).toBe('DATABASE_REQUEST_FAILED');
    // Anywhere in the document, also where it looks like a wrapper but is not one, and in a batch's later document.
    for (const doc of ['{"a":[{"b":{"$x":1}}]}', '{"at":{"$date":5,"b":1}}']) {
      const nested = await rejection(h.engine.send('database.insertDocument', { collectionName: 'shops', data: ['{"ok":1}', doc] }));
      expect(nested.code).toBe('DATABASE_REQUEST_FAILED');
      expect(nested.message).toMatch(/field names cannot start with '\$'/);
    }
    // A document that is not an object fails as such first.
    expect((await rejection(h.engine.send('database.insertDocument', { collectionName: 'shops', data: ['[{"$z":1}]'] }))).code).toBe('INVALID_PARAM');
    expect((await h.db.collection('shops').where({ ok: 1 }).count()).total).toBe(0);
  });
});

describe('get', () => {
  beforeEach(async () => {
    await h.db.collection('shops').add({
      data: [
        { _id: 'a', grid: 'g1', n: 5, name: 'A', tags: ['x'] },
        { _id: 'b', grid: 'g1', n: 1, name: 'B', tags: [] },
        { _id: 'c', grid: 'g2', n: 3, name: 'C' },
        { _id: 'd', grid: 'g1', n: 3, name: 'D' },
      ],
    });
  });

  it('filters with where and sorts with orderBy', async () => {
    const res = await h.db.collection('shops').where({ grid: 'g1' }).orderBy('n', 'asc').get();
    expect(res.errMsg).toBe('collection.get:ok');
    expect(ids(res)).toEqual(['b', 'd', 'a']);
  });

  it('sorts by several fields in the order given', async () => {
    const res = await h.db.collection('shops').orderBy('n', 'desc').orderBy('name', 'desc').get();
    expect(ids(res)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('pages with skip and limit', async () => {
    const res = await h.db.collection('shops').orderBy('name', 'asc').skip(1).limit(2).get();
    expect(ids(res)).toEqual(['b', 'c']);
  });

  it('projects with field(): inclusion keeps _id, exclusion drops fields', async () => {
    const inc = await h.db.collection('shops').where({ _id: 'a' }).field({ name: true }).get();
    expect(inc.data).toEqual([{ _id: 'a', name: 'A' }]);
    const exc = await h.db.collection('shops').where({ _id: 'a' }).field({ tags: false, grid: false }).get();
    expect(exc.data).toEqual([{ _id: 'a', n: 5, name: 'A' }]);
  });

  it('a projection including top-level fields gives what the evaluator gives, in the document order', async () => {
    const { Query } = require('mingo');
    const { mingoOptions } = require('../../local/engine/matcher');
    const docs = [
      { _id: 'p1', a: 1, b: { c: [1, { d: 2 }] }, e: null, at: new Date(5) },
      { b: 'x', _id: 'p2', z: [] },
      { _id: 'p3' },
    ];
    await h.db.collection('proj').add({ data: docs });
    const stored = (await h.db.collection('proj').orderBy('_id', 'asc').get()).data;
    for (const projection of [{ a: true }, { b: true, a: true }, { e: true, missing: true }, { z: true, _id: false }, { _id: true, at: true }, { at: 1, b: 1 }]) {
      const got = (await h.db.collection('proj').orderBy('_id', 'asc').field(projection).get()).data;
      const want = new Query({}, mingoOptions()).find(stored, projection).all();
      expect(got).toEqual(want);
    }
    // MongoDB keeps the document's field order (mingo's own order varies with the value types).
    const ordered = (await h.db.collection('proj').where({ _id: 'p1' }).field({ at: true, b: true, a: true }).get()).data[0];
    expect(Object.keys(ordered)).toEqual(['a', 'b', 'at', '_id']);
  });

  it('a projection including dotted paths gives what the evaluator gives, through arrays, nulls, scalars and dates', async () => {
    const fc = require('fast-check');
    const { Query } = require('mingo');
    const { mingoOptions } = require('../../local/engine/matcher');
    const leaf = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(null), fc.constant(new Date(7)), fc.constant('s'));
    const inner = fc.oneof(leaf, fc.record({ x: leaf, y: leaf }, { requiredKeys: [] }), fc.array(fc.record({ x: leaf }), { maxLength: 2 }));
    const doc = fc.record({ a: inner, m: fc.oneof(leaf, fc.record({ '01': inner, '07': inner, '12': leaf }, { requiredKeys: [] })), k: leaf }, { requiredKeys: [] });
    const path = fc.constantFrom('a', 'a.x', 'a.y', 'm.07', 'm.12', 'm.07.x', 'k', 'k.x', 'missing.x', '_id.x');
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.uniqueArray(path, { minLength: 1, maxLength: 3 }), fc.boolean(), async (docs: object[], paths: string[], dropId: boolean) => {
        const coll = `dotted${round++}`;
        await h.db.createCollection(coll);
        await h.db.collection(coll).add({ data: docs.map((d, i) => ({ _id: `d${i}`, ...d })) });
        const projection: Record<string, boolean> = Object.fromEntries(paths.map((p) => [p, true]));
        if (dropId) projection._id = false;
        const stored = (await h.db.collection(coll).orderBy('_id', 'asc').get()).data;
        let want: unknown;
        try {
          want = new Query({}, mingoOptions()).find(stored, projection).all();
        } catch {
          return; // colliding paths: the evaluator refuses them, and so does the engine
        }
        const got = (await h.db.collection(coll).orderBy('_id', 'asc').field(projection).get()).data;
        expect(got).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('projects on doc().field()', async () => {
    const res = await h.db.collection('shops').doc('c').field({ n: true }).get();
    expect(res.data).toEqual({ _id: 'c', n: 3 });
  });

  it('counts with and without a filter', async () => {
    expect((await h.db.collection('shops').count()).total).toBe(4);
    expect((await h.db.collection('shops').where({ grid: 'g1', n: h._.gte(3) }).count()).total).toBe(2);
  });

  it('doc().get() of a missing document fails as wx-server-sdk does', async () => {
    const err = await rejection(h.db.collection('shops').doc('zz').get());
    expect(err.errMsg).toMatch(/document with _id zz does not exist/);
  });

  it('reads a created collection that was never written as empty', async () => {
    await h.db.createCollection('nothing');
    expect((await h.db.collection('nothing').get()).data).toEqual([]);
    expect((await h.db.collection('nothing').count()).total).toBe(0);
  });
});

describe('limits', () => {
  beforeEach(async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ _id: `s${String(i).padStart(4, '0')}`, i }));
    await h.db.collection('many').add({ data: batch });
    await h.db.collection('many').add({ data: Array.from({ length: 200 }, (_, i) => ({ i: 1000 + i })) });
  });

  it('answers 100 documents when no limit is given', async () => {
    expect((await h.db.collection('many').get()).data).toHaveLength(100);
  });

  it('answers at most 1000 documents whatever the limit', async () => {
    expect((await h.db.collection('many').limit(5000).get()).data).toHaveLength(1000);
    const raw = await h.engine.send('database.getDocument', { collectionName: 'many', limit: 5000 });
    expect(raw.data.list).toHaveLength(1000);
    expect(raw.data.limit).toBe(1000);
  });

  it('refuses more than 1000 documents in one add', async () => {
    const err = await rejection(h.db.collection('many').add({ data: Array.from({ length: 1001 }, (_, i) => ({ i })) }));
    expect(err.errMsg).toMatch(/at most 1000/);
  });

  it('counts past the get limit', async () => {
    expect((await h.db.collection('many').count()).total).toBe(1200);
    expect((await h.db.collection('many').where({ i: h._.gte(1100) }).count()).total).toBe(100);
  });
});

describe('doc set/update/remove', () => {
  beforeEach(async () => {
    await h.db.collection('shops').add({ data: { _id: 'a', name: 'A', address: { city: '宜兴', street: '人民路' }, n: 1 } });
  });

  it('set replaces the whole document', async () => {
    const res = await h.db.collection('shops').doc('a').set({ data: { name: 'A2' } });
    expect(res.stats).toEqual({ updated: 1, created: 0 });
    expect((await h.db.collection('shops').doc('a').get()).data).toEqual({ _id: 'a', name: 'A2' });
  });

  it('set creates a missing document with that _id', async () => {
    const res = await h.db.collection('shops').doc('new').set({ data: { name: 'N' } });
    expect(res.stats).toEqual({ updated: 0, created: 1 });
    expect((await h.db.collection('shops').doc('new').get()).data).toEqual({ _id: 'new', name: 'N' });
  });

  it('update merges plain nested objects field by field', async () => {
    const res = await h.db.collection('shops').doc('a').update({ data: { address: { street: '解放路' }, n: 2 } });
    expect(res.stats.updated).toBe(1);
    expect((await h.db.collection('shops').doc('a').get()).data).toEqual({
      _id: 'a',
      name: 'A',
      address: { city: '宜兴', street: '解放路' },
      n: 2,
    });
  });

  it('update of a missing document updates nothing', async () => {
    const res = await h.db.collection('shops').doc('zz').update({ data: { n: 2 } });
    expect(res.stats.updated).toBe(0);
    expect((await h.db.collection('shops').count()).total).toBe(1);
  });

  it('update with the same values reports 0 updated', async () => {
    const res = await h.db.collection('shops').doc('a').update({ data: { n: 1 } });
    expect(res.stats.updated).toBe(0);
  });

  it('update cannot change _id', async () => {
    const err = await rejection(h.db.collection('shops').doc('a').update({ data: { _id: 'b' } }));
    expect(err.errMsg).toMatch(/_id/);
  });

  it('remove deletes the document', async () => {
    const res = await h.db.collection('shops').doc('a').remove();
    expect(res.stats.removed).toBe(1);
    expect((await h.db.collection('shops').count()).total).toBe(0);
    expect((await h.db.collection('shops').doc('a').remove()).stats.removed).toBe(0);
  });
});

describe('where().update() and .remove() on many', () => {
  beforeEach(async () => {
    await h.db.collection('t').add({ data: [{ _id: '1', k: 'x', v: 1 }, { _id: '2', k: 'x', v: 2 }, { _id: '3', k: 'y', v: 3 }] });
  });

  it('updates every matching document', async () => {
    const res = await h.db.collection('t').where({ k: 'x' }).update({ data: { v: h._.inc(10) } });
    expect(res.stats.updated).toBe(2);
    const all = await h.db.collection('t').orderBy('_id', 'asc').get();
    expect(all.data.map((d: any) => d.v)).toEqual([11, 12, 3]);
  });

  it('removes every matching document', async () => {
    const res = await h.db.collection('t').where({ v: h._.lt(3) }).remove();
    expect(res.stats.removed).toBe(2);
    expect(ids(await h.db.collection('t').get())).toEqual(['3']);
  });

  it('a failing update of many writes none of them', async () => {
    await h.db.collection('t').doc('2').update({ data: { v: 'two' } });
    const err = await rejection(h.db.collection('t').where({ k: 'x' }).update({ data: { v: h._.inc(1) } }));
    expect(err.errMsg).toMatch(/collection\.update:fail/);
    const all = await h.db.collection('t').orderBy('_id', 'asc').get();
    expect(all.data.map((d: any) => d.v)).toEqual([1, 'two', 3]);
  });
});

describe('value round-trips', () => {
  it('keeps Dates, geo Points, nested arrays and serverDate', async () => {
    const before = Date.now();
    const at = new Date('2026-03-01T08:30:00.000Z');
    const { _id } = await h.db.collection('v').add({
      data: { at, where: h.db.Geo.Point(119.82, 31.36), list: [[1, 2], { a: null }], t: h.db.serverDate(), later: h.db.serverDate({ offset: 60000 }) },
    });
    const { data } = await h.db.collection('v').doc(_id).get();
    expect(data.at).toBeInstanceOf(Date);
    expect(data.at.getTime()).toBe(at.getTime());
    expect(data.where.longitude).toBe(119.82);
    expect(data.where.latitude).toBe(31.36);
    expect(data.list).toEqual([[1, 2], { a: null }]);
    expect(data.t).toBeInstanceOf(Date);
    expect(data.t.getTime()).toBeGreaterThanOrEqual(before);
    expect(data.later.getTime() - data.t.getTime()).toBe(60000);
  });

  it('queries and sorts Dates as instants', async () => {
    await h.db.collection('v').add({ data: [{ _id: 'x', at: new Date(2000) }, { _id: 'y', at: new Date(1000) }, { _id: 'z', at: '1970' }] });
    const res = await h.db.collection('v').where({ at: h._.gt(new Date(500)) }).orderBy('at', 'asc').get();
    expect(ids(res)).toEqual(['y', 'x']);
  });

  it('stores ObjectId values as ObjectIds and matches them; answers them as 24-hex strings (node-sdk test/database/unit/oid.test.ts)', async () => {
    const tcb = require('@cloudbase/node-sdk');
    const ndb = tcb.init({ env: 'local' }).database();
    const ref = ndb.ObjectId({ id: '5f1b2c3d4e5f6a7b8c9d0e1f' });
    await ndb.collection('o').add({ _id: 'r1', ref });
    await ndb.collection('o').add({ _id: 'r2', ref: '5f1b2c3d4e5f6a7b8c9d0e1f' });
    const raw = await h.engine.send('database.getDocument', { collectionName: 'o', query: '{"ref":{"$oid":"5f1b2c3d4e5f6a7b8c9d0e1f"}}' });
    expect(raw.data.list).toEqual(['{"_id":"r1","ref":"5f1b2c3d4e5f6a7b8c9d0e1f"}']);
    const viaClient = await ndb.collection('o').where({ ref }).get();
    expect(viaClient.data).toEqual([{ _id: 'r1', ref: '5f1b2c3d4e5f6a7b8c9d0e1f' }]);
  });
});
