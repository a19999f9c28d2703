/**
 * The MongoDB-semantics evaluator: mingo with CloudBase's geo query operators added, and mingo's errors
 * turned into CloudBase's (an unknown operator is DATABASE_INVALID_OPERRATOR, never a stack trace).
 */
import { Aggregator, Context, update as mingoUpdate } from 'mingo';
import type { Options } from 'mingo/types/types';
import { compileGeoIntersects, compileGeoWithin, parseNear, asPoint, distanceM } from './geo';
import { EngineError, fail } from './errors';
import type { Doc } from './codec';

// mingo exposes its path resolver, core query and operator tables only through the package's export map.
const { resolve } = require('mingo/util') as { resolve: (obj: unknown, path: string) => any };
const { Query } = require('mingo/query') as typeof import('mingo/types/query');
type Query = InstanceType<typeof Query>;
const accumulatorOps = require('mingo/operators/accumulator');
const expressionOps = require('mingo/operators/expression');
const pipelineOps = require('mingo/operators/pipeline');
const projectionOps = require('mingo/operators/projection');
const queryOps = require('mingo/operators/query');
const windowOps = require('mingo/operators/window');

const geoOps: Record<string, any> = {
  $geoWithin: (selector: string, value: any) => {
    const test = compileGeoWithin(value);
    return (obj: Doc) => test(resolve(obj, selector));
  },
  $geoIntersects: (selector: string, value: any) => {
    const test = compileGeoIntersects(value);
    return (obj: Doc) => test(resolve(obj, selector));
  },
  // Filtering part of $nearSphere; the nearest-first order is applied by the reader (see nearOf).
  $nearSphere: (selector: string, value: any) => {
    const near = parseNear(value);
    return (obj: Doc) => {
      const p = asPoint(resolve(obj, selector));
      if (!p) return false;
      const d = distanceM(near.center, p);
      return d >= near.min && d <= near.max;
    };
  },
};
geoOps.$near = geoOps.$nearSphere;

/** The values a query condition on `selector` tests: the value, or each element of an array (one level). */
function candidates(obj: Doc, selector: string): unknown[] {
  const v = resolve(obj, selector);
  return Array.isArray(v) ? v.flatMap((x) => (Array.isArray(x) ? [x, ...x] : [x])) : [v];
}

/**
 * Query operators where mingo is kinder than MongoDB (each checked by a conformance test in
 * test/engine/conformance.test.ts):
 * - `$mod` matches numbers only (MongoDB manual, "$mod": it selects documents whose field value is a number
 *   with that remainder; mingo also coerces booleans and dates); the dividend is truncated toward zero.
 * - `$gte: null` and `$lte: null` match null and missing fields, as `$eq: null` does (MongoDB manual,
 *   "Comparison/Sort Order": a missing field compares as null; null is the only value in its type bracket).
 */
const strictQueryOps: Record<string, any> = {
  $mod: (selector: string, value: any) => {
    if (!Array.isArray(value) || value.length !== 2 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail('DATABASE_REQUEST_FAILED', 'malformed mod, needs to be an array of two numbers');
    }
    const [divisor, remainder] = value.map(Math.trunc);
    if (divisor === 0) fail('DATABASE_REQUEST_FAILED', 'divisor cannot be 0');
    return (obj: Doc) => candidates(obj, selector).some((x) => typeof x === 'number' && Number.isFinite(x) && Math.trunc(x) % divisor === remainder);
  },
  $gte: (selector: string, value: any, options: any) => (value === null ? queryOps.$eq(selector, null, options) : queryOps.$gte(selector, value, options)),
  $lte: (selector: string, value: any, options: any) => (value === null ? queryOps.$eq(selector, null, options) : queryOps.$lte(selector, value, options)),
};

// Every operator mingo ships plus ours, merged once. mingo's default `Query` merges its whole operator
// table into a new context on each construction (~75 µs, more than the indexed read it filters); the core
// `Query` given this complete context skips that merge.
const context = Context.init({
  accumulator: accumulatorOps,
  expression: expressionOps,
  pipeline: pipelineOps,
  projection: projectionOps,
  query: { ...queryOps, ...geoOps, ...strictQueryOps },
  window: windowOps,
});

/** Options for every mingo call: our operators, no scripts ($where/$function run no code from requests). */
export function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { context, scriptEnabled: false, ...extra };
}

/**
 * mingo copies every operator table of a context into each query built from plain options (~20 µs per
 * filter, more than the indexed read it filters), but shares the tables when handed its own options
 * object. That class is not exported: one operator call of a throwaway query hands an instance over, and
 * the options of every query are built once from its constructor.
 */
