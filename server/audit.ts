import type { Caller } from './caller';
import type { Db, Tx } from './db';
import { newId } from './ids';
import type { AuditActionKey } from '../shared/domain/audit.rules';

/** What the audit log records (docs/domain.md §8, docs/security.md "Audit log"; the list is shared/domain/audit.rules). */
export type AuditAction = AuditActionKey;

/**
 * Appends one audit record. Pass the transaction when the audited change is written in one, so the record
 * and the change commit together. `detail` must never carry personal information in clear.
 */
export async function auditLog(
  db: Db | Tx,
  caller: (Pick<Caller, 'staffId'> & Partial<Pick<Caller, 'unitPath'>>) | null,
  action: AuditAction,
  target: { collection: string; id: string },
  detail: Record<string, unknown> = {},
  at: Date = new Date(),
  targetUnitPath: readonly string[] = [],
): Promise<string> {
  const _id = newId();
  const unitPath = auditUnitPath(caller?.unitPath ?? [], targetUnitPath);
  await db.collection('auditLog').add({ data: { _id, at, staffId: caller?.staffId ?? null, action, target, detail, unitPath } });
  return _id;
}

/**
 * The units an entry belongs to, for reading it by scope: the actor's home unit path and the path of the
 * record acted on. Head office reads every entry; a branch the entries of its people and of its records.
 */
export function auditUnitPath(actorPath: readonly string[], targetPath: readonly string[]): string[] {
  return [...new Set([...actorPath, ...targetPath])];
}
