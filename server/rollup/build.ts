import type { Db } from '../db';
import { newId } from '../ids';
import { type MonthCredit, allMerchantEvents } from '../../shared/domain/metrics.rules';
import { type Month, toDay } from '../../shared/domain/period.rules';
import { allActiveVersions, isServed } from '../periods';
import { type MarkDoc, type MarkSegment, type MerchantLike, addMerchantChange, markSegments, merchantOwners, segmentOwners } from './apply';
import { type DeltaDoc, type DeltaEntry, ROLLUP_DELTAS } from './delta';
import { applyToDoc, entriesFor, foldDelta, rangeScope } from './fold';
import { MERCHANT_FIELDS, MarkSet, addVisitToComputation, scanCollection } from './compute';
import { type BuildState, type RollupState, readState, updateState } from './state';
import { Increments, type OwnerMeta, ROLLUPS, ROLLUP_MARKS, nestedFrom, readDoc, resolveOwnerMeta, rid, withRanks } from './store';
import { inTransaction, isDuplicateKey } from '../tx';
import { chunkItems } from '../jobs/chunk-items';

/**
 * Building a generation of roll-up documents from the raw records, one chunk per call, beside the
 * serving generation (which readers keep reading, exact, the whole time):
 *
 * - chunks are the merchants of one grid in `_id` order, `BUILD_CHUNK` at a time; a chunk reads its
 *   merchants, their deposit balances, visits and revisit marks, and writes its sums into the new
 *   generation with a per-chunk marker, so a chunk retried after a crash adds nothing twice;
 * - a write made while the build runs is counted once: its delta, read just before and after the chunk's
 *   records (the two reads must agree), is marked on the new documents as already counted; a delta of a
 *   merchant the build has passed is folded into the new generation like into the serving one;
 * - a delta no chunk can own (a batch over many merchants, a merchant moved between grids) written while
 *   the build runs makes it start over in a fresh generation (both are rare, and imports and
 *   reclassification run at other hours);
 * - when every grid is built, a rebuild flips the serving generation in one transaction on the state
 *   document, and the old generation is deleted later in chunks; a reconciliation compares instead.
 *
 * Memory is one chunk's records and sums; the cursor lives in the state document (`state.ts`).
 */
export const BUILD_CHUNK = 1000;
/** Grids one chunk may span (each is one query of its merchants and deltas). */
const MAX_GRIDS_PER_CHUNK = 20;
/** The longest a write can be in flight (function timeout, 60 s) before its delta becomes visible. */
const IN_FLIGHT_MS = 60_000;
/** A build that had to start over this often gives up (imports or transfers keep landing). */
const MAX_RESTARTS = 20;

/** A build given up for good (its generation is discarded): its job has failed, and retrying it is pointless. */
export class BuildAbandoned extends Error {
  override readonly name = 'BuildAbandoned';
}

export interface ChunkResult {
  merchants: number;
  visits: number;
  deposits: number;
  docs: number;
  marks: number;
}

/** Starts a build: a new generation, empty cursor. */
export async function startBuild(db: Db, kind: BuildState['kind'], range: BuildState['range'] = null, id = newId(), chunk?: number): Promise<BuildState> {
  const startedAt = Date.now();
  const known = await unplaceable(db, startedAt);
  const s = await updateState(db, (x) => {
    if (x.builds.some((b) => b.id === id)) return null;
    if (kind === 'rebuild' && x.builds.some((b) => b.kind === 'rebuild')) return null;
    const b: BuildState = { id, gen: x.nextGen, kind, range, startedAt, grid: null, after: null, built: false, planned: null, seq: 0, restarts: 0, known, ...(chunk ? { chunk } : {}) };
    return { ...x, nextGen: x.nextGen + 1, builds: [...x.builds, b] };
  });
  const b = s.builds.find((x) => x.id === id) ?? s.builds.find((x) => x.kind === kind && kind === 'rebuild');
  if (!b) throw new Error('roll-up build could not start');
  return b;
}

