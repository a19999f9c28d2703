/**
 * The query planner: how a find reads its candidates. It takes the indexable part of a filter (equality,
 * $in and ranges on declared index fields, `_id` lookups and ranges, and sorts an index can serve) to SQL
 * over the store's tables (store.ts); the evaluator filters whatever the SQL does not select exactly.
 */
import { idKey, type Doc } from './codec';
import { keyOf, isKeyable, DATE_MIN, DATE_END, type KeyValue } from './keys';

/** How a find will read: the SQL, its parameters, and whether rows come in the requested order. */
export interface Plan {
  sql: string;
  params: KeyValue[];
  ordered: boolean;
  index: string | null;
  /** The SQL selects exactly the matching documents (the evaluator need not check them). */
  exact: boolean;
  /** Counts the candidates from the index alone, when the plan has such a form. */
  countSql?: string;
  /** Selects only the candidates' rids (same params), for a union of plans. */
  ridSql?: string;
  /**
   * Reads the candidates' rids in order first (a sort of small rows in SQLite), then each document as it is
   * consumed: `_id` order over an index's candidates without decoding and sorting every candidate document.
   */
  rids?: { sql: string; fetch: string };
}

export type Order = [string, 1 | -1][];

/** What the planner knows of one declared index (its key table holds `rid, k0, k1, …`). */
export interface PlannedIndex {
  name: string;
  keys: { field: string; direction: 1 | -1 | '2dsphere' }[];
  table: string;
  multikey: boolean;
  /** Bit i set: key i has held an array in some document (MongoDB's multikey paths). */
  arrayKeys: number;
  geo: boolean;
}

/** What the planner knows of a collection: its table, its indexes, and whether every `_id` is a string. */
export interface PlannedCollection {
  table: string;
  indexes: readonly PlannedIndex[];
  onlyStringIds(): boolean;
}

interface Predicate {
  op: string;
  value: any;
}

type Bounds = { where: string[]; params: KeyValue[]; used: Predicate[] };

/** The best declared index for a filter and order, with the SQL conditions it serves. */
interface IndexChoice {
  ix: PlannedIndex;
  where: string[];
  params: KeyValue[];
  score: number;
  orderSql: string | null;
  used: Set<Predicate>;
  /** Its first key is fixed by an equality or an `$in`: its candidates are those of a few key values. */
  keyed: boolean;
}

/** Quotes an SQL identifier. */
export function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Chooses how to read the candidates of a filter, using a declared index where one applies. */
export function planFind(c: PlannedCollection, criteria: Doc, order: Order): Plan {
  const t = q(c.table);
  const { preds, complete } = collectPredicates(criteria);
  const allUsed = (used: Set<Predicate>) => complete && [...preds.values()].every((ps) => ps.every((p) => used.has(p)));
  const idPred = preds.get('_id');
  const lookup = idPred ? idLookupPlan(t, idPred, order, allUsed) : null;
  if (lookup) return lookup;
  // Ranges and sorts on `_id` read the table's `id` column index (its UNIQUE constraint) in key order.
  const idRange = idPred ? idRangeSql(idPred) : null;
  const idSort = order.length === 1 && order[0][0] === '_id' && (idRange !== null || c.onlyStringIds()) ? order[0][1] : 0;
  const idScore = (idRange ? 2 : 0) + (idSort ? 1 : 0);
  const best = bestIndex(c.indexes, preds, order);
  // On a tie an index whose first key is fixed (an equality or an $in: the rows of a few merchants) reads
  // its candidates, the `_id` range filtering them in SQL; the `_id` key would read every row of the range
  // to find them (paging past 1,000 rows of a chunk's merchants read the rest of the collection).
  if (idScore && (!best || idScore > best.score || (idScore === best.score && !best.keyed))) {
    // A sort on `_id` alone over a top-level $or of indexed branches (a chunk's deltas, grid by grid): the
    // branches' candidates sorted, not every document of the collection in `_id` order.
    const or = !idRange && !best ? orPlan(c, criteria, order) : null;
    return or ?? idOrderPlan(t, idRange, idSort, order, allUsed);
  }
  if (!best) return orPlan(c, criteria, order) ?? scanPlan(t, preds, order, allUsed);
  return indexPlan(t, best, idRange, idSort, preds, order, allUsed);
}

