/**
 * Indexes declared in database/collections.json: created by ensureIndexes, unique keys enforced as
 * MongoDB enforces them, and equality, $in, range and sort queries on declared fields answered through
 * SQLite's indexes (EXPLAIN QUERY PLAN shows an index SEARCH, not a SCAN of the collection).
 */
import fc from 'fast-check';
import { EJSON } from 'bson';
import { openHarness, ids, rejection, type Harness } from './helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../local/engine';

const spec = require('../../database/collections.json');

let h: Harness;

const usesIndex = (detail: string[], index: string) => detail.some((d) => d.startsWith('SEARCH') && d.includes(`ix:`) && d.includes(index));
const scans = (detail: string[], table: string) => detail.some((d) => d.startsWith('SCAN') && d.includes(`c:${table}`));

describe('the project spec', () => {
  beforeEach(() => {
    h = openHarness();
    h.engine.ensureIndexes(spec);
  });
  afterEach(() => h.close());

  it('creates every declared collection and refuses undeclared ones, as CloudBase does', async () => {
    for (const c of spec.collections) expect((await h.db.collection(c.name).count()).total).toBe(0);
    const err = await rejection(h.db.collection('notDeclared').add({ data: { a: 1 } }));
    expect(err.errCode).toBe(-502005);
  });

  it('is idempotent: applying it twice keeps data and indexes', async () => {
    await h.db.collection('merchants').add({ data: { _id: 'm1', gridId: 'g1' } });
    h.engine.ensureIndexes(spec);
    expect((await h.db.collection('merchants').doc('m1').get()).data.gridId).toBe('g1');
    expect(h.engine.engine.store.indexes('merchants').map((i) => i.name)).toContain('gridId_1_updatedAt_-1');
  });

  it('a month of deposits, transactions or credit pages along (month, _id): each page starts where the last ended', async () => {
    const rows = (month: string) => Array.from({ length: 30 }, (_, i) => ({ _id: `m${String(i).padStart(2, '0')}:${month}`, merchantId: `m${i}`, month, period: month }));
    for (const coll of ['deposits', 'transactions', 'credits']) await h.db.collection(coll).add({ data: [...rows('2025-06'), ...rows('2025-07')] });
    for (const [coll, field] of [['deposits', 'month'], ['transactions', 'month'], ['credits', 'month']]) {
      const plan = h.engine.explain(coll, { [field]: '2025-07', _id: { $gt: 'm09:2025-07' } }, [['_id', 1]]);
      expect([coll, plan.index, plan.ordered, plan.exact]).toEqual([coll, `${field}_1__id_1`, true, true]);
      expect(plan.detail.some((d) => d.startsWith('SEARCH') && d.includes(`${field}_1__id_1`) && d.includes('k1>?'))).toBe(true);
      expect(plan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
      const page = await h.db.collection(coll).where({ [field]: '2025-07', _id: h._.gt('m09:2025-07') }).orderBy('_id', 'asc').limit(3).get();
      expect(ids(page)).toEqual(['m10:2025-07', 'm11:2025-07', 'm12:2025-07']);
    }
  });

  it('the rows of a few merchants paged along _id read through the merchants\' index, not the rest of the collection', async () => {
    // Ten merchants' rows, then many more rows of others whose ids sort after them.
    const rows = (prefix: string, merchants: number) => Array.from({ length: merchants * 12 }, (_, i) => ({ _id: `${prefix}${String(i).padStart(5, '0')}`, merchantId: `${prefix}m${i % merchants}`, month: `2024-${String((i % 12) + 1).padStart(2, '0')}` }));
    await h.db.collection('deposits').add({ data: rows('a', 10) });
    for (let i = 0; i < 4; i++) await h.db.collection('deposits').add({ data: rows(`z${i}`, 80) });
    const mine = Array.from({ length: 10 }, (_, i) => `am${i}`);
    const where = { merchantId: { $in: mine }, _id: { $gt: 'a00050' } };
    const plan = h.engine.explain('deposits', where, [['_id', 1]]);
    expect([plan.index, plan.ordered, plan.exact]).toEqual(['merchantId_1_month_1', true, true]);
    expect(usesIndex(plan.detail, 'merchantId_1_month_1')).toBe(true);
    const examined = h.engine.engine.store.examined;
    const before = { ...examined };
    const page = await h.db.collection('deposits').where({ merchantId: h._.in(mine), _id: h._.gt('a00050') }).orderBy('_id', 'asc').limit(1000).get();
    expect(page.data.length).toBe(120 - 51);
    expect(ids(page)[0]).toBe('a00051');
    // The 120 rows of the ten merchants are the candidates; the 3,840 others are never read.
    expect(examined.keys - before.keys).toBeLessThanOrEqual(120);
    expect(examined.docs - before.docs).toBe(120 - 51);
  });

  it('a chunk\'s deltas (an $or of grids\' merchant ranges) sorted by _id read the branches\' candidates, not the collection', async () => {
    const deltas = Array.from({ length: 300 }, (_, i) => ({ _id: `d${String(i).padStart(4, '0')}`, gid: `g${i % 3}`, mid: `m${String(i).padStart(4, '0')}`, multi: false, dg: [] }));
    await h.db.collection('rollupDeltas').add({ data: deltas });
    const where = { $or: [{ gid: 'g1', mid: { $lte: 'm0100' } }, { gid: 'g2', mid: { $gt: 'm0200' } }] };
    const plan = h.engine.explain('rollupDeltas', where, [['_id', 1]]);
    expect(plan.index).toBe('gid_1_mid_1 | gid_1_mid_1');
    expect(scans(plan.detail, 'rollupDeltas')).toBe(false);
    const examined = h.engine.engine.store.examined;
    const before = examined.docs;
    const got = await h.db.collection('rollupDeltas').where(h._.or([{ gid: 'g1', mid: h._.lte('m0100') }, { gid: 'g2', mid: h._.gt('m0200') }])).orderBy('_id', 'asc').limit(1000).get();
    // g1 holds i = 1, 4, …, 100 (34 of them); g2 holds i = 203, 206, …, 299 (33).
    expect(got.data.length).toBe(34 + 33);
    expect(ids(got)).toEqual([...ids(got)].sort());
    expect(examined.docs - before).toBe(34 + 33);
  });
});

describe('index-backed reads', () => {
  // One data set for the whole block; the test that writes runs last.
  afterAll(() => h.close());
  beforeAll(async () => {
    h = openHarness();
    h.engine.ensureIndexes(spec);
    const docs = Array.from({ length: 60 }, (_, i) => ({
      _id: `m${String(i).padStart(2, '0')}`,
      gridId: `g${i % 6}`,
      unitPath: ['bank', `b${i % 2}`, `g${i % 6}`],
      lifecycleClass: ['to-win', 'qualified', 'premium'][i % 3],
      updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 3600_000),
      licenceCode: i % 10 === 0 ? null : `L${i}`,
    }));
    await h.db.collection('merchants').add({ data: docs });
  });

  it('equality on an indexed field searches the index', async () => {
    const plan = h.engine.explain('merchants', { licenceCode: 'L7' });
    expect(plan.index).toBe('licenceCode_1');
    expect(usesIndex(plan.detail, 'licenceCode_1')).toBe(true);
    expect(scans(plan.detail, 'merchants')).toBe(false);
    expect(ids(await h.db.collection('merchants').where({ licenceCode: 'L7' }).get())).toEqual(['m07']);
  });

  it('array membership (unitPath) uses the multikey index', async () => {
    const plan = h.engine.explain('merchants', { unitPath: 'g1', lifecycleClass: { $in: ['premium', 'qualified'] } });
    expect(plan.index).toBe('unitPath_1_lifecycleClass_1');
    expect(usesIndex(plan.detail, 'unitPath_1_lifecycleClass_1')).toBe(true);
    // g1 holds i = 1, 7, 13, ...; classes cycle to-win, qualified, premium.
    const res = await h.db.collection('merchants').where({ unitPath: 'g1', lifecycleClass: h._.in(['premium', 'qualified']) }).limit(100).get();
    expect(ids(res)).toEqual(['m01', 'm07', 'm13', 'm19', 'm25', 'm31', 'm37', 'm43', 'm49', 'm55']);
  });

  it('equality then a sort on the next index field reads in index order', async () => {
    const plan = h.engine.explain('merchants', { gridId: 'g2' }, [['updatedAt', -1]]);
    expect(plan.ordered).toBe(true);
    expect(usesIndex(plan.detail, 'gridId_1_updatedAt_-1')).toBe(true);
    expect(plan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
    const res = await h.db.collection('merchants').where({ gridId: 'g2' }).orderBy('updatedAt', 'desc').limit(3).get();
    expect(ids(res)).toEqual(['m56', 'm50', 'm44']);
  });

  it('equality on an array field then a sort on the next fields reads the multikey index in order', async () => {
    const order: [string, 1 | -1][] = [['updatedAt', -1], ['_id', -1]];
    const plan = h.engine.explain('merchants', { unitPath: 'b1' }, order);
    expect(plan.index).toBe('unitPath_1_updatedAt_-1__id_-1');
    expect(plan.ordered).toBe(true);
    expect(plan.exact).toBe(true);
    expect(usesIndex(plan.detail, 'unitPath_1_updatedAt_-1__id_-1')).toBe(true);
    expect(plan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
    const merchants = h.db.collection('merchants');
    // b1 holds the odd i; updatedAt grows with i.
    expect(ids(await merchants.where({ unitPath: 'b1' }).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(3).get())).toEqual(['m59', 'm57', 'm55']);
    // $all of one value is that equality: the same index, in order.
    expect(h.engine.explain('merchants', { unitPath: { $all: ['b1'] } }, order).ordered).toBe(true);
    // A cursor page: at or before an instant, then older instants or smaller ids (the $or is checked per row).
    const t = new Date(Date.UTC(2026, 0, 1) + 55 * 3600_000);
    const after = { unitPath: 'b1', updatedAt: { $lte: t }, $or: [{ updatedAt: { $lt: t } }, { _id: { $lt: 'm55' } }] };
    const cursorPlan = h.engine.explain('merchants', after, order);
    expect(cursorPlan.ordered).toBe(true);
    expect(cursorPlan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
    const page = await merchants
      .where(h._.and([{ unitPath: 'b1', updatedAt: h._.lte(t) }, h._.or([{ updatedAt: h._.lt(t) }, { _id: h._.lt('m55') }])]))
      .orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(3).get();
    expect(ids(page)).toEqual(['m53', 'm51', 'm49']);
  });

  it('a range on an indexed Date field searches the index', async () => {
    const from = new Date(Date.UTC(2026, 0, 1) + 10 * 3600_000);
    const to = new Date(Date.UTC(2026, 0, 1) + 13 * 3600_000);
    const plan = h.engine.explain('merchants', { gridId: 'g4', updatedAt: { $gte: from, $lt: to } });
    expect(usesIndex(plan.detail, 'gridId_1_updatedAt_-1')).toBe(true);
    expect(plan.sql).toMatch(/x\.k1 >= \? AND x\.k1 < \?/);
    const res = await h.db.collection('merchants').where({ gridId: 'g4', updatedAt: h._.gte(from).and(h._.lt(to)) }).get();
    expect(ids(res)).toEqual(['m10']);
  });

  it('null matches missing and null values through the index', async () => {
    const res = await h.db.collection('merchants').where({ licenceCode: null }).orderBy('_id', 'asc').get();
    expect(ids(res)).toEqual(['m00', 'm10', 'm20', 'm30', 'm40', 'm50']);
  });

  it('an $or whose branches are indexed reads the union of the index searches', async () => {
    const plan = h.engine.explain('merchants', { $or: [{ licenceCode: 'L7' }, { gridId: 'g4', lifecycleClass: 'qualified' }] });
    expect(usesIndex(plan.detail, 'licenceCode_1')).toBe(true);
    expect(usesIndex(plan.detail, 'gridId_1_lifecycleClass_1')).toBe(true);
    expect(scans(plan.detail, 'merchants')).toBe(false);
    const res = await h.db.collection('merchants').where(h._.or([{ licenceCode: 'L7' }, { gridId: 'g4', lifecycleClass: 'qualified' }])).get();
    // g4 holds i = 4, 10, 16, ... (i % 6 = 4), all 'qualified' (i % 3 = 1); L7 is m07. Natural order.
    expect(ids(res)).toEqual(['m04', 'm07', 'm10', 'm16', 'm22', 'm28', 'm34', 'm40', 'm46', 'm52', 'm58']);
  });

  it('an unindexed field scans the collection', async () => {
    const plan = h.engine.explain('merchants', { remarkNotIndexed: 'x' });
    expect(plan.index).toBeNull();
    expect(scans(plan.detail, 'merchants')).toBe(true);
  });

  it('a range and sort on _id read the primary key in order (paging by _id)', async () => {
    const plan = h.engine.explain('merchants', { _id: { $gt: 'm20' } }, [['_id', 1]]);
    expect(plan.index).toBe('_id_');
    expect(plan.ordered).toBe(true);
    expect(plan.exact).toBe(true);
    expect(plan.detail.some((d) => d.startsWith('SEARCH') && d.includes('c:merchants'))).toBe(true);
    expect(plan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
    const page = await h.db.collection('merchants').where({ _id: h._.gt('m20') }).orderBy('_id', 'asc').limit(3).get();
    expect(ids(page)).toEqual(['m21', 'm22', 'm23']);
    const down = await h.db.collection('merchants').where({ _id: h._.lt('m20') }).orderBy('_id', 'desc').limit(2).get();
    expect(ids(down)).toEqual(['m19', 'm18']);
  });

  it('a sort on _id alone reads the primary key in order', async () => {
    const plan = h.engine.explain('merchants', {}, [['_id', -1]]);
    expect(plan.index).toBe('_id_');
    expect(plan.detail.some((d) => d.includes('TEMP B-TREE'))).toBe(false);
    expect(ids(await h.db.collection('merchants').orderBy('_id', 'desc').limit(2).get())).toEqual(['m59', 'm58']);
  });

  it('paging along _id over an indexed equality reads the candidates in _id order, documents only as consumed', async () => {
    // The declared (gridId, _id) index (roll-up builds page a grid by _id) answers both in order.
    const plan = h.engine.explain('merchants', { gridId: 'g2', _id: { $gt: 'm20' } }, [['_id', 1]]);
    expect(plan.index).toBe('gridId_1__id_1');
    expect(plan.ordered).toBe(true);
    expect(usesIndex(plan.detail, 'gridId_1__id_1')).toBe(true);
    const merchants = h.db.collection('merchants');
    // g2 holds i = 2, 8, 14, ... (i % 6 = 2).
    expect(ids(await merchants.where({ gridId: 'g2', _id: h._.gt('m20') }).orderBy('_id', 'asc').limit(3).get())).toEqual(['m26', 'm32', 'm38']);
    expect(ids(await merchants.where({ gridId: 'g2', _id: h._.lt('m40') }).orderBy('_id', 'desc').limit(2).get())).toEqual(['m38', 'm32']);
    expect(ids(await merchants.where({ gridId: 'g2' }).orderBy('_id', 'desc').skip(1).limit(2).get())).toEqual(['m50', 'm44']);
  });

  it('an _id range next to an indexed equality filters both in SQL', async () => {
    const plan = h.engine.explain('merchants', { gridId: 'g2', _id: { $gte: 'm30' } });
    expect(plan.index).toBe('gridId_1__id_1');
    expect(plan.exact).toBe(true);
    expect(usesIndex(plan.detail, 'gridId_1__id_1')).toBe(true);
    const res = await h.db.collection('merchants').where({ gridId: 'g2', _id: h._.gte('m30') }).get();
    expect(ids(res)).toEqual(['m32', 'm38', 'm44', 'm50', 'm56']);
    expect((await h.db.collection('merchants').where({ gridId: 'g2', _id: h._.gte('m30') }).count()).total).toBe(5);
  });

  it('$in on _id reads by primary key', async () => {
    const plan = h.engine.explain('merchants', { _id: { $in: ['m03', 'm40'] } });
    expect(plan.index).toBe('_id_');
    expect(scans(plan.detail, 'merchants')).toBe(false);
  });

  it('indexes follow updates and removals', async () => {
    await h.db.collection('merchants').doc('m07').update({ data: { licenceCode: 'NEW' } });
    expect(ids(await h.db.collection('merchants').where({ licenceCode: 'L7' }).get())).toEqual([]);
    expect(ids(await h.db.collection('merchants').where({ licenceCode: 'NEW' }).get())).toEqual(['m07']);
    await h.db.collection('merchants').doc('m07').remove();
    expect(ids(await h.db.collection('merchants').where({ licenceCode: 'NEW' }).get())).toEqual([]);
  });
});

describe('unique indexes', () => {
  const uniqueSpec = {
    collections: [
      { name: 'people', indexes: [{ name: 'code_1', keys: [{ field: 'code', direction: 1 as const }], unique: true }] },
      { name: 'logins', indexes: [{ name: 'openid_1', keys: { openid: 1 as const }, unique: true, sparse: true }] },
    ],
  };
  beforeEach(() => {
    h = openHarness();
    h.engine.ensureIndexes(uniqueSpec);
  });
  afterEach(() => h.close());

  it('a repeated unique key fails with a duplicate-key error and writes nothing', async () => {
    await h.db.collection('people').add({ data: { _id: 'p1', code: 'A' } });
    const err = await rejection(h.db.collection('people').add({ data: { _id: 'p2', code: 'A' } }));
    expect(err.errMsg).toMatch(/E11000 duplicate key error collection: people index: code_1/);
    expect((await h.db.collection('people').count()).total).toBe(1);
  });

  it('an update onto a taken key fails and leaves the document as it was', async () => {
    await h.db.collection('people').add({ data: [{ _id: 'p1', code: 'A' }, { _id: 'p2', code: 'B' }] });
    await rejection(h.db.collection('people').doc('p2').update({ data: { code: 'A' } }));
    expect((await h.db.collection('people').doc('p2').get()).data.code).toBe('B');
  });

  it('two documents without the key collide on a non-sparse unique index (null is a value)', async () => {
    await h.db.collection('people').add({ data: { _id: 'p1' } });
    await rejection(h.db.collection('people').add({ data: { _id: 'p2', code: null } }));
  });

  it('a sparse unique index skips documents without the field', async () => {
    await h.db.collection('logins').add({ data: [{ _id: 'a' }, { _id: 'b' }, { _id: 'c', openid: 'o1' }] });
    await rejection(h.db.collection('logins').add({ data: { _id: 'd', openid: 'o1' } }));
    expect((await h.db.collection('logins').count()).total).toBe(3);
  });

  it('declaring a unique index over existing duplicates fails and leaves no index', async () => {
    h.engine.ensureIndexes({ collections: [{ name: 'dups' }] });
    await h.db.collection('dups').add({ data: [{ k: 1 }, { k: 1 }] });
    expect(() => h.engine.ensureIndexes({ collections: [{ name: 'dups', indexes: [{ name: 'k_1', keys: { k: 1 }, unique: true }] }] })).toThrow(/duplicate key/);
    expect(h.engine.engine.store.indexes('dups')).toEqual([]);
  });
});

describe('the _id key never changes results', () => {
  it('random _id ranges, sorts and mixed id types give what the evaluator gives over every document', async () => {
    const e = openEngine({ dataDir: ':memory:' });
    e.ensureIndexes({ collections: [{ name: 'p', indexes: [{ name: 'a_1', keys: { a: 1 } }] }] });
    const { Query } = require('mingo');
    try {
      const id = fc.oneof(fc.constantFrom('', 'a', 'ab', 'b', 'b0', 'z', '\u0000x', 'é', '中'), fc.integer({ min: -3, max: 3 }));
      const bound = fc.oneof(fc.constantFrom('', 'a', 'b', 'c', 'zz', '\u0000', '\u0001', '\u0002'), fc.integer({ min: -2, max: 2 }));
      const op = fc.constantFrom('$gt', '$gte', '$lt', '$lte');
      const cond = fc.oneof(
        fc.tuple(op, bound).map(([o, b]) => ({ _id: { [o]: b } })),
        fc.tuple(bound, bound).map(([lo, hi]) => ({ _id: { $gte: lo, $lt: hi } })),
        fc.tuple(op, bound, fc.integer({ min: 0, max: 2 })).map(([o, b, a]) => ({ a, _id: { [o]: b } })),
        fc.array(id, { maxLength: 3 }).map((vs) => ({ _id: { $in: vs } })),
        fc.constant({}),
      );
      const order = fc.constantFrom<[string, 1 | -1][]>([['_id', 1]], [['_id', -1]], []);
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(id, { maxLength: 12 }), cond, order, fc.integer({ min: 0, max: 2 }), async (idList, c, o, skip) => {
          round++;
          const coll = 'p';
          e.engine.db.exec('DELETE FROM "c:p"; DELETE FROM "ix:p:a_1"');
          const docs = idList.map((x, i) => ({ _id: x, a: (i + round) % 3 }));
          if (docs.length) e.engine.db.transaction(() => e.engine.store.insertMany(coll, docs))();
          const sort = o.length ? o : [['_id', 1] as [string, 1]];
          const got = e.engine.find(coll, c, o, skip, 5).map((r) => r.doc._id);
          let expected = new Query(c).find(docs).sort(Object.fromEntries(sort)).all().map((d: { _id: unknown }) => d._id);
          if (!o.length) expected = docs.filter((d) => expected.includes(d._id)).map((d) => d._id);
          expect(got).toEqual(expected.slice(skip, skip + 5));
          const count = await e.send('database.calculateDocument', { collectionName: coll, query: EJSON.stringify(c, { relaxed: false }) });
          expect(count.data.total).toBe(expected.length);
        }),
        { numRuns: 150 },
      );
    } finally {
      e.close();
    }
  });
});

describe('an $or read from the union of its branches\' index searches', () => {
  it('gives what the evaluator gives over every document, and counts the same (arrays, nulls, ranges, a shared rest)', async () => {
    const e = openEngine({ dataDir: ':memory:' });
    e.ensureIndexes({ collections: [{ name: 'o', indexes: [{ name: 'a_1', keys: { a: 1 } }, { name: 'm_1_b_1', keys: { m: 1, b: 1 } }] }] });
    const { Query } = require('mingo');
    try {
      const scalar = fc.constantFrom('x', 'y', null, 1, 2);
      const doc = fc.record({ a: scalar, b: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(null)), m: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), c: fc.constantFrom('p', 'q') }, { requiredKeys: ['c'] });
      const branch = fc.oneof(
        scalar.map((v) => ({ a: v })),
        fc.tuple(scalar, fc.integer({ min: 0, max: 4 })).map(([v, b]) => ({ m: v, b: { $gte: b } })),
        fc.array(scalar, { minLength: 1, maxLength: 2 }).map((vs) => ({ m: { $in: vs } })),
        fc.tuple(scalar, fc.integer({ min: 0, max: 4 })).map(([v, b]) => ({ a: v, b: { $lt: b } })),
      );
      const rest = fc.constantFrom({}, { c: 'p' }, { a: { $ne: 'x' } });
      await fc.assert(
        fc.asyncProperty(fc.array(doc, { maxLength: 15 }), fc.array(branch, { minLength: 2, maxLength: 3 }), rest, async (docs, branches, r) => {
          e.engine.db.exec('DELETE FROM "c:o"; DELETE FROM "ix:o:a_1"; DELETE FROM "ix:o:m_1_b_1"');
          const withIds = docs.map((d, i) => ({ _id: `d${String(i).padStart(2, '0')}`, ...d }));
          if (withIds.length) e.engine.db.transaction(() => e.engine.store.insertMany('o', withIds))();
          const c = { ...r, $or: branches };
          const expected = new Query(c).find(withIds).all().map((d: { _id: string }) => d._id).sort();
          expect(e.engine.find('o', c, [], 0, 100).map((row) => row.doc._id).sort()).toEqual(expected);
          const count = await e.send('database.calculateDocument', { collectionName: 'o', query: EJSON.stringify(c, { relaxed: false }) });
          expect(count.data.total).toBe(expected.length);
        }),
        { numRuns: 300 },
      );
      // Branches the index answers exactly need no evaluator, and say so.
      expect(e.engine.explain('o', { $or: [{ a: 'x' }, { m: 'y', b: { $gte: 1 } }] }).exact).toBe(true);
      expect(e.engine.explain('o', { $or: [{ a: 'x' }, { m: 'y', c: 'p' }] }).exact).toBe(false);
    } finally {
      e.close();
    }
  });
});

