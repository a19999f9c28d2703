import * as cloud from 'wx-server-sdk';

/**
 * The database handle of the function side. The same `cloud.database()` runs on CloudBase and, with the
 * local engine installed, on one machine. `throwOnNotFound: false` makes `doc().get()` answer
 * `{ data: null }` for a missing document instead of throwing, so "absent" is an ordinary branch.
 */
/** The subset of the CloudBase database client the functions use (wx-server-sdk's typings are loose). */
export interface QueryRef {
  where(query: object): QueryRef;
  orderBy(field: string, direction: 'asc' | 'desc'): QueryRef;
  skip(n: number): QueryRef;
  limit(n: number): QueryRef;
  field(projection: object): QueryRef;
  get(): Promise<{ data: any[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: object }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}
export interface DocRef {
  get(): Promise<{ data: any }>;
  set(options: { data: object }): Promise<unknown>;
  update(options: { data: object }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<unknown>;
}
export interface CollectionRef extends QueryRef {
  doc(id: string): DocRef;
  add(options: { data: object }): Promise<{ _id: string }>;
}
export interface Tx {
  collection(name: string): CollectionRef;
}
/** A transaction opened by `startTransaction`: committed or rolled back by its opener. */
export interface StartedTx extends Tx {
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}
export interface Db extends Tx {
  command: any;
  Geo: any;
  serverDate(): unknown;
  RegExp(options: { regexp: string; options?: string }): unknown;
  runTransaction<T>(fn: (tx: Tx) => Promise<T>, times?: number): Promise<T>;
  startTransaction?(): Promise<StartedTx>;
}

let initialised = false;

/** Initialises wx-server-sdk once per instance (current environment). */
export function getCloud(): typeof cloud {
  if (!initialised) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, throwOnNotFound: false } as any);
    initialised = true;
  }
  return cloud;
}

let db: Db | null = null;

/**
 * The instance's database client, made once: wx-server-sdk builds a new client class on every
 * `database()`, and an instance only ever serves its own environment.
 */
export function getDb(): Db {
  return (db ??= getCloud().database({ throwOnNotFound: false } as any) as unknown as Db);
}

/** The OPENID of the WeChat user who made this call (never taken from the event). */
export function callerOpenid(): string {
  const ctx = getCloud().getWXContext() as unknown as { OPENID?: string };
  return typeof ctx.OPENID === 'string' ? ctx.OPENID : '';
}

/** Reads one document by id, or null (works inside and outside a transaction). */
export async function getDoc<T = any>(db: Db | Tx, collection: string, id: string): Promise<T | null> {
  const res = await db.collection(collection).doc(id).get();
  const data = Array.isArray(res.data) ? res.data[0] : res.data;
  return (data ?? null) as T | null;
}

/** Reads every document matching `where`, in pages of the CloudBase maximum (1000), up to `cap`. */
export async function getAll<T = any>(db: Db, collection: string, where: object, cap = 20000): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; skip < cap; skip += 1000) {
    const res = await db.collection(collection).where(where).orderBy('_id', 'asc').skip(skip).limit(1000).get();
    out.push(...res.data);
    if (res.data.length < 1000) break;
  }
  return out;
}
