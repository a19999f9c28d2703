import type { Caller } from './caller';
import type { Db, Tx } from './db';
import { newId } from './ids';

/** What the audit log records (docs/domain.md §8 and issue 3 "Access"). */
export type AuditAction =
  | 'view-pi'
  | 'export'
  | 'role-change'
  | 'grid-change'
  | 'scope-change'
  | 'unit-change'
  | 'staff-create'
  | 'staff-move'
  | 'staff-disable'
  | 'staff-enable'
  | 'bind'
  /** a console sign-in confirmed on a phone, and the session it opened */
  | 'console-sign-in'
  | 'bind-code-issued'
  | 'unbind'
  /** a head-office user started a job the timer also runs (reconciliation, reclassification) */
  | 'job-run'
  /** a lookup by personal data (a duplicate check by mobile): counts only, the mobile as its keyed hash */
  | 'pi-probe'
  /** a task closed by hand with a reason, reassigned, or a flagged visit's closing of it confirmed or refused */
  | 'task-close'
  | 'task-reassign'
  | 'task-confirm'
  /** a merchant archived (closed or moved) or reopened */
  | 'merchant-archive'
  | 'merchant-reopen'
  /** a merchant moved to another grid (with whether it went against the boundaries) */
  | 'merchant-transfer'
  /** a notice posted to a unit */
  | 'notice-post'
  /** a manual placement (a grid picked at filing) confirmed or moved by a grid leader */
  | 'placement-review'
  /** a target set for a unit (head office for any, a branch splitting its own over its groups and grids) */
  | 'target-set';

/**
 * Appends one audit record. Pass the transaction when the audited change is written in one, so the record
 * and the change commit together. `detail` must never carry personal information in clear.
 */
export async function auditLog(
  db: Db | Tx,
  caller: Pick<Caller, 'staffId'> | null,
  action: AuditAction,
  target: { collection: string; id: string },
  detail: Record<string, unknown> = {},
  at: Date = new Date(),
): Promise<string> {
  const _id = newId();
  await db.collection('auditLog').add({ data: { _id, at, staffId: caller?.staffId ?? null, action, target, detail } });
  return _id;
}