describe('multikey sort keys', () => {
  const spec = { collections: [{ name: 'r', indexes: [{ name: 'g_1_s_-1', keys: { g: 1 as const, s: -1 as const } }] }] };

  it('a sort on a key that holds arrays is not read in index order (its entries would repeat the document)', async () => {
    h = openHarness();
    const plain = openEngine({ dataDir: ':memory:' });
    try {
      h.engine.ensureIndexes(spec);
      const r = h.db.collection('r');
      const docs = [{ _id: 'a', g: 'x', s: 5 }, { _id: 'b', g: 'x', s: 7 }, { _id: 'c', g: 'x', s: [1, 9] }];
      await r.add({ data: docs.slice(0, 2) });
      expect(h.engine.explain('r', { g: 'x' }, [['s', -1]]).ordered).toBe(true);
      await r.add({ data: docs[2] });
      expect(h.engine.explain('r', { g: 'x' }, [['s', -1]]).ordered).toBe(false);
      plain.engine.store.createCollection('r');
      for (const d of docs) plain.engine.store.insert('r', d);
      for (const dir of [1, -1] as const) {
        const got = ids(await r.where({ g: 'x' }).orderBy('s', dir === 1 ? 'asc' : 'desc').get());
        expect(got).toHaveLength(3);
        expect(got).toEqual(plain.engine.find('r', { g: 'x' }, [['s', dir]], 0, 100).map((x) => x.doc._id));
      }
    } finally {
      plain.close();
      h.close();
    }
  });

  it('an update turning a key into an array with the same entries still counts it as multikey', async () => {
    h = openHarness();
    try {
      h.engine.ensureIndexes(spec);
      const r = h.db.collection('r');
      await r.add({ data: [{ _id: 'a', g: 'x', s: 5 }, { _id: 'b', g: 'x' }] });
      // [] is indexed as null, like the missing field before: the entries are unchanged, the document is not.
      await r.doc('b').update({ data: { s: [] } });
      expect(h.engine.explain('r', { g: 'x' }, [['s', 1]]).ordered).toBe(false);
      expect(ids(await r.where({ g: 'x', s: null }).get())).toEqual([]);
    } finally {
      h.close();
    }
  });

  it('a store that recorded only that an index is multikey treats every key as an array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-multikey-'));
    try {
      let e = openEngine({ dataDir: dir });
      e.ensureIndexes(spec);
      await e.send('database.insertDocument', { collectionName: 'r', data: ['{"_id":"a","g":["x","y"],"s":1}'] });
      expect(e.explain('r', { g: 'x' }, [['s', 1]]).ordered).toBe(true);
      e.engine.db.exec('UPDATE _indexes SET array_keys = NULL');
      e.close();
      e = openEngine({ dataDir: dir });
      expect(e.explain('r', { g: 'x' }, [['s', 1]]).ordered).toBe(false);
      e.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('string equalities checked on the stored JSON first', () => {
  it('keep exactly the documents the evaluator keeps, through arrays along the path', async () => {
    const { Query } = require('mingo');
    const e = openEngine({ dataDir: ':memory:' });
    e.ensureIndexes({ collections: [{ name: 's', indexes: [{ name: 'g_1', keys: { g: 1 } }] }] });
    try {
      const leaf = fc.oneof(fc.constantFrom('x', 'y', '', 'é', 5, null, true), fc.constant(['x', 'z']), fc.constant([]));
      const inner = fc.oneof(leaf, fc.record({ c: leaf }, { requiredKeys: [] }), fc.array(fc.record({ c: leaf }, { requiredKeys: [] }), { maxLength: 2 }));
      const doc = fc.record({ g: fc.constantFrom('g1', 'g2'), a: fc.oneof(inner, fc.record({ b: inner }, { requiredKeys: [] }), fc.array(fc.record({ b: inner }), { maxLength: 2 })) }, { requiredKeys: ['g'] });
      const value = fc.constantFrom('x', 'y', 'é', '');
      const cond = fc.oneof(
        fc.tuple(fc.constantFrom('a', 'a.c', 'a.b', 'a.b.c'), value).map(([f, v]) => ({ [f]: v })),
        fc.tuple(fc.constantFrom('a.c', 'a.b.c'), value).map(([f, v]) => ({ g: 'g1', [f]: { $eq: v } })),
      );
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(doc, { maxLength: 12 }), cond, fc.constantFrom<[string, 1 | -1][]>([], [['_id', 1]]), async (ds, c, o) => {
          round++;
          await e.send('database.removeDocument', { collectionName: 's', query: '{}', queryType: 'WHERE', multi: true });
          const docs = ds.map((d, i) => ({ _id: `${round}-${String(i).padStart(2, '0')}`, ...d }));
          if (docs.length) e.engine.db.transaction(() => e.engine.store.insertMany('s', docs))();
          const got = e.engine.find('s', c, o, 0, 1000).map((r) => r.doc._id).sort();
          const want = new Query(c).find(docs).all().map((d: { _id: string }) => d._id).sort();
          expect(got).toEqual(want);
        }),
        { numRuns: 200 },
      );
      expect(e.explain('s', { g: 'g1', 'a.c': 'x' }).sql).toContain('->>');
    } finally {
      e.close();
    }
  });
});