/** The build's current entry in the state (fresh), or null when it is gone (flipped or discarded). */
export async function buildOf(db: Db, id: string): Promise<BuildState | null> {
  return (await readState(db, true)).builds.find((b) => b.id === id) ?? null;
}

/** Drops a build: its generation is retired (deleted by the timer). */
export async function discardBuild(db: Db, id: string): Promise<void> {
  await updateState(db, (x) => {
    const b = x.builds.find((y) => y.id === id);
    if (!b) return null;
    return { ...x, builds: x.builds.filter((y) => y.id !== id), retired: [...x.retired, { gen: b.gen, at: 0 }] };
  });
}

/**
 * Deltas visible at `startedAt` the cursor cannot place: batches that may still have been in flight when it
 * started (their writer's clock began up to a function's lifetime earlier), and the deltas of merchants
 * moved since they were written (filed under the grid they left). All were committed before the build
 * reads anything, so its records count them.
 */
async function unplaceable(db: Db, startedAt: number): Promise<string[]> {
  const _ = db.command;
  const out = new Set<string>();
  const moved = new Map<string, string | null>();
  await scanCollection<DeltaDoc>(db, ROLLUP_DELTAS, { multi: true }, { _id: true, at: true, mid: true, gid: true }, (page) => {
    for (const d of page) {
      if (d.at >= startedAt - IN_FLIGHT_MS) out.add(d._id);
      if (d.mid) moved.set(d.mid, d.gid);
    }
  });
  const mids = [...moved.keys()];
  for (let i = 0; i < mids.length; i += 100) {
    await scanCollection<DeltaDoc>(db, ROLLUP_DELTAS, { multi: false, mid: _.in(mids.slice(i, i + 100)) }, { _id: true, mid: true, gid: true }, (page) => {
      for (const d of page) if (d.gid !== moved.get(d.mid!)) out.add(d._id);
    });
  }
  return [...out];
}

/** A delta no chunk can own, committed since the build started, with entries the build keeps. */
async function invalidated(db: Db, b: BuildState): Promise<boolean> {
  const _ = db.command;
  const res = (await db.collection(ROLLUP_DELTAS).where({ multi: true, at: _.gte(b.startedAt - IN_FLIGHT_MS) }).limit(1000).get()) as { data: DeltaDoc[] };
  const known = new Set(b.known ?? []);
  return res.data.some((d) => !known.has(d._id) && entriesFor(b, d.e).length > 0);
}

/** Starts the build over in a fresh generation (the old one is retired). */
async function restart(db: Db, b: BuildState): Promise<BuildState | null> {
  const startedAt = Date.now();
  const known = await unplaceable(db, startedAt);
  const s = await updateState(db, (x) => {
    const cur = x.builds.find((y) => y.id === b.id);
    if (!cur || cur.gen !== b.gen) return null;
    const fresh: BuildState = { ...cur, gen: x.nextGen, startedAt, grid: null, after: null, built: false, planned: null, seq: 0, restarts: cur.restarts + 1, known };
    return { ...x, nextGen: x.nextGen + 1, builds: x.builds.map((y) => (y.id === b.id ? fresh : y)), retired: [...x.retired, { gen: cur.gen, at: 0 }] };
  });
  return s.builds.find((y) => y.id === b.id) ?? null;
}

async function firstGridAfter(db: Db, after: string | null): Promise<string | null> {
  const _ = db.command;
  const where = after === null ? { kind: 'grid' } : { kind: 'grid', _id: _.gt(after) };
  const res = (await db.collection('units').where(where).field({ _id: true }).orderBy('_id', 'asc').limit(1).get()) as { data: { _id: string }[] };
  return res.data[0]?._id ?? null;
}

/**
 * Plans the next chunk — up to `BUILD_CHUNK` merchants, from one grid or from several consecutive ones, so
 * that small grids share the upper levels' writes — and records it (a retry covers the same merchants), or
 * marks the build built.
 */
