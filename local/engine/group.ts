/**
 * A direct $group for the common shapes (an _id of field paths and constants; $sum, $avg, $min, $max,
 * $first, $last, $push, $addToSet, $count over field paths or constants). Roll-ups and dashboards group
 * large sets this way; the general evaluator handles every other shape.
 */
import { encodeStored, type Doc } from './codec';

const ACCUMULATORS = new Set(['$sum', '$avg', '$min', '$max', '$first', '$last', '$push', '$addToSet', '$count']);

type Getter = (doc: Doc) => unknown;

// mingo's resolver handles paths that cross arrays.
const { resolve, compare } = require('mingo/util') as {
  resolve: (obj: unknown, path: string) => any;
  compare: (a: unknown, b: unknown) => number;
};

function isFieldPath(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith('$') && !v.startsWith('$$') && v.length > 1;
}

function isConstant(v: unknown): boolean {
  return v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && !v.startsWith('$'));
}

function getter(path: string): Getter {
  const parts = path.slice(1).split('.');
  if (parts.length === 1) {
    const k = parts[0];
    return (doc) => doc[k];
  }
  return (doc) => {
    let cur: any = doc;
    for (const p of parts) {
      if (cur === null || typeof cur !== 'object') return undefined;
      if (Array.isArray(cur)) return resolve(doc, path.slice(1));
      cur = cur[p];
    }
    return cur;
  };
}

function compileValue(v: unknown): Getter | null {
  if (isFieldPath(v)) return getter(v);
  if (isConstant(v)) return () => v;
  return null;
}

/** A grouping key: values MongoDB groups together share it (null and missing; 1 and 1.0). */
function groupKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'number':
      return `i${v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return `b${v}`;
    default:
      return v instanceof Date ? `d${v.getTime()}` : `o${encodeStored(v)}`;
  }
}

interface Acc {
  field: string;
  op: string;
  get: Getter;
}

/** Groups documents when the spec has a supported shape; returns null to leave it to the evaluator. */
export function fastGroup(docs: Iterable<Doc>, spec: Doc): Doc[] | null {
  if (!spec || typeof spec !== 'object' || !('_id' in spec)) return null;
  let idGet: Getter;
  const idSpec = spec._id;
  if (idSpec && typeof idSpec === 'object' && !Array.isArray(idSpec) && !(idSpec instanceof Date)) {
    const entries = Object.entries(idSpec);
    if (!entries.length || entries.some(([k]) => k.startsWith('$'))) return null;
    const parts = entries.map(([k, v]) => [k, compileValue(v)] as const);
    if (parts.some(([, g]) => !g)) return null;
    idGet = (doc) => {
      const out: Doc = {};
      for (const [k, g] of parts) {
        const x = g!(doc);
        if (x !== undefined) out[k] = x;
      }
      return out;
    };
  } else {
    const g = compileValue(idSpec);
    if (!g) return null;
    idGet = g;
  }
  const accs: Acc[] = [];
  for (const [field, expr] of Object.entries(spec)) {
    if (field === '_id') continue;
    if (!expr || typeof expr !== 'object' || Array.isArray(expr)) return null;
    const ops = Object.keys(expr);
    if (ops.length !== 1 || !ACCUMULATORS.has(ops[0])) return null;
    const op = ops[0];
    const arg = (expr as Doc)[op];
    if (op === '$count') {
      if (!arg || typeof arg !== 'object' || Object.keys(arg).length) return null;
      accs.push({ field, op, get: () => 1 });
      continue;
    }
    const get = compileValue(arg);
    if (!get) return null;
    accs.push({ field, op, get });
  }

  interface State {
    id: unknown;
    vals: any[];
    seen: (Set<string> | null)[];
    n: number[];
  }
  const groups = new Map<string, State>();
  for (const doc of docs) {
    const id = idGet(doc);
    const key = groupKey(id);
    let st = groups.get(key);
    if (!st) {
      st = {
        id: id === undefined ? null : id,
        vals: accs.map((a) => (a.op === '$sum' || a.op === '$avg' || a.op === '$count' ? 0 : a.op === '$push' || a.op === '$addToSet' ? [] : undefined)),
        seen: accs.map((a) => (a.op === '$addToSet' ? new Set<string>() : null)),
        n: accs.map(() => 0),
      };
      groups.set(key, st);
    }
    for (let i = 0; i < accs.length; i++) {
      const a = accs[i];
      const v = a.get(doc);
      switch (a.op) {
        case '$sum':
          if (typeof v === 'number') st.vals[i] += v;
          break;
        case '$count':
          st.vals[i] += 1;
          break;
        case '$avg':
          if (typeof v === 'number') {
            st.vals[i] += v;
            st.n[i]++;
          }
          break;
        case '$min':
          if (v !== null && v !== undefined && (st.vals[i] === undefined || compare(v, st.vals[i]) < 0)) st.vals[i] = v;
          break;
        case '$max':
          if (v !== null && v !== undefined && (st.vals[i] === undefined || compare(v, st.vals[i]) > 0)) st.vals[i] = v;
          break;
        case '$first':
          if (st.n[i]++ === 0) st.vals[i] = v === undefined ? null : v;
          break;
        case '$last':
          st.vals[i] = v === undefined ? null : v;
          break;
        case '$push':
          if (v !== undefined) st.vals[i].push(v);
          break;
        case '$addToSet':
          if (v !== undefined) {
            const k = groupKey(v);
            if (!st.seen[i]!.has(k)) {
              st.seen[i]!.add(k);
              st.vals[i].push(v);
            }
          }
          break;
        default:
          break;
      }
    }
  }
  const out: Doc[] = [];
  for (const st of groups.values()) {
    const row: Doc = { _id: st.id };
    accs.forEach((a, i) => {
      if (a.op === '$avg') row[a.field] = st.n[i] ? st.vals[i] / st.n[i] : null;
      else if (a.op === '$min' || a.op === '$max') row[a.field] = st.vals[i] === undefined ? null : st.vals[i];
      else row[a.field] = st.vals[i];
    });
    out.push(row);
  }
  return out;
}

/** The top-level fields a supported $group reads, or null when the spec is not one fastGroup takes. */
export function groupFields(spec: Doc): string[] | null {
  if (fastGroup([], spec) === null) return null;
  const fields = new Set<string>();
  const add = (v: unknown) => {
    if (isFieldPath(v)) fields.add(v.slice(1).split('.')[0]);
  };
  const id = spec._id;
  if (id && typeof id === 'object' && !Array.isArray(id) && !(id instanceof Date)) Object.values(id).forEach(add);
  else add(id);
  for (const [k, expr] of Object.entries(spec)) if (k !== '_id') Object.values(expr as Doc).forEach(add);
  return [...fields];
}
