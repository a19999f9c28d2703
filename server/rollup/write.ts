/** Writing a roll-up delta: above both the delta's shape (`delta.ts`) and the fold, which it triggers. */
import type { Db, Tx } from '../db';
import { afterCommit } from '../tx';
import { type DeltaInfo, ROLLUP_DELTAS, deltaOf } from './delta';
import { foldAtNextCall, foldDelta } from './fold';
import type { Increments } from './store';

const isDb = (x: Db | Tx): x is Db => typeof (x as Db).runTransaction === 'function';

/**
 * Records increments inside the caller's transaction as one delta document (`rollupDeltas`, see
 * `delta.ts`): the counters commit or roll back with the write that changed them, yet the transaction
 * writes one document however many owners it moves, and never a document another writer also writes.
 * The delta is folded into the roll-up documents after the commit (and by the timer, should that fail); given the
 * database itself (no transaction), it is written and folded at once. Returns its id.
 */
export async function flushIncrements(tx: Db | Tx, incs: Increments, info: DeltaInfo = {}): Promise<string | null> {
  const delta = deltaOf(incs, info);
  if (!delta) return null;
  // By id, not `add`: a transaction's collection has no `add` (single-document writes by `_id` only).
  const { _id, ...body } = delta;
  await tx.collection(ROLLUP_DELTAS).doc(_id).set({ data: body });
  if (isDb(tx)) await foldDelta(tx, delta);
  // Folded in a batch with other writers' deltas by this instance's next call, or another's (fold.ts `foldPending`).
  else afterCommit(tx, async () => foldAtNextCall());
  return delta._id;
}
