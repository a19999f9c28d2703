/**
 * The local CloudBase database service: answers the client's wire actions (database.getDocument,
 * insertDocument, modifyDocument, removeDocument, calculateDocument, aggregateDocuments, the transaction
 * actions, addCollection) over the SQLite store, with CloudBase's answers, limits and errors.
 */
import Database from 'better-sqlite3';
import { ObjectId } from 'bson';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cloneLive, decodeStored, decodeWire, decodeWireDocument, encodeStored, findDollarName, idKey, type Doc } from './codec';
import { EngineError, collectionNotExist, duplicateKeyAnswer, fail } from './errors';
import { type Matcher, compileQuery, guard, lazyMatcher, memoryQuery, nearOf, runPipeline, resolve, toEngineError } from './matcher';
import { Store, type IndexSpec, type IndexField, type Order, type Plan } from './store';
import { applyUpdate, applyUpdateTracked, normaliseModifier, replacement, upsertBase } from './updates';
import { asPoint, distanceM, parseNear } from './geo';
import { Transactions } from './transactions';
import { fastGroup, groupFields } from './group';

const { compare: mingoCompare } = require('mingo/util') as { compare: (a: unknown, b: unknown) => number };
import { startCheckpointer, type Checkpointer } from './checkpointer';

/** CloudBase limits: a server-side get returns 100 documents by default and 1000 at most. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** At most this many documents in one add (insertDocument) request. */
export const MAX_BATCH_INSERT = 1000;

export interface EngineOptions {
  /** A folder for `db.sqlite`, or ':memory:' for a throw-away engine (tests). */
  dataDir: string;
  /**
   * 'normal' (default) survives a killed process: every acknowledged write is in the WAL. 'full' also
   * fsyncs each commit, surviving power loss at the cost of write latency.
   */
  durability?: 'normal' | 'full';
  /** Clock for serverDate, ids and transaction lifetimes; tests may pin it. */
  now?: () => number;
}

export interface CollectionsSpec {
  collections: {
    name: string;
    indexes?: { name: string; keys: IndexField[] | Record<string, 1 | -1 | '2dsphere'>; unique?: boolean; sparse?: boolean }[];
  }[];
}

type Params = Record<string, any>;

let seq = 0;
let pool = Buffer.alloc(0);
let poolAt = 0;
/** A CloudBase-looking `_id`: 32 hex characters, seconds first so ids roughly follow creation. */
export function newId(now = Date.now()): string {
  // Random bytes come from a pool: one crypto call per 512 ids instead of one per id.
  if (poolAt + 9 > pool.length) {
    pool = randomBytes(9 * 512);
    poolAt = 0;
  }
  seq = (seq + 1) % 0xffffff;
  const rnd = pool.toString('hex', poolAt, poolAt + 9);
  poolAt += 9;
  return Math.floor(now / 1000).toString(16).padStart(8, '0') + seq.toString(16).padStart(6, '0') + rnd;
}

/** 16 hex characters per answer, from the same random pool as ids (a crypto call per request cost more than a read). */
function requestId(): string {
  return newId().slice(-16);
}

/** A row a read found: its stored text, decoded only when something needs the document. */
class FoundRow {
  private decoded: Doc | null = null;
  constructor(
    readonly rid: number,
    readonly text: string,
  ) {}

  get doc(): Doc {
    return (this.decoded ??= decodeStored(this.text));
  }
}

export class Engine {
  readonly store: Store;
  readonly db: Database.Database;
  readonly tx: Transactions;
  private readonly now: () => number;
  /** Collections declared by ensureIndexes (a declared engine requires geo indexes as CloudBase does). */
  private declared: Set<string> | null = null;
  private checkpointer: Checkpointer | null = null;

