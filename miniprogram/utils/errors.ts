import { errorSentence, type ErrorBody, type ErrorReason, type FieldIssue } from '../vendor/shared';

export { fieldLabel } from '../vendor/shared';

/** A failed call: the server's error envelope, or NETWORK when the request never got an answer. */
export class ServiceError extends Error {
  readonly code: ErrorBody['code'] | 'NETWORK';
  readonly reason?: ErrorReason;
  readonly issues: FieldIssue[];
  readonly details?: ErrorBody['details'];

  constructor(body: { code: ErrorBody['code'] | 'NETWORK'; message: string; reason?: ErrorReason; details?: ErrorBody['details'] }) {
    super(body.message);
    this.code = body.code;
    this.reason = body.reason;
    this.details = body.details;
    this.issues = body.details?.issues ?? [];
  }

  /** True when sending again later may succeed (no answer, server busy or failing). */
  get isRetryable(): boolean {
    return this.code === 'NETWORK' || this.code === 'RATE_LIMITED' || this.code === 'INTERNAL';
  }
}

/** The sentence for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof ServiceError) {
    if (err.code === 'NETWORK') return '网络不可用，请检查网络后重试。';
    return errorSentence({ code: err.code, message: err.message, reason: err.reason, details: err.details });
  }
  return '出了点问题，请稍后重试。';
}

/** Field → message map of a validation error, for marking form fields. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ServiceError) for (const issue of err.issues) out[issue.field] = issue.message;
  return out;
}
