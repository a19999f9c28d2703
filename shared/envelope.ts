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

/**
 * The finer reasons a failure may carry beside its code, `<WORD>.<WHAT>`, one list for every function, so
 * a reason the client or a test looks for cannot be misspelt (each has its user sentence in
 * shared/domain/labels.ts, ERROR_REASON_SENTENCES).
 */
export const ERROR_REASONS = [
  'CONSOLE.ROLE_NOT_ALLOWED',
  'CONSOLE.SCAN_REQUIRED',
  'CONSOLE.TICKET_EXPIRED',
  'CONSOLE.TICKET_NOT_FOUND',
  'CONSOLE.TICKET_RATE',
  'CONSOLE.TICKET_REVOKED',
  'CONSOLE.TICKET_USED',
  'DB.CONFLICT',
  'FILE.MISSING',
  'FILE.NOT_OWN',
  'IMPORT.APPLIED',
  'IMPORT.BAD_ENCODING',
  'IMPORT.BAD_FORMAT',
  'IMPORT.DISCARDED',
  'IMPORT.DUPLICATE_COLUMN',
  'IMPORT.EMPTY',
  'IMPORT.FAILED',
  'IMPORT.FILE_MISSING',
  'IMPORT.JOB_ID_TAKEN',
  'IMPORT.NOT_FOUND',
  'IMPORT.RUNNING',
  'IMPORT.SUPERSEDED',
  'IMPORT.TOO_MANY_ROWS',
  'IMPORT.WRONG_COLUMNS',
  'JOB.ID_TAKEN',
  'JOB.NOT_FOUND',
  'MARKET.BRANCH_REQUIRED',
  'MARKET.GRID_OUTSIDE_BRANCH',
  'MARKET.NOT_FOUND',
  'MARKET.OTHER_GRID',
  'MARKETING.NOT_A_GAP',
  'MARKETING.NO_GAP',
  'MERCHANT.ARCHIVED',
  'MERCHANT.ARCHIVE_DAY',
  'MERCHANT.DUPLICATE',
  'MERCHANT.EXISTS',
  'MERCHANT.GRID_MISMATCH',
  'MERCHANT.GRID_REQUIRED',
  'MERCHANT.ID_TAKEN',
  'MERCHANT.NOT_ARCHIVED',
  'MERCHANT.NOT_FOUND',
  'MERCHANT.NO_GRID_FOR_LOCATION',
  'MERCHANT.SAME_GRID',
  'MERCHANT.TRANSFER_ID_TAKEN',
  'MERCHANT.TRANSFER_REASON_REQUIRED',
  'MERCHANT.VERSION',
  'NOTICE.ID_TAKEN',
  'NOTICE.NOT_FOUND',
  'PHOTO.STAMP_PLACE',
  'PHOTO.STAMP_STAFF',
  'PHOTO.STAMP_TIME',
  'PI.NOT_ENTITLED',
  'PLACEMENT.NOT_PENDING',
  'PI.PROBE_QUOTA',
  'ROLE.NOT_ALLOWED',
  'SCOPE.OTHER_GRID',
  'SCOPE.OUTSIDE',
  'STAFF.ACTIVE',
  'STAFF.ALREADY_BOUND',
  'STAFF.DISABLED',
  'STAFF.GRIDS_NOT_ALLOWED',
  'STAFF.GRID_OUTSIDE_BRANCH',
  'STAFF.ID_TAKEN',
  'STAFF.MOBILE_TAKEN',
  'STAFF.NOT_BOUND',
  'STAFF.NOT_FOUND',
  'STAFF.ROLE_ABOVE_OWN',
  'STAFF.ROLE_UNIT_MISMATCH',
  'STAFF.SELF',
  'TARGET.OVER_PARENT',
  'TASK.ASSIGNEE_NOT_IN_GRID',
  'TASK.CLOSED',
  'TASK.CLOSE_BY_VISIT',
  'TASK.ID_TAKEN',
  'TASK.NOTHING_PENDING',
  'TASK.NOT_ASSIGNEE',
  'TASK.NOT_FOR_MERCHANT',
  'TASK.NOT_FOUND',
  'TASK.REASON_REQUIRED',
  'TASK.UNIT_WITH_MINE',
  'UNIT.AREA_INHERITED',
  'UNIT.AREA_REQUIRED',
  'UNIT.BAD_PARENT',
  'UNIT.BOUNDARY_GRID_ONLY',
  'UNIT.BOUNDARY_LEAVES_MERCHANTS',
  'UNIT.BOUNDARY_OVERLAP',
  'UNIT.BOUNDARY_SELF_CROSSING',
  'UNIT.NOT_FOUND',
  'UNIT.NOT_GRID',
  'USER.ALREADY_BOUND',
  'USER.BIND_BUSY',
  'USER.BIND_CODE_INVALID',
  'USER.BIND_CODE_USED',
  'USER.BIND_LOCKED',
  'USER.DISABLED',
  'USER.NOT_BOUND',
  'USER.NO_OPENID',
  'VISIT.EXISTS',
  'VISIT.FUTURE',
  'VISIT.ID_TAKEN',
  'VISIT.NOT_FOUND',
  'VISIT.TOO_OLD',
  'WECHAT_GROUP.ID_TAKEN',
  'WECHAT_GROUP.NOT_FOUND',
  'WECHAT_GROUP.OTHER_GRID',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** One problem with one input field; `field` is a dotted path such as `operator.mobile`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** A finer reason such as `MERCHANT.DUPLICATE`, and the field issues of a VALIDATION error. */
  reason?: ErrorReason;
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
