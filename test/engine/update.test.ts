/**
 * Every update command of db.command, with the results MongoDB documents for the operator it sends:
 * set, remove, inc, mul, min, max, rename, push (each/position/slice/sort), pop, shift, unshift, pull,
 * pullAll, addToSet, and serverDate in updates.
 */
import { openHarness, rejection, type Harness } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = openHarness();
  await h.db.collection('u').add({
    data: { _id: 'x', n: 10, f: 1.5, lo: 5, hi: 5, name: 'a', o: { p: 1, q: 2 }, arr: [1, 2, 3, 4], tags: ['a', 'b'], objs: [{ k: 1 }, { k: 2 }] },
  });
});
afterEach(() => h.close());

const update = (data: object) => h.db.collection('u').doc('x').update({ data });
const read = async () => (await h.db.collection('u').doc('x').get()).data;

it('set replaces a field (even an object) as a whole', async () => {
  await update({ o: h._.set({ r: 3 }) });
  expect((await read()).o).toEqual({ r: 3 });
});

it('a plain object merges while set() replaces', async () => {
  await update({ o: { r: 3 } });
  expect((await read()).o).toEqual({ p: 1, q: 2, r: 3 });
});

it('remove deletes a field and a nested field', async () => {
  await update({ name: h._.remove(), 'o.p': h._.remove() });
  const d = await read();
  expect('name' in d).toBe(false);
  expect(d.o).toEqual({ q: 2 });
});

it('inc and mul, creating a missing field as MongoDB does', async () => {
  await update({ n: h._.inc(-3), f: h._.mul(2), fresh: h._.inc(4), zero: h._.mul(5) });
  const d = await read();
  expect(d.n).toBe(7);
  expect(d.f).toBe(3);
  expect(d.fresh).toBe(4);
  expect(d.zero).toBe(0);
});

it('inc on a string fails and changes nothing', async () => {
  const err = await rejection(update({ name: h._.inc(1), n: h._.inc(1) }));
  expect(err.errMsg).toMatch(/non-numeric/);
  expect((await read()).n).toBe(10);
});

it('min and max only move toward the bound', async () => {
  await update({ lo: h._.min(3), hi: h._.max(3) });
  let d = await read();
  expect([d.lo, d.hi]).toEqual([3, 5]);
  await update({ lo: h._.min(9), hi: h._.max(9) });
  d = await read();
  expect([d.lo, d.hi]).toEqual([3, 9]);
});

it('rename moves a field', async () => {
  await update({ name: h._.rename('title') });
  const d = await read();
  expect(d.title).toBe('a');
  expect('name' in d).toBe(false);
});

it('push appends one or many', async () => {
  await update({ arr: h._.push(5) });
  expect((await read()).arr).toEqual([1, 2, 3, 4, 5]);
  await update({ arr: h._.push([6, 7]) });
  expect((await read()).arr).toEqual([1, 2, 3, 4, 5, 6, 7]);
});

it('push with position, sort and slice', async () => {
  await update({ arr: h._.push({ each: [0], position: 1 }) });
  expect((await read()).arr).toEqual([1, 0, 2, 3, 4]);
  await update({ arr: h._.push({ each: [9, -1], sort: -1, slice: 3 }) });
  expect((await read()).arr).toEqual([9, 4, 3]);
  await update({ objs: h._.push({ each: [{ k: 0 }], sort: { k: 1 } }) });
  expect((await read()).objs).toEqual([{ k: 0 }, { k: 1 }, { k: 2 }]);
});

it('pop removes the last, shift the first, unshift prepends', async () => {
  await update({ arr: h._.pop() });
  expect((await read()).arr).toEqual([1, 2, 3]);
  await update({ arr: h._.shift() });
  expect((await read()).arr).toEqual([2, 3]);
  await update({ arr: h._.unshift([7, 8]) });
  expect((await read()).arr).toEqual([7, 8, 2, 3]);
});

it('pull by value and by condition, pullAll by values', async () => {
  await update({ arr: h._.pull(h._.gt(2)) });
  expect((await read()).arr).toEqual([1, 2]);
  await update({ tags: h._.pull('a') });
  expect((await read()).tags).toEqual(['b']);
  await update({ objs: h._.pull({ k: 1 }) });
  expect((await read()).objs).toEqual([{ k: 2 }]);
  await update({ arr: h._.pullAll([1, 2]) });
  expect((await read()).arr).toEqual([]);
});

it('addToSet adds only values not present (one and each)', async () => {
  await update({ tags: h._.addToSet('a') });
  expect((await read()).tags).toEqual(['a', 'b']);
  await update({ tags: h._.addToSet('c') });
  expect((await read()).tags).toEqual(['a', 'b', 'c']);
  await update({ tags: h._.addToSet({ each: ['b', 'd', 'd'] }) });
  expect((await read()).tags).toEqual(['a', 'b', 'c', 'd']);
});

it('array commands on a non-array fail', async () => {
  const err = await rejection(update({ name: h._.push(1) }));
  expect(err.errMsg).toMatch(/must be an array/);
});

it('serverDate sets the server time, with an offset', async () => {
  const before = Date.now();
  await update({ at: h.db.serverDate(), soon: h.db.serverDate({ offset: -1000 }) });
  const d = await read();
  expect(d.at).toBeInstanceOf(Date);
  expect(d.at.getTime()).toBeGreaterThanOrEqual(before);
  expect(d.at.getTime() - d.soon.getTime()).toBe(1000);
});

it('dotted paths reach into array elements', async () => {
  await update({ 'objs.1.k': 20, 'arr.0': 100 });
  const d = await read();
  expect(d.objs).toEqual([{ k: 1 }, { k: 20 }]);
  expect(d.arr[0]).toBe(100);
});

it('an unknown update operator is refused', async () => {
  const err = await rejection(
    h.engine.send('database.modifyDocument', { collectionName: 'u', query: '{"_id":"x"}', queryType: 'DOC', data: '{"$frob":{"n":1}}', merge: true }),
  );
  expect(err.code).toBe('DATABASE_INVALID_OPERRATOR');
});

it('conflicting paths in one update are refused', async () => {
  const err = await rejection(update({ n: h._.inc(1), 'o.p': 1, o: h._.set({}) }));
  expect(err.errMsg).toMatch(/conflict/);
  expect((await read()).n).toBe(10);
});
