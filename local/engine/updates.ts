/**
 * Update documents as CloudBase sends them: `set` replaces the document (merge=false), `update` applies
 * operators (merge=true). CloudBase quirks handled here: `addToSet({ each })` arrives as `{ each: [...] }`.
 */
import { applyOperators } from './matcher';
import { cloneLive, encodeStored, type Doc } from './codec';
import { fail } from './errors';

const UPDATE_OPS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pop', '$pull', '$pullAll', '$addToSet',
  '$currentDate', '$bit',
]);

/** Checks an operator update and rewrites CloudBase's spellings into MongoDB's. */
export function normaliseModifier(data: Doc): Doc {
  if (!data || typeof data !== 'object' || Array.isArray(data)) fail('INVALID_PARAM', 'update data must be an object');
  const keys = Object.keys(data);
  if (!keys.length) fail('INVALID_PARAM', 'update data must not be empty');
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length === 0) return normaliseModifier({ $set: data });
  if (ops.length !== keys.length) fail('DATABASE_REQUEST_FAILED', 'update operators and plain fields cannot be mixed');
  const out: Doc = {};
  for (const op of keys) {
    if (!UPDATE_OPS.has(op)) fail('DATABASE_INVALID_OPERRATOR', `unknown update operator: ${op}`);
    const fields = data[op];
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) fail('DATABASE_REQUEST_FAILED', `${op} needs an object of fields`);
    const spec: Doc = {};
    for (const [path, v] of Object.entries(fields as Doc)) {
      if (path === '_id' || path.startsWith('_id.')) {
        fail('DATABASE_REQUEST_FAILED', "Performing an update on the path '_id' would modify the immutable field '_id'");
      }
      if (op === '$rename' && (v === '_id' || typeof v !== 'string')) fail('DATABASE_REQUEST_FAILED', '$rename needs a new field name other than _id');
      if (op === '$addToSet' && isEachSpelling(v)) spec[path] = { $each: v.each };
      else spec[path] = v;
    }
    out[op] = spec;
  }
  return out;
}

function isEachSpelling(v: unknown): v is { each: unknown[] } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as Doc).each);
}

/** Applies a normalised modifier to a copy of the document; returns the copy. */
export function applyUpdate(doc: Doc, modifier: Doc): Doc {
  return applyUpdateTracked(doc, modifier).next;
}

/**
 * Applies a normalised modifier to a copy of the document, and says whether the stored text changes: true or
 * false when the plain path below applied it (it compares the fields it wrote), null when the evaluator did
 * (the caller compares the texts). The document given is never changed.
 */
export function applyUpdateTracked(doc: Doc, modifier: Doc): { next: Doc; changed: boolean | null } {
  checkTypes(doc, modifier);
  const steps = plainSteps(doc, modifier);
  if (!steps) {
    const next = cloneLive(doc);
    applyOperators(next, modifier);
    return { next, changed: null };
  }
  // Copies only the objects on the written paths: the rest is shared with `doc`, which nothing writes in place
  // (a roll-up document of thousands of counters gets one counter and one marker per update).
  const next: Doc = { ...doc };
  const copied = new Set<Doc>([next]);
  let changed = false;
  for (const [parts, arg, inc] of steps) {
    let node = next;
    for (let i = 0; i < parts.length - 1; i++) {
      let child = node[parts[i]] as Doc;
      if (!copied.has(child)) {
        child = { ...child };
        node[parts[i]] = child;
        copied.add(child);
      }
      node = child;
    }
    const key = parts[parts.length - 1];
    const before = node[key];
    const after = inc ? (before === undefined ? arg : (before as number) + (arg as number)) : cloneLive(arg);
    // The same canonical text for the field means the same text for the document.
    if (!changed && (before === undefined || encodeStored(before) !== encodeStored(after))) changed = true;
    node[key] = after;
  }
  return { next, changed };
}

/**
 * `$inc` and `$set` along existing plain-object paths (counters, stamps, flags: most updates), as steps to
 * apply directly with the evaluator's result: mingo builds its whole operator context for every update, several
 * times the cost of the update itself. Null for anything else (other operators, a missing or array step on a
 * path, paths that overlap), which the evaluator then applies.
 */
function plainSteps(doc: Doc, modifier: Doc): [string[], unknown, boolean][] | null {
  const steps: [string[], unknown, boolean][] = [];
  const paths: string[] = [];
  for (const op of Object.keys(modifier)) {
    if (op !== '$inc' && op !== '$set') return null;
    for (const [path, arg] of Object.entries(modifier[op] as Doc)) {
      if (op === '$inc' ? typeof arg !== 'number' : !isPlainValue(arg)) return null;
      const parts = path.split('.');
      let node: Doc = doc;
      for (let i = 0; i < parts.length - 1; i++) {
        const next = node[parts[i]];
        if (!isPlainObject(next)) return null;
        node = next;
      }
      const key = parts[parts.length - 1];
      if (!key || key.startsWith('$') || (op === '$inc' && node[key] !== undefined && typeof node[key] !== 'number')) return null;
      steps.push([parts, arg, op === '$inc']);
      paths.push(path);
    }
  }
  // Overlapping paths (`a` and `a.b`, or one path twice) are conflicts the evaluator reports.
  const seen = new Set(paths);
  if (seen.size !== paths.length) return null;
  for (const path of paths) for (let i = path.indexOf('.'); i > 0; i = path.indexOf('.', i + 1)) if (seen.has(path.slice(0, i))) return null;
  return steps;
}

function isPlainObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** JSON values and dates: what `$set` copies as they are. */
function isPlainValue(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || v instanceof Date) return true;
  if (Array.isArray(v)) return v.every(isPlainValue);
  return isPlainObject(v) && Object.entries(v).every(([k, x]) => !k.startsWith('$') && !k.includes('.') && isPlainValue(x));
}

/** The document a `set` leaves: the replacement with the original `_id`. */
export function replacement(id: unknown, data: Doc): Doc {
  if (!data || typeof data !== 'object' || Array.isArray(data)) fail('INVALID_PARAM', 'set data must be an object');
  for (const k of Object.keys(data)) {
    if (k.startsWith('$')) fail('DATABASE_REQUEST_FAILED', 'update operator complicit: set() takes plain fields only');
  }
  if ('_id' in data && JSON.stringify(data._id) !== JSON.stringify(id)) fail('DATABASE_REQUEST_FAILED', '不能更新_id的值');
  return { _id: id, ...stripId(data) };
}

function stripId(d: Doc): Doc {
  const { _id: _ignored, ...rest } = d;
  return rest;
}

/** The document an upsert creates from the equality fields of its filter plus the modifier. */
export function upsertBase(criteria: Doc): Doc {
  const base: Doc = {};
  for (const [k, v] of Object.entries(criteria)) {
    if (k.startsWith('$') || k.includes('.')) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v).some((x) => x.startsWith('$'))) continue;
    base[k] = v;
  }
  return base;
}

const NUMERIC_OPS = ['$inc', '$mul'];
const ARRAY_OPS = ['$push', '$addToSet', '$pop', '$pull', '$pullAll'];

/** The value at a plain dotted path (undefined when absent or when the path crosses an array). */
function valueAt(doc: Doc, path: string): unknown {
  let cur: any = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Operators that create the fields of their paths. */
const CREATING_OPS = ['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate'];

/**
 * MongoDB cannot create a field inside a value that is not an embedded document (null, a string, a number, a
 * date) nor a named field inside an array; the evaluator would replace the value or skip the update. CloudBase
 * answers "[FailedOperation] multiple write errors: [{write errors: [{Cannot create field 'analysisDate' in
 * element {analysisResults: null}}]}, {<nil>}]" (document.update:fail -502001, quoted from the service).
 */
function checkPaths(doc: Doc, modifier: Doc): void {
  for (const op of CREATING_OPS) {
    for (const path of Object.keys(modifier[op] ?? {})) {
      const parts = path.split('.');
      let cur: unknown = doc;
      for (let i = 0; i < parts.length - 1; i++) {
        const next: unknown = Array.isArray(cur) ? (/^\d+$/.test(parts[i]) ? cur[Number(parts[i])] : undefined) : (cur as Doc)[parts[i]];
        if (next === undefined) break;
        const child = parts[i + 1];
        if (isPlainObject(next) || (Array.isArray(next) && /^\d+$/.test(child))) {
          cur = next;
          continue;
        }
        const shown = Array.isArray(next) || next instanceof Date ? JSON.stringify(next) : next === null ? 'null' : JSON.stringify(next);
        fail('DATABASE_REQUEST_FAILED', `[FailedOperation] multiple write errors: [{write errors: [{Cannot create field '${child}' in element {${parts[i]}: ${shown}}}]}, {<nil>}]`);
      }
    }
  }
}

/** MongoDB refuses arithmetic on non-numbers and array operators on non-arrays; the evaluator would skip them. */
function checkTypes(doc: Doc, modifier: Doc): void {
  checkPaths(doc, modifier);
  for (const op of NUMERIC_OPS) {
    for (const [path, arg] of Object.entries(modifier[op] ?? {})) {
      if (typeof arg !== 'number') fail('DATABASE_REQUEST_FAILED', `Cannot ${op.slice(1)} with non-numeric argument: {${path}: ${JSON.stringify(arg)}}`);
      const cur = valueAt(doc, path);
      if (cur !== undefined && cur !== null && typeof cur !== 'number') {
        fail('DATABASE_REQUEST_FAILED', `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${typeof cur}`);
      }
      if (cur === null) fail('DATABASE_REQUEST_FAILED', `Cannot apply ${op} to a value of non-numeric type null at '${path}'`);
    }
  }
  for (const op of ARRAY_OPS) {
    for (const path of Object.keys(modifier[op] ?? {})) {
      const cur = valueAt(doc, path);
      if (cur !== undefined && !Array.isArray(cur)) {
        fail('DATABASE_REQUEST_FAILED', `The field '${path}' must be an array but is of type ${cur === null ? 'null' : typeof cur} in document {_id: ${JSON.stringify(doc._id)}}`);
      }
    }
  }
  for (const [path, arg] of Object.entries(modifier.$pop ?? {})) {
    if (arg !== 1 && arg !== -1) fail('DATABASE_REQUEST_FAILED', `$pop expects 1 or -1, found: ${JSON.stringify(arg)} at '${path}'`);
  }
}
