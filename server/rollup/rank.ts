import type { Db } from '../db';
import { FLOW_COUNTERS, MONTHLY_COUNTERS, STOCK_COUNTERS } from '../../shared/domain/metrics.rules';
import { type Day, decomposeRange, yearOf } from '../../shared/domain/period.rules';
import type { DeltaEntry } from './delta';
import { READ_SPAN_LIMIT_MS, mergeDeltas } from './fold';
import { type OwnerDocs, type SharedDeltas, sharedDeltaRead } from './read';
import { LABELS_ID, type RankLabel } from './labels';
import { ROLLUP_STATE, readState } from './state';
import { type OwnerMeta, RANKS, ROLLUPS, type RollupDoc, ownerOfRankKey, rankId, rankMeta, readDoc, rid } from './store';

/**
 * Reading the ranking documents (`r:all`, store.ts `withRanks`): every grid's and staff member's figures
 * for a period from a handful of documents, with only the counters those figures need, instead of each
 * owner's own two or three documents. Used for the bank's rankings (docs/rollups.md "Ranking documents").
 *
 * The documents hold counters only; owners are named by the labels document (labels.ts). An owner found
 * in the counters without a label makes the reader answer null: the caller reads the owners' own
 * documents instead.
 */

/** True when the ranking documents can give a period's figures: whole months and years only (no day documents). */
export function ranksServe(p: { start: Day; end: Day }): boolean {
  return decomposeRange(p.start, p.end).days.length === 0;
}

type Counts = Record<string, number>;

/**
 * Every grid and staff member of the bank with its documents for figures over `period` (the same shape
 * `loadOwnerDocs` gives, so `stockAt` and `flowOver` compute them unchanged), read from the ranking
 * documents: exact whatever the fold has done (the visible deltas of the bank are added to the documents
 * that do not carry them, as in `loadOwnerDocs`). Null when the serving generation's ranking documents
 * are not complete, the period has single days, or an owner has no label: then the owners' own documents
 * must be read.
 *
 * An owner is listed when the documents read carry anything of it (its running totals, or a year's flows
 * from the period's first year on), as an owner's own read lists it when it has a document. With
 * `periodOnly`, a period of months only lists, of the owners without running totals, only those with flows
 * in its months (the year totals are not read): the caller must know the others cannot change its answer.
 * Only grids and staff members are listed (the bank, branches and groups are not ranked).
 */