  constructor(opts: EngineOptions) {
    let file = ':memory:';
    if (opts.dataDir !== ':memory:') {
      mkdirSync(opts.dataDir, { recursive: true });
      file = join(opts.dataDir, 'db.sqlite');
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = OFF');
    this.db.pragma('cache_size = -131072');
    this.db.pragma('temp_store = MEMORY');
    if (file !== ':memory:') {
      // Checkpoints run on a worker; SQLite's own stays as a far-off safety net (64 MB of WAL).
      this.db.pragma('wal_autocheckpoint = 16384');
      this.checkpointer = startCheckpointer(file);
    }
    this.store = new Store(this.db);
    this.now = opts.now ?? Date.now;
    this.tx = new Transactions(this.store, this.now, { writeLimit: true });
  }

  /** Applies `database/collections.json`: creates collections and builds their indexes. */
  ensureIndexes(spec: CollectionsSpec): void {
    if (!spec || !Array.isArray(spec.collections)) fail('INVALID_PARAM', 'collections spec needs a collections array');
    const names = new Set(this.declared ?? []);
    for (const c of spec.collections) {
      if (!c || typeof c.name !== 'string') fail('INVALID_PARAM', 'every collection needs a name');
      this.store.createCollection(c.name);
      names.add(c.name);
      for (const ix of c.indexes ?? []) this.store.ensureIndex(c.name, normaliseIndex(c.name, ix));
    }
    this.declared = names;
  }

  /** Answers one wire request; failures are thrown as CloudBase errors (EngineError), never raw exceptions. */
  handle(action: string, params: Params | undefined): any {
    const p = params ?? {};
    const rid = requestId();
    try {
      const res = this.dispatch(action, p);
      return { ...res, requestId: rid };
    } catch (err) {
      let e = toEngineError(err);
      // The store raises MongoDB's own E11000 text; CloudBase wraps it by the kind of request.
      if (e.code === 'DATABASE_DUPLICATE_WRITE') e = duplicateKeyAnswer(action === 'database.insertDocument' ? 'insert' : 'update', e.message);
      e.requestId = rid;
      throw e;
    }
  }

  private dispatch(action: string, p: Params): any {
    switch (action) {
      case 'database.getDocument':
        return this.getDocument(p);
      case 'database.calculateDocument':
        return this.count(p);
      case 'database.insertDocument':
        return this.insert(p);
      case 'database.modifyDocument':
        return this.modify(p);
      case 'database.modifyAndReturnDoc':
        return this.modifyAndReturn(p);
      case 'database.removeDocument':
        return this.remove(p);
      case 'database.aggregateDocuments':
        return this.aggregate(p);
      case 'database.startTransaction':
        return { transactionId: this.tx.start() };
      case 'database.commitTransaction':
        this.tx.commit(String(p.transactionId ?? ''));
        return {};
      case 'database.abortTransaction':
        this.tx.abort(String(p.transactionId ?? ''));
        return {};
      case 'database.addCollection':
        return this.addCollection(p);
      default:
        return fail('INVALID_PARAM', `unsupported database action: ${String(action)}`);
    }
  }

  /** The request's collection; one never created (ensureIndexes, createCollection) does not exist, for reads and writes alike. */
  private collectionOf(p: Params): string {
    const name = p.collectionName;
    if (typeof name !== 'string' || !name) fail('INVALID_PARAM', 'collectionName is required');
    if (!this.store.has(name)) collectionNotExist(name);
    return name;
  }

  private addCollection(p: Params): any {
    const name = p.collectionName;
    if (typeof name !== 'string' || !name) fail('INVALID_PARAM', 'collectionName is required');
    // CloudBase: "[ResourceUnavailable.ResourceExist] Table exist." (quoted from the service in public projects).
    if (this.store.has(name)) fail('DATABASE_COLLECTION_ALREADY_EXIST', '[ResourceUnavailable.ResourceExist] Table exist. Please check your request, but if the problem persists, contact us.');
    this.store.createCollection(name);
    this.declared?.add(name);
    return {};
  }

  private query(p: Params): Doc {
    if (p.query === undefined || p.query === null || p.query === '') return {};
    const q = decodeWire(p.query, 'query', this.now());
    if (!q || typeof q !== 'object' || Array.isArray(q)) fail('INVALID_PARAM', 'query must be an object');
    return q;
  }

  private order(p: Params): Order {
    if (p.order === undefined || p.order === null || p.order === '') return [];
    const o = decodeWire(p.order, 'order', this.now());
    const pairs: [string, any][] = Array.isArray(o) ? o.map((x: any) => [x.field, x.direction]) : Object.entries(o ?? {});
    return pairs.map(([f, d]) => {
      const dir = d === 'desc' || d === -1 ? -1 : d === 'asc' || d === 1 ? 1 : null;
      if (typeof f !== 'string' || !f || dir === null) fail('INVALID_PARAM', `invalid order on ${String(f)}`);
      return [f, dir] as [string, 1 | -1];
    });
  }

  private txnOf(p: Params) {
    return p.transactionId ? this.tx.get(String(p.transactionId)) : null;
  }

  /** Finds documents: candidates from the plan, the evaluator's filter, order, offset, limit. */
  find(coll: string, criteria: Doc, order: Order, offset: number, limit: number): FoundRow[] {
    if (!this.store.has(coll)) return [];
    const matcher = lazyMatcher(criteria);
    const near = nearOf(criteria);
    if (near && !order.length) {
      matcher.compile();
      return this.findNear(coll, criteria, matcher, near, offset, limit);
    }
    const plan = this.store.plan(coll, criteria, order);
    if (!plan.exact) matcher.compile();
    const out: FoundRow[] = [];
    if (plan.ordered) {
      // Rows arrive in the requested order: stop as soon as the page is full.
      let skipped = 0;
      for (const row of this.store.run(plan)) {
        const found = new FoundRow(row.rid, row.doc);
        if (!plan.exact && !matcher.test(found.doc)) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        out.push(found);
        if (out.length >= limit) break;
      }
      return out;
    }
    for (const row of this.store.run(plan)) {
      const found = new FoundRow(row.rid, row.doc);
      if (plan.exact || matcher.test(found.doc)) out.push(found);
    }
    sortRows(out, order);
    return out.slice(offset, offset + limit);
  }

  private findNear(coll: string, criteria: Doc, matcher: Matcher, near: { field: string; center: [number, number] }, offset: number, limit: number) {
    this.requireGeoIndex(coll, near.field);
    const plan = this.store.plan(coll, criteria, []);
    const out: { row: FoundRow; d: number }[] = [];
    for (const row of this.store.run(plan)) {
      const found = new FoundRow(row.rid, row.doc);
      if (!matcher.test(found.doc)) continue;
      const pt = asPoint(resolve(found.doc, near.field));
      out.push({ row: found, d: pt ? distanceM(near.center, pt) : Infinity });
    }
    out.sort((a, b) => a.d - b.d);
    return out.slice(offset, offset + limit).map((x) => x.row);
  }

  private requireGeoIndex(coll: string, field: string): void {
    // MongoDB (and so CloudBase) answers near queries only through a geo index on the field.
    if (this.declared && this.store.geoField(coll) !== field) {
      fail('DATABASE_REQUEST_FAILED', `unable to find index for $geoNear query on ${coll}.${field}: create a geo index on the field`);
    }
  }

  /** The plan a find would use, with SQLite's EXPLAIN QUERY PLAN (for tests and diagnostics). */
  explain(coll: string, criteria: Doc, order: Order = []): Plan & { detail: string[] } {
    compileQuery(criteria);
    const plan = this.store.plan(coll, criteria, order);
    return { ...plan, detail: this.store.explain(plan) };
  }

  private page(p: Params): { offset: number; limit: number } {
    const offset = p.offset === undefined || p.offset === null ? 0 : Number(p.offset);
    if (!Number.isInteger(offset) || offset < 0) fail('INVALID_PARAM', 'offset must be a non-negative integer');
    let limit = p.limit === undefined || p.limit === null ? DEFAULT_LIMIT : Number(p.limit);
    if (!Number.isInteger(limit) || limit < 0) fail('INVALID_PARAM', 'limit must be a non-negative integer');
    if (limit === 0) limit = DEFAULT_LIMIT;
    return { offset, limit: Math.min(limit, MAX_LIMIT) };
  }

  private getDocument(p: Params): any {
    const coll = this.collectionOf(p);
    const criteria = this.query(p);
    const order = this.order(p);
    const { offset, limit } = this.page(p);
    const projection = p.projection ? decodeWire(p.projection, 'projection', this.now()) : null;
    const txn = this.txnOf(p);
    let docs: { doc: Doc; text: string }[];
    if (txn) {
      if (p.queryType !== 'DOC' || !('_id' in criteria)) refuseInTransaction('where().get()');
      const d = txn.read(coll, criteria._id);
      docs = d ? [{ doc: d, text: encodeStored(d) }] : [];
    } else {
      docs = this.find(coll, criteria, order, offset, limit);
    }
    const projects = projection !== null && Object.keys(projection).length > 0;
    const plain = projects ? plainInclusion(projection) : null;
    const evaluated = (doc: Doc) => guard(() => memoryQuery().find([doc], projection!).all()[0]) as Doc;
    // A document stored without "$" wrappers holds plain JSON values only, and so does any part of it.
    const pickedText = (d: { doc: Doc; text: string }, plan: InclusionPlan) => {
      const picked = includeFields(d.doc, plan);
      if (!picked) return encodeStored(evaluated(d.doc));
      return d.text.indexOf('"$') === -1 ? JSON.stringify(picked) : encodeStored(picked);
    };
    const list = !projects
      ? docs.map((d) => answerText(d.text))
      : plain
        ? docs.map((d) => answerText(pickedText(d, plain)))
        : project(docs.map((d) => d.doc), projection).map((d) => answerText(encodeStored(d)));
    return { data: { list, offset, limit } };
  }

  private count(p: Params): any {
    const coll = this.collectionOf(p);
    if (p.transactionId) refuseInTransaction('count()');
    const criteria = this.query(p);
    if (!Object.keys(criteria).length) return { data: { total: this.store.size(coll) } };
    const matcher = lazyMatcher(criteria);
    const plan = this.store.plan(coll, criteria, []);
    // An exact plan is counted by SQLite over the index alone.
    if (plan.exact) return { data: { total: this.store.countPlan(plan) } };
    matcher.compile();
    let total = 0;
    for (const row of this.store.run(plan)) {
      if (matcher.test(decodeStored(row.doc))) total++;
    }
    return { data: { total } };
  }

  private insert(p: Params): any {
    const coll = this.collectionOf(p);
    const data = p.data;
    if (!Array.isArray(data) || data.length === 0) fail('INVALID_PARAM', 'data must be a non-empty array of documents');
    if (data.length > MAX_BATCH_INSERT) fail('DATABASE_REQUEST_FAILED', `at most ${MAX_BATCH_INSERT} documents per add`);
    const now = this.now();
    const texts: (string | null)[] = [];
    const docs: Doc[] = data.map((d: unknown, i: number) => {
      const { doc, stored, dollarName } = decodeWireDocument(d, `data[${i}]`, now);
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('INVALID_PARAM', `data[${i}] must be an object`);
      if (dollarName !== null) refuseDollarName(dollarName);
      if (doc._id !== undefined) {
        texts.push(stored);
        return doc;
      }
      const id = newId(now);
      if (stored === null || p.transactionId) {
        texts.push(null);
        return { _id: id, ...doc };
      }
      // The stored text puts the new _id first; the document, this request's own, only gives the index keys
      // and takes its _id in place rather than being copied behind a new first field.
      texts.push(stored === '{}' ? `{"_id":"${id}"}` : `{"_id":"${id}",${stored.slice(1)}`);
      doc._id = id;
      return doc;
    });
    const txn = this.txnOf(p);
    if (txn) {
      for (const d of docs) txn.insert(coll, d);
    } else {
      // One SQLite transaction: a batch is written whole or not at all.
      this.db.transaction(() => this.store.insertMany(coll, docs, texts.map((t) => t ?? undefined)))();
      if (this.tx.watching) this.tx.inserted(coll, docs.map((d) => d._id));
    }
    return { data: { insertedIds: docs.map((d) => answerId(d._id)) } };
  }

  private targets(coll: string, p: Params, criteria: Doc): FoundRow[] {
    const single = p.queryType === 'DOC' || p.multi === false;
    if (p.queryType === 'DOC' && !('_id' in criteria)) fail('INVALID_PARAM', 'a document request needs its _id');
    return this.find(coll, criteria, [], 0, single ? 1 : Number.MAX_SAFE_INTEGER);
  }

  private modify(p: Params): any {
    const coll = this.collectionOf(p);
    const criteria = this.query(p);
    const data = decodeWire(p.data, 'data', this.now());
    const merge = p.merge !== false;
    const upsert = p.upsert === true;
    const txn = this.txnOf(p);
    if (txn) {
      if (p.queryType !== 'DOC' || !('_id' in criteria)) refuseInTransaction('where().update()');
      return { data: txn.modify(coll, criteria._id, merge ? normaliseModifier(data) : null, merge ? null : data, upsert) };
    }
    const modifier = merge ? normaliseModifier(data) : null;
    if (!merge) {
      const dollarName = findDollarName(data);
      if (dollarName !== null) refuseDollarName(dollarName);
    }
    const changes: [unknown, string | null][] = [];
    const watching = this.tx.watching;
    const res = this.db.transaction(() => {
      const targets = this.targets(coll, p, criteria);
      let updated = 0;
      for (const t of targets) {
        const { next, changed } = modifier ? applyUpdateTracked(t.doc, modifier) : { next: replacement(t.doc._id, data), changed: null };
        if (changed === false) continue;
        const text = encodeStored(next);
        // Compare in one encoding: a stored text may spell a number differently (1.0 for 1).
        if (changed === null && (text === t.text || text === encodeStored(t.doc))) continue;
        this.store.replace(coll, t.rid, t.doc, next, text);
        if (watching) changes.push([t.doc._id, t.text]);
        updated++;
      }
      if (!targets.length && upsert) {
        const base = upsertBase(criteria);
        const id = base._id ?? newId(this.now());
        const doc = modifier ? applyUpdate({ ...base, _id: id }, modifier) : replacement(id, data);
        this.store.insert(coll, doc);
        if (watching) changes.push([id, null]);
        return { data: { updated: 0, upsert_id: answerId(id) } };
      }
      return { data: { updated } };
    })();
    for (const [id, before] of changes) this.tx.changed(coll, id, before);
    return res;
  }

  private modifyAndReturn(p: Params): any {
    const coll = this.collectionOf(p);
    if (p.transactionId) refuseInTransaction('updateAndReturn');
    const criteria = this.query(p);
    const modifier = normaliseModifier(decodeWire(p.data, 'data', this.now()));
    let change: [unknown, string] | null = null;
    const res = this.db.transaction(() => {
      const [t] = this.find(coll, criteria, [], 0, 1);
      if (!t) return { data: { updated: 0, doc: null } };
      const tracked = applyUpdateTracked(t.doc, modifier);
      const next = tracked.next;
      const text = encodeStored(next);
      const changed = tracked.changed ?? (text !== t.text && text !== encodeStored(t.doc));
      if (changed) {
        this.store.replace(coll, t.rid, t.doc, next, text);
        change = [t.doc._id, t.text];
      }
      return { data: { updated: changed ? 1 : 0, doc: answerText(text) } };
    })();
    if (change) this.tx.changed(coll, change[0], change[1]);
    return res;
  }

  private remove(p: Params): any {
    const coll = this.collectionOf(p);
    const criteria = this.query(p);
    const txn = this.txnOf(p);
    if (txn) {
      if (p.queryType !== 'DOC' || !('_id' in criteria)) refuseInTransaction('where().remove()');
      return { data: { deleted: txn.remove(coll, criteria._id) } };
    }
    const targets = this.db.transaction(() => {
      const found = this.targets(coll, p, criteria);
      for (const t of found) this.store.remove(coll, t.rid, t.doc);
      return found;
    })();
    if (this.tx.watching) for (const t of targets) this.tx.changed(coll, t.doc._id, t.text);
    return { data: { deleted: targets.length } };
  }

  private aggregate(p: Params): any {
    const coll = this.collectionOf(p);
    if (p.transactionId) refuseInTransaction('aggregate()');
    if (!Array.isArray(p.stages)) fail('INVALID_PARAM', 'stages must be an array');
    const now = this.now();
    const pipeline: Doc[] = p.stages.map((s: any, i: number) => {
      if (!s || typeof s.stageKey !== 'string' || !s.stageKey.startsWith('$')) fail('INVALID_PARAM', `stages[${i}] needs a stageKey`);
      if (!STAGES.has(s.stageKey)) fail('DATABASE_INVALID_OPERRATOR', `unknown pipeline stage: ${s.stageKey}`);
      return { [s.stageKey]: decodeWire(s.stageValue, `stages[${i}].stageValue`, now) };
    });
    const geoIdx = pipeline.findIndex((s) => '$geoNear' in s);
    if (geoIdx > 0) fail('DATABASE_REQUEST_FAILED', '$geoNear is only valid as the first stage in a pipeline');
    let input: Doc[];
    let rest = pipeline;
    let pushed: { docs: Doc[]; consumed: number } | null = null;
    if (geoIdx === 0) {
      input = this.geoNear(coll, pipeline[0].$geoNear);
      rest = pipeline.slice(1);
    } else if ((pushed = this.groupPushdown(coll, pipeline))) {
      input = pushed.docs;
      rest = pipeline.slice(pushed.consumed);
    } else if (pipeline.length && '$match' in pipeline[0]) {
      // A leading $match is answered like a find, through the indexes.
      input = this.find(coll, pipeline[0].$match, [], 0, Number.MAX_SAFE_INTEGER).map((r) => r.doc);
      rest = pipeline.slice(1);
    } else {
      input = this.allDocs(coll);
    }
    const cache = new Map<string, Doc[]>();
    const resolver = (name: string): Doc[] => {
      if (!cache.has(name)) cache.set(name, this.allDocs(name));
      return cache.get(name)!.map((d) => cloneLive(d));
    };
    if (rest.length && '$group' in rest[0]) {
      const grouped = fastGroup(input, rest[0].$group);
      if (grouped) {
        input = grouped;
        rest = rest.slice(1);
      }
    }
    const out = rest.length ? runPipeline(input, rest.flatMap(rewriteStage), resolver) : input;
    return { data: { list: out.map((d) => answerText(encodeStored(d))) } };
  }

  /**
   * `[$match,] $group` of a supported shape: reads only the fields the two stages use and groups directly,
   * which keeps dashboards' roll-ups over large collections fast.
   */
  private groupPushdown(coll: string, pipeline: Doc[]): { docs: Doc[]; consumed: number } | null {
    const hasMatch = pipeline.length > 1 && '$match' in pipeline[0];
    const groupStage = pipeline[hasMatch ? 1 : 0];
    if (!groupStage || !('$group' in groupStage) || !this.store.has(coll)) return null;
    const fields = groupFields(groupStage.$group);
    if (!fields || !fields.every(Store.extractable)) return null;
    const criteria: Doc = hasMatch ? pipeline[0].$match : {};
    if (!criteria || typeof criteria !== 'object') return null;
    const matcher = compileQuery(criteria);
    const plan = this.store.plan(coll, criteria, []);
    let rows: Iterable<Doc>;
    if (plan.exact) {
      rows = this.store.runFields(plan, fields, nullLikeMissing(groupStage.$group));
    } else {
      const matchFields = topLevelFields(criteria);
      if (!matchFields || !matchFields.every(Store.extractable)) return null;
      const all = [...new Set([...fields, ...matchFields])];
      const it = this.store.runFields(plan, all);
      rows = (function* () {
        for (const d of it) if (guard(() => matcher.test(d))) yield d;
      })();
    }
    const docs = fastGroup(rows, groupStage.$group);
    return docs ? { docs, consumed: hasMatch ? 2 : 1 } : null;
  }

  private allDocs(coll: string): Doc[] {
    const out: Doc[] = [];
    for (const row of this.store.scan(coll)) out.push(decodeStored(row.doc));
    return out;
  }

  private geoNear(coll: string, spec: Doc): Doc[] {
    if (!spec || typeof spec !== 'object') fail('DATABASE_REQUEST_FAILED', '$geoNear needs an object');
    if (typeof spec.distanceField !== 'string' || !spec.distanceField) fail('DATABASE_REQUEST_FAILED', '$geoNear requires a distanceField');
    const center = asPoint(spec.near);
    if (!center) fail('DATABASE_REQUEST_FAILED', '$geoNear requires near as a Point');
    const field = typeof spec.key === 'string' ? spec.key : this.store.geoField(coll) ?? (this.declared ? null : firstPointField(this.store, coll));
    if (!field) fail('DATABASE_REQUEST_FAILED', `$geoNear requires a geo index on ${coll}`);
    this.requireGeoIndex(coll, field);
    const range = parseNear({ $geometry: spec.near, $maxDistance: spec.maxDistance, $minDistance: spec.minDistance });
    const criteria = spec.query && typeof spec.query === 'object' ? spec.query : {};
    const mult = spec.distanceMultiplier === undefined ? 1 : Number(spec.distanceMultiplier);
    const rows = this.find(coll, criteria, [], 0, Number.MAX_SAFE_INTEGER);
    const out: { d: number; doc: Doc }[] = [];
    for (const r of rows) {
      const pt = asPoint(resolve(r.doc, field));
      if (!pt) continue;
      const d = distanceM(center, pt);
      if (d < range.min || d > range.max) continue;
      const doc = r.doc;
      setPath(doc, spec.distanceField, d * mult);
      if (typeof spec.includeLocs === 'string') setPath(doc, spec.includeLocs, resolve(r.doc, field));
      out.push({ d, doc });
    }
    out.sort((a, b) => a.d - b.d);
    return out.map((o) => o.doc);
  }

  /** Flushes the WAL into the database file and closes it. */
  close(): void {
    if (!this.db.open) return;
    this.tx.abortAll();
    this.checkpointer?.stop();
    this.checkpointer = null;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}

/**
 * Whether a direct $group gives the same groups when missing fields read as null: true unless it pushes or
 * collects values ($push, $addToSet skip missing ones) or builds an `_id` document (which omits them).
 */
function nullLikeMissing(spec: Doc): boolean {
  const id = spec._id;
  if (id && typeof id === 'object' && !Array.isArray(id) && !(id instanceof Date)) return false;
  return Object.entries(spec).every(([k, expr]) => k === '_id' || !expr || typeof expr !== 'object' || !('$push' in expr || '$addToSet' in expr));
}

const STAGES = new Set([
  '$match', '$project', '$addFields', '$set', '$unset', '$group', '$sort', '$skip', '$limit', '$count', '$unwind',
  '$lookup', '$bucket', '$bucketAuto', '$sortByCount', '$replaceRoot', '$replaceWith', '$sample', '$geoNear',
  '$facet', '$redact', '$graphLookup', '$unionWith',
]);

/**
 * Stages rewritten before the evaluator runs them ($sample: see below). $bucket: mingo files a value equal to a boundary in
 * the bucket below it; MongoDB's buckets include their lower boundary, so it becomes $group + $sort.
 */
function rewriteStage(stage: Doc): Doc[] {
  if ('$sample' in stage) {
    // mingo samples with replacement; MongoDB returns distinct documents (a random sort, then a limit).
    const size = Number(stage.$sample?.size);
    if (!Number.isInteger(size) || size < 0) fail('DATABASE_REQUEST_FAILED', '$sample needs a non-negative integer size');
    return [{ $addFields: { __sampleKey: { $rand: {} } } }, { $sort: { __sampleKey: 1 } }, { $limit: size }, { $unset: '__sampleKey' }];
  }
  if ('$count' in stage) {
    // mingo answers { n: 0 } over no input; MongoDB's $count passes no document on then (MongoDB manual, "$count
    // (aggregation)": it is $group by null with $sum 1, then $project without _id).
    const name = stage.$count;
    if (typeof name !== 'string' || !name || name.startsWith('$') || name.includes('.')) fail('DATABASE_REQUEST_FAILED', '$count needs a field name (not empty, no "$" first, no ".")');
    return [{ $group: { _id: null, [name]: { $sum: 1 } } }, { $project: { _id: 0 } }];
  }
  if (!('$bucket' in stage)) return [stage];
  const spec = stage.$bucket;
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.boundaries) || spec.boundaries.length < 2) {
    fail('DATABASE_REQUEST_FAILED', '$bucket needs groupBy and at least two boundaries');
  }
  const b: unknown[] = spec.boundaries;
  const lit = (v: unknown) => ({ $literal: v });
  const branches = b.slice(0, -1).map((lo, i) => ({
    case: { $and: [{ $gte: [spec.groupBy, lit(lo)] }, { $lt: [spec.groupBy, lit(b[i + 1])] }] },
    then: i,
  }));
  const hasDefault = spec.default !== undefined;
  const sw: Doc = { branches };
  if (hasDefault) sw.default = b.length - 1;
  const labels = [...b.slice(0, -1), ...(hasDefault ? [spec.default] : [])].map(lit);
  return [
    { $group: { _id: { $switch: sw }, ...(spec.output ?? { count: { $sum: 1 } }) } },
    { $sort: { _id: 1 } },
    { $addFields: { _id: { $arrayElemAt: [labels, '$_id'] } } },
  ];
}

