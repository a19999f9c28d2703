import type { Tx } from './db';
import { applyMerchantChange, applyVisitRollups } from './rollup/apply';

/**
 * Extension points inside the field workflow's write transactions. Roll-up counters (metrics) must change
 * in the same transaction as the write that changes them, so the merchant and visit handlers call these
 * with their open transaction; the metrics part plugs its updates in here.
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
}

/** Called inside every merchant create/update/transfer transaction. */
export async function onMerchantWritten(tx: Tx, write: MerchantWrite): Promise<void> {
  await applyMerchantChange(tx, write.before, write.after);
}

/** Called inside every visit submit transaction, after the visit is written. */
export async function onVisitSubmitted(tx: Tx, write: VisitWrite): Promise<void> {
  await applyVisitRollups(tx, write.visit as any, write.merchant);
}
