import type { Tx } from './db';
import { applyMerchantChange, applyVisitRollups } from './rollup/apply';

/**
 * Extension points inside the field workflow's write transactions. Roll-up counters (metrics) must change
 * with the write that changes them, so the merchant and visit handlers call these with their open
 * transaction: each adds ONE delta document to it (never a shared roll-up document, see docs/rollups.md),
 * folded into the roll-ups once the transaction commits.
 */
export interface MerchantWrite {
  before: Record<string, any> | null;
  after: Record<string, any>;
  at: Date;
}

export interface VisitWrite {
  visit: Record<string, any>;
  merchant: Record<string, any>;
  at: Date;
  /** The visiting staff member's unit path and grids (their team's workload is read by these). */
  staffPath?: string[];
}

/** Called inside every merchant create/update/transfer transaction. */
export async function onMerchantWritten(tx: Tx, write: MerchantWrite): Promise<void> {
  await applyMerchantChange(tx, write.before, write.after, { at: write.at });
}

/** Called inside every visit submit transaction, after the visit is written. */
export async function onVisitSubmitted(tx: Tx, write: VisitWrite): Promise<void> {
  await applyVisitRollups(tx, write.visit as any, write.merchant, { staffPath: write.staffPath, at: write.at });
}