describe('indexes never change results', () => {
  it('random filters and sorts give the same documents with and without indexes', async () => {
    const plain = openEngine({ dataDir: ':memory:' });
    const indexed = openEngine({ dataDir: ':memory:' });
    indexed.ensureIndexes({
      collections: [{ name: 'r', indexes: [{ name: 'a_1_b_-1', keys: { a: 1, b: -1 } }, { name: 'tags_1', keys: { tags: 1 } }, { name: 'd_1', keys: { d: 1 } },
        { name: 'tags_1_b_-1__id_1', keys: { tags: 1, b: -1, _id: 1 } }, { name: 'a_1_tags_-1__id_1', keys: { a: 1, tags: -1, _id: 1 } }] }],
    });
    try {
      const value = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('x', 'y', null), fc.integer({ min: 0, max: 3 }).map((n) => new Date(n * 1000)));
      const docs = fc.array(fc.record({ a: value, b: value, d: value, tags: fc.array(fc.constantFrom('p', 'q', 'r'), { maxLength: 3 }) }, { requiredKeys: ['tags'] }), { maxLength: 25 });
      const cond = fc.oneof(
        value.map((v) => ({ a: v })),
        fc.tuple(value, value).map(([v, w]) => ({ a: v, b: { $gte: w } })),
        fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => ({ a: { $in: vs } })),
        fc.constantFrom('p', 'q').map((t) => ({ tags: t })),
        fc.tuple(value, value).map(([v, w]) => ({ d: { $gt: v, $lte: w } })),
        fc.integer({ min: 0, max: 4 }).map((n) => ({ $and: [{ a: { $gte: n } }, { a: { $lt: n + 2 } }] })),
        fc.tuple(value, fc.constantFrom('p', 'q', 'r')).map(([v, t]) => ({ a: v, tags: { $in: [t, null] } })),
        fc.constantFrom('p', 'q').map((t) => ({ tags: { $gt: t, $lte: 'r' } })),
        fc.tuple(fc.constantFrom('p', 'q'), value).map(([t, w]) => ({ tags: { $all: [t] }, b: { $lte: w } })),
        fc.tuple(value, value).map(([v, w]) => ({ $or: [{ a: v }, { d: { $gte: w } }] })),
      );
      const order = fc.constantFrom<[string, 1 | -1][]>([], [['b', -1]], [['a', 1], ['b', -1]], [['d', 1]], [['tags', -1]], [['b', 1]]);
      let round = 0;
      await fc.assert(
        fc.asyncProperty(docs, cond, order, async (ds, c, o) => {
          const coll = `r`;
          round++;
          for (const e of [plain, indexed]) {
            await e.send('database.removeDocument', { collectionName: coll, query: '{}', queryType: 'WHERE', multi: true }).catch(() => undefined);
            // Created even for an empty round: a never-created collection does not exist (CloudBase's rule).
            e.engine.store.createCollection(coll);
            const docs = ds.map((d, i) => ({ _id: `${round}-${i}`, ...d }));
            // One engine writes row by row, the other in bulk (sorted index entries, many rows per statement).
            if (e === plain) for (const d of docs) e.engine.store.insert(coll, d);
            else if (docs.length) e.engine.db.transaction(() => e.engine.store.insertMany(coll, docs))();
          }
          const withOrder = [...o, ['_id', 1] as [string, 1]];
          const a = plain.engine.find(coll, c, withOrder, 0, 1000).map((r) => r.doc._id);
          const b = indexed.engine.find(coll, c, withOrder, 0, 1000).map((r) => r.doc._id);
          expect(b).toEqual(a);
          const query = EJSON.stringify(c, { relaxed: false });
          const [na, nb] = await Promise.all([plain, indexed].map((e) => e.send('database.calculateDocument', { collectionName: coll, query })));
          expect(nb.data.total).toBe(a.length);
          expect(na.data.total).toBe(a.length);
        }),
        { numRuns: 120 },
      );
    } finally {
      plain.close();
      indexed.close();
    }
  });
});
