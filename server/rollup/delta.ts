import { newId } from '../ids';
import { type Grain, type Increments, type Part, withRanks } from './store';

/**
 * Roll-up deltas (collection `rollupDeltas`): what one write changes in the roll-ups, written by that
 * write's transaction as ONE document, then folded into the roll-up documents outside any transaction
 * (in batches, by the writers' next calls under a lease, and by the timer for whatever those left). See
 * docs/rollups.md. This file is the delta's shape only, which the fold, builds and readers share; writing
 * one is `write.ts` (it folds, so it sits above `fold.ts`).
 */
export const ROLLUP_DELTAS = 'rollupDeltas';

/** One roll-up document's increments: its key, owner and shape, and `path → delta` (`d.15.v_revisit`). */
export interface DeltaEntry {
  k: string;
  o: string;
  y: string;
  ym?: string;
  p: Part | 'all';
  g: Grain;
  i: Record<string, number>;
}

export interface DeltaDoc {
  _id: string;
  /** Epoch ms of the write (the function's clock when the call began). */
  at: number;
  e: DeltaEntry[];
  /** Owners touched (readers find an owner's pending deltas by it). */
  ow: string[];
  /** Units (and the visiting staff member's units and grids) under which the owners sit: subtree reads. */
  sc: string[];
  /** The one merchant the write is about, and its grid after it: where a generation build has reached (`build.ts`). */
  mid: string | null;
  gid: string | null;
  /** Not attributable to one merchant in one grid (a batch, a transfer): a build under way starts over. */
  multi: boolean;
  /** Generations this delta is folded into (or already counted in, for a build that read it). */
  dg: number[];
  /** Epoch ms when it was last folded into a generation (0: never). */
  doneAt: number;
}

/** What the write is about, for builds and subtree readers. */
export interface DeltaInfo {
  merchantId?: string;
  gridId?: string;
  /** The merchant changed grid (its counters move between grids). */
  moved?: boolean;
  /** The visiting staff member's unit path and grids (a team's workload is read by them). */
  staffPath?: string[];
  /** The write's instant (default: now). */
  at?: Date;
}

/** The delta document of some increments, or null when they change nothing. */
export function deltaOf(incs: Increments, info: DeltaInfo = {}): DeltaDoc | null {
  const e: DeltaEntry[] = [];
  const owners = new Set<string>();
  const scope = new Set<string>(info.staffPath ?? []);
  // The ranking documents' share rides in the same delta (store.ts `withRanks`).
  for (const [k, doc] of withRanks(incs.docs)) {
    const i: Record<string, number> = {};
    for (const [path, n] of doc.inc) if (n) i[path] = n;
    if (!Object.keys(i).length) continue;
    e.push({ k, o: doc.owner, y: doc.year, ...(doc.ym ? { ym: doc.ym } : {}), p: doc.part, g: doc.grain, i });
    owners.add(doc.owner);
  }
  if (!e.length) return null;
  for (const o of owners) if (o.startsWith('u:')) scope.add(o.slice(2));
  const single = Boolean(info.merchantId && info.gridId && !info.moved);
  return {
    _id: newId(),
    at: (info.at ?? new Date()).getTime(),
    e,
    ow: [...owners],
    sc: [...scope],
    mid: info.merchantId ?? null,
    gid: info.gridId ?? null,
    multi: !single,
    dg: [],
    doneAt: 0,
  };
}
