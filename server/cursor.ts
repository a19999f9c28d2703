import { fieldError } from './errors';

/**
 * Opaque list cursors: the sort key and `_id` of the last row, base64url JSON. Paging continues from the
 * key with a range condition on an indexed field, never a deep `skip` (CloudBase scans skipped rows).
 */
export interface CursorKey {
  /** sort value: epoch ms of a Date field */
  k: number;
  /** `_id` of the last row, the tie-breaker */
  id: string;
}

/** Encodes the position after `row`. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor; a tampered one is a VALIDATION error on `cursor`. */
export function decodeCursor(cursor: string): CursorKey {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v.k === 'number' && Number.isFinite(v.k) && typeof v.id === 'string' && v.id.length <= 128) return { k: v.k, id: v.id };
  } catch {
    // fall through
  }
  throw fieldError('cursor', '分页游标无效');
}