function normaliseIndex(coll: string, ix: any): IndexSpec {
  if (!ix || typeof ix.name !== 'string' || !ix.name) fail('INVALID_PARAM', `an index of ${coll} has no name`);
  const raw = ix.keys;
  const keys: IndexField[] = Array.isArray(raw)
    ? raw.map((k: any) => ({ field: String(k.field), direction: k.direction }))
    : Object.entries(raw ?? {}).map(([field, direction]) => ({ field, direction: direction as IndexField['direction'] }));
  if (!keys.length) fail('INVALID_PARAM', `index ${coll}.${ix.name} has no keys`);
  for (const k of keys) {
    if (!k.field || ![1, -1, '2dsphere'].includes(k.direction as any)) fail('INVALID_PARAM', `index ${coll}.${ix.name}: bad key ${k.field}`);
  }
  return { name: ix.name, keys, unique: !!ix.unique, sparse: !!ix.sparse };
}

/** The top-level fields a filter reads, or null when it holds an operator that may read any field ($expr, $where). */
function topLevelFields(criteria: Doc): string[] | null {
  const out = new Set<string>();
  const walk = (c: any): boolean => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return false;
    for (const [k, v] of Object.entries(c)) {
      if (k === '$and' || k === '$or' || k === '$nor') {
        if (!Array.isArray(v) || !v.every(walk)) return false;
      } else if (k.startsWith('$')) {
        if (k !== '$comment') return false;
      } else {
        out.add(k.split('.')[0]);
      }
    }
    return true;
  };
  return walk(criteria) ? [...out] : null;
}

