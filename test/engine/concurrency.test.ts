/**
 * Transactions under concurrency, as CloudBase runs them. Sources: TencentCloudBase/node-sdk
 * test/database/unit/transaction.test.ts (run against the service: '冲突检测', '读快照', '读偏', '事务提交后,
 * 不能进行其它操作', and the note that MongoDB rolls a conflicting transaction back itself); the MongoDB manual,
 * "Transactions and Read Concern" (reads see the snapshot) and "In-progress Transactions and Write Conflicts"
 * (a second writer fails at once). Errors are asserted as function code sees them through wx-server-sdk.
 */
import { MAX_TRANSACTION_WRITES, TRANSACTION_LIFETIME_MS } from '../../local/engine';
import { inTransaction } from '../../server/tx';
import { openHarness, rejection, type Harness } from './helpers';

const CONFLICT = /^document\.(update|set|remove):fail -501001 resource system error\. \[ResourceUnavailable\.TransactionConflict\] Transaction is conflict, maybe resource operated by others\./;
const NOT_EXIST = '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.';

let h: Harness;
let now: number;
async function open(): Promise<void> {
  h = openHarness(':memory:', { now: () => now });
  await h.db.collection('account').add({ data: [{ _id: 'aaa', amount: 100 }, { _id: 'bbb', amount: 0 }] });
}
beforeEach(async () => {
  now = Date.UTC(2025, 6, 1);
  await open();
});
afterEach(() => h.close());

/** A document's amount read outside any transaction (undefined: no such document). */
const amount = async (id: string) => (await h.db.collection('account').where({ _id: id }).get()).data[0]?.amount;
const doc = (tx: any, id: string) => tx.collection('account').doc(id);

describe('two transactions writing one document', () => {
  it('the second writer fails at once with TransactionConflict; the first commits (first writer wins, no waiting)', async () => {
    const t1 = await h.db.startTransaction();
    const t2 = await h.db.startTransaction();
    await doc(t1, 'aaa').update({ data: { amount: h._.inc(1) } });
    const err = await rejection(doc(t2, 'aaa').update({ data: { amount: h._.inc(2) } }));
    expect(err.errCode).toBe(-501001);
    expect(err.errMsg).toMatch(CONFLICT);
    await t1.commit();
    expect(await amount('aaa')).toBe(101);
  });

  it('the loser is gone: MongoDB rolled it back, so its commit and its rollback answer TransactionNotExist', async () => {
    const t1 = await h.db.startTransaction();
    const t2 = await h.db.startTransaction();
    await doc(t2, 'bbb').update({ data: { amount: 7 } });
    await doc(t1, 'aaa').remove();
    await rejection(doc(t2, 'aaa').set({ data: { amount: 0 } }));
    // wx-server-sdk hands commit and rollback errors on as node-sdk throws them: code and message.
    expect(await rejection(t2.commit())).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST });
    expect(await rejection(t2.rollback())).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST });
    await t1.commit();
    expect(await amount('aaa')).toBeUndefined();
    expect(await amount('bbb')).toBe(0);
  });

  it('two functions racing through inTransaction both land, one retried after the conflict', async () => {
    let runs = 0;
    const bump = (by: number) => inTransaction(h.db, async (tx: any) => {
      runs++;
      const a = (await doc(tx, 'aaa').get()).data;
      await new Promise((r) => setTimeout(r, 5));
      await doc(tx, 'aaa').update({ data: { amount: a.amount + by } });
    });
    await Promise.all([bump(1), bump(10)]);
    expect(await amount('aaa')).toBe(111);
    expect(runs).toBeGreaterThan(2);
  });
});

