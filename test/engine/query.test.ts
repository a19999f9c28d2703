/**
 * Every query command of db.command with the results MongoDB's documentation gives for them:
 * comparison, logic, element, array, regular expressions and the geo queries for points.
 */
import { openHarness, ids, rejection, type Harness } from './helpers';

let h: Harness;
const docs = [
  { _id: 'a', n: 1, s: 'apple', tags: ['red', 'fruit'], sizes: [1, 5], o: { x: 1 }, items: [{ k: 'p', q: 2 }, { k: 'r', q: 9 }] },
  { _id: 'b', n: 2, s: 'Banana', tags: ['yellow', 'fruit'], sizes: [3], o: { x: 2 }, items: [{ k: 'p', q: 7 }] },
  { _id: 'c', n: 3, s: 'cherry', tags: ['red'], sizes: [], o: null, items: [] },
  { _id: 'd', s: 'date', tags: [], nil: null },
  { _id: 'e', n: '4', s: 'elder' },
];

beforeAll(async () => {
  h = openHarness();
  await h.db.collection('q').add({ data: docs });
});
afterAll(() => h.close());

const find = async (where: object) => ids(await h.db.collection('q').where(where).orderBy('_id', 'asc').get());

describe('comparison', () => {
  it('eq matches the value and array elements', async () => {
    expect(await find({ n: h._.eq(2) })).toEqual(['b']);
    expect(await find({ tags: 'red' })).toEqual(['a', 'c']);
    expect(await find({ o: h._.eq({ x: 1 }) })).toEqual(['a']);
  });
  it('neq also matches documents without the field', async () => {
    expect(await find({ n: h._.neq(2) })).toEqual(['a', 'c', 'd', 'e']);
  });
  it('gt/gte/lt/lte compare within a type only (no string/number mixing)', async () => {
    expect(await find({ n: h._.gt(1) })).toEqual(['b', 'c']);
    expect(await find({ n: h._.gte(1).and(h._.lte(2)) })).toEqual(['a', 'b']);
    expect(await find({ n: h._.lt(3) })).toEqual(['a', 'b']);
    expect(await find({ s: h._.gt('c') })).toEqual(['c', 'd', 'e']);
  });
  it('in and nin', async () => {
    expect(await find({ n: h._.in([1, 3, '4']) })).toEqual(['a', 'c', 'e']);
    expect(await find({ tags: h._.in(['yellow']) })).toEqual(['b']);
    expect(await find({ n: h._.nin([1, 2]) })).toEqual(['c', 'd', 'e']);
  });
});

describe('logic', () => {
  it('and of commands on one field', async () => {
    expect(await find({ n: h._.gt(1).and(h._.lt(3)) })).toEqual(['b']);
  });
  it('or across fields and on one field', async () => {
    expect(await find(h._.or([{ n: 1 }, { s: 'date' }]))).toEqual(['a', 'd']);
    expect(await find({ n: h._.lt(2).or(h._.gt(2)) })).toEqual(['a', 'c']);
  });
  it('and across fields', async () => {
    expect(await find(h._.and([{ tags: 'fruit' }, { n: h._.gte(2) }]))).toEqual(['b']);
  });
  it('nor matches when no clause does', async () => {
    expect(await find(h._.nor([{ tags: 'red' }, { n: 2 }]))).toEqual(['d', 'e']);
  });
  it('not negates a command (and matches missing fields)', async () => {
    expect(await find({ n: h._.not(h._.gt(1)) })).toEqual(['a', 'd', 'e']);
  });
});

describe('element and array', () => {
  it('exists', async () => {
    expect(await find({ nil: h._.exists(true) })).toEqual(['d']);
    expect(await find({ n: h._.exists(false) })).toEqual(['d']);
  });
  it('null matches null and missing', async () => {
    expect(await find({ o: null })).toEqual(['c', 'd', 'e']);
  });
  it('size', async () => {
    expect(await find({ tags: h._.size(2) })).toEqual(['a', 'b']);
    expect(await find({ sizes: h._.size(0) })).toEqual(['c']);
  });
  it('all', async () => {
    expect(await find({ tags: h._.all(['fruit', 'red']) })).toEqual(['a']);
  });
  it('elemMatch on objects and on scalars', async () => {
    expect(await find({ items: h._.elemMatch({ k: 'p', q: h._.gt(5) }) })).toEqual(['b']);
    expect(await find({ sizes: h._.elemMatch(h._.gt(2)) })).toEqual(['a', 'b']);
  });
  it('nested fields by object and by dotted path', async () => {
    expect(await find({ o: { x: 2 } })).toEqual(['b']);
    expect(await find({ 'o.x': h._.gte(1) })).toEqual(['a', 'b']);
    expect(await find({ 'items.q': 9 })).toEqual(['a']);
  });
});

