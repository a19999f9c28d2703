/**
 * Aggregation stages CloudBase documents, with expression operators (date operators included); results
 * written from MongoDB's documentation of each stage.
 */
import { openHarness, rejection, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = openHarness();
  await h.db.collection('visits').add({
    data: [
      { _id: 'v1', grid: 'g1', staff: 's1', fen: 100, at: new Date('2026-03-01T15:30:00Z'), tags: ['a', 'b'] },
      { _id: 'v2', grid: 'g1', staff: 's2', fen: 300, at: new Date('2026-03-01T17:00:00Z'), tags: ['b'] },
      { _id: 'v3', grid: 'g2', staff: 's1', fen: 200, at: new Date('2026-03-02T01:00:00Z'), tags: [] },
      { _id: 'v4', grid: 'g2', staff: 's3', fen: 50, at: new Date('2026-04-10T08:00:00Z') },
    ],
  });
  await h.db.collection('staff').add({
    data: [
      { _id: 's1', name: '王芳', unit: 'u1' },
      { _id: 's2', name: '李强', unit: 'u1' },
      { _id: 's3', name: '张伟', unit: 'u2' },
    ],
  });
});
afterAll(() => h.close());

const agg = () => h.db.collection('visits').aggregate();

it('match, group with accumulators, sort', async () => {
  const { list } = await agg()
    .match({ fen: h._.gte(100) })
    .group({ _id: '$grid', n: h.$.sum(1), total: h.$.sum('$fen'), avg: h.$.avg('$fen'), lo: h.$.min('$fen'), hi: h.$.max('$fen'), staff: h.$.addToSet('$staff'), first: h.$.first('$_id'), all: h.$.push('$_id') })
    .sort({ _id: 1 })
    .end();
  expect(list).toEqual([
    { _id: 'g1', n: 2, total: 400, avg: 200, lo: 100, hi: 300, staff: expect.arrayContaining(['s1', 's2']), first: 'v1', all: ['v1', 'v2'] },
    { _id: 'g2', n: 1, total: 200, avg: 200, lo: 200, hi: 200, staff: ['s1'], first: 'v3', all: ['v3'] },
  ]);
});

it('group by a nested field after an $or match, counting missing values as null', async () => {
  const c = h.db.collection('shops');
  await c.add({ data: [{ a: { city: '宜兴' }, k: 1, d: new Date(5) }, { a: { city: '宜兴' }, k: 2, d: new Date(9) }, { a: {}, k: 3 }, { k: 4 }, { a: { city: '无锡' }, k: 9 }] });
  const { list } = await c.aggregate()
    .match(h._.or([{ k: h._.lte(3) }, { k: 4 }]))
    .group({ _id: '$a.city', n: h.$.sum(1), last: h.$.max('$d'), ks: h.$.push('$k') })
    .sort({ n: -1 })
    .end();
  expect(list).toEqual([
    { _id: '宜兴', n: 2, last: new Date(9), ks: [1, 2] },
    { _id: null, n: 2, last: null, ks: [3, 4] },
  ]);
});

it('project, addFields with expressions, skip, limit', async () => {
  const { list } = await agg()
    .sort({ fen: -1 })
    .skip(1)
    .limit(2)
    .project({ _id: 0, id: '$_id', yuan: h.$.divide(['$fen', 100]) })
    .addFields({ big: h.$.gte(['$yuan', 2]) })
    .end();
  expect(list).toEqual([
    { id: 'v3', yuan: 2, big: true },
    { id: 'v1', yuan: 1, big: false },
  ]);
});