/** An equality or a short `$in` on `_id`: the table's `id` column answers directly. */
function idLookupPlan(t: string, idPred: Predicate[], order: Order, allUsed: (used: Set<Predicate>) => boolean): Plan | null {
  const eq = idPred.find((p) => p.op === '$eq' && isKeyable(p.value) && p.value !== null);
  if (eq) {
    return {
      sql: `SELECT rid, doc FROM ${t} WHERE id = ?`,
      ridSql: `SELECT rid FROM ${t} WHERE id = ?`,
      params: [idKey(eq.value)],
      ordered: order.length === 0,
      index: '_id_',
      exact: allUsed(new Set([eq])),
    };
  }
  const inn = idPred.find((p) => p.op === '$in' && Array.isArray(p.value) && p.value.every((v: unknown) => isKeyable(v) && v !== null));
  if (inn && inn.value.length <= 500) {
    return {
      sql: `SELECT rid, doc FROM ${t} WHERE id IN (${inn.value.map(() => '?').join(', ')}) ORDER BY rid`,
      params: inn.value.map((v: unknown) => idKey(v)),
      ordered: order.length === 0,
      index: '_id_',
      exact: allUsed(new Set([inn])),
    };
  }
  return null;
}

/** The index serving the most of the filter and order (equality 4 a key, $in 3, range 2, order 1); null when none serves any. */
function bestIndex(indexes: readonly PlannedIndex[], preds: Map<string, Predicate[]>, order: Order): IndexChoice | null {
  let best: IndexChoice | null = null;
  for (const ix of indexes) {
    if (ix.geo) continue;
    const keys = keyConditions(ix, preds);
    const orderSql = indexOrderSql(ix, keys.eqPrefix, order);
    if (!keys.where.length && !orderSql) continue;
    const score = keys.score + (orderSql ? 1 : 0);
    if (!best || score > best.score) best = { ix, where: keys.where, params: keys.params, score, orderSql, used: keys.used, keyed: keys.keyed };
  }
  return best;
}

/** The SQL conditions an index's keys serve, left to right: equalities, then one $in or range. */
function keyConditions(ix: PlannedIndex, preds: Map<string, Predicate[]>): { where: string[]; params: KeyValue[]; used: Set<Predicate>; score: number; eqPrefix: number; keyed: boolean } {
  const where: string[] = [];
  const params: KeyValue[] = [];
  const used = new Set<Predicate>();
  let score = 0;
  let eqPrefix = 0;
  let keyed = false;
  for (let i = 0; i < ix.keys.length; i++) {
    const ps = preds.get(ix.keys[i].field);
    if (!ps) break;
    const eq = ps.find((p) => p.op === '$eq' && isKeyable(p.value));
    if (eq) {
      where.push(eq.value === null ? `x.k${i} IS NULL` : `x.k${i} = ?`);
      if (eq.value !== null) params.push(keyOf(eq.value));
      // An empty array is indexed as null but does not equal null.
      if (eq.value !== null || !ix.multikey) used.add(eq);
      score += 4;
      eqPrefix++;
      continue;
    }
    const inn = ps.find((p) => p.op === '$in' && Array.isArray(p.value) && p.value.length > 0 && p.value.every(isKeyable));
    if (inn) {
      const vals = (inn.value as unknown[]).filter((v) => v !== null);
      const parts: string[] = [];
      if (vals.length) parts.push(`x.k${i} IN (${vals.map(() => '?').join(', ')})`);
      if (vals.length < inn.value.length) parts.push(`x.k${i} IS NULL`);
      where.push(parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0]);
      params.push(...vals.map(keyOf));
      if (vals.length === inn.value.length || !ix.multikey) used.add(inn);
      score += 3;
      keyed = true;
      break;
    }
    // Only an array field lets each bound be met by a different element (unitPath beside a name: both bounds hold).
    const range = rangeSql(`x.k${i}`, ps, (ix.arrayKeys & (1 << i)) !== 0);
    if (range) {
      where.push(...range.where);
      params.push(...range.params);
      range.used.forEach((p) => used.add(p));
      score += 2;
    }
    break;
  }
  return { where, params, used, score, eqPrefix, keyed: keyed || eqPrefix > 0 };
}

