/**
 * `$inc` and `$set` along existing plain paths are applied without the evaluator (roll-up counters, stamps):
 * the result must be the evaluator's, document for document, whatever the paths and values.
 */
import fc from 'fast-check';
import { cloneLive, encodeStored, type Doc } from '../../local/engine/codec';
import { applyOperators } from '../../local/engine/matcher';
import { applyUpdate, applyUpdateTracked } from '../../local/engine/updates';

const key = fc.constantFrom('a', 'b', 'c', '01', '12', 'x-y');
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, min: -10, max: 10 }), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
})).v;
const doc = fc.dictionary(key, value, { maxKeys: 4 }).map((d) => ({ _id: 'd', ...d }) as Doc);
const path = fc.array(key, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const modifier = fc.record(
  { $inc: fc.dictionary(path, fc.integer({ min: -3, max: 3 }), { maxKeys: 3 }), $set: fc.dictionary(path, value, { maxKeys: 2 }) },
  { requiredKeys: [] },
);

/** The evaluator's answer (or its refusal) on a copy. */
function byEvaluator(d: Doc, m: Doc): { doc?: Doc; error?: boolean } {
  try {
    const copy = cloneLive(d);
    applyOperators(copy, m);
    return { doc: copy };
  } catch {
    return { error: true };
  }
}

describe('direct $inc / $set', () => {
  it('leaves the document the evaluator leaves, or fails where it fails', () => {
    fc.assert(
      fc.property(doc, modifier, (d, m) => {
        if (Object.keys(m).length === 0) return;
        let direct: { doc?: Doc; error?: boolean };
        try {
          direct = { doc: applyUpdate(d, m) };
        } catch {
          direct = { error: true };
        }
        const expected = byEvaluator(d, m);
        // Type refusals ($inc on a string) come from the engine's own checks before either path.
        if (direct.error) return;
        expect(expected.error ? { error: true } : direct).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves the given document as it was (the copy shares only what it did not write), and says rightly whether the text changed', () => {
    fc.assert(
      fc.property(doc, modifier, (d, m) => {
        if (Object.keys(m).length === 0) return;
        const before = encodeStored(d);
        let out: { next: Doc; changed: boolean | null };
        try {
          out = applyUpdateTracked(d, m);
        } catch {
          return;
        }
        expect(encodeStored(d)).toBe(before);
        if (out.changed !== null) expect(out.changed).toBe(encodeStored(out.next) !== before);
        // A second update of the copy leaves the first copy and the original alone too.
        const first = encodeStored(out.next);
        try {
          applyUpdateTracked(out.next, m);
        } catch {
          return;
        }
        expect(encodeStored(out.next)).toBe(first);
        expect(encodeStored(d)).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it('reports an update that writes the values already there as no change', () => {
    const d = { _id: 'r', c: { merchants: 2 }, f: { x: 1 }, at: new Date(5) };
    expect(applyUpdateTracked(d, { $inc: { 'c.merchants': 0 } }).changed).toBe(false);
    expect(applyUpdateTracked(d, { $set: { 'f.x': 1, at: new Date(5) } }).changed).toBe(false);
    expect(applyUpdateTracked(d, { $set: { 'f.y': 1 } }).changed).toBe(true);
    expect(applyUpdateTracked(d, { $inc: { 'c.shops': 0 } }).changed).toBe(true);
    expect(applyUpdateTracked(d, { $push: { list: 1 } }).changed).toBeNull();
  });

  it('adds to counters and creates missing ones along existing objects', () => {
    const d = { _id: 'r', c: { merchants: 2 }, m: { '11': { merchants: 1 } } };
    expect(applyUpdate(d, { $inc: { 'c.merchants': 1, 'm.11.filed': 1, 'm.11.merchants': -1 } })).toEqual({ _id: 'r', c: { merchants: 3 }, m: { '11': { merchants: 0, filed: 1 } } });
    expect(d.c.merchants).toBe(2);
  });
});
