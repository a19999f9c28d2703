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

/**
 * Parses one extended-JSON string from the wire into live values; `now` resolves CloudBase server dates.
 * A plain JSON.parse plus one walk over the wrappers (bson's EJSON.parse is several times slower).
 */
export function decodeWire(text: unknown, what: string, now: number): any {
  if (typeof text !== 'string') {
    if (text !== null && typeof text === 'object') return toLive(text, now);
    fail('INVALID_PARAM', `${what} must be an extended JSON string`);
  }
  return fromWire(parseWireText(text, what).parsed, what, now);
}

/** The wire text with canonical numbers unwrapped, and its JSON parse. */
function parseWireText(text: string, what: string): { plain: string; parsed: unknown } {
  // Canonical numbers ({"$numberInt":"5"}) become plain JSON numbers before parsing: most of a wire
  // document's wrappers go without allocating an object each. A quote inside a JSON string is always
  // escaped, so the pattern only meets real wrappers.
  const plain = text.indexOf('"$number') === -1 ? text : text.replace(NUMBER_WRAPPER, '$1');
  try {
    return { plain, parsed: JSON.parse(plain) };
  } catch (err) {
    return fail('INVALID_PARAM', `${what} is not valid extended JSON: ${(err as Error).message}`);
  }
}

/**
 * Decodes one wire document and, when its canonical text needs no more than the number unwrapping to be a
 * stored text (no server dates, regular expressions or other wrappers), returns that text too, so a bulk
 * insert does not stringify each document again. `dollarName` is the first field name starting with `$`
 * (MongoDB refuses them in stored documents), found during the same walk.
 */
export function decodeWireDocument(text: unknown, what: string, now: number): { doc: any; stored: string | null; dollarName: string | null } {
  if (typeof text !== 'string') {
    const doc = decodeWire(text, what, now);
    return { doc, stored: null, dollarName: findDollarName(doc) };
  }
  const { plain, parsed } = parseWireText(text, what);
  const names = { first: null as string | null };
  const doc = fromWire(parsed, what, now, names);
  return { doc, stored: isStorable(plain) ? plain : null, dollarName: names.first };
}

/** The first field name starting with `$` in a live document (depth first), or null. */
export function findDollarName(doc: any): string | null {
  if (!doc || typeof doc !== 'object' || doc instanceof Date || doc instanceof RegExp) return null;
  if (Array.isArray(doc)) {
    for (const x of doc) {
      const found = findDollarName(x);
      if (found !== null) return found;
    }
    return null;
  }
  for (const k of Object.keys(doc)) {
    if (k.startsWith('$')) return k;
    const found = findDollarName(doc[k]);
    if (found !== null) return found;
  }
  return null;
}

const STORABLE_WRAPPER = /"\$(?:date":-?\d|oid":"|numberDouble":")/y;

function isStorable(text: string): boolean {
  for (let at = text.indexOf('"$'); at !== -1; at = text.indexOf('"$', at + 2)) {
    STORABLE_WRAPPER.lastIndex = at;
    if (!STORABLE_WRAPPER.test(text)) return false;
  }
  return true;
}

const INT = /^-?\d+$/;
const NUMBER_WRAPPER = /\{"\$number(?:Int|Long|Double)":"(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)"\}/g;