describe('the snapshot', () => {
  it('is taken at the first operation, not at startTransaction', async () => {
    const tx = await h.db.startTransaction();
    await h.db.collection('account').doc('aaa').update({ data: { amount: 5 } });
    expect((await doc(tx, 'aaa').get()).data.amount).toBe(5);
    await doc(tx, 'aaa').update({ data: { amount: 6 } });
    await tx.commit();
    expect(await amount('aaa')).toBe(6);
  });

  it('answers every read, documents not yet read included, as it was at the first operation (read skew, 读偏)', async () => {
    const tx = await h.db.startTransaction();
    expect((await doc(tx, 'aaa').get()).data.amount).toBe(100);
    await h.db.collection('account').doc('aaa').set({ data: { amount: 1 } });
    await h.db.collection('account').doc('bbb').set({ data: { amount: 2 } });
    await h.db.collection('account').add({ data: { _id: 'ccc', amount: 3 } });
    await h.db.collection('account').doc('bbb').remove();
    expect((await doc(tx, 'aaa').get()).data.amount).toBe(100);
    expect((await doc(tx, 'bbb').get()).data.amount).toBe(0);
    // wx-server-sdk's doc().get() rejects for a missing document unless throwOnNotFound is false.
    expect((await rejection(doc(tx, 'ccc').get())).errMsg).toMatch(/document with _id ccc does not exist/);
    await tx.rollback();
  });

  it('a plain write that overtook the snapshot makes the transaction\'s write to that document fail at once', async () => {
    const tx = await h.db.startTransaction();
    const seen = (await doc(tx, 'aaa').get()).data.amount;
    await h.db.collection('account').doc('aaa').update({ data: { amount: h._.inc(-30) } });
    const err = await rejection(doc(tx, 'aaa').update({ data: { amount: seen - 10 } }));
    expect(err.errMsg).toMatch(CONFLICT);
    expect(await amount('aaa')).toBe(70);
    // Documents nobody changed stay writable until then; after the conflict the transaction is gone.
    expect((await rejection(doc(tx, 'bbb').update({ data: { amount: 1 } }))).errMsg).toContain(NOT_EXIST);
  });

  it('another transaction\'s commit after the snapshot conflicts the same way, though never read', async () => {
    const t1 = await h.db.startTransaction();
    await doc(t1, 'bbb').get();
    const t2 = await h.db.startTransaction();
    await doc(t2, 'aaa').update({ data: { amount: 1 } });
    await t2.commit();
    expect((await rejection(doc(t1, 'aaa').update({ data: { amount: 2 } }))).errMsg).toMatch(CONFLICT);
    expect(await amount('aaa')).toBe(1);
  });

  it('a document created after the snapshot cannot be inserted by the transaction (conflict, not an overwrite)', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').get();
    await h.db.collection('account').add({ data: { _id: 'new', amount: 1 } });
    const err = await rejection(tx.collection('account').add({ data: { _id: 'new', amount: 2 } }));
    expect(err.errMsg).toContain('[ResourceUnavailable.TransactionConflict]');
    expect(await amount('new')).toBe(1);
  });

  it('documents a batch add created after the snapshot are not in it, and the transaction cannot write them', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').get();
    const { _ids: ids } = await h.db.collection('account').add({ data: [{ amount: 5 }, { amount: 6 }, { _id: 'ccc', amount: 7 }] });
    expect(ids).toHaveLength(3);
    // The snapshot predates them: the transaction reads none of them.
    for (const id of ids) expect((await rejection(doc(tx, id).get())).errMsg).toMatch(/^document\.get:fail document with _id .* does not exist$/);
    expect((await rejection(doc(tx, ids[0]).set({ data: { amount: 1 } }))).errMsg).toMatch(CONFLICT);
    expect(await amount(ids[0])).toBe(5);
  });

  it('a document a batch add created after the snapshot stays absent in it, however it changes afterwards', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').get();
    await h.db.collection('account').add({ data: [{ _id: 'ccc', amount: 1 }, { _id: 'ddd', amount: 2 }] });
    await h.db.collection('account').doc('ccc').update({ data: { amount: 10 } });
    await h.db.collection('account').doc('ddd').remove();
    // The batch came first: the later changes' previous versions are not what the snapshot saw.
    for (const id of ['ccc', 'ddd']) expect((await rejection(doc(tx, id).get())).errMsg).toMatch(/does not exist$/);
    expect((await rejection(doc(tx, 'ddd').set({ data: { amount: 3 } }))).errMsg).toMatch(CONFLICT);
    expect(await amount('ccc')).toBe(10);
    expect(await amount('ddd')).toBeUndefined();
  });

  it('a document removed after the snapshot and added again by a batch reads as the snapshot saw it', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'bbb').get();
    await h.db.collection('account').doc('aaa').remove();
    await h.db.collection('account').add({ data: [{ _id: 'aaa', amount: 1 }, { _id: 'eee', amount: 2 }] });
    expect((await doc(tx, 'aaa').get()).data.amount).toBe(100);
    expect((await rejection(doc(tx, 'aaa').update({ data: { amount: 5 } }))).errMsg).toMatch(CONFLICT);
    expect(await amount('aaa')).toBe(1);
  });

  it('batch adds made before a transaction\'s snapshot do not concern it, while an older snapshot stays open', async () => {
    const t1 = await h.db.startTransaction();
    await doc(t1, 'bbb').get();
    await h.db.collection('account').add({ data: [{ _id: 'fff', amount: 1 }, { _id: 'ggg', amount: 2 }] });
    const t2 = await h.db.startTransaction();
    expect((await doc(t2, 'fff').get()).data.amount).toBe(1);
    await doc(t2, 'ggg').update({ data: { amount: 20 } });
    await t2.commit();
    expect(await amount('ggg')).toBe(20);
    expect((await rejection(doc(t1, 'fff').get())).errMsg).toMatch(/does not exist$/);
    await t1.rollback();
  });

  it('a plain write to a document the open transaction wrote makes its commit fail with a conflict', async () => {
    // MongoDB would hold the plain write until the transaction ends; the engine lets it through and fails the
    // transaction instead (local/engine/README.md), so the product never relies on either order.
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').update({ data: { amount: 1 } });
    await h.db.collection('account').doc('aaa').update({ data: { amount: 2 } });
    expect(await rejection(tx.commit())).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(await amount('aaa')).toBe(2);
  });
});