export async function loadRankedOwners(db: Db, bankId: string, period: { start: Day; end: Day }, shared?: SharedDeltas, opts: { periodOnly?: boolean } = {}): Promise<Map<string, OwnerDocs> | null> {
  if (!ranksServe(period)) return null;
  const state = await readState(db);
  const gen = state.gen;
  if (!state.ranked.includes(gen)) return null;
  const _ = db.command;
  const inGen = gen === 0 ? { gen: _.in([0, null]) } : { gen };
  const parts = decomposeRange(period.start, period.end);
  const y = yearOf(period.end);
  const mm = period.end.slice(5, 7);
  const minYear = yearOf(period.start);

  // Stock at the period's end (a month end): running totals, less later years' totals and later months'
  // events; the monthly counters of its own month.
  const stockKeys = [rankId('all')];
  const stockFields: Record<string, true> = { _id: true, k: true, gen: true, f: true, owner: true, year: true, ym: true, part: true, grain: true };
  for (const c of STOCK_COUNTERS) stockFields[`c.${c}`] = true;
  for (let m = Number(mm); m <= 12; m++) {
    const MM = String(m).padStart(2, '0');
    stockKeys.push(rankId(`${y}-${MM}`, 'stock'));
    for (const c of MM === mm ? MONTHLY_COUNTERS : STOCK_COUNTERS) stockFields[`m.${MM}.${c}`] = true;
  }
  const laterStock = { owner: RANKS, ...inGen, grain: 'year', part: 'stock', year: _.gt(y) };
  // Flows over the period: its months' documents, and the year totals from its first year on (whole
  // years of the period, and who had any flow in them).
  const flowKeys = parts.months.map((m) => rankId(m, 'flow'));
  // A period of months only (no whole year) with `periodOnly`: its year totals would only add owners with
  // flows elsewhere in its years and none in it; they are not read.
  const yearTotals = parts.years.length > 0 || !opts.periodOnly;
  const flowYears = { owner: RANKS, ...inGen, grain: 'year', part: 'flow', year: _.gte(minYear) };
  const flowFields: Record<string, true> = { _id: true, k: true, gen: true, f: true, owner: true, year: true, ym: true, part: true, grain: true, m: true };
  // Year totals count in the figures only for whole years; otherwise they only tell who had visits.
  if (parts.years.length) flowFields.c = true;
  else for (const c of FLOW_COUNTERS) if (c.startsWith('v_')) flowFields[`c.${c}`] = true;

  const flowDocs = flowKeys.length ? [{ _id: _.in(flowKeys.map((k) => rid(gen, k))), ...inGen }] : [];
  // Without the year totals the months' ids alone (a period of months only has some): not an `_.or` of one
  // branch, which the engine answered by reading the whole collection (≈ 0.5 s of CPU a call).
  const flowWhere = yearTotals ? _.or([...flowDocs, flowYears]) : flowDocs[0];
  const wanted = new Set([...stockKeys, ...flowKeys]);
  const yearTotal = /^r:all\|(\d{4})\|(stock|flow)$/;
  const accept = (e: DeltaEntry): OwnerMeta | null => {
    if (e.o !== RANKS) return null;
    if (wanted.has(e.k)) return rankMeta();
    const t = yearTotal.exec(e.k);
    if (t && ((t[2] === 'stock' && t[1] > y) || (t[2] === 'flow' && yearTotals && t[1] >= minYear))) return rankMeta();
    return null;
  };
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const cached = cachedLabels(db);
    const [stock, flow, read, deltas] = await Promise.all([
      getAll(db, _.or([{ _id: _.in(stockKeys.map((k) => rid(gen, k))), ...inGen }, laterStock]), stockFields),
      getAll(db, flowWhere, flowFields),
      cached ? null : readLabels(db),
      sharedDeltaRead(db, { sc: bankId }, gen, shared, attempt === 0),
    ]);
    if (Date.now() - started > READ_SPAN_LIMIT_MS && attempt < 2) continue;
    const docs = mergeDeltas([...stock, ...flow], deltas, gen, (e) => accept(e));
    const owners = ownersOf(docs, cached ?? read ?? {}, bankId);
    // An owner labelled since the instance read the labels: read them again (only then a round trip more).
    if (!owners && cached) return ownersOf(docs, await readLabels(db), bankId);
    return owners;
  }
}

/**
 * The labels, kept by the instance for `LABELS_CACHE_MS` (they change when an owner gets its first
 * document, which a reader then finds unlabelled and reads them again, or is renamed: a renamed owner's
 * ranking row keeps the old name that long).
 */
export const LABELS_CACHE_MS = 60_000;
let labelsCache: { at: number; db: Db; labels: Record<string, RankLabel> } | null = null;

function cachedLabels(db: Db): Record<string, RankLabel> | null {
  return labelsCache && labelsCache.db === db && Date.now() - labelsCache.at < LABELS_CACHE_MS ? labelsCache.labels : null;
}

async function readLabels(db: Db): Promise<Record<string, RankLabel>> {
  const labels = (await readDoc<{ n?: Record<string, RankLabel> }>(db, ROLLUP_STATE, LABELS_ID))?.n ?? {};
  labelsCache = { at: Date.now(), db, labels };
  return labels;
}

/** Forgets the labels the instance read (tests). */
export function forgetLabels(): void {
  labelsCache = null;
}