async function plan(db: Db, b: BuildState): Promise<BuildState> {
  const _ = db.command;
  let grid = b.grid ?? (await firstGridAfter(db, null));
  let after = b.grid === null ? null : b.after;
  const parts: { grid: string; after: string | null; end: string }[] = [];
  const size = chunkItems(b.chunk ?? BUILD_CHUNK);
  let taken = 0;
  while (grid !== null && taken < size && parts.length < MAX_GRIDS_PER_CHUNK) {
    const where: Record<string, unknown> = after === null ? { gridId: grid } : { gridId: grid, _id: _.gt(after) };
    const res = (await db.collection('merchants').where(where).field({ _id: true }).orderBy('_id', 'asc').limit(size - taken).get()) as { data: { _id: string }[] };
    if (res.data.length) {
      parts.push({ grid, after, end: res.data[res.data.length - 1]._id });
      taken += res.data.length;
      if (taken >= size) break;
    }
    grid = await firstGridAfter(db, grid);
    after = null;
  }
  if (parts.length) {
    const planned = { parts, seq: b.seq + 1 };
    const s = await updateState(db, (x) => ({ ...x, builds: x.builds.map((y) => (y.id === b.id && y.gen === b.gen ? { ...y, planned } : y)) }));
    return s.builds.find((y) => y.id === b.id)!;
  }
  const s = await updateState(db, (x) => ({ ...x, builds: x.builds.map((y) => (y.id === b.id && y.gen === b.gen ? { ...y, built: true, grid: '\uffff', after: null, planned: null } : y)) }));
  return s.builds.find((y) => y.id === b.id)!;
}

/** The chunk's records, read between two reads of its deltas that must agree. */
async function readChunk(db: Db, b: BuildState, p: NonNullable<BuildState['planned']>) {
  const _ = db.command;
  const inPart = (q: { grid: string; after: string | null; end: string }) => (q.after === null ? _.lte(q.end) : _.gt(q.after).and(_.lte(q.end)));
  const deltaIds = async () => {
    const out: DeltaDoc[] = [];
    await scanCollection<DeltaDoc>(db, ROLLUP_DELTAS, _.or(p.parts.map((q) => ({ gid: q.grid, mid: inPart(q) }))), null, (page) => {
      out.push(...page);
    });
    return out;
  };
  const scope = b.range ? rangeScope(b.range) : null;
  for (let attempt = 0; ; attempt++) {
    const before = await deltaIds();
    const merchants = new Map<string, MerchantLike>();
    for (const q of p.parts) {
      await scanCollection<any>(db, 'merchants', { gridId: q.grid, _id: inPart(q) }, { ...MERCHANT_FIELDS, gridId: true }, (page) => {
        for (const m of page) merchants.set(m._id, m);
      });
    }
    const ids = [...merchants.keys()];
    const deposits = new Map<string, Record<string, number>>();
    const credits = new Map<string, Record<Month, MonthCredit>>();
    const visits: any[] = [];
    const marks = new Map<string, MarkDoc>();
    let depositRows = 0;
    // Only the rows of each month's active version count (an import staged but not switched in does not).
    const depActive = await allActiveVersions(db, 'deposits');
    const crActive = await allActiveVersions(db, 'credit');
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const depWhere: Record<string, unknown> = scope ? { merchantId: _.in(part), month: _.in([...scope.months]) } : { merchantId: _.in(part) };
      depositRows += await scanCollection<any>(db, 'deposits', depWhere, { _id: true, merchantId: true, month: true, balanceFen: true, version: true }, (page) => {
        for (const d of page) {
          if (!isServed(d, depActive)) continue;
          let rec = deposits.get(d.merchantId);
          if (!rec) deposits.set(d.merchantId, (rec = {}));
          rec[d.month] = d.balanceFen ?? 0;
        }
      });
      await scanCollection<any>(db, 'credits', { merchantId: _.in(part) }, { _id: true, merchantId: true, month: true, grantedFen: true, grantedAt: true, drawnFen: true, version: true }, (page) => {
        for (const c of page) {
          if (!c.month || !isServed(c, crActive)) continue;
          let rec = credits.get(c.merchantId);
          if (!rec) credits.set(c.merchantId, (rec = {}));
          rec[c.month] = { grantedFen: c.grantedFen ?? 0, grantedAt: c.grantedAt ?? null, drawnFen: c.drawnFen ?? 0 };
        }
      });
      const visitWhere: Record<string, unknown> = b.range ? { merchantId: _.in(part), day: _.gte(b.range.from).and(_.lte(b.range.to)) } : { merchantId: _.in(part) };
      await scanCollection<any>(db, 'visits', visitWhere, { _id: true, merchantId: true, staffId: true, type: true, day: true, at: true, isFlagged: true, unitPath: true }, (page) => {
        visits.push(...page);
      });
      if (!b.range) {
        await scanCollection<MarkDoc>(db, ROLLUP_MARKS, { merchantId: _.in(part) }, null, (page) => {
          for (const mk of page) marks.set(mk._id, mk);
        });
      }
    }
    const after = await deltaIds();
    const same = before.length === after.length && before.every((d, i) => d._id === after[i]._id);
    if (same || attempt >= 4) {
      if (!same) throw new Error('roll-up build: the chunk kept changing while it was read; it is retried on the next step');
      return { merchants, deposits, credits, depositRows, visits, marks, deltas: before };
    }
  }
}