describe('a transaction outliving 30 s', () => {
  it('lives 30 s (CloudBase: "transaction must be commit or abort in 30 seconds")', () => {
    expect(TRANSACTION_LIFETIME_MS).toBe(30_000);
  });

  it('commits just inside its lifetime', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').update({ data: { amount: 1 } });
    now += TRANSACTION_LIFETIME_MS;
    await tx.commit();
    expect(await amount('aaa')).toBe(1);
  });

  it('past it, later operations, the commit and the rollback answer TransactionNotExist, and nothing is applied', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').update({ data: { amount: 1 } });
    await tx.collection('account').add({ data: { _id: 'ccc', amount: 3 } });
    now += TRANSACTION_LIFETIME_MS + 1;
    const op = await rejection(doc(tx, 'bbb').get());
    expect(op.errCode).toBe(-501001);
    expect(op.errMsg).toBe(`document.get:fail -501001 resource system error. ${NOT_EXIST}`);
    expect(await rejection(tx.commit())).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST });
    expect(await rejection(tx.rollback())).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST });
    expect(await amount('aaa')).toBe(100);
    expect(await amount('ccc')).toBeUndefined();
  });

  it('past it, what it held is free for others', async () => {
    const tx = await h.db.startTransaction();
    await doc(tx, 'aaa').update({ data: { amount: 1 } });
    now += TRANSACTION_LIFETIME_MS + 1;
    await h.db.runTransaction(async (t: any) => {
      await doc(t, 'aaa').update({ data: { amount: 2 } });
    });
    expect(await amount('aaa')).toBe(2);
  });
});

describe('a transaction writing too many documents', () => {
  const writeMany = (n: number) => h.db.runTransaction(async (tx: any) => {
    for (let i = 0; i < n; i++) await tx.collection('log').add({ data: { _id: `l${i}`, i } });
  }, 0);

  it(`${MAX_TRANSACTION_WRITES} written documents commit`, async () => {
    h.close();
    await open();
    await writeMany(MAX_TRANSACTION_WRITES);
    expect((await h.db.collection('log').count()).total).toBe(MAX_TRANSACTION_WRITES);
  });

  it('one more drops the transaction as CloudBase drops it (TransactionNotExist with the 30 s message), nothing applied', async () => {
    h.close();
    await open();
    const err = await rejection(writeMany(MAX_TRANSACTION_WRITES + 1));
    expect(err.errCode).toBe(-501001);
    expect(err.errMsg).toBe(`collection.add:fail -501001 resource system error. ${NOT_EXIST}`);
    expect((await h.db.collection('log').count()).total).toBe(0);
  });

  it('writing one document again does not count twice', async () => {
    h.close();
    await open();
    await h.db.runTransaction(async (tx: any) => {
      for (let i = 0; i < MAX_TRANSACTION_WRITES * 2; i++) await doc(tx, 'aaa').update({ data: { amount: i } });
    }, 0);
    expect(await amount('aaa')).toBe(MAX_TRANSACTION_WRITES * 2 - 1);
  });

  it('is always on: a fresh engine with no options drops a transaction of more', async () => {
    const err = await rejection(writeMany(MAX_TRANSACTION_WRITES + 5));
    expect(err.errMsg).toContain('[ResourceUnavailable.TransactionNotExist]');
    expect((await h.db.collection('log').count()).total).toBe(0);
  });
});

describe('single-document operations only', () => {
  it('where().get() and aggregate() sent with the transaction are refused', async () => {
    const tx = await h.db.startTransaction();
    expect((await rejection(tx.collection('account').where({ amount: 100 }).get())).errCode).toBe(-502001);
    await tx.rollback();
  });

  it('count() and where().update() are sent without the transaction id by the SDK, so they run outside it (a rollback does not undo them)', async () => {
    const tx = await h.db.startTransaction();
    await tx.collection('account').where({ _id: 'bbb' }).update({ data: { amount: 9 } });
    expect((await tx.collection('account').count()).total).toBe(2);
    await tx.rollback();
    expect(await amount('bbb')).toBe(9);
  });
});