/** The ORDER BY that reads an index's entries in the requested order after its equality prefix, or null. */
function indexOrderSql(ix: PlannedIndex, eqPrefix: number, order: Order): string | null {
  // Each document has one entry per distinct value of an array key, so with every array key fixed by an
  // equality it has one entry under the prefix and rows come once each (MongoDB's multikey sort rule).
  const prefixMask = (1 << eqPrefix) - 1;
  if (!order.length || (ix.arrayKeys & ~prefixMask) !== 0) return null;
  // Rows come in the requested order when the order fields follow the equality prefix in the index.
  const rest = ix.keys.slice(eqPrefix);
  if (rest.length < order.length) return null;
  const dirs = order.map(([f, d], j) => (rest[j].field === f ? d * (rest[j].direction as number) : 0));
  if (!(dirs.every((d) => d === 1) || dirs.every((d) => d === -1))) return null;
  const flip = dirs[0] === -1;
  // Keys are stored as their values whatever the index's direction: each column sorts as asked.
  const orderSql = order.map(([, d], j) => `x.k${eqPrefix + j} ${d === 1 ? 'ASC' : 'DESC'}`).join(', ');
  return `${orderSql}, x.rid ${flip ? 'DESC' : 'ASC'}`;
}

/** A range and/or sort on `_id`, read along the `id` column. */
function idOrderPlan(t: string, idRange: Bounds | null, idSort: number, order: Order, allUsed: (used: Set<Predicate>) => boolean): Plan {
  const where = idRange ? `WHERE ${idRange.where.join(' AND ')}` : '';
  return {
    sql: `SELECT rid, doc FROM ${t} ${where} ORDER BY ${idSort ? `id ${idSort === 1 ? 'ASC' : 'DESC'}` : 'rid'}`,
    params: idRange?.params ?? [],
    ordered: idSort !== 0 || order.length === 0,
    index: '_id_',
    exact: allUsed(new Set(idRange?.used ?? [])),
  };
}

/** No index applies: the whole table, narrowed by SQLite's check of string equalities on the stored JSON. */
function scanPlan(t: string, preds: Map<string, Predicate[]>, order: Order, allUsed: (used: Set<Predicate>) => boolean): Plan {
  const scanPre = prefilterSql(preds, new Set(), '');
  return {
    sql: `SELECT rid, doc FROM ${t}${scanPre.sql ? ` WHERE ${scanPre.sql.slice(5)}` : ''} ORDER BY rid`,
    params: scanPre.params,
    ordered: order.length === 0,
    index: null,
    exact: allUsed(new Set()),
  };
}

