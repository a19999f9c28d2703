import type { Db } from '../db';
import { pool } from '../pool';
import { atNextCall, isDuplicateKey } from '../tx';
import { addDays, decomposeRange } from '../../shared/domain/period.rules';
import { type DeltaDoc, type DeltaEntry, ROLLUP_DELTAS } from './delta';
import { type BuildState, ROLLUP_STATE, type RollupState, liveGens, readState, updateState } from './state';
import { type OwnerMeta, ROLLUPS, type RollupDoc, isRanked, nestedFrom, readDoc, resolveOwnerMeta, rid } from './store';
import { labelOwner } from './labels';

/**
 * Folding deltas into roll-up documents, and what readers do with the deltas not yet folded.
 *
 * A delta is applied to a document with ONE conditional update outside any transaction: `_.inc` of its
 * counters and a marker `f.<deltaId>`, only where the marker is absent. A single-document update is
 * atomic and never conflicts on CloudBase (conflicts are between transactions), and a fold repeated after a
 * crash adds nothing twice. Writers' deltas are folded in batches (`foldPending`): the documents every write
 * touches are rewritten once a batch, not once a write.
 *
 * Readers add to each document the visible deltas it carries no marker of (`mergeDeltas`). A delta stays
 * visible while it is not folded into the serving generation and for `READ_WINDOW_MS` after; its markers
 * are removed and it is deleted `PRUNE_AFTER_MS` after it was folded everywhere.
 */

/**
 * A folded delta stays visible to readers this long: longer than a read's two requests may lie apart
 * (READ_SPAN_LIMIT_MS), with 7 s to spare for the clocks of the instance that folded and the one that reads.
 */
export const READ_WINDOW_MS = 12_000;
/** A reader whose document and delta reads span more than this reads again (see `loadOwnerDocs`). */
export const READ_SPAN_LIMIT_MS = 5_000;
/**
 * A folded delta is pruned (markers removed, deleted) this long after it was last folded. Its markers must
 * outlive every read that may still load it: it is visible READ_WINDOW_MS after its fold, and a read's two
 * requests are at most READ_SPAN_LIMIT_MS apart (17 s together); 8 s more for clocks. Shorter is lighter: the
 * bank's documents carry a marker of every write in this window (at 150 visits a second, 3,750), every fold
 * rewrites them whole and every bank-wide read loads them.
 */
export const PRUNE_AFTER_MS = 25_000;
/** The deltas whose markers one update removes (the bank's documents carry them all: one rewrite, not one each). */
const PRUNE_BATCH = 200;
/** The timer folds deltas left unfolded this long (a batch fold runs at the writers' next calls, at most every FOLD_GAP_MS). */
export const STALE_AFTER_MS = 15_000;

const ALL_DONE = '\uffff';

/** True when a build has read the merchant's chunk, so later changes to it go into the build's generation. */
export function passed(b: BuildState, gid: string | null, mid: string | null): boolean {
  if (!gid || !mid) return false;
  if (b.built || b.grid === ALL_DONE) return true;
  if (b.grid === null) return false;
  return gid < b.grid || (gid === b.grid && b.after !== null && mid <= b.after);
}

/** The documents a range build (reconciliation) keeps: day documents of its months, year documents of its years. */
export function rangeScope(range: { from: string; to: string }): { months: Set<string>; years: Set<string> } {
  const parts = decomposeRange(range.from, range.to);
  const months = new Set<string>();
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) months.add(d.slice(0, 7));
  const years = new Set([...parts.years, ...parts.months.map((m) => m.slice(0, 4))]);
  return { months, years };
}

/** The entries of a delta a generation takes: all of them, or for a range build those of its documents. */
export function entriesFor(b: Pick<BuildState, 'range'> | null, entries: DeltaEntry[]): DeltaEntry[] {
  if (!b?.range) return entries;
  const { months, years } = rangeScope(b.range);
  return entries.filter((e) => (e.g === 'day' ? months.has(e.ym!) : e.g === 'year' || e.g === 'month' ? years.has(e.y) : false));
}