/** Turns parsed wire JSON into live values in place; with `names`, notes the first `$` field name left after the wrappers. */
function fromWire(v: any, what: string, now: number, names?: { first: string | null }): any {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromWire(v[i], what, now, names);
    return v;
  }
  let first: string | undefined;
  let count = 0;
  for (const k in v) {
    if (count++ === 0) first = k;
    if (count > 2) break;
  }
  if (first !== undefined && first.charCodeAt(0) === 36 /* $ */ && count <= 2) {
    const w = v[first];
    const bad = (m: string): never => fail('INVALID_PARAM', `${what} is not valid extended JSON: ${m}`);
    switch (first) {
      case '$numberInt':
      case '$numberLong':
        if (count !== 1 || typeof w !== 'string' || !INT.test(w)) bad(`bad ${first} ${JSON.stringify(w)}`);
        return Number(w);
      case '$numberDouble':
      case '$numberDecimal': {
        if (count !== 1 || typeof w !== 'string') bad(`bad ${first}`);
        const n = Number(w === '-0.0' ? '-0' : w);
        if (Number.isNaN(n) && w !== 'NaN') bad(`bad ${first} ${JSON.stringify(w)}`);
        return n;
      }
      case '$date': {
        if (count !== 1) break;
        const ms = typeof w === 'number' ? w : typeof w === 'string' ? Date.parse(w)
          : w && typeof w.$numberLong === 'string' && INT.test(w.$numberLong) ? Number(w.$numberLong) : NaN;
        if (!Number.isFinite(ms)) bad('bad $date');
        return new Date(ms);
      }
      case '$oid':
        if (count !== 1) break;
        if (typeof w !== 'string' || !/^[0-9a-fA-F]{24}$/.test(w)) bad('bad $oid');
        return new ObjectId(w);
      case '$regularExpression':
        if (count !== 1) break;
        if (!w || typeof w.pattern !== 'string') bad('bad $regularExpression');
        try {
          return new RegExp(w.pattern, normaliseRegexFlags(typeof w.options === 'string' ? w.options : ''));
        } catch (err) {
          return fail('INVALID_PARAM', `invalid regular expression: ${(err as Error).message}`);
        }
      case '$tcb_server_date': {
        if (count !== 1) break;
        const offset = Number(fromWire(w?.offset ?? 0, what, now));
        return new Date(now + (Number.isFinite(offset) ? offset : 0));
      }
      case '$binary':
      case '$timestamp':
      case '$minKey':
      case '$maxKey':
      case '$symbol':
      case '$code':
      case '$dbPointer':
      case '$undefined':
        if (count === 1) bad(`${first} values are not supported`);
        break;
      default:
        break;
    }
  }
  for (const k in v) {
    if (names && names.first === null && k.charCodeAt(0) === 36 /* $ */) names.first = k;
    const x = v[k];
    if (x !== null && typeof x === 'object') v[k] = fromWire(x, what, now, names);
  }
  return v;
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
  return JSON.stringify(doc, storedReplacer);
}

// JSON.stringify hands the replacer a Date already turned into its ISO string; the holder has the original.
function storedReplacer(this: any, key: string, value: any): any {
  if (value === null) return null;
  const t = typeof value;
  if (t === 'string' || t === 'boolean') {
    if (t === 'string' && key !== '') {
      const raw = this[key];
      if (raw instanceof Date) return { $date: raw.getTime() };
      if (raw instanceof ObjectId) return { $oid: raw.toHexString() };
    }
    return value;
  }
  if (t === 'number') return Number.isFinite(value) ? value : { $numberDouble: String(value) };
  if (t === 'bigint') return Number(value);
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: value.flags } };
  if (value instanceof Date) return { $date: value.getTime() };
  if (value instanceof ObjectId) return { $oid: value.toHexString() };
  return value;
}

/** Parses a stored document back into live values. */
export function decodeStored(text: string): Doc {
  // Most values need no conversion; only a text holding a "$" key has wrappers to turn back.
  if (text.indexOf('"$') === -1) return JSON.parse(text);
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
  if (id === undefined) fail('DATABASE_REQUEST_FAILED', '_id is required');
  if (id === null) return '\u0001null';
  if (Array.isArray(id)) fail('DATABASE_REQUEST_FAILED', 'The _id field cannot be an array');
  if (id instanceof RegExp) fail('DATABASE_REQUEST_FAILED', 'The _id field cannot be a regular expression');
  return `\u0001j:${encodeStored(id)}`;
}
