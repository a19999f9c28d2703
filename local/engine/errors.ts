/**
 * The errors CloudBase's database service answers with. The service answers `{ code, message, requestId }`;
 * node-sdk's requester throws it as a TcbError with those three fields (node-sdk src/utils/tcbapirequester.ts
 * `request` → utils.ts `processReturn`); wx-server-sdk then turns the code into its numeric errCode (its
 * TCB_ERR_CODE table: DATABASE_REQUEST_FAILED → -502001, DATABASE_COLLECTION_NOT_EXIST → -502005, any code
 * it does not list → -501001) and the message into errMsg, `<api>:fail <errCode> <text>. <message>`
 * (wx-server-sdk index.js, helper/error-checker.ts `maybeTransformError` and utils/error.ts `toSDKError`).
 * The engine throws the same `{ code, message }`, so the SDKs build the cloud's own error from it.
 * Each message below is CloudBase's, with where it was seen (local/engine/README.md lists them all).
 */
export type EngineErrorCode =
  | 'INVALID_PARAM'
  | 'DATABASE_REQUEST_FAILED'
  | 'DATABASE_INVALID_OPERRATOR'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'DATABASE_DUPLICATE_WRITE'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'DATABASE_TIMEOUT';

/** An error answer of the local database service, shaped like node-sdk's TcbError. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  requestId: string;

  constructor(code: EngineErrorCode, message: string, requestId = '') {
    super(message);
    this.name = 'TcbError';
    this.code = code;
    this.requestId = requestId;
  }
}

/** Shorthand for throwing a CloudBase error from deep inside the engine. */
export function fail(code: EngineErrorCode, message: string): never {
  throw new EngineError(code, message);
}

/** The tail CloudBase puts on its categorised messages ("[Category] text. <tail>"). */
const TAIL = 'Please check your request, but if the problem persists, contact us.';

/**
 * A write conflict between transactions, or with a write made after the transaction's snapshot.
 * Source: TencentCloudBase/node-sdk test/database/unit/transaction.test.ts ('读偏', run against the service).
 */
export const TRANSACTION_CONFLICT_MESSAGE = `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ${TAIL}`;

/**
 * A transaction the server no longer has (committed, aborted, expired, or dropped for writing too much).
 * Source: TencentCloudBase/node-sdk test/database/unit/transaction.test.ts ('事务提交后, 不能进行其它操作').
 */
export const TRANSACTION_NOT_EXIST_MESSAGE = `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. ${TAIL}`;

export function transactionConflict(): never {
  throw new EngineError('DATABASE_TRANSACTION_CONFLICT', TRANSACTION_CONFLICT_MESSAGE);
}

export function transactionNotExist(): never {
  throw new EngineError('DATABASE_TRANSACTION_FAIL', TRANSACTION_NOT_EXIST_MESSAGE);
}

/**
 * A collection that was never created, read or written (wx-server-sdk: errCode -502005,
 * "collection.get:fail -502005 database collection not exists. [ResourceNotFound] Db or Table not exist: x. ...",
 * as quoted from CloudBase in public WeChat cloud projects).
 */
export function collectionNotExist(name: string): never {
  throw new EngineError('DATABASE_COLLECTION_NOT_EXIST', `[ResourceNotFound] Db or Table not exist: ${name}. ${TAIL}`);
}

/**
 * A repeated `_id` or unique key as CloudBase answers it: code DATABASE_REQUEST_FAILED (wx-server-sdk -502001;
 * not DATABASE_DUPLICATE_WRITE, which its docs list but the service was not seen sending), MongoDB's E11000 text
 * inside CloudBase's wrapper. Seen on CloudBase: an add answers "[FailedOperation.Insert] bulk write error:
 * [{E11000 duplicate key error collection: <db>.<coll> index: <name> dup key: { ... }}]"; an update answers
 * "[FailedOperation] multiple write errors: [{write errors: [{<MongoDB error>}]}, {<nil>}]".
 * `mongo` is MongoDB's own message, as the store raises it.
 */
export function duplicateKeyAnswer(action: 'insert' | 'update', mongo: string): EngineError {
  const message = action === 'insert'
    ? `[FailedOperation.Insert] bulk write error: [{${mongo}}]`
    : `[FailedOperation] multiple write errors: [{write errors: [{${mongo}}]}, {<nil>}]`;
  return new EngineError('DATABASE_REQUEST_FAILED', message);
}