/** Reads through the chosen index: in its order, in `_id` order over its candidates, or its candidates by rid. */
function indexPlan(t: string, best: IndexChoice, idRange: Bounds | null, idSort: number, preds: Map<string, Predicate[]>, order: Order, allUsed: (used: Set<Predicate>) => boolean): Plan {
  const ixt = q(best.ix.table);
  const where = best.where.length ? `WHERE ${best.where.join(' AND ')}` : '';
  // An `_id` range next to the chosen index filters the documents in SQL too.
  const used = best.used;
  idRange?.used.forEach((p) => used.add(p));
  const exact = allUsed(used);
  const idSql = (alias: string) => (idRange ? ` AND ${idRange.where.map((w) => w.replace(/\bid\b/g, `${alias}id`)).join(' AND ')}` : '');
  // String equalities the index leaves to the evaluator are first checked on the stored JSON by SQLite.
  const joinPre = prefilterSql(preds, used, 'd.');
  const params = [...best.params, ...(idRange?.params ?? []), ...joinPre.params];
  if (best.orderSql) {
    return {
      sql: `SELECT d.rid AS rid, d.doc AS doc FROM ${ixt} x JOIN ${t} d ON d.rid = x.rid ${where || 'WHERE 1'}${idSql('d.')}${joinPre.sql} ORDER BY ${best.orderSql}`,
      params,
      ordered: true,
      index: best.ix.name,
      exact,
    };
  }
  const candidates = `rid IN (SELECT x.rid FROM ${ixt} x ${where})${idSql('')}${prefilterSql(preds, used, '').sql}`;
  if (idSort) {
    // Paging along _id over an index's candidates: each page reads the candidates' ids, not their documents.
    const dir = idSort === 1 ? 'ASC' : 'DESC';
    return {
      sql: `SELECT rid, doc FROM ${t} WHERE ${candidates} ORDER BY id ${dir}`,
      params,
      ordered: true,
      index: best.ix.name,
      exact,
      rids: { sql: `SELECT rid FROM ${t} WHERE ${candidates} ORDER BY id ${dir}`, fetch: `SELECT rid, doc FROM ${t} WHERE rid = ?` },
    };
  }
  const extra = idRange || joinPre.sql;
  return {
    sql: `SELECT rid, doc FROM ${t} WHERE ${candidates} ORDER BY rid`,
    ridSql: extra ? `SELECT rid FROM ${t} WHERE ${candidates}` : `SELECT x.rid FROM ${ixt} x ${where}`,
    params,
    ordered: order.length === 0,
    index: best.ix.name,
    exact,
    countSql: extra ? undefined : `SELECT count(${best.ix.multikey ? 'DISTINCT x.rid' : '*'}) AS n FROM ${ixt} x ${where}`,
  };
}

/** A top-level `$or` whose every branch has an index: the union of the branches' candidates. */
function orPlan(c: PlannedCollection, criteria: Doc, order: Order): Plan | null {
  const branches = criteria.$or;
  if (!Array.isArray(branches) || branches.length < 2 || branches.length > 16) return null;
  const { $or: _or, ...rest } = criteria;
  const subs: Plan[] = [];
  for (const b of branches) {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return null;
    const sub = planFind(c, { $and: [rest, b] }, []);
    if (!sub.index) return null;
    subs.push(sub);
  }
  const t = q(c.table);
  const union = subs.map((p) => p.ridSql ?? `SELECT rid FROM (${p.sql})`).join(' UNION ');
  return {
    sql: `SELECT rid, doc FROM ${t} WHERE rid IN (${union}) ORDER BY rid`,
    ridSql: `SELECT rid FROM ${t} WHERE rid IN (${union})`,
    params: subs.flatMap((p) => p.params),
    ordered: order.length === 0,
    index: subs.map((p) => p.index).join(' | '),
    // Each branch was planned with the rest of the filter: rows exactly selected by every branch's plan
    // are exactly the rows of the union.
    exact: subs.every((p) => p.exact),
  };
}

/**
 * Top-level field conditions of a filter (through `$and`) that an index can serve; `complete` says the
 * filter holds nothing else (no $or, $expr, regular expressions, other operators).
 */