/** The generations a delta is still to be folded into now. */
export function gensToFold(s: RollupState, d: Pick<DeltaDoc, '_id' | 'dg' | 'multi' | 'gid' | 'mid'>): { gen: number; build: BuildState | null }[] {
  const out: { gen: number; build: BuildState | null }[] = [];
  if (!d.dg.includes(s.gen)) out.push({ gen: s.gen, build: null });
  for (const b of s.builds) if (!d.dg.includes(b.gen) && !d.multi && !(b.known ?? []).includes(d._id) && passed(b, d.gid, d.mid)) out.push({ gen: b.gen, build: b });
  return out;
}

const ownerMetas = new Map<string, { at: number; meta: OwnerMeta }>();

async function metaOf(db: Db, owner: string): Promise<OwnerMeta> {
  const hit = ownerMetas.get(owner);
  if (hit && Date.now() - hit.at < 60_000) return hit.meta;
  const meta = await resolveOwnerMeta(db, owner);
  ownerMetas.set(owner, { at: Date.now(), meta });
  return meta;
}

/**
 * Adds a roll-up document that does not exist yet: `entry`'s owner and shape, the counters `inc`, the markers
 * `f` (deltas) and `b` (build chunks). False when a racing fold added it first (the caller updates it instead).
 */
async function addRollupDoc(db: Db, gen: number, e: DeltaEntry, inc: Map<string, number>, f: Record<string, 1>, b: Record<string, 1>): Promise<boolean> {
  const meta = await metaOf(db, e.o);
  // A unit's or staff member's new document: the ranking documents name it by its label (labels.ts),
  // written beside the document (no round trip added).
  const labelled = isRanked(e.o) ? labelOwner(db, meta) : null;
  const counters = nestedFrom(new Map([...inc].filter(([, n]) => n)));
  const doc = { _id: rid(gen, e.k), ...meta, year: e.y, ...(e.ym ? { ym: e.ym } : {}), part: e.p, grain: e.g, k: e.k, gen, ...counters, f, b };
  try {
    await Promise.all([db.collection(ROLLUPS).add({ data: doc }), labelled]);
    return true;
  } catch (err) {
    await labelled?.catch(() => undefined);
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

/**
 * Adds one entry to its document in generation `gen`, once: a conditional update on the marker, or, for
 * a document that does not exist yet, an insert carrying the marker (a racing insert loses on the
 * duplicate `_id` and updates instead). `markers` are the marker fields to set (`f.<id>`, `b.<chunk>`);
 * the first one is the condition.
 */
export async function applyToDoc(db: Db, gen: number, e: DeltaEntry, markers: string[]): Promise<boolean> {
  const _ = db.command;
  const id = rid(gen, e.k);
  const data: Record<string, unknown> = {};
  for (const [path, n] of Object.entries(e.i)) if (n) data[path] = _.inc(n);
  for (const m of markers) data[m] = 1;
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = (await db.collection(ROLLUPS).where({ _id: id, [markers[0]]: _.exists(false) }).update({ data })) as { stats?: { updated?: number } };
    if (res?.stats?.updated) return true;
    const cur = await readDoc<Record<string, any>>(db, ROLLUPS, id);
    if (cur) {
      const [map, key] = [markers[0].slice(0, 1), markers[0].slice(2)];
      if (cur[map]?.[key]) return false; // already applied
      continue; // created by a racing fold since the update: update it
    }
    const f: Record<string, 1> = {};
    const b: Record<string, 1> = {};
    for (const m of markers) (m.startsWith('f.') ? f : b)[m.slice(2)] = 1;
    if (await addRollupDoc(db, gen, e, new Map(Object.entries(e.i)), f, b)) return true;
  }
  throw new Error(`roll-up document ${id}: could not apply ${markers[0]}`);
}

/**
 * Folds a delta into every generation it is due in (the serving one, and builds that have read its
 * merchant), then records those generations on it: a batch of one (`foldBatch`). Safe to run twice, or
 * concurrently.
 */
export async function foldDelta(db: Db, d: DeltaDoc, state?: RollupState): Promise<void> {
  await foldBatch(db, state ?? (await readState(db)), [d]);
}

/** The lease document in `rollupState`: when the next batch fold may start (epoch ms). */
const FOLD_LEASE_ID = 'fold';
/**
 * A batch fold starts at most this often across all instances, one at a time: the documents every write touches
 * (the bank's, its branch's, the ranking documents) are rewritten once a batch, whatever the rate of writes.
 */
export const FOLD_GAP_MS = 3000;
/**
 * How long a batch holds the lease at most: it gives it back when done (the next may start FOLD_GAP_MS after it
 * started); one that never does (its instance ended) is taken over after this. Far inside the function timeout.
 */
const FOLD_LEASE_MS = 20_000;
/** Deltas one batch folds at most (a backlog goes on in the next). */
export const FOLD_BATCH = 500;

let owing = false;
let leaseExists = false;

/**
 * Has this instance's next call fold what writers left, its own deltas among them (`foldPending`), once however
 * many it wrote: beside that call's first round trip, so no call waits for a fold (tx.ts `atNextCall`). Until
 * then readers add the delta themselves (`mergeDeltas`); an instance that gets no next call leaves it to
 * another instance's batch or to the timer (STALE_AFTER_MS).
 */
export function foldAtNextCall(): void {
  if (owing) return;
  owing = true;
  atNextCall(async (db) => {
    owing = false;
    await foldPending(db);
  });
}

/**
 * Takes the fold lease when no batch holds it and none started within FOLD_GAP_MS (one conditional update; the
 * first ever adds it). Answers the holder's token, or null.
 */
async function takeLease(db: Db, now: number): Promise<string | null> {
  const _ = db.command;
  const token = `${now}-${Math.random().toString(36).slice(2, 10)}`;
  const res = (await db.collection(ROLLUP_STATE).where({ _id: FOLD_LEASE_ID, next: _.lte(now) }).update({ data: { next: now + FOLD_LEASE_MS, token } })) as { stats?: { updated?: number } };
  if (res?.stats?.updated) return token;
  if (leaseExists) return null;
  try {
    await db.collection(ROLLUP_STATE).add({ data: { _id: FOLD_LEASE_ID, next: now + FOLD_LEASE_MS, token } });
    leaseExists = true;
    return token;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    leaseExists = true;
    return null;
  }
}

/** Folded deltas whose markers one batch removes from the documents it updates, at most. */
const PRUNE_ON_FOLD = 400;

/** Up to when (`doneAt`, epoch ms) the batches have removed markers from the documents they update, as last seen here. */
let prunedTo = 0;

/**
 * The deltas whose markers a batch removes from the documents it updates: folded into every live generation more
 * than PRUNE_AFTER_MS ago (as the timer prunes them), after `from` (what earlier batches removed), oldest first.
 * The documents every write touches (the bank's, its branch's, the ranking documents) are updated by every batch:
 * their markers go at once, not at the next minute's timer, so they carry about PRUNE_AFTER_MS of writes rather
 * than twice that. `upTo` is where the next batch starts (a full page stops before its last fold, which may go on).
 */
function markersToRemove(s: RollupState, page: DeltaDoc[], from: number, now: number): { deltas: DeltaDoc[]; upTo: number } {
  const gens = liveGens(s);
  let list = page.filter((d) => d.doneAt > from);
  let upTo = Math.max(from, now - PRUNE_AFTER_MS - 1);
  if (page.length === PRUNE_ON_FOLD) {
    const last = page[page.length - 1].doneAt;
    const before = list.filter((d) => d.doneAt < last);
    if (before.length) list = before;
    upTo = Math.max(from, before.length ? last - 1 : last);
  }
  return { deltas: list.filter((d) => gens.every((g) => d.dg.includes(g))), upTo };
}

/**
 * A batch fold, when the lease allows: up to FOLD_BATCH of the deltas no fold has reached yet (oldest first), folded
 * together (`foldBatch`), which also removes the markers of deltas folded long enough ago (`markersToRemove`) from
 * the documents it updates. One batch a call: a batch that came back full lets the next start at once (at another
 * call) rather than after FOLD_GAP_MS, so a backlog is worked off without any one call answering seconds late.
 * Returns how many deltas it folded.
 */
export async function foldPending(db: Db, now = Date.now()): Promise<number> {
  const token = await takeLease(db, now);
  if (!token) return 0;
  const _ = db.command;
  let pruned = prunedTo;
  let full = false;
  try {
    const [s, res, lease, old] = await Promise.all([
      readState(db),
      db.collection(ROLLUP_DELTAS).where({ doneAt: 0 }).orderBy('_id', 'asc').limit(FOLD_BATCH).get() as Promise<{ data: DeltaDoc[] }>,
      readDoc<{ pruned?: number }>(db, ROLLUP_STATE, FOLD_LEASE_ID),
      db.collection(ROLLUP_DELTAS).where({ doneAt: _.gt(pruned).and(_.lt(now - PRUNE_AFTER_MS)) }).orderBy('doneAt', 'asc').limit(PRUNE_ON_FOLD).get() as Promise<{ data: DeltaDoc[] }>,
    ]);
    pruned = Math.max(pruned, lease?.pruned ?? 0);
    const prune = res.data.length ? markersToRemove(s, old.data, pruned, now) : null;
    const folded = await foldBatch(db, s, res.data, prune?.deltas);
    if (prune) pruned = prune.upTo;
    full = res.data.length === FOLD_BATCH;
    return folded;
  } finally {
    // Given back only by its holder (one that outlived its lease finds another's token and leaves it).
    await db.collection(ROLLUP_STATE).where({ _id: FOLD_LEASE_ID, token }).update({ data: { next: full ? now : now + FOLD_GAP_MS, pruned } });
    prunedTo = pruned;
  }
}

/**
 * The updates of one batch in flight at once, at most: a batch of a busy second is a few hundred updates, sent all
 * together they would stand in line before every other request of the instance's calls (and count against the
 * environment's concurrent database requests at once).
 */
const FOLD_REQUESTS = 16;

/** Deltas one record update marks as folded. */
const RECORD_PART = 50;

/** One roll-up document of a batch: its generation, the summed increments and the (delta, entry) pairs it takes. */
interface BatchTarget {
  gen: number;
  id: string;
  inc: Map<string, number>;
  parts: { delta: string; entry: DeltaEntry }[];
}

/**
 * One document's share of a batch, when the batch's update did not change it: a document that does not exist
 * yet (a new day, month or owner) is added with the summed increments and every marker; one that carries some of
 * the deltas already (a batch that stopped midway, the timer) takes the sum of the others, on the same marker
 * condition. A few round trips whatever the number of deltas.
 */
async function applyBatchToDoc(db: Db, t: BatchTarget): Promise<void> {
  const _ = db.command;
  let parts = t.parts;
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await readDoc<Record<string, any>>(db, ROLLUPS, t.id);
    if (cur) parts = parts.filter((p) => !cur.f?.[p.delta]);
    if (!parts.length) return;
    const inc = new Map<string, number>();
    for (const p of parts) for (const [path, n] of Object.entries(p.entry.i)) inc.set(path, (inc.get(path) ?? 0) + n);
    if (cur) {
      const data: Record<string, unknown> = {};
      const where: Record<string, unknown> = { _id: t.id };
      for (const [path, n] of inc) if (n) data[path] = _.inc(n);
      for (const p of parts) {
        data[`f.${p.delta}`] = 1;
        where[`f.${p.delta}`] = _.exists(false);
      }
      const res = (await db.collection(ROLLUPS).where(where).update({ data })) as { stats?: { updated?: number } };
      if (res?.stats?.updated) return;
      continue; // another fold reached it meanwhile: look again
    }
    const f = Object.fromEntries(parts.map((p) => [p.delta, 1] as const));
    if (await addRollupDoc(db, t.gen, parts[0].entry, inc, f, {})) return;
  }
  throw new Error(`roll-up document ${t.id}: could not apply a batch of ${t.parts.length} deltas`);
}

