import type { Db } from '../db';
import { isDuplicateKey } from '../tx';
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
 * Writes an owner's label into the labels document (creating it if need be) when it is not there as it is now:
 * one read of that label (a projection of the one field) on the usual path, a write only for a new or renamed
 * owner. An update that sets a label to what it was changes nothing and reports 0 updated on the engine (the
 * documents modified, as MongoDB counts them: the strict reading of the documented "成功更新的记录数量"), which says
 * nothing about whether the document exists: hence the read.
 * Never fails: a missing label only makes dashboards read the owners' own documents.
 */
export async function labelOwner(db: Db, meta: OwnerMeta): Promise<void> {
  const at = labelled.get(meta.owner);
  if (at !== undefined && Date.now() - at < LABEL_AGAIN_MS) return;
  const _ = db.command;
  const key = rankKey(meta.owner);
  const label = labelOf(meta);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const doc = await labelsOf(db, key);
      if (doc && sameLabel(doc.n?.[key], label)) break;
      if (doc) {
        await db.collection(ROLLUP_STATE).where({ _id: LABELS_ID }).update({ data: { [`n.${key}`]: _.set(label) } });
        break;
      }
      try {
        await db.collection(ROLLUP_STATE).add({ data: { _id: LABELS_ID, n: { [key]: label } } });
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Created by another writer since the read: read it again.
      }
    }
    labelled.set(meta.owner, Date.now());
  } catch {
    // The dashboards fall back to the owners' own documents.
  }
}

/** The labels document with only `key`'s label, or null when there is no labels document. */
async function labelsOf(db: Db, key: string): Promise<{ n?: Record<string, RankLabel> } | null> {
  const res = (await db.collection(ROLLUP_STATE).where({ _id: LABELS_ID }).field({ [`n.${key}`]: true }).limit(1).get()) as { data: { n?: Record<string, RankLabel> }[] };
  return res.data[0] ?? null;
}

function sameLabel(a: RankLabel | undefined, b: RankLabel): boolean {
  return !!a && a.name === b.name && a.kind === b.kind && a.b === b.b;
}