/** Included paths as a tree: `true` keeps the whole value, a map keeps those sub-fields of an embedded document. */
type Inclusion = Map<string, Inclusion | true>;
interface InclusionPlan {
  fields: Inclusion;
  id: 'listed' | 'appended' | 'dropped';
}

/**
 * A projection that only includes fields (dotted paths too, none a prefix of another), which the reader
 * applies itself; anything else (exclusions, operators, colliding paths) is left to the evaluator.
 */
function plainInclusion(projection: Doc): InclusionPlan | null {
  const fields: Inclusion = new Map();
  let id: InclusionPlan['id'] = 'appended';
  for (const [k, v] of Object.entries(projection)) {
    if (k === '_id') {
      if (v === 0 || v === false) id = 'dropped';
      else if (v === 1 || v === true) {
        id = 'listed';
        fields.set(k, true);
      } else return null;
      continue;
    }
    if (!(v === 1 || v === true) || !k || k.startsWith('_id.')) return null;
    const parts = k.split('.');
    let node = fields;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (!part || part.startsWith('$')) return null;
      const next = node.get(part);
      if (i === parts.length - 1) {
        if (next !== undefined) return null;
        node.set(part, true);
      } else {
        if (next === true) return null;
        if (!next) node.set(part, new Map());
        node = node.get(part) as Inclusion;
      }
    }
  }
  return fields.size > (id === 'listed' ? 1 : 0) ? { fields, id } : null;
}

