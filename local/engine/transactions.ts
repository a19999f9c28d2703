/**
 * Transactions as CloudBase runs them (MongoDB underneath, snapshot isolation):
 * - the snapshot is taken at the transaction's first operation; its reads answer that snapshot (plus its own
 *   writes), however the documents change meanwhile;
 * - a write to a document changed after the snapshot (by a plain write or another transaction's commit), or
 *   written by another open transaction, fails at once with a write conflict (first writer wins, no waiting),
 *   and the transaction is gone (MongoDB aborts it; a later rollback fails);
 * - a transaction lives 30 s; past that, or past MAX_TRANSACTION_WRITES written documents, it is dropped and
 *   every later operation, the commit and the rollback answer TransactionNotExist;
 * - writes are invisible to everyone else until the commit, which applies them all at once.
 *
 * Snapshot tracking is cheap: a commit sequence number, and only while some open transaction holds a snapshot,
 * each changed document's history (sequence, stored text before the change), so a snapshot read finds the
 * version it saw without copying anything when no transaction is open. A batch add is one record (its sequence
 * and the ids it inserted), looked into only when a transaction asks about a document.
 */
import { randomBytes } from 'node:crypto';
import { cloneLive, decodeStored, encodeStored, idKey, type Doc } from './codec';
import { EngineError, fail, transactionConflict, transactionNotExist } from './errors';
import type { Store } from './store';
import { applyUpdate, replacement } from './updates';

/**
 * A transaction not committed or aborted within 30 s is gone. Source: the service's own message,
 * "transaction must be commit or abort in 30 seconds" (TencentCloudBase/node-sdk
 * test/database/unit/transaction.test.ts), as CloudBase sets it (MongoDB's own default is 60 s).
 */
export const TRANSACTION_LIFETIME_MS = 30_000;

/**
 * At most this many documents written by one transaction; one more and the server drops it (TransactionNotExist,
 * with the 30 s message, long before 30 s). CloudBase does not document the bound: a public WeChat cloud project
 * measured 22 writes passing and 47 and 92 failing, deterministically. Until the real bound is known the engine
 * refuses past 20, always (the product's transactions write at most about ten: docs/rollups.md).
 */
export const MAX_TRANSACTION_WRITES = 20;

/** A version a document had before a change: the commit sequence of the change and the text it replaced. */
interface Change {
  seq: number;
  before: string | null;
}

/**
 * A batch add: one change for all the documents it inserted (each absent before, or the add would have failed).
 * Recording it costs one object; the ids become a set only when a transaction first asks about one of them.
 */
interface Batch {
  seq: number;
  ids: readonly unknown[];
  keys?: Set<string>;
}

interface Written {
  coll: string;
  id: unknown;
  /** The transaction's version (null: removed). */
  mine: Doc | null;
  /** `mine` as stored text, when known: encoded once for the change check and reused by the commit. */
  mineText?: string;
}

const keyOf = (coll: string, id: unknown) => `${coll}\u0000${idKey(id)}`;

class Txn {
  /** The commit sequence the snapshot was taken at (null: no operation yet). */
  snapshot: number | null = null;
  readonly written = new Map<string, Written>();
  constructor(
    readonly id: string,
    readonly startedAt: number,
    private readonly owner: Transactions,
  ) {}

  /** The document as this transaction sees it: its own write, else the snapshot's version. */
  private current(key: string, coll: string, id: unknown): { doc: Doc | null; text: string | null } {
    const w = this.written.get(key);
    if (w) return { doc: w.mine === null ? null : cloneLive(w.mine), text: w.mine === null ? null : (w.mineText ?? null) };
    const text = this.owner.snapshotText(this, coll, id);
    return { doc: text === null ? null : decodeStored(text), text };
  }

  read(coll: string, id: unknown): Doc | null {
    this.owner.begin(this);
    return this.current(keyOf(coll, id), coll, id).doc;
  }

