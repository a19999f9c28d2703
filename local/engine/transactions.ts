/**
 * Transactions as CloudBase runs them (MongoDB underneath): single-document reads and writes by `_id`,
 * invisible to everyone else until commit, repeatable reads inside the transaction, and write conflicts
 * (two transactions writing one document, or a document changed since the transaction first saw it)
 * answered with DATABASE_TRANSACTION_CONFLICT, which runTransaction retries.
 */
import { randomBytes } from 'node:crypto';
import { cloneLive, decodeStored, encodeStored, idKey, type Doc } from './codec';
import { EngineError, fail } from './errors';
import type { Store } from './store';
import { applyUpdate, replacement } from './updates';

/** MongoDB aborts transactions older than 60 s (transactionLifetimeLimitSeconds). */
export const TRANSACTION_LIFETIME_MS = 60_000;

interface Touched {
  coll: string;
  id: unknown;
  /** The committed stored text when the transaction first saw the document (null: absent). */
  base: string | null;
  /** The transaction's own version (undefined: not written, null: removed). */
  mine?: Doc | null;
  /** `mine` as stored text, when known: encoded once for the change check and reused by the commit. */
  mineText?: string;
}

class Txn {
  readonly touched = new Map<string, Touched>();
  constructor(
    readonly id: string,
    readonly startedAt: number,
    private readonly owner: Transactions,
    private readonly store: Store,
  ) {}

  private slot(coll: string, id: unknown): Touched {
    const key = `${coll}\u0000${idKey(id)}`;
    let t = this.touched.get(key);
    if (!t) {
      t = { coll, id, base: this.store.getById(coll, id)?.doc ?? null };
      this.touched.set(key, t);
    }
    return t;
  }

  private current(t: Touched): Doc | null {
    if (t.mine !== undefined) return t.mine === null ? null : cloneLive(t.mine);
    return t.base === null ? null : decodeStored(t.base);
  }

  private claim(t: Touched): void {
    this.owner.lock(this, `${t.coll}\u0000${idKey(t.id)}`);
  }

  read(coll: string, id: unknown): Doc | null {
    this.owner.check(this);
    return this.current(this.slot(coll, id));
  }

  insert(coll: string, doc: Doc): void {
    this.owner.check(this);
    const t = this.slot(coll, doc._id);
    if (this.current(t) !== null) {
      fail('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`);
    }
    this.claim(t);
    t.mine = cloneLive(doc);
    t.mineText = undefined;
  }

  modify(coll: string, id: unknown, modifier: Doc | null, data: Doc | null, upsert: boolean): { updated: number; upsert_id?: unknown } {
    this.owner.check(this);
    const t = this.slot(coll, id);
    const cur = this.current(t);
    if (cur === null && !upsert) return { updated: 0 };
    const next = cur === null
      ? modifier ? applyUpdate({ _id: id }, modifier) : replacement(id, data!)
      : modifier ? applyUpdate(cur, modifier) : replacement(id, data!);
    this.claim(t);
    // The current version's text is the committed one (stored texts are canonical) or the one kept at the
    // last write, so only the new version is encoded.
    const nextText = encodeStored(next);
    const curText = cur === null ? null : t.mine !== undefined ? (t.mineText ?? encodeStored(cur)) : t.base;
    const changed = cur === null || nextText !== curText;
    t.mine = next;
    t.mineText = nextText;
    return cur === null ? { updated: 0, upsert_id: id } : { updated: changed ? 1 : 0 };
  }

  remove(coll: string, id: unknown): number {
    this.owner.check(this);
    const t = this.slot(coll, id);
    if (this.current(t) === null) return 0;
    this.claim(t);
    t.mine = null;
    t.mineText = undefined;
    return 1;
  }
}

export class Transactions {
  private readonly open = new Map<string, Txn>();
  private readonly locks = new Map<string, Txn>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Starts a transaction; returns its id. */
  start(): string {
    this.expire();
    const id = `${this.now().toString(16)}-${randomBytes(8).toString('hex')}`;
    this.open.set(id, new Txn(id, this.now(), this, this.store));
    return id;
  }

  /** The open transaction with this id; an unknown or finished id fails as CloudBase fails. */
  get(id: string): Txn {
    this.expire();
    const t = this.open.get(id);
    if (!t) fail('DATABASE_TRANSACTION_FAIL', `transaction ${id} does not exist or has ended`);
    return t;
  }

  check(t: Txn): void {
    if (!this.open.has(t.id)) fail('DATABASE_TRANSACTION_FAIL', `transaction ${t.id} has ended`);
  }

  lock(t: Txn, key: string): void {
    const holder = this.locks.get(key);
    if (holder && holder !== t) {
      // MongoDB's WriteConflict: the second writer fails at once (runTransaction retries the whole callback).
      this.end(t);
      fail('DATABASE_TRANSACTION_CONFLICT', 'WriteConflict: the document is being written by another transaction');
    }
    this.locks.set(key, t);
  }

  /** Commits: checks no written document changed since the transaction first saw it, then writes all at once. */
  commit(id: string): void {
    const t = this.get(id);
    try {
      // Tables are created outside the SQLite transaction so a failed commit cannot leave a half-made collection.
      for (const s of t.touched.values()) if (s.mine) this.store.createCollection(s.coll);
      this.store.db.transaction(() => {
        for (const s of t.touched.values()) {
          if (s.mine === undefined) continue;
          const row = this.store.getById(s.coll, s.id);
          if ((row?.doc ?? null) !== s.base) {
            throw new EngineError('DATABASE_TRANSACTION_CONFLICT', 'WriteConflict: a document written by the transaction was changed by another write');
          }
          if (s.mine === null) {
            if (row) this.store.remove(s.coll, row.rid, decodeStored(row.doc));
          } else if (row) {
            this.store.replace(s.coll, row.rid, decodeStored(row.doc), s.mine, s.mineText);
          } else {
            this.store.insert(s.coll, s.mine, s.mineText);
          }
        }
      })();
    } finally {
      this.end(t);
    }
  }

  /** Aborts (rolls back): nothing the transaction wrote becomes visible. */
  abort(id: string): void {
    const t = this.open.get(id);
    if (t) this.end(t);
  }

  abortAll(): void {
    for (const t of [...this.open.values()]) this.end(t);
  }

  private end(t: Txn): void {
    this.open.delete(t.id);
    for (const [k, holder] of this.locks) if (holder === t) this.locks.delete(k);
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