/**
 * The included fields of a document in its own order; an unlisted `_id` comes last, as the evaluator gives
 * it. Null when a path runs through an array or a typed value (the evaluator's rules apply there).
 */
function includeFields(doc: Doc, plan: InclusionPlan): Doc | null {
  const out = pick(doc, plan.fields);
  if (out && plan.id === 'appended' && doc._id !== undefined) out._id = doc._id;
  return out;
}

function pick(doc: Doc, fields: Inclusion): Doc | null {
  const out: Doc = {};
  for (const k of Object.keys(doc)) {
    const spec = fields.get(k);
    if (spec === undefined) continue;
    const v = doc[k];
    if (spec === true) out[k] = v;
    else if (v === null || typeof v !== 'object') continue; // a scalar has no sub-fields: left out, as MongoDB does
    else if (Object.getPrototypeOf(v) !== Object.prototype) return null;
    else {
      const sub = pick(v, spec);
      if (!sub) return null;
      out[k] = sub;
    }
  }
  return out;
}

/**
 * CloudBase transactions take single-document operations only: doc().get/set/update/remove and add (WeChat cloud
 * development guide, database transactions; wx-server-sdk's transaction collection offers no more). The SDK sends
 * count() and where().update/remove() without the transaction id, so those run outside it (as on CloudBase); what
 * arrives with the id and is not a single-document operation is refused.
 */