/** Builds one chunk (or plans one, or notices the build is built). */
export async function buildStep(db: Db, id: string): Promise<{ build: BuildState | null; chunk: ChunkResult | null }> {
  let b = await buildOf(db, id);
  if (!b) return { build: null, chunk: null };
  if (await invalidated(db, b)) {
    if (b.restarts >= MAX_RESTARTS) {
      await discardBuild(db, b.id);
      throw new BuildAbandoned('roll-up build: writes over many merchants keep landing; try again when imports are done');
    }
    return { build: await restart(db, b), chunk: null };
  }
  if (b.built) return { build: b, chunk: null };
  if (!b.planned) {
    b = await plan(db, b);
    if (b.built || !b.planned) return { build: b, chunk: null };
  }
  const p = b.planned!;
  const gen = b.gen;
  const { merchants, deposits, credits, depositRows, visits, marks, deltas } = await readChunk(db, b, p);

  // Sums of the chunk, as a rebuild of these merchants alone would compute them.
  const incs = new Increments();
  if (b.range) {
    const { years } = rangeScope(b.range);
    const { from, to } = b.range;
    // Only the compared days, and the years whose months or totals are compared (see reconcile.ts).
    const counted = (day: string) => (day >= from && day <= to) || years.has(day.slice(0, 4));
    for (const m of merchants.values()) {
      const events = allMerchantEvents(m, deposits.get(m._id!) ?? {}, credits.get(m._id!) ?? {}).filter((e) => counted(e.day));
      for (const owner of merchantOwners(m)) for (const e of events) if (e.delta) incs.addStock(owner, e);
    }
  } else {
    for (const m of merchants.values()) addMerchantChange(incs, null, m, deposits.get(m._id!) ?? {}, credits.get(m._id!) ?? {});
  }
  const markSet = new MarkSet();
  for (const v of visits) addVisitToComputation(incs, markSet, { ...v, day: v.day ?? toDay(v.at) }, merchants.get(v.merchantId) ?? null);

  // Each document once: the chunk's sums (if any) and the markers of deltas the records already count.
  const writes = new Map<string, { e: DeltaEntry; markers: string[] }>();
  for (const [k, doc] of withRanks(incs.docs)) {
    if (doc.part === 'all' && b.range) continue;
    const i: Record<string, number> = {};
    for (const [path, n] of doc.inc) i[path] = n;
    writes.set(k, { e: { k, o: doc.owner, y: doc.year, ...(doc.ym ? { ym: doc.ym } : {}), p: doc.part, g: doc.grain, i }, markers: [`b.c${p.seq}`] });
  }
  const counted = deltas.filter((d) => !d.dg.includes(gen) && !d.multi);
  for (const d of counted) {
    for (const e of entriesFor(b, d.e)) {
      const w = writes.get(e.k);
      if (w) w.markers.push(`f.${d._id}`);
      else writes.set(e.k, { e: { ...e, i: {} }, markers: [`f.${d._id}`] });
    }
  }
  const list = [...writes.values()];
  if (b.range) await writePartials(db, gen, p.seq, list);
  else await writeChunk(db, gen, `b.c${p.seq}`, list);
  if (counted.length) {
    const _ = db.command;
    await db.collection(ROLLUP_DELTAS).where({ _id: _.in(counted.map((d) => d._id)) }).update({ data: { dg: _.addToSet(gen) } });
  }
  if (!b.range) await rewriteMarks(db, markSet, marks);

  const last = p.parts[p.parts.length - 1];
  const s = await updateState(db, (x) => ({ ...x, builds: x.builds.map((y) => (y.id === id && y.gen === gen ? { ...y, grid: last.grid, after: last.end, planned: null, seq: p.seq } : y)) }));
  return { build: s.builds.find((y) => y.id === id) ?? null, chunk: { merchants: merchants.size, visits: visits.length, deposits: depositRows, docs: list.length, marks: markSet.marks.size } };
}

