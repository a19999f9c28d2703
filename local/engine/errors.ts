/**
 * The errors CloudBase's database service answers with. The client (node-sdk) turns an answer carrying
 * `code` into a thrown error with `code`, `message` and `requestId`; wx-server-sdk then maps the code to
 * its numeric errCode (DATABASE_REQUEST_FAILED → -502001, ...). The engine throws the same shape.
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