/**
 * Folds several deltas at once: each roll-up document takes the sum of their increments and all their markers
 * in ONE conditional update (none of the markers there yet), documents taking the same sums from the same deltas
 * together (a write's grid, group and staff documents move alike); then the deltas record their generations.
 * A document that was not changed (absent, or already carrying some of the deltas: a batch that stopped midway,
 * the timer) is looked at and given the rest (`applyBatchToDoc`). Safe to run twice, or concurrently, like
 * `foldDelta`. The same updates remove the markers of `pruned` (deltas no reader sees any more) where they are.
 */
export async function foldBatch(db: Db, s: RollupState, deltas: DeltaDoc[], pruned: DeltaDoc[] = []): Promise<number> {
  if (!deltas.length) return 0;
  const _ = db.command;
  const removals = new Map<string, string[]>();
  for (const p of pruned) {
    for (const e of p.e) {
      const ids = removals.get(e.k);
      if (ids) ids.push(p._id);
      else removals.set(e.k, [p._id]);
    }
  }
  const targets = new Map<string, BatchTarget>();
  const records = new Map<string, { gens: number[]; ids: string[] }>();
  for (const d of deltas) {
    const due = gensToFold(s, d);
    for (const { gen, build } of due) {
      for (const e of entriesFor(build, d.e)) {
        const id = rid(gen, e.k);
        let t = targets.get(id);
        if (!t) targets.set(id, (t = { gen, id, inc: new Map(), parts: [] }));
        for (const [path, n] of Object.entries(e.i)) t.inc.set(path, (t.inc.get(path) ?? 0) + n);
        t.parts.push({ delta: d._id, entry: e });
      }
    }
    const gens = due.map((x) => x.gen);
    const key = gens.join();
    const r = records.get(key);
    if (r) r.ids.push(d._id);
    else records.set(key, { gens, ids: [d._id] });
  }
  const groups = new Map<string, BatchTarget[]>();
  for (const t of targets.values()) {
    const sig = `${t.gen}|${t.parts.map((p) => p.delta).join()}|${JSON.stringify([...t.inc].filter(([, n]) => n).sort())}|${removals.get(t.parts[0].entry.k)?.join() ?? ''}`;
    const g = groups.get(sig);
    if (g) g.push(t);
    else groups.set(sig, [t]);
  }
  await pool([...groups.values()], FOLD_REQUESTS, async (group) => {
    const markers = group[0].parts.map((p) => `f.${p.delta}`);
    const data: Record<string, unknown> = {};
    for (const [path, n] of group[0].inc) if (n) data[path] = _.inc(n);
    const where: Record<string, unknown> = { _id: group.length === 1 ? group[0].id : _.in(group.map((t) => t.id)) };
    for (const m of markers) {
      data[m] = 1;
      where[m] = _.exists(false);
    }
    for (const id of removals.get(group[0].parts[0].entry.k) ?? []) data[`f.${id}`] = _.remove();
    const res = (await db.collection(ROLLUPS).where(where).update({ data })) as { stats?: { updated?: number } };
    // A document not updated takes its share alone, without removing markers (the timer removes them).
    if ((res?.stats?.updated ?? 0) === group.length) return;
    await Promise.all(group.map((t) => applyBatchToDoc(db, t)));
  });
  const doneAt = Date.now();
  // A record update of every delta would rewrite hundreds of documents in one request: in parts, like the updates.
  const parts = [...records.values()].flatMap((r) => Array.from({ length: Math.ceil(r.ids.length / RECORD_PART) }, (_x, i) => ({ gens: r.gens, ids: r.ids.slice(i * RECORD_PART, (i + 1) * RECORD_PART) })));
  await pool(parts, FOLD_REQUESTS, async (r) => {
    await db.collection(ROLLUP_DELTAS).where({ _id: _.in(r.ids) }).update({ data: r.gens.length ? { dg: _.addToSet({ each: r.gens }), doneAt } : { doneAt } });
  });
  return deltas.length;
}