function collectPredicates(criteria: Doc): { preds: Map<string, Predicate[]>; complete: boolean } {
  const preds = new Map<string, Predicate[]>();
  let complete = true;
  const walk = (c: Doc) => {
    for (const [k, v] of Object.entries(c)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) {
          if (sub && typeof sub === 'object' && !Array.isArray(sub)) walk(sub);
          else complete = false;
        }
        continue;
      }
      if (k.startsWith('$')) {
        complete = false;
        continue;
      }
      const list = preds.get(k) ?? [];
      const isOps = v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp) &&
        Object.keys(v).length > 0 && Object.keys(v).every((o) => o.startsWith('$'));
      if (isOps) {
        for (const [op, val] of Object.entries(v)) {
          if (['$eq', '$in', '$gt', '$gte', '$lt', '$lte'].includes(op)) list.push({ op, value: val });
          else if (op === '$geoWithin') {
            // No index serves it here; prefilterSql narrows the rows to the shape's boxes, the evaluator decides.
            list.push({ op, value: val });
            complete = false;
          }
          else if (op === '$all' && Array.isArray(val) && val.length > 0 && val.every((x) => x !== null && !Array.isArray(x) && isKeyable(x))) {
            // $all of plain values matches what equality on each of them matches (each an element or the value).
            for (const x of val) list.push({ op: '$eq', value: x });
          } else complete = false;
        }
      } else {
        if (!isKeyable(v)) complete = false;
        list.push({ op: '$eq', value: v });
      }
      preds.set(k, list);
    }
  };
  walk(criteria);
  return { preds, complete };
}

const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * A conservative SQL check of the string equalities no index serves (`{ 'acquiring.status': 'active' }`): the
 * stored JSON holds the string at the path, or some step of the path is an array (where MongoDB also looks
 * inside elements, left to the evaluator). It only drops documents the evaluator would drop; the evaluator
 * still checks every row that passes. Each returned condition starts with ` AND `.
 */
function prefilterSql(preds: Map<string, Predicate[]>, used: Set<Predicate>, alias: string): { sql: string; params: string[] } {
  let sql = '';
  const params: string[] = [];
  for (const [field, ps] of preds) {
    if (field === '_id' || !PLAIN_PATH.test(field)) continue;
    const steps = field.split('.');
    for (const p of ps) {
      if (p.op === '$geoWithin') {
        sql += geoWithinPrefilter(field, p.value, alias);
        continue;
      }
      if (used.has(p) || p.op !== '$eq' || typeof p.value !== 'string') continue;
      const arrays = steps.map(() => `json_type(${alias}doc, ?) = 'array'`);
      sql += ` AND (${alias}doc ->> ? = ? OR ${arrays.join(' OR ')})`;
      params.push(`$.${field}`, p.value, ...steps.map((_, i) => `$.${steps.slice(0, i + 1).join('.')}`));
    }
  }
  return { sql, params };
}

/** The outer rings' boxes of a `$geoWithin` $geometry (Polygon, MultiPolygon) or its `$box`; null for other shapes. */
function geoWithinBoxes(spec: any): [number, number, number, number][] | null {
  const boxOf = (ring: unknown): [number, number, number, number] | null => {
    if (!Array.isArray(ring) || !ring.length) return null;
    const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const pt of ring) {
      if (!Array.isArray(pt) || !Number.isFinite(pt[0]) || !Number.isFinite(pt[1])) return null;
      b[0] = Math.min(b[0], pt[0]);
      b[1] = Math.min(b[1], pt[1]);
      b[2] = Math.max(b[2], pt[0]);
      b[3] = Math.max(b[3], pt[1]);
    }
    return b;
  };
  const g = spec?.$geometry;
  const polygons: unknown[] | null = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' && Array.isArray(g.coordinates) ? g.coordinates : Array.isArray(spec?.$box) ? [[[spec.$box[0], spec.$box[1]]]] : null;
  if (!polygons || !polygons.length) return null;
  const boxes = polygons.map((poly) => (Array.isArray(poly) ? boxOf(poly[0]) : null));
  return boxes.every((b) => b !== null) ? (boxes as [number, number, number, number][]) : null;
}

/**
 * A conservative SQL check of `$geoWithin` on a stored GeoJSON point (Polygon, MultiPolygon or $box shapes):
 * a document whose field is a Point with numeric coordinates outside every polygon's box cannot match and is
 * never decoded. Anything else at the path (no point, a legacy pair, a polygon, an array on the way) passes
 * to the evaluator, which decides every row as before. The path is a plain field path (PLAIN_PATH) and the
 * bounds finite numbers, so both are written into the SQL.
 */