  /** Keeps a write; the first write of a document counts towards the limit and holds the document. */
  private keep(key: string, w: Written): void {
    if (!this.written.has(key)) this.owner.hold(this, key);
    this.written.set(key, w);
  }

  insert(coll: string, doc: Doc): void {
    const key = keyOf(coll, doc._id);
    this.owner.begin(this);
    this.owner.check(this, key, coll, doc._id);
    if (this.current(key, coll, doc._id).doc !== null) {
      // MongoDB aborts a transaction whose write fails.
      this.owner.drop(this);
      fail('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`);
    }
    this.keep(key, { coll, id: doc._id, mine: cloneLive(doc) });
  }

  modify(coll: string, id: unknown, modifier: Doc | null, data: Doc | null, upsert: boolean): { updated: number; upsert_id?: unknown } {
    const key = keyOf(coll, id);
    this.owner.begin(this);
    const cur = this.current(key, coll, id);
    // Nothing to write: no document is touched, so nothing can conflict.
    if (cur.doc === null && !upsert) return { updated: 0 };
    this.owner.check(this, key, coll, id);
    let next: Doc;
    try {
      next = cur.doc === null
        ? modifier ? applyUpdate({ _id: id }, modifier) : replacement(id, data!)
        : modifier ? applyUpdate(cur.doc, modifier) : replacement(id, data!);
    } catch (err) {
      this.owner.drop(this);
      throw err;
    }
    // Stored texts are canonical, so comparing the new version's text with the current one's tells a change.
    const nextText = encodeStored(next);
    const curText = cur.doc === null ? null : (cur.text ?? encodeStored(cur.doc));
    const changed = cur.doc === null || nextText !== curText;
    this.keep(key, { coll, id, mine: next, mineText: nextText });
    return cur.doc === null ? { updated: 0, upsert_id: id } : { updated: changed ? 1 : 0 };
  }

  remove(coll: string, id: unknown): number {
    const key = keyOf(coll, id);
    this.owner.begin(this);
    if (this.current(key, coll, id).doc === null) return 0;
    this.owner.check(this, key, coll, id);
    this.keep(key, { coll, id, mine: null });
    return 1;
  }
}

export interface TransactionOptions {
  /** Refuse a transaction past MAX_TRANSACTION_WRITES written documents (a pending rule; see README). */
  writeLimit: boolean;
}

export class Transactions {
  private readonly open = new Map<string, Txn>();
  /** Documents written by open transactions, by key: the first writer holds them until it ends. */
  private readonly locks = new Map<string, Txn>();
  /** Commit sequence: one step per change recorded while a snapshot is open. */
  private seq = 0;
  /** Open transactions holding a snapshot; changes are recorded only while there are some. */
  private snapshots = 0;
  /**
   * Per collection and document (`idKey`), the changes made since the oldest open snapshot, oldest first: one
   * change alone is kept as itself, not in a list (a batch insert records a thousand documents at once).
   */
  private readonly history = new Map<string, Map<string, Change | Change[]>>();
  /** Per collection, the batch adds made since the oldest open snapshot, oldest first. */
  private readonly batches = new Map<string, Batch[]>();
  /** Documents the recorded batches hold (with the history's size, what prompts a prune). */
  private batched = 0;
  /** Snapshot and conflict tracking (off only to measure its cost; transactions are then not isolated). */
  tracking = true;
  private sweptAt = 0;

  /** Told the size of each write set as its commit begins (the benchmarks print the most documents a transaction wrote). */
  onCommit: ((written: number) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly options: TransactionOptions,
  ) {}

  /** Starts a transaction; returns its id. */
  start(): string {
    this.expire();
    const id = `${this.now().toString(16)}-${randomBytes(8).toString('hex')}`;
    this.open.set(id, new Txn(id, this.now(), this));
    return id;
  }

