/**
 * Index keys. A key is one SQLite value whose SQLite order is MongoDB's BSON order across types:
 * null/missing (NULL) < numbers (REAL/INTEGER) < strings (TEXT, binary order like MongoDB's default)
 * < objects < arrays < ObjectIds < booleans < dates (BLOBs with a type byte, compared by memcmp).
 */
import { ObjectId } from 'bson';
import { encodeStored } from './codec';

export type KeyValue = null | number | string | Buffer;

const T_OBJECT = 0x04;
const T_ARRAY = 0x05;
const T_OBJECTID = 0x07;
const T_BOOL = 0x08;
const T_DATE = 0x09;
const T_REGEX = 0x0b;

/** Lowest and highest possible keys of each blob type, for range bounds. */
export const DATE_MIN = Buffer.from([T_DATE]);
export const DATE_END = Buffer.from([T_DATE + 1]);

/** The key of one (non-array) value. */
export function keyOf(v: unknown): KeyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? -Infinity : v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return Buffer.from([T_BOOL, v ? 1 : 0]);
  if (v instanceof Date) {
    const ms = v.getTime();
    const hi = Math.floor(ms / 0x100000000);
    const b = Buffer.allocUnsafe(9);
    b[0] = T_DATE;
    // The sign bit of the high word is flipped so negative instants sort before positive ones under memcmp.
    b.writeUInt32BE((hi + 0x80000000) >>> 0, 1);
    b.writeUInt32BE(ms - hi * 0x100000000, 5);
    return b;
  }
  if (v instanceof ObjectId) return Buffer.concat([Buffer.from([T_OBJECTID]), Buffer.from(v.toHexString(), 'hex')]);
  if (v instanceof RegExp) return Buffer.concat([Buffer.from([T_REGEX]), Buffer.from(String(v))]);
  if (Array.isArray(v)) return Buffer.concat([Buffer.from([T_ARRAY]), Buffer.from(encodeStored(v))]);
  return Buffer.concat([Buffer.from([T_OBJECT]), Buffer.from(encodeStored(v))]);
}

/** A value an index can look up exactly (arrays and regular expressions are matched by the evaluator). */
export function isKeyable(v: unknown): boolean {
  return !(Array.isArray(v) || v instanceof RegExp || (typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof ObjectId) && Object.keys(v).some((k) => k.startsWith('$'))));
}

/**
 * The values a document holds at a dotted path, as MongoDB indexes them: arrays along the path are
 * traversed, an array at the end gives one entry per element (multikey), and a missing field is null.
 */
export function valuesAt(doc: unknown, path: string[]): { values: unknown[]; isArray: boolean } {
  const out: unknown[] = [];
  let isArray = false;
  const walk = (v: unknown, i: number) => {
    if (i === path.length) {
      if (Array.isArray(v)) {
        isArray = true;
        if (v.length === 0) out.push(undefined);
        else for (const x of v) out.push(x);
      } else out.push(v);
      return;
    }
    if (Array.isArray(v)) {
      isArray = true;
      const idx = /^\d+$/.test(path[i]) ? Number(path[i]) : -1;
      if (idx >= 0 && idx < v.length) walk(v[idx], i + 1);
      let found = false;
      for (const el of v) {
        if (el && typeof el === 'object' && !Array.isArray(el) && path[i] in (el as object)) {
          found = true;
          walk((el as any)[path[i]], i + 1);
        }
      }
      if (!found && idx < 0) out.push(undefined);
      return;
    }
    if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof ObjectId)) {
      walk((v as any)[path[i]], i + 1);
      return;
    }
    out.push(undefined);
  };
  walk(doc, 0);
  return { values: out, isArray };
}

/** Whether the document has a value (even null) at the path; sparse indexes skip documents without. */
export function hasPath(doc: unknown, path: string[]): boolean {
  const { values } = valuesAt(doc, path);
  return values.some((v) => v !== undefined);
}