/**
 * A range build (reconciliation) keeps each chunk's sums as documents of their own, `<key>#<gen>#<chunk>`,
 * added in a few requests instead of one update per document; the comparison sums a key's documents. A
 * retried chunk writes the same ids: whichever attempt's document stays is consistent with its markers.
 */
async function writePartials(db: Db, gen: number, seq: number, list: { e: DeltaEntry; markers: string[] }[]): Promise<void> {
  const docs = list.map(({ e, markers }) => {
    const f: Record<string, 1> = {};
    for (const m of markers) if (m.startsWith('f.')) f[m.slice(2)] = 1;
    return { _id: `${e.k}#${gen}#${seq}`, k: e.k, gen, owner: e.o, year: e.y, ...(e.ym ? { ym: e.ym } : {}), part: e.p, grain: e.g, ...nestedFrom(new Map(Object.entries(e.i))), f };
  });
  for (let i = 0; i < docs.length; i += 500) {
    const batch = docs.slice(i, i + 500);
    try {
      await db.collection(ROLLUPS).add({ data: batch });
    } catch (err) {
      if (!/DUPLICATE|E11000|duplicate key/i.test(String((err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message ?? err))) throw err;
      for (const { _id, ...rest } of batch) await db.collection(ROLLUPS).doc(_id).set({ data: rest });
    }
  }
}

const metas = new Map<string, { at: number; meta: OwnerMeta }>();

/** An owner's descriptive fields for a new document (kept a minute, as the fold keeps them). */
async function ownerMeta(db: Db, owner: string): Promise<OwnerMeta> {
  const hit = metas.get(owner);
  if (hit && Date.now() - hit.at < 60_000) return hit.meta;
  const meta = await resolveOwnerMeta(db, owner);
  metas.set(owner, { at: Date.now(), meta });
  return meta;
}

/**
 * Writes a rebuild chunk's sums into generation `gen`, 500 documents at a time: one read says which exist
 * and which already carry the chunk's marker (a retried chunk skips those); each that exists gets the
 * conditional update of `applyToDoc`; those missing, most of a new generation's, are added in one request
 * with their markers. An add that meets a document created since the read (a fold of a write made
 * meanwhile) fails whole on the duplicate `_id`, and its documents go through `applyToDoc`, which adds
 * nothing twice. Entries carrying only a delta's marker go through `applyToDoc` too.
 */
async function writeChunk(db: Db, gen: number, marker: string, list: { e: DeltaEntry; markers: string[] }[]): Promise<void> {
  const _ = db.command;
  const one = (ws: { e: DeltaEntry; markers: string[] }[]) => Promise.all(ws.map((w) => applyToDoc(db, gen, w.e, w.markers)));
  const sums = list.filter((w) => w.markers[0] === marker);
  const rest = list.filter((w) => w.markers[0] !== marker);
  for (let i = 0; i < rest.length; i += 20) await one(rest.slice(i, i + 20));
  for (let i = 0; i < sums.length; i += 500) {
    const page = sums.slice(i, i + 500);
    const seen = (await db.collection(ROLLUPS).where({ _id: _.in(page.map((w) => rid(gen, w.e.k))) }).field({ _id: true, [marker]: true }).limit(500).get()) as { data: Record<string, any>[] };
    const found = new Map(seen.data.map((d) => [d._id as string, Boolean(d.b?.[marker.slice(2)])]));
    const present = page.filter((w) => found.get(rid(gen, w.e.k)) === false);
    const missing = page.filter((w) => !found.has(rid(gen, w.e.k)));
    for (let j = 0; j < present.length; j += 20) await one(present.slice(j, j + 20));
    if (!missing.length) continue;
    const owners = [...new Set(missing.map((w) => w.e.o))];
    const meta = new Map(await Promise.all(owners.map(async (o) => [o, await ownerMeta(db, o)] as const)));
    const docs = missing.map(({ e, markers }) => {
      const f: Record<string, 1> = {};
      const b: Record<string, 1> = {};
      for (const m of markers) (m.startsWith('f.') ? f : b)[m.slice(2)] = 1;
      return { _id: rid(gen, e.k), ...meta.get(e.o)!, year: e.y, ...(e.ym ? { ym: e.ym } : {}), part: e.p, grain: e.g, k: e.k, gen, ...nestedFrom(new Map(Object.entries(e.i))), f, b };
    });
    try {
      await db.collection(ROLLUPS).add({ data: docs });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      for (let j = 0; j < missing.length; j += 20) await one(missing.slice(j, j + 20));
    }
  }
}

/** A mark's segments in a canonical order (owners sorted, segments by owners), to compare two marks. */
function canonical(segs: MarkSegment[]): string {
  return JSON.stringify(segs.map((x) => ({ owners: [...x.owners].sort(), days: [...x.days].sort() })).sort((p, q) => (p.owners.join() < q.owners.join() ? -1 : 1)));
}

/**
 * Revisit marks are not generational (one per merchant and year, written by submits): each that differs
 * from what the chunk's visits give is rewritten in a transaction, keeping days a submit added since the
 * chunk was read (segment by segment). A mark the chunk found missing is added instead, the chunk's in a
 * few requests (a plain insert: there is nothing to keep); one a submit created since the read makes its
 * request fail on the duplicate `_id`, and that request's marks take the transaction (which keeps the
 * submit's days, and finds those inserted already as they should be). A submit that read the mark missing
 * before the insert conflicts on it and reads again, as it would on the transaction's write.
 */
async function rewriteMarks(db: Db, computed: MarkSet, scanned: Map<string, MarkDoc>): Promise<void> {
  const next = new Map<string, Omit<MarkDoc, '_id'>>();
  for (const [id, mk] of computed.marks) next.set(id, { merchantId: mk.merchantId, year: mk.year, owners: segmentOwners(mk.segs), segs: mk.segs, unitPath: mk.unitPath, marketId: mk.marketId, area: mk.area });
  const changed: string[] = [];
  const missing: string[] = [];
  for (const id of new Set([...next.keys(), ...scanned.keys()])) {
    const want = next.get(id) ?? null;
    const had = scanned.get(id) ?? null;
    if (want && had && had.segs && canonical(want.segs) === canonical(had.segs)) continue;
    (want && !had ? missing : changed).push(id);
  }
  for (let i = 0; i < missing.length; i += 500) {
    const part = missing.slice(i, i + 500);
    try {
      await db.collection(ROLLUP_MARKS).add({ data: part.map((id) => ({ _id: id, ...next.get(id)! })) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      changed.push(...part);
    }
  }
  for (const id of changed) {
    const want = next.get(id) ?? null;
    const had = scanned.get(id) ?? null;
    await inTransaction(db, async (tx) => {
      const cur = await readDoc<MarkDoc>(tx, ROLLUP_MARKS, id);
      const segs: MarkSegment[] = structuredClone(want?.segs ?? []);
      const hadSegs = had ? markSegments(had) : [];
      const key = (x: MarkSegment) => [...x.owners].sort().join();
      for (const c of cur ? markSegments(cur) : []) {
        const before = hadSegs.find((x) => key(x) === key(c))?.days ?? [];
        const added = c.days.filter((d) => !before.includes(d));
        if (!added.length) continue;
        let seg = segs.find((x) => key(x) === key(c));
        if (!seg) segs.push((seg = { owners: [...c.owners], days: [] }));
        seg.days = [...new Set([...seg.days, ...added])].sort();
      }
      if (!segs.some((x) => x.days.length)) {
        if (cur) await tx.collection(ROLLUP_MARKS).doc(id).remove();
        return;
      }
      const base = want ?? cur!;
      await tx.collection(ROLLUP_MARKS).doc(id).set({ data: { merchantId: base.merchantId, year: base.year, owners: segmentOwners(segs), segs, unitPath: base.unitPath, marketId: base.marketId, area: base.area } });
    });
  }
}

/**
 * Once every grid is built: deltas written before the build that no chunk owned (batches) are counted in
 * its records, so they are recorded as such; every other delta is folded into the new generation.
 */
export async function settleBuild(db: Db, id: string): Promise<BuildState | null> {
  const b = await buildOf(db, id);
  if (!b || !b.built) return b;
  const s: RollupState = await readState(db, true);
  const _ = db.command;
  let last: string | null = null;
  for (;;) {
    const where: Record<string, unknown> = last === null ? { dg: _.neq(b.gen) } : { dg: _.neq(b.gen), _id: _.gt(last) };
    const res = (await db.collection(ROLLUP_DELTAS).where(where).orderBy('_id', 'asc').limit(100).get()) as { data: DeltaDoc[] };
    for (const d of res.data) {
      if ((b.known ?? []).includes(d._id) || (d.multi && d.at < b.startedAt - IN_FLIGHT_MS)) {
        // Counted in the records: marked on the new documents as folded (a reader judging the delta by its
        // markers must not add it again), then recorded as such.
        await Promise.all(entriesFor(b, d.e).map((e) => applyToDoc(db, b.gen, { ...e, i: {} }, [`f.${d._id}`])));
        await db.collection(ROLLUP_DELTAS).doc(d._id).update({ data: { dg: _.addToSet(b.gen) } });
      }
      else if (!d.multi) await foldDelta(db, d, s);
    }
    if (res.data.length < 100) break;
    last = res.data[res.data.length - 1]._id;
  }
  if (await invalidated(db, b)) return restart(db, b);
  if (b.kind === 'rebuild') await dropChunkMarkers(db, b.gen);
  return b;
}

/** Chunk markers only guard a chunk's retry: gone before the generation serves (the bank's would grow with every chunk). */
async function dropChunkMarkers(db: Db, gen: number): Promise<void> {
  const _ = db.command;
  // Along `_id`: a page never reads again the documents of the pages before it (each read from the start
  // would pass over every document already done, a square of the generation's size in all).
  let last: string | null = null;
  for (;;) {
    const where: Record<string, unknown> = last === null ? { gen, b: _.exists(true) } : { gen, b: _.exists(true), _id: _.gt(last) };
    const res = (await db.collection(ROLLUPS).where(where).field({ _id: true }).orderBy('_id', 'asc').limit(500).get()) as { data: { _id: string }[] };
    if (!res.data.length) return;
    // 500 ids at most: a longer `_id` list is not a key lookup.
    await db.collection(ROLLUPS).where({ _id: _.in(res.data.map((d) => d._id)) }).update({ data: { b: _.remove() } });
    if (res.data.length < 500) return;
    last = res.data[res.data.length - 1]._id;
  }
}

/** Makes a built rebuild the serving generation (one small transaction); the old one is retired. */
export async function flipBuild(db: Db, id: string): Promise<number | null> {
  let flipped: number | null = null;
  await updateState(db, (x) => {
    const b = x.builds.find((y) => y.id === id);
    if (!b || !b.built || b.kind !== 'rebuild') return null;
    flipped = b.gen;
    // A rebuild writes the ranking documents with the rest (`withRanks`): complete in its generation.
    return { ...x, gen: b.gen, builds: x.builds.filter((y) => y.id !== id), retired: [...x.retired, { gen: x.gen, at: Date.now() }], ranked: [b.gen] };
  });
  return flipped;
}