/** Reads deltas page by page along `_id` (the collection holds minutes of writes, more while a build runs). */
async function eachDelta(db: Db, where: Record<string, unknown>, each: (d: DeltaDoc) => Promise<void>, limit = 5000): Promise<number> {
  const _ = db.command;
  let last: string | null = null;
  let n = 0;
  while (n < limit) {
    const cond = last === null ? where : { ...where, _id: _.gt(last) };
    const res = (await db.collection(ROLLUP_DELTAS).where(cond).orderBy('_id', 'asc').limit(100).get()) as { data: DeltaDoc[] };
    for (const d of res.data) await each(d);
    n += res.data.length;
    if (res.data.length < 100) break;
    last = res.data[res.data.length - 1]._id;
  }
  return n;
}

export interface MaintenanceResult {
  folded: number;
  pruned: number;
  retiredDocs: number;
}

/**
 * The timer's part (every minute): folds what writers left (a crash between commit and fold), prunes
 * deltas folded everywhere, and deletes retired generations. `all` folds even deltas just written.
 */
export async function rollupMaintenance(db: Db, opts: { all?: boolean; now?: number } = {}): Promise<MaintenanceResult> {
  const now = opts.now ?? Date.now();
  const s = await readState(db, true);
  const gens = liveGens(s);
  let folded = 0;
  const prune: DeltaDoc[] = [];
  const stale: DeltaDoc[] = [];
  await eachDelta(db, {}, async (d) => {
    if (gensToFold(s, d).length) {
      if (opts.all || d.at < now - STALE_AFTER_MS) stale.push(d);
    } else if (gens.every((g) => d.dg.includes(g)) && d.doneAt < now - PRUNE_AFTER_MS) prune.push(d);
  });
  for (let at = 0; at < stale.length; at += FOLD_BATCH) folded += await foldBatch(db, s, stale.slice(at, at + FOLD_BATCH));
  const _ = db.command;
  for (let at = 0; at < prune.length; at += PRUNE_BATCH) {
    const batch = prune.slice(at, at + PRUNE_BATCH);
    // Markers first, in every generation (keys are shared), then the deltas: a reader never sees them again
    // (folded long ago), and no fold applies them again (they are gone). A batch's markers go in one update of
    // each document (a document without some of them is left as it is): the bank's documents, which carry every
    // one, are rewritten once a batch rather than once a delta.
    const keys = [...new Set(batch.flatMap((d) => d.e.map((e) => e.k)))];
    const data = Object.fromEntries(batch.map((d) => [`f.${d._id}`, _.remove()]));
    // By key in every generation, and by `_id` for generation-0 documents written before keys existed.
    for (let i = 0; i < keys.length; i += 100) {
      const part = keys.slice(i, i + 100);
      await db.collection(ROLLUPS).where(_.or([{ k: _.in(part) }, { _id: _.in(part) }])).update({ data });
    }
    await db.collection(ROLLUP_DELTAS).where({ _id: _.in(batch.map((d) => d._id)) }).remove();
  }
  const retiredDocs = await sweepRetired(db, s, now);
  return { folded, pruned: prune.length, retiredDocs };
}