describe('regular expressions', () => {
  it('JS RegExp with flags', async () => {
    expect(await find({ s: /^b/i })).toEqual(['b']);
    expect(await find({ s: /an/ })).toEqual(['b']);
  });
  it('db.RegExp', async () => {
    expect(await find({ s: h.db.RegExp({ regexp: '^[cd]', options: 'i' }) })).toEqual(['c', 'd']);
  });
});

describe('geo', () => {
  // Points around Yixing (GCJ-02); 0.01° of latitude is about 1.11 km.
  beforeAll(async () => {
    h.engine.ensureIndexes({ collections: [{ name: 'places', indexes: [{ name: 'loc_2dsphere', keys: { loc: '2dsphere' } }] }, { name: 'q' }] });
    await h.db.collection('places').add({
      data: [
        { _id: 'centre', loc: h.db.Geo.Point(119.8, 31.36) },
        { _id: 'north1km', loc: h.db.Geo.Point(119.8, 31.369) },
        { _id: 'north3km', loc: h.db.Geo.Point(119.8, 31.387) },
        { _id: 'east10km', loc: h.db.Geo.Point(119.905, 31.36) },
      ],
    });
  });

  it('geoNear returns points within the distance range, nearest first', async () => {
    const near = (minDistance: number, maxDistance: number) =>
      h.db.collection('places').where({ loc: h._.geoNear({ geometry: h.db.Geo.Point(119.8, 31.36), minDistance, maxDistance }) }).get();
    expect(ids(await near(0, 5000))).toEqual(['centre', 'north1km', 'north3km']);
    expect(ids(await near(500, 2000))).toEqual(['north1km']);
  });

  it('geoWithin a polygon and within a centreSphere', async () => {
    const { Point, LineString, Polygon } = h.db.Geo;
    const square = Polygon([LineString([Point(119.79, 31.35), Point(119.81, 31.35), Point(119.81, 31.375), Point(119.79, 31.375), Point(119.79, 31.35)])]);
    expect(ids(await h.db.collection('places').where({ loc: h._.geoWithin({ geometry: square }) }).orderBy('_id', 'asc').get())).toEqual(['centre', 'north1km']);
    // 4 km over the Earth's radius of 6378.1 km, in radians.
    const circle = h._.geoWithin({ centerSphere: [[119.8, 31.36], 4 / 6378.1] });
    expect(ids(await h.db.collection('places').where({ loc: circle }).orderBy('_id', 'asc').get())).toEqual(['centre', 'north1km', 'north3km']);
  });

  it('geoWithin reads only the points inside the shapes\' boxes, and still answers what the evaluator decides (edges, legacy pairs, stored polygons, a MultiPolygon)', async () => {
    const { Point, LineString, Polygon, MultiPolygon } = h.db.Geo;
    h.engine.ensureIndexes({ collections: [{ name: 'spots' }] });
    await h.db.collection('spots').add({
      data: [
        { _id: 'in-a', loc: Point(119.792, 31.36) },
        { _id: 'edge-a', loc: Point(119.81, 31.36) },
        { _id: 'in-box-not-triangle', loc: Point(119.8095, 31.365) },
        { _id: 'in-b', loc: Point(119.905, 31.36) },
        { _id: 'between', loc: Point(119.85, 31.36) },
        { _id: 'legacy-pair', loc: [119.792, 31.36] },
        { _id: 'stored-line', loc: LineString([Point(119.791, 31.359), Point(119.793, 31.361)]) },
        { _id: 'no-loc' },
      ],
    });
    // A triangle and a square, far apart: the rows between them are never decoded.
    const triangle = Polygon([LineString([Point(119.79, 31.35), Point(119.81, 31.35), Point(119.79, 31.37), Point(119.79, 31.35)])]);
    const square = Polygon([LineString([Point(119.9, 31.35), Point(119.91, 31.35), Point(119.91, 31.37), Point(119.9, 31.37), Point(119.9, 31.35)])]);
    const where = { loc: h._.geoWithin({ geometry: MultiPolygon([triangle, square]) }) };
    expect(ids(await h.db.collection('spots').where(where).orderBy('_id', 'asc').get())).toEqual(['in-a', 'in-b', 'legacy-pair', 'stored-line']);
    // A point on a shape's edge is within it.
    const onEdge = Polygon([LineString([Point(119.79, 31.35), Point(119.81, 31.35), Point(119.81, 31.37), Point(119.79, 31.35)])]);
    expect(ids(await h.db.collection('spots').where({ loc: h._.geoWithin({ geometry: onEdge }) }).orderBy('_id', 'asc').get())).toEqual(['edge-a', 'in-box-not-triangle']);
    // The SQL drops the points outside both boxes before any document is decoded.
    const criteria = { loc: { $geoWithin: { $geometry: { type: 'MultiPolygon', coordinates: [[[[119.79, 31.35], [119.81, 31.35], [119.79, 31.37], [119.79, 31.35]]], [[[119.9, 31.35], [119.91, 31.35], [119.91, 31.37], [119.9, 31.37], [119.9, 31.35]]]] } } } };
    const plan = h.engine.engine.explain('spots', criteria);
    expect(plan.sql).toContain("doc ->> '$.loc.coordinates[0]' BETWEEN 119.79 AND 119.81");
    const passed = h.engine.engine.db.prepare(plan.sql).all(...plan.params).map((r: any) => JSON.parse(r.doc)._id).sort();
    expect(passed).toEqual(['edge-a', 'in-a', 'in-b', 'in-box-not-triangle', 'legacy-pair', 'no-loc', 'stored-line']);
    expect(passed).not.toContain('between');
  });

  it('geoIntersects a polygon', async () => {
    const { Point, LineString, Polygon } = h.db.Geo;
    const east = Polygon([LineString([Point(119.9, 31.3), Point(119.95, 31.3), Point(119.95, 31.4), Point(119.9, 31.4), Point(119.9, 31.3)])]);
    expect(ids(await h.db.collection('places').where({ loc: h._.geoIntersects({ geometry: east }) }).get())).toEqual(['east10km']);
  });

  it('geoNear without a geo index on the field fails as on CloudBase', async () => {
    const err = await rejection(h.db.collection('q').where({ n: h._.geoNear({ geometry: h.db.Geo.Point(1, 1), maxDistance: 10 }) }).get());
    expect(err.errMsg).toMatch(/index/);
  });
});

