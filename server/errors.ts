import type { ErrorCode, ErrorReason, FieldIssue } from '../shared/envelope';

/**
 * A failure the client should see as an envelope (`code`, a sentence, an optional finer `reason` such as
 * `MERCHANT.DUPLICATE`, and `details`). Anything else thrown inside a handler becomes INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly reason?: ErrorReason;
  readonly details?: { issues?: FieldIssue[]; [key: string]: unknown };

  constructor(code: ErrorCode, message: string, extra: { reason?: ErrorReason; details?: AppError['details'] } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.reason = extra.reason;
    this.details = extra.details;
  }
}

/** A VALIDATION error naming one field (dotted path), as the boundary check would. */
export function fieldError(field: string, message: string, reason?: ErrorReason, extra: Record<string, unknown> = {}): AppError {
  return new AppError('VALIDATION', `${field}: ${message}`, { reason, details: { issues: [{ field, message }], ...extra } });
}

/** FORBIDDEN with a reason code. */
export function forbidden(message = '无权访问该数据', reason: ErrorReason = 'SCOPE.OUTSIDE'): AppError {
  return new AppError('FORBIDDEN', message, { reason });
}

/** NOT_FOUND for one kind of record. */
export function notFound(what: string, reason: ErrorReason): AppError {
  return new AppError('NOT_FOUND', `${what}不存在`, { reason });
}
