/**
 * The durable store: one SQLite table per collection (`rid`, `id` = the `_id` key, `doc` = stored JSON)
 * and, per declared index, an index table of keys (one row per key entry, several for array fields)
 * with SQLite B-tree indexes over them. Finds read what the planner (planner.ts) chooses.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { decodeStored, encodeStored, idKey, type Doc } from './codec';
import { collectionNotExist, fail } from './errors';
import { keyOf, valuesAt, hasPath, type KeyValue } from './keys';
import { planFind, q, type Order, type Plan } from './planner';

export type { Order, Plan } from './planner';

export interface IndexField {
  field: string;
  direction: 1 | -1 | '2dsphere';
}

export interface IndexSpec {
  name: string;
  keys: IndexField[];
  unique?: boolean;
  sparse?: boolean;
}

interface IndexState extends IndexSpec {
  table: string;
  paths: string[][];
  multikey: boolean;
  /** Bit i set: key i has held an array in some document (MongoDB's multikey paths). */
  arrayKeys: number;
  geo: boolean;
  insertStmt: BetterSqlite3.Statement;
  deleteStmt: BetterSqlite3.Statement | null;
}

interface CollectionState {
  name: string;
  table: string;
  indexes: IndexState[];
  stmts: {
    byId: BetterSqlite3.Statement;
    insert: BetterSqlite3.Statement;
    update: BetterSqlite3.Statement;
    remove: BetterSqlite3.Statement;
    scan: BetterSqlite3.Statement;
    count: BetterSqlite3.Statement;
  };
}

export interface Row {
  rid: number;
  doc: string;
}

