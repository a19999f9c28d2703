/** The one answer shape every cloud function returns (architecture: "one envelope"). */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field; `field` is a dotted path such as `operator.mobile`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** A finer reason such as `MERCHANT.DUPLICATE`, and the field issues of a VALIDATION error. */
  reason?: string;
  details?: { issues?: FieldIssue[]; [key: string]: unknown };
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Wraps a result in the success envelope. */
export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

/** Builds the failure envelope. */
export function fail(code: ErrorCode, message: string, extra: Omit<ErrorBody, 'code' | 'message'> = {}): Envelope<never> {
  return { ok: false, error: { code, message, ...extra } };
}