function refuseInTransaction(what: string): never {
  return fail('DATABASE_REQUEST_FAILED', `${what} is not supported in a transaction: transactions take single-document operations (doc().get/set/update/remove, add) only`);
}

/**
 * CloudBase answers ObjectId values as their 24-hex strings, in documents and in insertedIds (TencentCloudBase/node-sdk
 * test/database/unit/oid.test.ts: `add({ _id: db.ObjectId(...) })` answers `id === hex`, a get answers
 * `data[0].a === hex`). Stored texts keep them typed (`{"$oid": ...}`), so queries still match ObjectIds.
 */
function answerText(text: string): string {
  return text.indexOf('{"$oid":"') === -1 ? text : text.replace(/\{"\$oid":"([0-9a-fA-F]{24})"\}/g, '"$1"');
}

function answerId(id: unknown): unknown {
  return id instanceof ObjectId ? id.toHexString() : id;
}

/**
 * A projection through the evaluator, with `$slice` as MongoDB applies it (MongoDB manual, "$slice (projection)"):
 * alone or beside exclusions it keeps every other field (mingo keeps only the sliced one, or refuses the mix).
 */
function project(docs: Doc[], projection: Doc): Doc[] {
  const slices = Object.entries(projection).filter(([, v]) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$slice' in v);
  const rest = Object.fromEntries(Object.entries(projection).filter(([, v]) => !(v && typeof v === 'object' && !Array.isArray(v) && '$slice' in v)));
  const includes = Object.entries(rest).some(([k, v]) => k !== '_id' && (v === 1 || v === true || (v !== 0 && v !== false)));
  if (!slices.length || includes) return guard(() => memoryQuery().find(docs, projection).all()) as Doc[];
  const kept = Object.keys(rest).length ? (guard(() => memoryQuery().find(docs, rest).all()) as Doc[]) : docs.map((d) => cloneLive(d));
  for (const d of kept) for (const [path, spec] of slices) slicePath(d, path.split('.'), spec.$slice);
  return kept;
}

function slicePath(node: unknown, parts: string[], spec: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) slicePath(x, parts, spec);
    return;
  }
  if (!node || typeof node !== 'object' || Object.getPrototypeOf(node) !== Object.prototype) return;
  const obj = node as Doc;
  const [head, ...tail] = parts;
  if (tail.length) return slicePath(obj[head], tail, spec);
  if (Array.isArray(obj[head])) obj[head] = sliceArray(obj[head], spec);
}

