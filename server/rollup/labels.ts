import type { Db } from '../db';
import { ROLLUP_STATE } from './state';
import { type OwnerMeta, isRanked, rankKey } from './store';

/**
 * The labels of the ranking documents' owners (`rollupState/labels`: `n.<owner key>` → name, kind and
 * bank; see rank.ts): the ranking documents hold counters only. Written beside an owner's first roll-up
 * document (fold.ts `addRollupDoc`, so also by a rebuild) and by the seed.
 */
export const LABELS_ID = 'labels';

export interface RankLabel {
  name: string;
  kind: string;
  /** The bank the owner is under (the first unit of its path). */
  b: string | null;
}

/** The label of an owner as its roll-up documents carry it. */
export function labelOf(meta: OwnerMeta): RankLabel {
  return { name: meta.name, kind: meta.kind, b: meta.path[0] ?? null };
}

/** The labels document of some owners (seed). */
export function labelsDoc(metas: Iterable<OwnerMeta>): { _id: string; n: Record<string, RankLabel> } {
  const n: Record<string, RankLabel> = {};
  for (const m of metas) if (isRanked(m.owner)) n[rankKey(m.owner)] = labelOf(m);
  return { _id: LABELS_ID, n };
}

/** Owners this instance labelled lately (a label is written once per owner, not at every new document). */
const labelled = new Map<string, number>();
const LABEL_AGAIN_MS = 10 * 60_000;

/**
 * Writes an owner's label into the labels document (creating it if need be). Never fails: a missing label
 * only makes dashboards read the owners' own documents.
 */
export async function labelOwner(db: Db, meta: OwnerMeta): Promise<void> {
  const at = labelled.get(meta.owner);
  if (at !== undefined && Date.now() - at < LABEL_AGAIN_MS) return;
  const _ = db.command;
  const key = rankKey(meta.owner);
  const label = labelOf(meta);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = (await db.collection(ROLLUP_STATE).where({ _id: LABELS_ID }).update({ data: { [`n.${key}`]: _.set(label) } })) as { stats?: { updated?: number } };
      if (res?.stats?.updated) break;
      try {
        await db.collection(ROLLUP_STATE).add({ data: { _id: LABELS_ID, n: { [key]: label } } });
        break;
      } catch {
        // Created by another writer since the update: update it.
      }
    }
    labelled.set(meta.owner, Date.now());
  } catch {
    // The dashboards fall back to the owners' own documents.
  }
}

