/**
 * fast-check arbitraries generated from the zod contracts: each schema is turned into its JSON Schema
 * (zod's own `toJSONSchema`, input side, so transforms and pipes show what a client may send) and that into
 * an arbitrary. Refinements (check digits, points inside China, calendar dates) are not in the JSON Schema,
 * so many generated values are shaped right and still wrong: exactly the inputs a boundary must refuse by
 * name. `hints` mixes real values (ids that exist, valid mobiles, periods) in by property name, so inputs also
 * get past validation into the handlers.
 */
import fc from 'fast-check';
import { z } from 'zod';

type Json = Record<string, any>;
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** Values no contract expects anywhere: wrong types, operator objects, huge and empty ones. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '<script>', '$where', 'cloud://', '9'.repeat(300), '0x1F', '\u0000', '🀄️'.repeat(10)),
  fc.constantFrom(null, true, false, [], {}, { $gt: '' }, { $ne: null }, { $where: '1' }, Number.NaN, -1, 1e308, -0, 2 ** 53),
  fc.double(),
  fc.integer(),
);

/** The JSON Schema of a contract's input (what a client may send), unrepresentable parts as "any". */
export function inputJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
}

/** An arbitrary of inputs for `schema`; `hints` by property name, `junkRate` (0–1) replaces values by junk. */
export function arbitraryOf(schema: Json, hints: Hints = {}, junkRate = 0.1, name = ''): fc.Arbitrary<unknown> {
  const plain = shaped(schema, hints, junkRate, name);
  const hint = name ? hints[name] : undefined;
  const withHint = hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
  if (junkRate <= 0 || !name) return withHint;
  return fc.oneof({ arbitrary: withHint, weight: Math.round((1 - junkRate) * 100) }, { arbitrary: junk, weight: Math.round(junkRate * 100) });
}

function shaped(s: Json, hints: Hints, junkRate: number, name: string): fc.Arbitrary<unknown> {
  if (!s || typeof s !== 'object' || Object.keys(s).length === 0) return fc.anything({ maxDepth: 1 });
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Json) => arbitraryOf(x, hints, junkRate / 2, name)));
  if (s.allOf) return arbitraryOf(s.allOf[0], hints, junkRate, name);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.oneof({ arbitrary: fc.constantFrom(...s.enum), weight: 9 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 });
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return fc.oneof(fc.integer({ min: clampInt(s.minimum, -1e6), max: clampInt(s.maximum, 1e6) }), fc.integer());
    case 'number':
      return fc.oneof(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }), fc.double());
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = arbitraryOf(s.items ?? {}, hints, junkRate / 2, `${name}[]`);
      const min = s.minItems ?? 0;
      return fc.array(item, { minLength: min, maxLength: Math.min(s.maxItems ?? min + 4, Math.max(min, 8)) });
    }
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries<Json>(s.properties ?? {})) props[k] = arbitraryOf(v, hints, junkRate, k);
      const required = (s.required ?? []) as string[];
      const record = fc.record(props, { requiredKeys: required.filter((k) => k in props) });
      // Now and then a key the contract does not know: it must be refused by name.
      return fc.oneof({ arbitrary: record, weight: 19 }, { arbitrary: record.map((r) => ({ ...(r as object), unexpectedKey: 1 })), weight: 1 });
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

function clampInt(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? Math.max(-1e9, Math.min(1e9, v)) : dflt;
}

function stringOf(s: Json): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Math.max(min, 40);
  if (s.format === 'date-time') return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 }));
  if (s.pattern) {
    const matching = fc.stringMatching(new RegExp(s.pattern), { size: 'small' }).filter((x) => x.length >= min && x.length <= max);
    return fc.oneof({ arbitrary: matching, weight: 4 }, { arbitrary: fc.string({ minLength: 0, maxLength: max + 2 }), weight: 1 });
  }
  return fc.oneof(fc.string({ minLength: min, maxLength: Math.min(max, 80) }), fc.string({ unit: 'grapheme', maxLength: 12 }));
}