function sliceArray(a: unknown[], spec: unknown): unknown[] {
  if (typeof spec === 'number' && Number.isInteger(spec)) return spec >= 0 ? a.slice(0, spec) : a.slice(Math.max(a.length + spec, 0));
  if (Array.isArray(spec) && spec.length === 2 && spec.every((x) => typeof x === 'number' && Number.isInteger(x)) && spec[1] > 0) {
    const skip = spec[0] < 0 ? Math.max(a.length + spec[0], 0) : spec[0];
    return a.slice(skip, skip + spec[1]);
  }
  return fail('DATABASE_REQUEST_FAILED', '$slice takes a whole number or [skip, limit] with a positive limit');
}

/** MongoDB refuses `$`-prefixed field names in stored documents. */
function refuseDollarName(name: string): never {
  return fail('DATABASE_REQUEST_FAILED', `field names cannot start with '$': ${name}`);
}

/** An empty array's sort key: below null and missing fields (MongoDB manual, cursor.sort(), "Sort by an Array Field"). */
const EMPTY_ARRAY = Symbol('empty array');

/**
 * A document's sort key for one field: an array sorts by its smallest element ascending and by its largest
 * descending (MongoDB manual, cursor.sort(), "Sort by an Array Field"); missing sorts as null.
 */
function sortKey(doc: Doc, field: string, dir: 1 | -1): unknown {
  const v = resolve(doc, field);
  if (!Array.isArray(v)) return v === undefined ? null : v;
  if (!v.length) return EMPTY_ARRAY;
  let pick = v[0];
  for (const x of v) if (compareValues(x, pick) * dir < 0) pick = x;
  return pick;
}

/** MongoDB's comparison across types (mingo's BSON order), with the empty-array key lowest. */
function compareValues(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1;
  return mingoCompare(a, b);
}

/** Sorts rows in MongoDB's order (stable: equal keys keep the rows' order). */
function sortRows(rows: { doc: Doc }[], order: Order): void {
  if (!order.length || rows.length < 2) return;
  const keyed = rows.map((r) => ({ r, keys: order.map(([f, dir]) => sortKey(r.doc, f, dir)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < order.length; i++) {
      const c = compareValues(x.keys[i], y.keys[i]);
      if (c) return c * order[i][1];
    }
    return 0;
  });
  keyed.forEach((k, j) => {
    rows[j] = k.r;
  });
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (!cur[part] || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part];
  }
  cur[parts[parts.length - 1]] = value;
}

function firstPointField(store: Store, coll: string): string | null {
  for (const row of store.scan(coll)) {
    const doc = decodeStored(row.doc);
    for (const [k, v] of Object.entries(doc)) if (v && typeof v === 'object' && (v as Doc).type === 'Point') return k;
    return null;
  }
  return null;
}

export { EngineError, idKey };