const COLLECTION_NAME = /^[A-Za-z0-9_\-.]{1,64}$/;
/** MongoDB's (and CloudBase's) largest document: 16 MB. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

function checkSize(text: string): void {
  // Characters never outnumber bytes, so only long texts need the exact byte count.
  if (text.length * 3 > MAX_DOCUMENT_BYTES && Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) {
    fail('DATABASE_REQUEST_FAILED', `document is larger than the maximum size ${MAX_DOCUMENT_BYTES} bytes`);
  }
}

export class Store {
  readonly db: BetterSqlite3.Database;
  private readonly collections = new Map<string, CollectionState>();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /**
   * What finds have read since the store opened: documents read from a collection's table (each candidate a
   * plan yields, before the evaluator's check), and index keys read by plans that list their candidates'
   * rids first. A request's difference says whether its cost follows its answer or the collection's size.
   */
  readonly examined = { docs: 0, keys: 0 };

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, tbl TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS _indexes (coll TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (coll, name));`);
    // Which keys are multikey (stores made before this column know only that some key is: all count as such).
    const cols = db.prepare('PRAGMA table_info(_indexes)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'array_keys')) db.exec('ALTER TABLE _indexes ADD COLUMN array_keys INTEGER');
    const rows = db.prepare('SELECT name, tbl FROM _collections ORDER BY rowid').all() as { name: string; tbl: string }[];
    for (const r of rows) this.load(r.name, r.tbl);
  }

  /** Names of the existing collections. */
  listCollections(): string[] {
    return [...this.collections.keys()];
  }

  has(name: string): boolean {
    return this.collections.has(name);
  }

  /** Creates a collection (no-op when it exists). */
  createCollection(name: string): void {
    if (this.collections.has(name)) return;
    if (!COLLECTION_NAME.test(name)) fail('INVALID_PARAM', `invalid collection name: ${name}`);
    const tbl = `c:${name}`;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${q(tbl)} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)`);
    this.db.prepare('INSERT OR IGNORE INTO _collections (name, tbl, created_at) VALUES (?, ?, ?)').run(name, tbl, Date.now());
    this.load(name, tbl);
  }

  private load(name: string, tbl: string): void {
    const t = q(tbl);
    const state: CollectionState = {
      name,
      table: tbl,
      indexes: [],
      stmts: {
        byId: this.db.prepare(`SELECT rid, doc FROM ${t} WHERE id = ?`),
        insert: this.db.prepare(`INSERT INTO ${t} (id, doc) VALUES (?, ?)`),
        update: this.db.prepare(`UPDATE ${t} SET doc = ? WHERE rid = ?`),
        remove: this.db.prepare(`DELETE FROM ${t} WHERE rid = ?`),
        scan: this.db.prepare(`SELECT rid, doc FROM ${t} ORDER BY rid`),
        count: this.db.prepare(`SELECT count(*) AS n FROM ${t}`),
      },
    };
    this.collections.set(name, state);
    const idx = this.db.prepare('SELECT name, spec, multikey, array_keys FROM _indexes WHERE coll = ? ORDER BY rowid').all(name) as {
      name: string;
      spec: string;
      multikey: number;
      array_keys: number | null;
    }[];
    for (const i of idx) state.indexes.push(this.indexState(state, JSON.parse(i.spec), i.multikey === 1 ? i.array_keys ?? -1 : 0));
  }

  private get(name: string): CollectionState {
    const c = this.collections.get(name);
    if (!c) collectionNotExist(name);
    return c;
  }

  private indexState(c: CollectionState, spec: IndexSpec, arrayKeys: number): IndexState {
    const table = `ix:${c.name}:${spec.name}`;
    const geo = spec.keys.some((k) => k.direction === '2dsphere');
    const cols = spec.keys.map((_, i) => `k${i}`);
    const insertStmt = geo
      ? this.db.prepare('SELECT 1')
      : this.db.prepare(`INSERT INTO ${q(table)} (rid, ${cols.join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`);
    // Entries are deleted by their keys (computed from the old document) through the keys index.
    const deleteStmt = geo ? null : this.db.prepare(`DELETE FROM ${q(table)} WHERE ${cols.map((k) => `${k} IS ?`).join(' AND ')} AND rid = ?`);
    if (!geo) this.db.exec(`DROP INDEX IF EXISTS ${q(`${table}:rid`)}`);
    return { ...spec, table, paths: spec.keys.map((k) => k.field.split('.')), multikey: arrayKeys !== 0, arrayKeys, geo, insertStmt, deleteStmt };
  }

  /** Declares an index; builds it over existing documents. Fails (and leaves nothing) when a unique key repeats. */
  ensureIndex(name: string, spec: IndexSpec): void {
    const c = this.get(name);
    const existing = c.indexes.find((i) => i.name === spec.name);
    if (existing) {
      const same = JSON.stringify({ k: existing.keys, u: !!existing.unique, s: !!existing.sparse }) ===
        JSON.stringify({ k: spec.keys, u: !!spec.unique, s: !!spec.sparse });
      if (same) return;
      this.dropIndex(name, spec.name);
    }
    const build = this.db.transaction(() => {
      const geo = spec.keys.some((k) => k.direction === '2dsphere');
      if (!geo) {
        const t = q(`ix:${name}:${spec.name}`);
        const cols = spec.keys.map((k, i) => `k${i}${k.direction === -1 ? ' DESC' : ''}`);
        this.db.exec(`CREATE TABLE ${t} (rid INTEGER NOT NULL, ${spec.keys.map((_, i) => `k${i}`).join(', ')})`);
        if (spec.unique) this.db.exec(`CREATE UNIQUE INDEX ${q(`ix:${name}:${spec.name}:keys`)} ON ${t} (${cols.join(', ')})`);
        else this.db.exec(`CREATE INDEX ${q(`ix:${name}:${spec.name}:keys`)} ON ${t} (${cols.join(', ')}, rid)`);
      }
      this.db.prepare('INSERT INTO _indexes (coll, name, spec) VALUES (?, ?, ?)').run(name, spec.name, JSON.stringify(spec));
      const state = this.indexState(c, spec, 0);
      // Read in pages: SQLite cannot write the index while a read of the same connection is open.
      const page = this.db.prepare(`SELECT rid, doc FROM ${q(c.table)} WHERE rid > ? ORDER BY rid LIMIT 2000`);
      for (let last = 0, rows = page.all(last) as Row[]; !geo && rows.length; rows = page.all(last) as Row[]) {
        for (const row of rows) this.addEntries(c, state, row.rid, decodeStored(row.doc));
        last = rows[rows.length - 1].rid;
      }
      return state;
    });
    c.indexes.push(build());
  }

  dropIndex(name: string, indexName: string): void {
    const c = this.get(name);
    const i = c.indexes.findIndex((x) => x.name === indexName);
    if (i < 0) return;
    const ix = c.indexes[i];
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${q(ix.table)}`);
      this.db.prepare('DELETE FROM _indexes WHERE coll = ? AND name = ?').run(name, indexName);
    })();
    c.indexes.splice(i, 1);
  }

  /** Declared indexes of a collection. */
  indexes(name: string): IndexSpec[] {
    return this.get(name).indexes.map(({ name: n, keys, unique, sparse }) => ({ name: n, keys, unique, sparse }));
  }

  /** The field of a collection's 2dsphere index, if one is declared. */
  geoField(name: string): string | null {
    const c = this.collections.get(name);
    const ix = c?.indexes.find((i) => i.geo);
    return ix ? ix.keys.find((k) => k.direction === '2dsphere')!.field : null;
  }

  private entriesOf(ix: IndexState, doc: Doc): Entries | null {
    if (ix.sparse && !ix.paths.some((p) => hasPath(doc, p))) return null;
    let combos: KeyValue[][] = [[]];
    let arrays = 0;
    for (let i = 0; i < ix.paths.length; i++) {
      const p = ix.paths[i];
      // Fast path: a top-level scalar (the usual case) has exactly one key.
      const top = p.length === 1 ? doc[p[0]] : undefined;
      if (p.length === 1 && !Array.isArray(top)) {
        const k = keyOf(top);
        for (const c of combos) c.push(k);
        continue;
      }
      const { values, isArray: arr } = valuesAt(doc, p);
      if (arr) arrays |= 1 << i;
      const seen = new Map<string, KeyValue>();
      for (const v of values) {
        const k = keyOf(v);
        seen.set(Buffer.isBuffer(k) ? `b${k.toString('hex')}` : `${typeof k}:${String(k)}`, k);
      }
      const ks = [...seen.values()];
      if (ks.length > 1 && combos.length > 1) {
        fail('DATABASE_REQUEST_FAILED', `cannot index parallel arrays [${ix.keys.map((k) => k.field).join(', ')}]`);
      }
      const next: KeyValue[][] = [];
      for (const c of combos) for (const k of ks) next.push([...c, k]);
      combos = next;
    }
    return { keys: combos, arrays };
  }

  private addEntries(c: CollectionState, ix: IndexState, rid: number, doc: Doc): void {
    if (ix.geo) return;
    const e = this.entriesOf(ix, doc);
    if (e) this.writeEntries(c, ix, rid, e);
  }

  /** Records keys that now hold arrays (the planner reads index order only where no array key could repeat a document). */
  private markArrays(c: CollectionState, ix: IndexState, arrays: number): void {
    if ((arrays & ~ix.arrayKeys) === 0) return;
    ix.arrayKeys |= arrays;
    ix.multikey = true;
    this.cached('UPDATE _indexes SET multikey = 1, array_keys = ? WHERE coll = ? AND name = ?').run(ix.arrayKeys, c.name, ix.name);
  }

  private writeEntries(c: CollectionState, ix: IndexState, rid: number, e: Entries): void {
    this.markArrays(c, ix, e.arrays);
    for (const k of e.keys) {
      // SQLite lets NULLs repeat under UNIQUE; MongoDB treats a missing or null key as a value that must not.
      if (ix.unique && k.some((x) => x === null)) {
        const where = k.map((_, i) => `k${i} IS ?`).join(' AND ');
        const clash = this.db.prepare(`SELECT rid FROM ${q(ix.table)} WHERE ${where} AND rid <> ? LIMIT 1`).get(...k, rid);
        if (clash) this.duplicate(c, ix, k);
      }
      try {
        ix.insertStmt.run(rid, ...k);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') this.duplicate(c, ix, k);
        throw err;
      }
    }
  }

  private removeEntries(ix: IndexState, rid: number, doc: Doc): void {
    if (ix.geo) return;
    const e = this.entriesOf(ix, doc);
    if (e) for (const k of e.keys) ix.deleteStmt!.run(...k, rid);
  }

  private duplicate(c: CollectionState, ix: IndexState, k: KeyValue[]): never {
    const shown = ix.keys.map((f, i) => `${f.field}: ${describeKey(k[i])}`).join(', ');
    return fail('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${c.name} index: ${ix.name} dup key: { ${shown} }`);
  }

  /** Reads one document row by `_id`. */
  getById(name: string, id: unknown): Row | undefined {
    const c = this.collections.get(name);
    if (!c) return undefined;
    return c.stmts.byId.get(idKey(id)) as Row | undefined;
  }

  /** Inserts a live document (with its `_id`; `stored` is its stored text when already known); a repeated `_id` or unique key fails with DATABASE_DUPLICATE_WRITE. */
  insert(name: string, doc: Doc, stored?: string): number {
    const c = this.get(name);
    const key = idKey(doc._id);
    const text = stored ?? encodeStored(doc);
    checkSize(text);
    let rid: number;
    try {
      rid = Number(c.stmts.insert.run(key, text).lastInsertRowid);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        fail('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${name} index: _id_ dup key: { _id: ${describeKey(keyOf(doc._id))} }`);
      }
      throw err;
    }
    for (const ix of c.indexes) this.addEntries(c, ix, rid, doc);
    return rid;
  }

  /**
   * Inserts a batch (inside the caller's transaction): documents row by row, then each index's entries
   * sorted by key and written many rows per statement, which keeps B-tree pages hot on large collections.
   */
  insertMany(name: string, docs: Doc[], stored: (string | undefined)[] = []): void {
    const c = this.get(name);
    const pending: { ix: IndexState; rows: KeyValue[][] }[] = c.indexes.filter((ix) => !ix.geo).map((ix) => ({ ix, rows: [] }));
    // Rows get explicit rids (what SQLite would pick: one past the largest), so documents go in many rows
    // per statement; the caller's transaction keeps anyone else from taking them meanwhile.
    const first = ((this.cached(`SELECT max(rid) AS m FROM ${q(c.table)}`).get() as { m: number | null }).m ?? 0) + 1;
    const row: (string | number)[] = [];
    const flush = (upTo: number) => {
      const n = row.length / 3;
      if (!n) return;
      try {
        this.cached(`INSERT INTO ${q(c.table)} (rid, id, doc) VALUES ${Array(n).fill('(?, ?, ?)').join(', ')}`).run(row);
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
        // Name the repeated _id (the failed statement wrote nothing; the transaction is abandoned).
        const seen = new Set<string>();
        const chunkStart = upTo - n;
        for (let j = 0; j < upTo; j++) {
          const k = idKey(docs[j]._id);
          // Earlier chunks of this batch are in the table already: only the seen set judges them.
          if (seen.has(k) || (j >= chunkStart && c.stmts.byId.get(k))) {
            fail('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${name} index: _id_ dup key: { _id: ${describeKey(keyOf(docs[j]._id))} }`);
          }
          seen.add(k);
        }
        throw err;
      }
      row.length = 0;
    };
    docs.forEach((doc, i) => {
      const key = idKey(doc._id);
      const text = stored[i] ?? encodeStored(doc);
      checkSize(text);
      const rid = first + i;
      row.push(rid, key, text);
      if (row.length === BULK_DOCS * 3) flush(i + 1);
      for (const p of pending) {
        const e = this.entriesOf(p.ix, doc);
        if (!e) continue;
        this.markArrays(c, p.ix, e.arrays);
        // Entry arrays are fresh for each call: the rid goes on the end in place.
        for (const k of e.keys) {
          k.push(rid);
          p.rows.push(k);
        }
      }
    });
    flush(docs.length);
    const params: KeyValue[] = [];
    for (const { ix, rows } of pending) {
      rows.sort(compareEntries);
      const width = ix.keys.length + 1;
      for (let at = 0; at < rows.length; at += BULK_ROWS) {
        const chunk = rows.slice(at, at + BULK_ROWS);
        if (ix.unique && chunk.some((r) => r.some((x, j) => j < width - 1 && x === null))) {
          // Null keys of a unique index need MongoDB's check, one entry at a time.
          for (const r of chunk) this.writeEntries(c, ix, r[width - 1] as number, { keys: [r.slice(0, -1)], arrays: 0 });
          continue;
        }
        params.length = 0;
        for (const r of chunk) for (let j = 0; j < width; j++) params.push(r[j]);
        try {
          this.bulkStatement(ix, chunk.length).run(params);
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
          // Find the repeated key for the error (the failed statement wrote nothing).
          for (const r of chunk) this.writeEntries(c, ix, r[width - 1] as number, { keys: [r.slice(0, -1)], arrays: 0 });
          throw err;
        }
      }
    }
  }

  /** A prepared statement kept for reuse. */
  private cached(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private bulkStatement(ix: IndexState, rows: number): BetterSqlite3.Statement {
    const sqlKey = `bulk:${ix.table}:${rows}`;
    let stmt = this.statements.get(sqlKey);
    if (!stmt) {
      const cols = ix.keys.map((_, i) => `k${i}`);
      const one = `(${cols.map(() => '?').join(', ')}, ?)`;
      stmt = this.db.prepare(`INSERT INTO ${q(ix.table)} (${cols.join(', ')}, rid) VALUES ${Array(rows).fill(one).join(', ')}`);
      this.statements.set(sqlKey, stmt);
    }
    return stmt;
  }

  /** Replaces the document of a row (the `_id` is unchanged); index entries change only where keys changed. */
  replace(name: string, rid: number, old: Doc, doc: Doc, text = encodeStored(doc)): void {
    const c = this.get(name);
    checkSize(text);
    c.stmts.update.run(text, rid);
    for (const ix of c.indexes) {
      if (ix.geo) continue;
      const before = this.entriesOf(ix, old);
      const after = this.entriesOf(ix, doc);
      // The same keys may now come from an array ([] and a missing field both give null).
      if (after) this.markArrays(c, ix, after.arrays);
      if (sameEntries(before, after)) continue;
      if (before) for (const k of before.keys) ix.deleteStmt!.run(...k, rid);
      if (after) this.writeEntries(c, ix, rid, after);
    }
  }

  /** Deletes a row (`old` is its document, whose index entries go with it). */
  remove(name: string, rid: number, old: Doc): void {
    const c = this.get(name);
    c.stmts.remove.run(rid);
    for (const ix of c.indexes) this.removeEntries(ix, rid, old);
  }

  /** Number of documents in a collection. */
  size(name: string): number {
    const c = this.collections.get(name);
    return c ? (c.stmts.count.get() as { n: number }).n : 0;
  }

  /** Every row of a collection in insertion order. */
  scan(name: string): Iterable<Row> {
    const c = this.collections.get(name);
    return c ? (c.stmts.scan.iterate() as Iterable<Row>) : [];
  }

  /** Chooses how to read the candidates of a filter, using a declared index where one applies (planner.ts). */
  plan(name: string, criteria: Doc, order: Order): Plan {
    const c = this.get(name);
    return planFind({ table: c.table, indexes: c.indexes, onlyStringIds: () => this.onlyStringIds(c) }, criteria, order);
  }

  /**
   * Whether every `_id` is a string, so the `id` column's text order is MongoDB's order of `_id`
   * (other types are stored with a \u0001 prefix: one index probe finds any).
   */
  private onlyStringIds(c: CollectionState): boolean {
    const sql = `SELECT 1 FROM ${q(c.table)} WHERE id >= char(1) AND id < char(2) LIMIT 1`;
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt.get() === undefined;
  }

  /**
   * Runs a plan reading only some top-level fields: SQLite extracts them, so large aggregations parse a few
   * small values per document instead of whole documents. Field paths are bound as parameters (names with
   * `"` or `\` cannot be expressed: see `extractable`). With `nullIsMissing` (the caller treats a null
   * and a missing field alike) one `json_extract` call reads every field, parsing each document once.
   */
  *runFields(plan: Plan, fields: string[], nullIsMissing = false): Iterable<Doc> {
    const paths = fields.map((f) => `$."${f}"`);
    const one = nullIsMissing && fields.length > 1;
    const cols = one ? `json_extract(doc, ${paths.map(() => '?').join(', ')}) AS f` : fields.map((_, i) => `doc -> ? AS f${i}`).join(', ');
    const stmt = this.cached(`SELECT ${cols || '1 AS f'} FROM (${plan.sql})`).raw(true);
    const params = [...paths, ...plan.params];
    if (one) {
      for (const [text] of stmt.iterate(...params) as Iterable<[string]>) {
        this.examined.docs++;
        const values = text.indexOf('"$') === -1 ? JSON.parse(text) : decodeStored(`{"v":${text}}`).v;
        const doc: Doc = {};
        for (let i = 0; i < fields.length; i++) if (values[i] !== null) doc[fields[i]] = values[i];
        yield doc;
      }
      return;
    }
    for (const row of stmt.iterate(...params) as Iterable<(string | null)[]>) {
      this.examined.docs++;
      const doc: Doc = {};
      for (let i = 0; i < fields.length; i++) {
        const v = row[i];
        if (v !== null) doc[fields[i]] = parseValue(v);
      }
      yield doc;
    }
  }

  /** Whether `runFields` can read a top-level field (its name fits a quoted JSON path). */
  static extractable(field: string): boolean {
    return !/["\\]/.test(field);
  }

  /** Counts the rows of an exact plan in SQL. */
  countPlan(plan: Plan): number {
    const sql = plan.countSql ?? `SELECT count(*) AS n FROM (${plan.sql})`;
    return (this.db.prepare(sql).get(...plan.params) as { n: number }).n;
  }

  /** Runs a plan, yielding candidate rows. */
  run(plan: Plan): Iterable<Row> {
    if (plan.rids) return this.runByRids(plan, plan.rids);
    let stmt = this.statements.get(plan.sql);
    if (!stmt) {
      if (this.statements.size > 500) this.statements.clear();
      stmt = this.db.prepare(plan.sql);
      this.statements.set(plan.sql, stmt);
    }
    return this.counted(stmt.iterate(...plan.params) as Iterable<Row>);
  }

  /** Counts the rows a plan yields as they are consumed (a find that stops early reads no more). */
  private *counted(rows: Iterable<Row>): Iterable<Row> {
    for (const row of rows) {
      this.examined.docs++;
      yield row;
    }
  }

  private *runByRids(plan: Plan, rids: { sql: string; fetch: string }): Iterable<Row> {
    const all = this.cached(rids.sql).pluck().all(...plan.params) as number[];
    this.examined.keys += all.length;
    const fetch = this.cached(rids.fetch);
    for (const rid of all) {
      const row = fetch.get(rid) as Row | undefined;
      this.examined.docs++;
      if (row) yield row;
    }
  }

  /** SQLite's plan for a plan's SQL, to show that an index is searched rather than the table scanned. */
  explain(plan: Plan): string[] {
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(...plan.params) as { detail: string }[]).map((r) => r.detail);
  }
}

const BULK_ROWS = 100;
/** Documents per INSERT statement of a batch (3 parameters each, well under SQLite's 32766). */
const BULK_DOCS = 100;

function keyRank(v: KeyValue): number {
  return v === null ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : 3;
}

/** SQLite's order of key values (NULL < numbers < text < blobs), for writing index entries in key order. */
function compareKey(a: KeyValue, b: KeyValue): number {
  const ra = keyRank(a);
  const rb = keyRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return (a as number) - (b as number);
  if (ra === 2) return a! < b! ? -1 : a! > b! ? 1 : 0;
  if (ra === 3) return Buffer.compare(a as Buffer, b as Buffer);
  return 0;
}

function compareEntries(a: KeyValue[], b: KeyValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = compareKey(a[i], b[i]);
    if (d) return d;
  }
  return 0;
}

/** A document's entries in one index; `arrays` has bit i set when key i came from an array. */
interface Entries {
  keys: KeyValue[][];
  arrays: number;
}

function sameEntries(a: Entries | null, b: Entries | null): boolean {
  if (!a || !b) return a === b;
  if (a.keys.length !== b.keys.length) return false;
  return a.keys.every((ka, i) => ka.every((x, j) => {
    const y = b.keys[i][j];
    return Buffer.isBuffer(x) ? Buffer.isBuffer(y) && x.equals(y) : x === y;
  }));
}

/** One stored JSON value (from `->`): numbers and plain strings directly, anything else through the decoder. */
function parseValue(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c === 34 /* " */ && text.indexOf('\\') === -1) return text.slice(1, -1);
  if ((c >= 48 && c <= 57) || c === 45) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return decodeStored(`{"v":${text}}`).v;
}

function describeKey(k: KeyValue): string {
  if (k === null) return 'null';
  if (typeof k === 'string') return JSON.stringify(k);
  if (Buffer.isBuffer(k)) return `<${k.toString('hex')}>`;
  return String(k);
}

