/**
 * Value codecs. Three forms of a document exist:
 * - wire: MongoDB extended JSON as the CloudBase client sends it (canonical, `$numberInt`, `$date`, ...);
 * - live: JS values the evaluator works on (number, string, boolean, Date, RegExp, ObjectId, arrays, objects);
 * - stored: compact JSON text in SQLite (`{"$date": ms}`, `{"$oid": hex}`, `{"$regularExpression": ...}`),
 *   which is also valid extended JSON, so a stored document goes back to the client as it is.
 */
import { EJSON, ObjectId, BSONRegExp, Long, Decimal128, Int32, Double } from 'bson';
import { fail } from './errors';

export type Doc = Record<string, any>;

/** Parses one extended-JSON string from the wire into live values; `now` resolves CloudBase server dates. */
export function decodeWire(text: unknown, what: string, now: number): any {
  if (typeof text !== 'string') {
    if (text !== null && typeof text === 'object') return toLive(text, now);
    fail('INVALID_PARAM', `${what} must be an extended JSON string`);
  }
  // bson reads a malformed "$numberInt": "x" as NaN; CloudBase refuses it.
  if (text.includes('$number')) {
    for (const m of text.matchAll(/"\$number(Int|Long)"\s*:\s*"([^"]*)"/g)) {
      if (!/^-?\d+$/.test(m[2])) fail('INVALID_PARAM', `${what} is not valid extended JSON: bad $number${m[1]} "${m[2]}"`);
    }
  }
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: true });
  } catch (err) {
    fail('INVALID_PARAM', `${what} is not valid extended JSON: ${(err as Error).message}`);
  }
  return toLive(parsed, now);
}

/** Normalises what bson's EJSON gives into the values the evaluator handles, resolving `$tcb_server_date`. */
export function toLive(v: any, now: number): any {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => toLive(x, now));
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) fail('INVALID_PARAM', 'invalid $date value');
    return v;
  }
  if (v instanceof ObjectId || v instanceof RegExp) return v;
  if (v instanceof BSONRegExp) {
    try {
      return new RegExp(v.pattern, normaliseRegexFlags(v.options));
    } catch (err) {
      fail('INVALID_PARAM', `invalid regular expression: ${(err as Error).message}`);
    }
  }
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Decimal128) return Number(v.toString());
  if (v._bsontype) fail('DATABASE_REQUEST_FAILED', `unsupported value type ${v._bsontype}`);
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const offset = Number(v.$tcb_server_date?.offset ?? 0);
    return new Date(now + (Number.isFinite(offset) ? offset : 0));
  }
  const out: Doc = {};
  for (const k of keys) out[k] = toLive(v[k], now);
  return out;
}

/** CloudBase accepts the flags i, m, s, x (and u); JS lacks x, which only matters for whitespace-laden patterns. */
function normaliseRegexFlags(options: string): string {
  return [...new Set(options.split(''))].filter((f) => 'imsu'.includes(f)).join('');
}

/** Encodes a live value into its stored JSON form (also valid extended JSON for the client). */
export function encodeStored(doc: any): string {
  return JSON.stringify(toStoredTree(doc));
}

function toStoredTree(v: any): any {
  if (v === null) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : { $numberDouble: String(v) };
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return Number(v);
    default:
      break;
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toStoredTree(x)));
  if (v instanceof Date) return { $date: v.getTime() };
  if (v instanceof ObjectId) return { $oid: v.toHexString() };
  if (v instanceof RegExp) return { $regularExpression: { pattern: v.source, options: v.flags } };
  const out: Doc = {};
  for (const k of Object.keys(v)) {
    const x = toStoredTree(v[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/** Parses a stored document back into live values. */
export function decodeStored(text: string): Doc {
  return fromStoredTree(JSON.parse(text));
}

function fromStoredTree(v: any): any {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = fromStoredTree(x);
    }
    return v;
  }
  for (const k in v) {
    if (k.charCodeAt(0) === 36 /* $ */) {
      if (k === '$date') return new Date(typeof v.$date === 'number' ? v.$date : Date.parse(v.$date));
      if (k === '$oid') return new ObjectId(v.$oid);
      if (k === '$regularExpression') return new RegExp(v.$regularExpression.pattern, v.$regularExpression.options);
      if (k === '$numberDouble') return Number(v.$numberDouble);
    }
    break;
  }
  for (const k in v) {
    const x = v[k];
    if (x !== null && typeof x === 'object') v[k] = fromStoredTree(x);
  }
  return v;
}

/** Deep copy of a live document (Dates, ObjectIds and RegExps are immutable enough to share). */
export function cloneLive<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneLive) as any;
  if (v instanceof Date) return new Date(v.getTime()) as any;
  if (v instanceof ObjectId || v instanceof RegExp) return v;
  const out: Doc = {};
  for (const k of Object.keys(v as any)) out[k] = cloneLive((v as any)[k]);
  return out as T;
}

/** Canonical extended JSON, for values that are not documents (transaction answers). */
export function encodeCanonical(v: unknown): string {
  return EJSON.stringify(v as any, { relaxed: false });
}

/** The `_id` of a document as the primary-key text of its row: strings as they are, anything else tagged. */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return `\u0001n:${id}`;
  if (id instanceof ObjectId) return `\u0001o:${id.toHexString()}`;
  if (id === null || id === undefined) fail('DATABASE_REQUEST_FAILED', '_id must not be null');
  if (Array.isArray(id)) fail('DATABASE_REQUEST_FAILED', 'The _id field cannot be an array');
  if (id instanceof RegExp) fail('DATABASE_REQUEST_FAILED', 'The _id field cannot be a regular expression');
  return `\u0001j:${encodeStored(id)}`;
}