  /** The open transaction with this id; an unknown, ended or expired one fails as CloudBase fails it. */
  get(id: string): Txn {
    this.expire();
    const t = this.open.get(id);
    if (!t) transactionNotExist();
    return t;
  }

  /** Takes the snapshot at the transaction's first operation. */
  begin(t: Txn): void {
    if (t.snapshot !== null) return;
    t.snapshot = this.seq;
    this.snapshots++;
  }

  /**
   * Whether a plain write must be recorded (some open transaction holds a snapshot). Transactions past their
   * lifetime are swept now and then, so one abandoned without a rollback stops the recording after 30 s.
   */
  get watching(): boolean {
    if (this.snapshots === 0 || !this.tracking) return false;
    const t = this.now();
    if (t - this.sweptAt >= 1000) {
      this.sweptAt = t;
      this.expire();
    }
    return this.snapshots > 0;
  }

  /** Records a committed change of a document (`before`: its stored text before, null when it was absent). */
  changed(coll: string, id: unknown, before: string | null): void {
    if (this.snapshots === 0 || !this.tracking) return;
    this.record(coll, idKey(id), { seq: ++this.seq, before });
  }

  /**
   * Records the documents a batch inserted (all absent before). The batch is written at once, so one record
   * stands for it: nothing per document until a transaction asks (`batchAfter`).
   */
  inserted(coll: string, ids: readonly unknown[]): void {
    if (this.snapshots === 0 || !this.tracking) return;
    let list = this.batches.get(coll);
    if (!list) this.batches.set(coll, (list = []));
    list.push({ seq: ++this.seq, ids });
    this.batched += ids.length;
  }

  /** Whether a batch recorded after sequence `after` and before `before` inserted the document. */
  private batchAfter(coll: string, key: string, after: number, before: number): boolean {
    const list = this.batches.get(coll);
    if (!list) return false;
    for (const b of list) {
      if (b.seq <= after) continue;
      if (b.seq >= before) return false;
      if (!b.keys) b.keys = new Set(b.ids.map(idKey));
      if (b.keys.has(key)) return true;
    }
    return false;
  }

  private record(coll: string, key: string, change: Change): void {
    let byId = this.history.get(coll);
    if (!byId) this.history.set(coll, (byId = new Map()));
    const had = byId.get(key);
    if (had === undefined) byId.set(key, change);
    else if (Array.isArray(had)) had.push(change);
    else byId.set(key, [had, change]);
  }

  /** The first change of a document after sequence `after` (none: undefined), from its own history or a batch. */
  private firstChangeAfter(coll: string, id: unknown, after: number): Change | undefined {
    const key = idKey(id);
    const changes = this.history.get(coll)?.get(key);
    let first: Change | undefined;
    if (changes !== undefined && lastSeq(changes) > after) {
      for (const c of Array.isArray(changes) ? changes : [changes]) {
        if (c.seq > after) {
          first = c;
          break;
        }
      }
    }
    // A batch that inserted the document before that change is the first: the document was absent before it.
    return this.batchAfter(coll, key, after, first?.seq ?? Infinity) ? ABSENT : first;
  }

  /** The stored text of a document in the transaction's snapshot (null: absent then). */
  snapshotText(t: Txn, coll: string, id: unknown): string | null {
    // The first change after the snapshot replaced the version the snapshot saw.
    const first = t.snapshot === null ? undefined : this.firstChangeAfter(coll, id, t.snapshot);
    if (first) return first.before;
    return this.store.getById(coll, id)?.doc ?? null;
  }

  private changedSince(t: Txn, coll: string, id: unknown): boolean {
    return t.snapshot !== null && this.firstChangeAfter(coll, id, t.snapshot) !== undefined;
  }

  /** A write's check: another open transaction's document, or one changed after the snapshot, conflicts at once. */
  check(t: Txn, key: string, coll: string, id: unknown): void {
    const holder = this.locks.get(key);
    if ((holder && holder !== t) || (!t.written.has(key) && this.changedSince(t, coll, id))) {
      // MongoDB's WriteConflict aborts the transaction (runTransaction retries the whole callback).
      this.end(t);
      transactionConflict();
    }
  }