async function getAll(db: Db, where: object, fields: Record<string, true>): Promise<RollupDoc[]> {
  const out: RollupDoc[] = [];
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(ROLLUPS).where(where).field(fields).skip(skip).limit(1000).get()) as { data: RollupDoc[] };
    out.push(...res.data);
    if (res.data.length < 1000) return out;
  }
}

/** The ranking documents have no day documents: every owner shares this empty map (only read). */
const NO_DAYS: ReadonlyMap<string, RollupDoc> = new Map();

/** Splits ranking documents into each grid's and staff member's documents; null when an owner found has no label. */
export function ownersOf(docs: RollupDoc[], labels: Record<string, RankLabel>, bankId: string): Map<string, OwnerDocs> | null {
  // Owner key → its documents, or null for an owner of another bank (looked up once each).
  const found = new Map<string, OwnerDocs | null>();
  let unlabelled = false;
  const ownerDocs = (key: string): OwnerDocs | null => {
    const hit = found.get(key);
    if (hit !== undefined) return hit;
    const label = labels[key];
    if (!label) unlabelled = true;
    let o: OwnerDocs | null = null;
    // Only grids and staff are ranked: the bank's, branches' and groups' counters are passed over.
    if (label && label.b === bankId && (key.startsWith('s:') || label.kind === 'grid')) {
      const owner = ownerOfRankKey(key);
      const meta: OwnerMeta = { owner, ownerType: owner.startsWith('s:') ? 'staff' : 'unit', ownerId: owner.slice(2), kind: label.kind, name: label.name, path: [], parentId: null };
      o = { meta, all: null, stock: new Map(), flow: new Map(), stockDays: NO_DAYS as Map<string, RollupDoc>, flowDays: NO_DAYS as Map<string, RollupDoc> };
    }
    found.set(key, o);
    return o;
  };
  // Only the counters are read from an owner's documents here (stockAt, flowOver).
  const bare = (year: string, part: RollupDoc['part'], grain: RollupDoc['grain']) => ({ _id: '', year, part, grain, c: {}, m: {} }) as unknown as RollupDoc;
  const yearDoc = (o: OwnerDocs, part: 'stock' | 'flow', year: string): RollupDoc => {
    const map = part === 'stock' ? o.stock : o.flow;
    let d = map.get(year);
    if (!d) map.set(year, (d = bare(year, part, 'year')));
    return d;
  };
  // Per document, each owner's counters it fills (looked up once per owner and document, not per counter).
  for (const d of docs) {
    const part = d.part;
    let counters: Record<string, Counts> | undefined;
    let target: (o: OwnerDocs) => Counts;
    if (part === 'all') {
      counters = d.c as unknown as Record<string, Counts> | undefined;
      target = (o) => (o.all ??= bare('all', 'all', 'all')).c!;
    } else if (d.grain === 'year') {
      counters = d.c as unknown as Record<string, Counts> | undefined;
      target = (o) => yearDoc(o, part, d.year).c!;
    } else if (d.grain === 'month' && d.ym) {
      const mm = d.ym.slice(5, 7);
      counters = ((d.m ?? {}) as unknown as Record<string, Record<string, Counts>>)[mm];
      target = (o) => {
        const months = yearDoc(o, part, d.year).m!;
        return (months[mm] ??= {});
      };
    } else continue;
    if (!counters) continue;
    const into = new Map<string, Counts | null>();
    for (const counter in counters) {
      const byOwner = counters[counter];
      if (!byOwner || typeof byOwner !== 'object') continue;
      for (const key in byOwner) {
        const n = byOwner[key];
        if (typeof n !== 'number') continue;
        let t = into.get(key);
        if (t === undefined) {
          const o = ownerDocs(key);
          into.set(key, (t = o ? target(o) : null));
        }
        if (t) t[counter] = n;
      }
    }
  }
  if (unlabelled) return null;
  const out = new Map<string, OwnerDocs>();
  for (const [key, o] of found) if (o) out.set(key, o);
  return out;
}