it('date operators in China time: the business day of each visit', async () => {
  const { list } = await agg()
    .project({ day: h.$.dateToString({ date: '$at', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' }), month: h.$.month({ date: '$at', timezone: '+08:00' }), hour: h.$.hour('$at') })
    .sort({ _id: 1 })
    .end();
  expect(list).toEqual([
    { _id: 'v1', day: '2026-03-01', month: 3, hour: 15 },
    { _id: 'v2', day: '2026-03-02', month: 3, hour: 17 },
    { _id: 'v3', day: '2026-03-02', month: 3, hour: 1 },
    { _id: 'v4', day: '2026-04-10', month: 4, hour: 8 },
  ]);
});

it('count', async () => {
  expect((await agg().match({ grid: 'g1' }).count('n').end()).list).toEqual([{ n: 2 }]);
});

it('unwind an array (empty and missing arrays drop out)', async () => {
  const { list } = await agg().unwind('$tags').project({ tags: 1 }).end();
  expect(list).toEqual([
    { _id: 'v1', tags: 'a' },
    { _id: 'v1', tags: 'b' },
    { _id: 'v2', tags: 'b' },
  ]);
  const keep = await agg().unwind({ path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' }).project({ tags: 1, i: 1 }).end();
  expect(keep.list).toHaveLength(5);
  expect(keep.list[3]).toEqual({ _id: 'v3', i: null });
});

it('lookup by localField/foreignField', async () => {
  const { list } = await agg()
    .match({ _id: 'v2' })
    .lookup({ from: 'staff', localField: 'staff', foreignField: '_id', as: 'who' })
    .project({ who: 1 })
    .end();
  expect(list).toEqual([{ _id: 'v2', who: [{ _id: 's2', name: '李强', unit: 'u1' }] }]);
});

it('lookup with let and a pipeline', async () => {
  const { list } = await h.db.collection('staff').aggregate()
    .match({ unit: 'u1' })
    .lookup({
      from: 'visits',
      let: { sid: '$_id' },
      pipeline: h.$.pipeline().match(h._.expr(h.$.and([h.$.eq(['$staff', '$$sid']), h.$.gte(['$fen', 150])]))).project({ _id: 1 }).done(),
      as: 'big',
    })
    .sort({ _id: 1 })
    .project({ big: 1 })
    .end();
  expect(list).toEqual([
    { _id: 's1', big: [{ _id: 'v3' }] },
    { _id: 's2', big: [{ _id: 'v2' }] },
  ]);
});

it('bucket with boundaries, default and output', async () => {
  const { list } = await agg().bucket({ groupBy: '$fen', boundaries: [0, 100, 250], default: 'more', output: { n: h.$.sum(1), ids: h.$.push('$_id') } }).end();
  expect(list).toEqual([
    { _id: 0, n: 1, ids: ['v4'] },
    { _id: 100, n: 2, ids: ['v1', 'v3'] },
    { _id: 'more', n: 1, ids: ['v2'] },
  ]);
});

it('bucketAuto into two buckets', async () => {
  const { list } = await agg().bucketAuto({ groupBy: '$fen', buckets: 2 }).end();
  expect(list).toEqual([
    { _id: { min: 50, max: 200 }, count: 2 },
    { _id: { min: 200, max: 300 }, count: 2 },
  ]);
});

it('sortByCount', async () => {
  const { list } = await agg().unwind('$tags').sortByCount('$tags').end();
  expect(list).toEqual([
    { _id: 'b', count: 2 },
    { _id: 'a', count: 1 },
  ]);
});

it('replaceRoot', async () => {
  const { list } = await h.db.collection('staff').aggregate().match({ _id: 's3' }).replaceRoot({ newRoot: { n: '$name', u: '$unit' } }).end();
  expect(list).toEqual([{ n: '张伟', u: 'u2' }]);
});

it('sample returns the asked number of distinct documents', async () => {
  const { list } = await agg().sample({ size: 2 }).end();
  expect(list).toHaveLength(2);
  expect(new Set(list.map((d: any) => d._id)).size).toBe(2);
});

it('geoNear as the first stage adds the distance and sorts nearest first', async () => {
  h.engine.ensureIndexes({ collections: [{ name: 'spots', indexes: [{ name: 'loc_2dsphere', keys: { loc: '2dsphere' } }] }, { name: 'visits' }, { name: 'staff' }] });
  await h.db.collection('spots').add({
    data: [
      { _id: 'far', kind: 'shop', loc: h.db.Geo.Point(119.8, 31.387) },
      { _id: 'near', kind: 'shop', loc: h.db.Geo.Point(119.8, 31.369) },
      { _id: 'bank', kind: 'bank', loc: h.db.Geo.Point(119.8, 31.3601) },
    ],
  });
  const { list } = await h.db.collection('spots').aggregate()
    .geoNear({ near: h.db.Geo.Point(119.8, 31.36), distanceField: 'dist', spherical: true, query: { kind: 'shop' }, maxDistance: 5000 })
    .project({ dist: 1 })
    .end();
  expect(list.map((d: any) => d._id)).toEqual(['near', 'far']);
  // 0.009° of latitude on a 6378.1 km sphere is about 1001.9 m.
  expect(list[0].dist).toBeGreaterThan(995);
  expect(list[0].dist).toBeLessThan(1010);
});

it('an unknown stage or expression operator is refused', async () => {
  const err = await rejection(h.engine.send('database.aggregateDocuments', { collectionName: 'visits', stages: [{ stageKey: '$frobnicate', stageValue: '{}' }] }));
  expect(err.code).toBe('DATABASE_INVALID_OPERRATOR');
  const err2 = await rejection(h.engine.send('database.aggregateDocuments', { collectionName: 'visits', stages: [{ stageKey: '$project', stageValue: '{"x":{"$frob":1}}' }] }));
  expect(['DATABASE_INVALID_OPERRATOR', 'DATABASE_REQUEST_FAILED']).toContain(err2.code);
});

describe('the direct $group', () => {
  it('agrees with the general evaluator on the shapes it takes', () => {
    const fc = require('fast-check');
    const { fastGroup } = require('../../local/engine/group');
    const { aggregate } = require('mingo');
    const val = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', null), fc.integer({ min: 0, max: 2 }).map((n: number) => new Date(n)));
    const doc = fc.record({ k: val, g: fc.constantFrom('x', 'y'), v: val, w: fc.integer({ min: 0, max: 9 }) });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 30 }), (docs: object[]) => {
        const spec = { _id: { k: '$k', g: '$g' }, n: { $sum: 1 }, s: { $sum: '$v' }, a: { $avg: '$w' }, lo: { $min: '$v' }, hi: { $max: '$v' }, f: { $first: '$v' }, l: { $last: '$v' }, p: { $push: '$w' }, c: { $count: {} } };
        const mine = fastGroup(docs, spec);
        const ref = aggregate(docs, [{ $group: spec }]);
        const key = (d: any) => JSON.stringify(d._id);
        expect([...mine].sort((x: any, y: any) => key(x).localeCompare(key(y)))).toEqual([...ref].sort((x: any, y: any) => key(x).localeCompare(key(y))));
      }),
      { numRuns: 100 },
    );
  });
});

describe('the $group read of a few fields', () => {
  it('$max and $min skip missing fields and take an array value whole', async () => {
    const { openEngine } = require('../../local/engine');
    const { EJSON } = require('bson');
    const e = openEngine({ dataDir: ':memory:' });
    e.ensureIndexes({ collections: [{ name: 'r' }] });
    try {
      const docs = [{ _id: 'a', v: [1, null], w: 1 }, { _id: 'b', w: 2 }];
      await e.send('database.insertDocument', { collectionName: 'r', data: docs.map((d) => EJSON.stringify(d, { relaxed: false })) });
      const res = await e.send('database.aggregateDocuments', {
        collectionName: 'r',
        stages: [{ stageKey: '$group', stageValue: EJSON.stringify({ _id: null, hi: { $max: '$v' }, lo: { $min: '$v' } }, { relaxed: false }) }],
      });
      expect(res.data.list.map((t: string) => EJSON.parse(t, { relaxed: true }))).toEqual([{ _id: null, hi: [1, null], lo: [1, null] }]);
    } finally {
      e.close();
    }
  });

  it('agrees with the general evaluator whether it reads fields one by one or all in one extraction', async () => {
    const fc = require('fast-check');
    const { aggregate } = require('mingo');
    const { openEngine } = require('../../local/engine');
    const { EJSON } = require('bson');
    const e = openEngine({ dataDir: ':memory:' });
    e.ensureIndexes({ collections: [{ name: 'r', indexes: [{ name: 'w_1', keys: { w: 1 } }] }] });
    try {
      const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', '$b', 'c"d', null, true, 1.5), fc.integer({ min: 0, max: 2 }).map((n: number) => new Date(n)));
      const val = fc.oneof(scalar, fc.constant([1, null]));
      // Accumulated values stay scalar: over an array beside missing fields the reference evaluator answers
      // null for $max where MongoDB answers the array (checked by hand below).
      const doc = fc.record({ k: val, v: scalar, w: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: ['w'] });
      const spec = fc.constantFrom(
        { _id: '$k', n: { $sum: 1 }, s: { $sum: '$v' }, lo: { $min: '$v' }, hi: { $max: '$v' }, f: { $first: '$v' }, l: { $last: '$v' }, c: { $count: {} } },
        { _id: null, s: { $sum: '$v' }, a: { $avg: '$w' }, two: { $sum: 2 } },
        { _id: '$k', p: { $push: '$w' } },
      );
      const match = fc.constantFrom({}, { w: { $gte: 3 } }, { w: 4 }, { k: { $exists: false } });
      await fc.assert(
        fc.asyncProperty(fc.array(doc, { maxLength: 20 }), spec, match, async (docs: object[], g: object, m: object) => {
          await e.send('database.removeDocument', { collectionName: 'r', query: '{}', queryType: 'WHERE', multi: true });
          const withIds = docs.map((d, i) => ({ _id: `d${i}`, ...d }));
          if (withIds.length) await e.send('database.insertDocument', { collectionName: 'r', data: withIds.map((d) => EJSON.stringify(d, { relaxed: false })) });
          const res = await e.send('database.aggregateDocuments', {
            collectionName: 'r',
            stages: [{ stageKey: '$match', stageValue: EJSON.stringify(m, { relaxed: false }) }, { stageKey: '$group', stageValue: EJSON.stringify(g, { relaxed: false }) }],
          });
          const mine = res.data.list.map((t: string) => EJSON.parse(t, { relaxed: true }));
          const ref = aggregate(withIds, [{ $match: m }, { $group: g }]).map((d: object) => EJSON.parse(EJSON.stringify(d, { relaxed: true }), { relaxed: true }));
          const key = (d: any) => JSON.stringify(d._id);
          const sort = (xs: any[]) => [...xs].sort((x, y) => key(x).localeCompare(key(y)));
          expect(sort(mine)).toEqual(sort(ref));
        }),
        { numRuns: 80 },
      );
    } finally {
      e.close();
    }
  });
});