describe('bad queries', () => {
  it('an unknown operator gets DATABASE_INVALID_OPERRATOR', async () => {
    const err = await rejection(h.engine.send('database.getDocument', { collectionName: 'q', query: '{"n":{"$near2":1}}' }));
    expect(err.code).toBe('DATABASE_INVALID_OPERRATOR');
    const viaSdk = await rejection(h.db.collection('q').where({ n: { $foo: 1 } }).get());
    expect(viaSdk.errCode).toBe(-502002);
  });
  it('a malformed filter fails even where no document would be read, whether reading or counting', async () => {
    await h.engine.send('database.addCollection', { collectionName: 'emptyOne' });
    for (const query of ['{"$or":5}', '{"$or":[5,6]}', '{"$and":{}}', '{"$nor":1}']) {
      for (const action of ['database.getDocument', 'database.calculateDocument']) {
        const err = await rejection(h.engine.send(action, { collectionName: 'emptyOne', query }));
        expect([query, action, err.code]).toEqual([query, action, 'DATABASE_REQUEST_FAILED']);
      }
    }
  });
  it('$where (server-side script) is refused', async () => {
    const err = await rejection(h.engine.send('database.getDocument', { collectionName: 'q', query: '{"$where":"true"}' }));
    expect(err.code).toBe('DATABASE_INVALID_OPERRATOR');
  });
});