function geoWithinPrefilter(field: string, spec: unknown, alias: string): string {
  const boxes = geoWithinBoxes(spec);
  if (!boxes) return '';
  const at = (suffix: string) => `${alias}doc ->> '$.${field}${suffix}'`;
  const x = at('.coordinates[0]');
  const y = at('.coordinates[1]');
  const num = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
  const inside = boxes.map(([x0, y0, x1, y1]) => `(${x} BETWEEN ${num(x0)} AND ${num(x1)} AND ${y} BETWEEN ${num(y0)} AND ${num(y1)})`).join(' OR ');
  return ` AND NOT (COALESCE(${at('.type')}, '') = 'Point' AND typeof(${x}) IN ('integer', 'real') AND typeof(${y}) IN ('integer', 'real') AND NOT (${inside}))`;
}

/** SQL bounds for $gt/$gte/$lt/$lte on one key column, bracketed to the value's type as MongoDB does. */
function rangeSql(col: string, ps: Predicate[], multikey: boolean): { where: string[]; params: KeyValue[]; used: Predicate[] } | null {
  const bounds = ps.filter((p) => ['$gt', '$gte', '$lt', '$lte'].includes(p.op));
  const kind = (v: unknown) => (typeof v === 'number' ? 'n' : typeof v === 'string' ? 's' : v instanceof Date ? 'd' : null);
  const usable = bounds.filter((p) => kind(p.value) !== null);
  if (!usable.length) return null;
  const k = kind(usable[0].value);
  // On array fields each bound may be met by a different element, so only one bound narrows the entries.
  const chosen = usable.filter((p) => kind(p.value) === k).slice(0, multikey ? 1 : 2);
  const where: string[] = [];
  const params: KeyValue[] = [];
  let hasLow = false;
  let hasHigh = false;
  for (const p of chosen) {
    const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[p.op as '$gt'];
    where.push(`${col} ${sym} ?`);
    params.push(keyOf(p.value));
    if (p.op.startsWith('$g')) hasLow = true;
    else hasHigh = true;
  }
  if (!hasHigh) {
    if (k === 'n') where.push(`${col} < ''`);
    else if (k === 's') where.push(`${col} < X''`);
    else {
      where.push(`${col} < ?`);
      params.push(DATE_END);
    }
  }
  if (!hasLow) {
    if (k === 's') where.push(`${col} >= ''`);
    else if (k === 'd') {
      where.push(`${col} >= ?`);
      params.push(DATE_MIN);
    } else where.push(`${col} IS NOT NULL`);
  }
  // Exact when every condition on the field became a bound of one type.
  const used = chosen.length === ps.length ? chosen : [];
  return { where, params, used };
}

/**
 * SQL bounds on the `id` column for string ranges on `_id` (MongoDB compares a string bound with string
 * ids only). Non-string ids are stored as texts starting with \u0001, excluded when the range reaches them.
 */
function idRangeSql(ps: Predicate[]): { where: string[]; params: KeyValue[]; used: Predicate[] } | null {
  const bounds = ps.filter((p) => ['$gt', '$gte', '$lt', '$lte'].includes(p.op) && typeof p.value === 'string');
  const lows = bounds.filter((p) => p.op.startsWith('$g')).slice(0, 1);
  const highs = bounds.filter((p) => p.op.startsWith('$l')).slice(0, 1);
  const chosen = [...lows, ...highs];
  if (!chosen.length) return null;
  const where: string[] = [];
  const params: KeyValue[] = [];
  for (const p of chosen) {
    where.push(`id ${{ $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[p.op as '$gt']} ?`);
    params.push(p.value as string);
  }
  const low = lows[0]?.value as string | undefined;
  const high = highs[0]?.value as string | undefined;
  if ((low === undefined || low < '\u0002') && (high === undefined || high >= '\u0001')) where.push('unicode(id) IS NOT 1');
  return { where, params, used: chosen.length === ps.length ? chosen : [] };
}