/** Folds every unfolded delta now (tests, and before a reconciliation compares). */
export async function foldAll(db: Db): Promise<number> {
  return (await rollupMaintenance(db, { all: true })).folded;
}

/** Deletes the documents of generations retired more than a minute ago, a thousand at a time. */
async function sweepRetired(db: Db, s: RollupState, now: number, budget = 20): Promise<number> {
  const _ = db.command;
  let removed = 0;
  for (const r of s.retired) {
    if (r.at > now - 60_000) continue;
    for (let i = 0; i < budget; i++) {
      const res = (await db.collection(ROLLUPS).where({ gen: r.gen }).field({ _id: true }).limit(1000).get()) as { data: { _id: string }[] };
      if (!res.data.length) {
        await updateState(db, (x) => ({ ...x, retired: x.retired.filter((y) => y.gen !== r.gen) }));
        break;
      }
      await db.collection(ROLLUPS).where({ _id: _.in(res.data.map((d) => d._id)) }).remove();
      removed += res.data.length;
    }
  }
  return removed;
}

/** The query for the deltas a reader must see: not folded into `gen`, or folded within the window. */
export function visibleDeltas(db: Db, where: Record<string, unknown>, gen: number, now = Date.now()): object {
  const _ = db.command;
  return _.and([where, _.or([{ dg: _.neq(gen) }, { doneAt: _.gte(now - READ_WINDOW_MS) }])]);
}