const queryOptions: Partial<Options> = (() => {
  let seen: { constructor: new (options: object) => Partial<Options> } | null = null;
  const capture = (_field: string, _value: unknown, options: any) => {
    seen = options;
    return () => false;
  };
  new Query({ _: { $capture: 1 } }, { context: Context.init({ query: { $capture: capture } }) });
  const Shared = (seen as { constructor: new (options: object) => Partial<Options> } | null)?.constructor;
  // A later mingo that no longer hands its options to operators falls back to plain options.
  if (!Shared || Shared === Object) return mingoOptions();
  return new Shared({ idKey: '_id', scriptEnabled: false, useStrictMode: true, failOnError: true, processingMode: 0, context });
})();

/** A filter over documents in memory (for sorting and projecting rows a read has already filtered). */
export function memoryQuery(criteria: Doc = {}): Query {
  return guard(() => new Query(criteria, queryOptions));
}

/** Runs `fn`, turning evaluator errors into CloudBase's error answers. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toEngineError(err);
  }
}

/** Maps any evaluator failure to the CloudBase error the server would answer with. */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unknown|unsupported|not (a )?(valid|supported)|invalid operator|unrecognized/i.test(message) && /\$|operator/.test(message)) {
    return new EngineError('DATABASE_INVALID_OPERRATOR', message);
  }
  return new EngineError('DATABASE_REQUEST_FAILED', message);
}

/** Compiles a query filter; operators are checked now so a bad query fails before any document is read. */
export function compileQuery(criteria: Doc): Query {
  checkOperators(criteria);
  return guard(() => new Query(criteria, queryOptions));
}

/** A query filter that tests documents. */
export interface Matcher {
  test(doc: Doc): boolean;
  /** Compiles the filter now, so a malformed one fails even when no document is read. */
  compile(): void;
}

/**
 * A filter for a read that may not need it: operators are checked now, and mingo compiles the filter when
 * asked or on its first test. A read whose index plan selects exactly the matching rows never compiles it.
 */
export function lazyMatcher(criteria: Doc): Matcher {
  checkOperators(criteria);
  let query: Query | null = null;
  const compile = () => (query ??= guard(() => new Query(criteria, queryOptions)));
  return {
    test: (doc) => guard(() => compile().test(doc)),
    compile,
  };
}

const QUERY_OPS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$and', '$or', '$nor', '$not', '$exists', '$type',
  '$size', '$elemMatch', '$all', '$regex', '$options', '$mod', '$expr', '$geoWithin', '$geoIntersects',
  '$nearSphere', '$near', '$geometry', '$maxDistance', '$minDistance', '$centerSphere', '$box', '$polygon',
  '$text', '$search', '$jsonSchema', '$comment', '$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear',
]);

/** Rejects unknown `$` operators in a query (outside `$expr`, which mingo checks itself). */
function checkOperators(v: any): void {
  if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof RegExp) return;
  if (Array.isArray(v)) {
    v.forEach(checkOperators);
    return;
  }
  for (const k of Object.keys(v)) {
    if (k.startsWith('$')) {
      if (!QUERY_OPS.has(k)) fail('DATABASE_INVALID_OPERRATOR', `unknown operator: ${k}`);
      if (k === '$expr' || k === '$geometry' || k === '$jsonSchema') continue;
      if (k === '$where' || k === '$function') fail('DATABASE_INVALID_OPERRATOR', `unsupported operator: ${k}`);
    }
    checkOperators(v[k]);
  }
}

/** The first `$nearSphere`/`$near` condition of a query, whose order (nearest first) a find must follow. */
export function nearOf(criteria: Doc): { field: string; center: [number, number] } | null {
  for (const [k, v] of Object.entries(criteria)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const c of v) {
        const n = nearOf(c);
        if (n) return n;
      }
    } else if (!k.startsWith('$') && v && typeof v === 'object' && !Array.isArray(v)) {
      const spec = (v as any).$nearSphere ?? (v as any).$near;
      if (spec) return { field: k, center: parseNear(spec).center };
    }
  }
  return null;
}

/** Runs an aggregation pipeline over documents. */
export function runPipeline(docs: Iterable<Doc> | Doc[], pipeline: Doc[], resolver: (name: string) => Doc[]): Doc[] {
  return guard(() => new Aggregator(pipeline, mingoOptions({ collectionResolver: resolver })).run(docs as any));
}

/** Applies MongoDB update operators in place; returns the modified paths. */
export function applyOperators(doc: Doc, modifier: Doc): string[] {
  return guard(() => mingoUpdate(doc, modifier as any, undefined, undefined, { cloneMode: 'deep', queryOptions: mingoOptions() }));
}

export { resolve };