  /** Holds a newly written document; past the write limit the server drops the transaction instead. */
  hold(t: Txn, key: string): void {
    if (this.options.writeLimit && t.written.size >= MAX_TRANSACTION_WRITES) {
      this.end(t);
      transactionNotExist();
    }
    this.locks.set(key, t);
  }

  /** Ends a transaction after a failed operation (as MongoDB aborts it). */
  drop(t: Txn): void {
    this.end(t);
  }

  /** Commits: checks no written document changed since the snapshot, then writes all at once. */
  commit(id: string): void {
    const t = this.get(id);
    this.onCommit?.(t.written.size);
    try {
      for (const w of t.written.values()) if (this.changedSince(t, w.coll, w.id)) transactionConflict();
      // Tables are created outside the SQLite transaction so a failed commit cannot leave a half-made collection.
      for (const w of t.written.values()) if (w.mine) this.store.createCollection(w.coll);
      const applied: [string, unknown, string | null][] = [];
      this.store.db.transaction(() => {
        for (const w of t.written.values()) {
          const row = this.store.getById(w.coll, w.id);
          if (w.mine === null) {
            if (row) this.store.remove(w.coll, row.rid, decodeStored(row.doc));
          } else if (row) {
            this.store.replace(w.coll, row.rid, decodeStored(row.doc), w.mine, w.mineText);
          } else {
            this.store.insert(w.coll, w.mine, w.mineText);
          }
          if (row || w.mine) applied.push([w.coll, w.id, row?.doc ?? null]);
        }
      })();
      for (const [coll, docId, before] of applied) this.changed(coll, docId, before);
    } finally {
      this.end(t);
    }
  }

  /** Aborts (rolls back): nothing the transaction wrote becomes visible. An unknown or ended one fails. */
  abort(id: string): void {
    this.end(this.get(id));
  }

  abortAll(): void {
    for (const t of [...this.open.values()]) this.end(t);
  }

  private end(t: Txn): void {
    if (!this.open.delete(t.id)) return;
    for (const key of t.written.keys()) if (this.locks.get(key) === t) this.locks.delete(key);
    if (t.snapshot === null) return;
    this.snapshots--;
    if (this.snapshots === 0) {
      this.history.clear();
      this.batches.clear();
      this.batched = 0;
    } else if ([...this.history.values()].reduce((n, byId) => n + byId.size, this.batched) > 10_000) this.prune();
  }

  /** Forgets changes no open snapshot can see past. */
  private prune(): void {
    let oldest = Infinity;
    for (const t of this.open.values()) if (t.snapshot !== null && t.snapshot < oldest) oldest = t.snapshot;
    for (const [coll, byId] of this.history) {
      for (const [key, changes] of byId) if (lastSeq(changes) <= oldest) byId.delete(key);
      if (byId.size === 0) this.history.delete(coll);
    }
    for (const [coll, list] of this.batches) {
      const kept = list.filter((b) => b.seq > oldest);
      for (const b of list) if (b.seq <= oldest) this.batched -= b.ids.length;
      if (kept.length) this.batches.set(coll, kept);
      else this.batches.delete(coll);
    }
  }

  private expire(): void {
    const limit = this.now() - TRANSACTION_LIFETIME_MS;
    for (const t of [...this.open.values()]) if (t.startedAt < limit) this.end(t);
  }

  /** Number of open transactions (for diagnostics). */
  get size(): number {
    return this.open.size;
  }
}

/** What a batch's documents were before it: absent (its sequence does not matter to the callers). */
const ABSENT: Change = { seq: 0, before: null };

/** The sequence of a document's latest recorded change. */
function lastSeq(changes: Change | Change[]): number {
  return Array.isArray(changes) ? changes[changes.length - 1].seq : changes.seq;
}

export { EngineError };
