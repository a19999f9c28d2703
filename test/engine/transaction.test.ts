/**
 * Transactions as CloudBase documents them: runTransaction (commit on return, rollback value rejected) and
 * startTransaction with commit/rollback; writes invisible until commit; concurrent writes to one document
 * abort one transaction with CloudBase's TransactionConflict (concurrency.test.ts has the rest of the rules).
 */
import { inTransaction } from '../../server/tx';
import { openHarness, rejection, type Harness } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = openHarness();
  await h.db.collection('account').add({ data: [{ _id: 'aaa', amount: 100 }, { _id: 'bbb', amount: 0 }] });
});
afterEach(() => h.close());

const amount = async (id: string) => (await h.db.collection('account').doc(id).get()).data.amount;

it('runTransaction commits every write when the callback returns, and resolves its value', async () => {
  const res = await h.db.runTransaction(async (tx: any) => {
    const a = await tx.collection('account').doc('aaa').get();
    await tx.collection('account').doc('aaa').update({ data: { amount: h._.inc(-10) } });
    await tx.collection('account').doc('bbb').update({ data: { amount: h._.inc(10) } });
    await tx.collection('log').add({ data: { _id: 'l1', what: 'transfer' } });
    return a.data.amount - 10;
  });
  expect(res).toBe(90);
  expect(await amount('aaa')).toBe(90);
  expect(await amount('bbb')).toBe(10);
  expect((await h.db.collection('log').doc('l1').get()).data.what).toBe('transfer');
});

it('a rollback inside runTransaction discards the writes and rejects with the rollback value', async () => {
  const err = await rejection(
    h.db.runTransaction(async (tx: any) => {
      await tx.collection('account').doc('aaa').update({ data: { amount: 0 } });
      await tx.rollback(-100);
    }),
  );
  expect(err).toBe(-100);
  expect(await amount('aaa')).toBe(100);
});

it('an error thrown in the callback discards the writes', async () => {
  const err = await rejection(
    h.db.runTransaction(async (tx: any) => {
      await tx.collection('account').doc('aaa').remove();
      throw new Error('boom');
    }),
  );
  expect(err.message).toBe('boom');
  expect(await amount('aaa')).toBe(100);
});

it('startTransaction: writes are invisible to others until commit, visible inside', async () => {
  const tx = await h.db.startTransaction();
  await tx.collection('account').doc('aaa').update({ data: { amount: 1 } });
  await tx.collection('account').doc('ccc').set({ data: { amount: 5 } });
  expect((await tx.collection('account').doc('aaa').get()).data.amount).toBe(1);
  expect(await amount('aaa')).toBe(100);
  expect((await h.db.collection('account').where({ _id: 'ccc' }).get()).data).toEqual([]);
  await tx.commit();
  expect(await amount('aaa')).toBe(1);
  expect(await amount('ccc')).toBe(5);
});

it('startTransaction: rollback leaves nothing', async () => {
  const tx = await h.db.startTransaction();
  await tx.collection('account').add({ data: { _id: 'ddd', amount: 1 } });
  await tx.collection('account').doc('bbb').remove();
  await tx.rollback();
  expect((await h.db.collection('account').count()).total).toBe(2);
  expect(await amount('bbb')).toBe(0);
});

it('reads inside a transaction are repeatable', async () => {
  const tx = await h.db.startTransaction();
  expect((await tx.collection('account').doc('aaa').get()).data.amount).toBe(100);
  await h.db.collection('account').doc('aaa').update({ data: { amount: 50 } });
  expect((await tx.collection('account').doc('aaa').get()).data.amount).toBe(100);
  await tx.rollback();
});

it('two transactions writing one document: the second fails with a conflict', async () => {
  const t1 = await h.db.startTransaction();
  const t2 = await h.db.startTransaction();
  await t1.collection('account').doc('aaa').update({ data: { amount: h._.inc(1) } });
  const err = await rejection(t2.collection('account').doc('aaa').update({ data: { amount: h._.inc(2) } }));
  expect(err.errMsg).toMatch(/\[ResourceUnavailable\.TransactionConflict\]/);
  await t1.commit();
  expect(await amount('aaa')).toBe(101);
});

it('a document changed outside after the transaction read it makes the write fail at once with a conflict', async () => {
  const tx = await h.db.startTransaction();
  const a = await tx.collection('account').doc('aaa').get();
  await h.db.collection('account').doc('aaa').update({ data: { amount: 0 } });
  const err = await rejection(tx.collection('account').doc('aaa').update({ data: { amount: a.data.amount - 10 } }));
  expect(err.errMsg).toMatch(/\[ResourceUnavailable\.TransactionConflict\]/);
  expect(await amount('aaa')).toBe(0);
});

it('wx-server-sdk runTransaction does not retry a conflict an operation raised (its error has errCode, not code); inTransaction does', async () => {
  let runs = 0;
  const conflicting = async (tx: any) => {
    runs++;
    const a = await tx.collection('account').doc('aaa').get();
    if (runs === 1) await h.db.collection('account').doc('aaa').update({ data: { amount: h._.inc(400) } });
    await tx.collection('account').doc('aaa').update({ data: { amount: a.data.amount + 1 } });
  };
  const err = await rejection(h.db.runTransaction(conflicting));
  expect(err.errCode).toBe(-501001);
  expect(runs).toBe(1);
  runs = 0;
  await inTransaction(h.db, conflicting);
  expect(runs).toBe(2);
  expect(await amount('aaa')).toBe(901);
});

it('a duplicate _id inside a transaction fails', async () => {
  const err = await rejection(
    h.db.runTransaction(async (tx: any) => {
      await tx.collection('account').add({ data: { _id: 'aaa', amount: 1 } });
    }),
  );
  expect(err.errMsg ?? err.message).toMatch(/duplicate key/);
  expect(await amount('aaa')).toBe(100);
});

it('where() queries are refused inside a transaction (single-document operations only)', async () => {
  const tx = await h.db.startTransaction();
  const err = await rejection(tx.collection('account').where({ amount: 100 }).get());
  expect(err.errMsg).toMatch(/not supported in a transaction/);
  await tx.rollback();
});

it('a finished transaction cannot be used again', async () => {
  const tx = await h.db.startTransaction();
  await tx.commit();
  const err = await rejection(tx.collection('account').doc('aaa').get());
  expect(err.errMsg).toMatch(/\[ResourceUnavailable\.TransactionNotExist\]/);
});
