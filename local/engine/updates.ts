/**
 * Update documents as CloudBase sends them: `set` replaces the document (merge=false), `update` applies
 * operators (merge=true). CloudBase quirks handled here: `addToSet({ each })` arrives as `{ each: [...] }`.
 */
import { applyOperators } from './matcher';
import { cloneLive, type Doc } from './codec';
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
  const next = cloneLive(doc);
  applyOperators(next, modifier);
  return next;
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