/** Every visible delta matching `where` (pending deltas are few: minutes of writes). */
export async function loadVisibleDeltas(db: Db, where: Record<string, unknown>, gen: number): Promise<DeltaDoc[]> {
  const out: DeltaDoc[] = [];
  const q = visibleDeltas(db, where, gen);
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(ROLLUP_DELTAS).where(q).orderBy('_id', 'asc').skip(skip).limit(1000).get()) as { data: DeltaDoc[] };
    out.push(...res.data);
    if (res.data.length < 1000) return out;
  }
}

function addInto(doc: Record<string, any>, inc: Record<string, number>): void {
  for (const [path, n] of Object.entries(inc)) {
    const parts = path.split('.');
    let node = doc;
    for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]] ??= {};
    const last = parts[parts.length - 1];
    node[last] = (node[last] ?? 0) + n;
  }
}

/**
 * Adds to loaded documents the deltas they do not carry yet, so a read is exact whether or not the
 * fold has caught up. `accept(entry, metaOfOwner)` says whether a document the read did not find (not
 * created yet) belongs to the read; it gets the owner's meta when another document of it was loaded.
 */
export function mergeDeltas(docs: RollupDoc[], deltas: DeltaDoc[], gen: number, accept: (e: DeltaEntry, meta: OwnerMeta | null) => OwnerMeta | null): RollupDoc[] {
  if (!deltas.length) return docs;
  // Copy on write: most documents of a wide read receive nothing.
  const out = [...docs];
  const byKey = new Map<string, { i: number; copied: boolean }>();
  const metas = new Map<string, OwnerMeta>();
  docs.forEach((d, i) => {
    byKey.set(d.k ?? d._id, { i, copied: false });
    if (!metas.has(d.owner)) metas.set(d.owner, { owner: d.owner, ownerType: d.ownerType, ownerId: d.ownerId, kind: d.kind, name: d.name, path: d.path, parentId: d.parentId });
  });
  for (const d of deltas) {
    for (const e of d.e) {
      const at = byKey.get(e.k);
      if (at && out[at.i].f?.[d._id]) continue;
      let doc: RollupDoc;
      if (at) {
        if (!at.copied) {
          out[at.i] = structuredClone(out[at.i]);
          at.copied = true;
        }
        doc = out[at.i];
      } else {
        const meta = accept(e, metas.get(e.o) ?? null);
        if (!meta) continue;
        doc = { _id: rid(gen, e.k), ...meta, year: e.y, ...(e.ym ? { ym: e.ym } : {}), part: e.p, grain: e.g, k: e.k, gen } as RollupDoc;
        byKey.set(e.k, { i: out.length, copied: true });
        out.push(doc);
      }
      addInto(doc as unknown as Record<string, any>, e.i);
    }
  }
  return out;
}
