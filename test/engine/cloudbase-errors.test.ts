/**
 * CloudBase's errors as function code sees them through wx-server-sdk: the engine answers what the service
 * answers (`{ code, message }`), node-sdk throws it, wx-server-sdk maps the code to errCode and prefixes errMsg.
 * Each expectation cites where the service's answer was seen (local/engine/README.md, "Errors").
 */
import { isDuplicateKey, isWriteConflict } from '../../server/tx';
import { openHarness, rejection, type Harness } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = openHarness();
  h.engine.ensureIndexes({ collections: [{ name: 'people', indexes: [{ name: 'code_1', keys: { code: 1 }, unique: true }] }] });
  await h.db.collection('people').add({ data: [{ _id: 'p1', code: 'A' }, { _id: 'p2', code: 'B' }] });
});
afterEach(() => h.close());

const TAIL = 'Please check your request, but if the problem persists, contact us.';

describe('a collection never created (DATABASE_COLLECTION_NOT_EXIST, wx-server-sdk -502005)', () => {
  // Seen from CloudBase: "collection.get:fail -502005 database collection not exists. [ResourceNotFound] Db or
  // Table not exist: x." (quoted in public WeChat cloud projects); writes fail the same way ("collection.add:fail -502005").
  it.each([
    ['collection.get', () => h.db.collection('never').get()],
    ['collection.count', () => h.db.collection('never').count()],
    ['collection.add', () => h.db.collection('never').add({ data: { a: 1 } })],
    ['collection.update', () => h.db.collection('never').where({ a: 1 }).update({ data: { a: 2 } })],
    ['collection.remove', () => h.db.collection('never').where({ a: 1 }).remove()],
    ['document.get', () => h.db.collection('never').doc('x').get()],
    ['document.set', () => h.db.collection('never').doc('x').set({ data: { a: 1 } })],
  ])('%s fails with errCode -502005', async (api, call) => {
    const err = await rejection(call());
    expect(err.errCode).toBe(-502005);
    expect(err.errMsg).toBe(`${api}:fail -502005 database collection not exists. [ResourceNotFound] Db or Table not exist: never. ${TAIL}`);
  });

  it('an aggregate over it fails with node-sdk\'s error itself, errCode -1 (wx-server-sdk passes an Error thrown by end() through toSDKError)', async () => {
    const err = await rejection(h.db.collection('never').aggregate().match({}).end());
    expect(err.errCode).toBe(-1);
    expect(err.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(err.errMsg).toBe(`collection.aggregate:fail [ResourceNotFound] Db or Table not exist: never. ${TAIL}`);
  });

  it('createCollection makes it exist', async () => {
    await h.db.createCollection('never');
    expect((await h.db.collection('never').get()).data).toEqual([]);
  });
});

describe('a repeated _id or unique key (DATABASE_REQUEST_FAILED, wx-server-sdk -502001, E11000 inside)', () => {
  it('an add answers "[FailedOperation.Insert] bulk write error: [{E11000 ...}]" (a CloudBase PoC report, node-sdk 3.18.3)', async () => {
    const err = await rejection(h.db.collection('people').add({ data: { _id: 'p1', code: 'Z' } }));
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toBe('collection.add:fail -502001 database request fail. [FailedOperation.Insert] bulk write error: [{E11000 duplicate key error collection: people index: _id_ dup key: { _id: "p1" }}]');
    expect(isDuplicateKey(err)).toBe(true);
    expect(isWriteConflict(err)).toBe(false);
  });

  it('an update answers "[FailedOperation] multiple write errors: [{write errors: [{...}]}, {<nil>}]" (seen from CloudBase on a failed update)', async () => {
    const err = await rejection(h.db.collection('people').doc('p2').update({ data: { code: 'A' } }));
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toBe('document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{E11000 duplicate key error collection: people index: code_1 dup key: { code: "A" }}]}, {<nil>}]');
    expect(isDuplicateKey(err)).toBe(true);
  });

  it('a unique index counts a missing field as null, so a second document without it is a duplicate (MongoDB manual, "Unique Indexes: Missing Document Field")', async () => {
    await h.db.collection('people').add({ data: { _id: 'p3' } });
    const err = await rejection(h.db.collection('people').add({ data: { _id: 'p4' } }));
    expect(err.errMsg).toContain('E11000 duplicate key error collection: people index: code_1 dup key: { code: null }');
    const nul = await rejection(h.db.collection('people').add({ data: { _id: 'p5', code: null } }));
    expect(isDuplicateKey(nul)).toBe(true);
  });

  it('inside a transaction, a repeated _id fails the add; through runTransaction function code gets the same shape', async () => {
    const err = await rejection(h.db.runTransaction(async (tx: any) => {
      await tx.collection('people').add({ data: { _id: 'p1', code: 'Q' } });
    }, 0));
    expect(err.errCode).toBe(-502001);
    expect(isDuplicateKey(err)).toBe(true);
  });

  it('a unique key repeated by a transaction fails its commit with the update form, as node-sdk throws it', async () => {
    const tx = await h.db.startTransaction();
    await tx.collection('people').add({ data: { _id: 'p9', code: 'A' } });
    const err = await rejection(tx.commit());
    expect(err).toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect(err.message).toMatch(/^\[FailedOperation\] multiple write errors: \[\{write errors: \[\{E11000 duplicate key error/);
    expect(isDuplicateKey(err)).toBe(true);
  });
});

describe('what server/tx.ts recognises', () => {
  it('a conflict from an operation (errCode -501001, TransactionConflict) and from a commit (code)', () => {
    const op = { errCode: -501001, errMsg: 'document.update:fail -501001 resource system error. [ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ' + TAIL };
    expect(isWriteConflict(op)).toBe(true);
    expect(isWriteConflict({ code: 'DATABASE_TRANSACTION_CONFLICT', message: '[ResourceUnavailable.TransactionConflict] ...' })).toBe(true);
  });

  it('nothing else: another -501001, TransactionNotExist, a message that merely mentions a conflict', () => {
    expect(isWriteConflict({ errCode: -501001, errMsg: 'document.get:fail -501001 resource system error. [ResourceUnavailable.TransactionNotExist] ...' })).toBe(false);
    expect(isWriteConflict({ code: 'DATABASE_TRANSACTION_FAIL', message: 'write conflict' })).toBe(false);
    expect(isWriteConflict(new Error('WriteConflict'))).toBe(false);
    expect(isDuplicateKey({ errCode: -502001, errMsg: 'database request fail. duplicate' })).toBe(false);
    expect(isDuplicateKey({ code: 'DATABASE_DUPLICATE_WRITE', message: 'x' })).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
