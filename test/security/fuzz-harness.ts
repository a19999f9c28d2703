/**
 * Property-based fuzzing of every action of every function, inputs generated from its zod contract
 * (test/security/arbitrary.ts) with real ids, mobiles and periods mixed in so that many get past the
 * boundary into the handlers. Whatever comes in: the answer is one envelope, never INTERNAL; a VALIDATION
 * answer names its fields; a refused call changes nothing in the store (save the counters that make
 * refusals count: wrong binding codes, lookups by personal data).
 *
 * Shared by test/security/fuzz-*.test.ts, which split the functions so the two run side by side. At least
 * 10,000 inputs by default over both (`FUZZ_RUNS` sets the runs per action, e.g. FUZZ_RUNS=1000 in the soak
 * run). A failure prints its seed; `FUZZ_SEED` replays it.
 */
import fc from 'fast-check';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { type LocalCloudHandle, useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, seedFixture, uid } from '../field/fixture';
import { listActions } from './actions';
import { type Hints, arbitraryOf, inputJsonSchema } from './arbitrary';

/** Runs per action; heavy whole-bank jobs get a tenth. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const HEAVY = new Set(['metrics.reconcile', 'metrics.rebuild', 'lifecycle.reclassify', 'export.start', 'import.start']);
const runsOf = (name: string) => (HEAVY.has(name) ? Math.max(10, Math.round(RUNS / 10)) : RUNS);
/** Calls that may write although refused: each refusal is counted (docs/security.md). */
const COUNTS_REFUSALS = new Set(['user.bind', 'merchant.create', 'merchant.update']);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

interface Ids {
  merchant: string;
  visit: string;
  task: string;
  market: string;
  group: string;
}

/** Real values by property name, so generated inputs reach the handlers. */
function hints(ids: Ids): Hints {
  const units = fc.constantFrom(...Object.values(U));
  const day = fc.date({ min: new Date('2024-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const point = fc.record({ lng: fc.double({ min: 119.8, max: 119.95, noNaN: true }), lat: fc.double({ min: 32.9, max: 32.95, noNaN: true }) });
  return {
    id: fc.constantFrom(ids.merchant, uid('m')),
    merchantId: fc.constant(ids.merchant),
    merchantIds: fc.array(fc.constant(ids.merchant), { maxLength: 2 }),
    visitId: fc.constantFrom(ids.visit, uid('v')),
    taskId: fc.constant(ids.task),
    unitId: units,
    parentId: units,
    gridId: units,
    toGridId: units,
    branchId: units,
    'gridIds[]': units,
    'unitIds[]': units,
    'extraUnitIds[]': units,
    staffId: fc.constantFrom(...Object.values(S)),
    marketId: fc.constant(ids.market),
    wechatGroupId: fc.constant(ids.group),
    fileId: fc.constantFrom('cloud://local.bucket/none.csv', 'cloud://local.bucket/photos/a.jpg'),
    location: point,
    mobile: fc.integer({ min: 0, max: 99999999 }).map((n) => `138${String(n).padStart(8, '0')}`),
    industry: fc.constantFrom('62', '52', 'A'),
    period: fc.oneof(fc.constantFrom('2025-07', '2025', '2025-07-31', '2025-01-01..2025-03-31', '2024-12'), day),
    from: day,
    to: day,
    asOf: day,
    since: day,
    until: day,
    role: fc.constantFrom('hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'),
    kind: fc.constantFrom('grid', 'group', 'branch', 'transactions', 'credit', 'deposits'),
    type: fc.constantFrom('filing', 'marketing', 'revisit', 'maintenance'),
    code: fc.constantFrom('ABCDEFGH', 'ZZZZ2345'),
  };
}

function arbitraryFor(name: string, schema: Parameters<typeof inputJsonSchema>[0], ids: Ids): fc.Arbitrary<unknown> {
  const json = inputJsonSchema(schema);
  return arbitraryOf(json, hints(ids), 0.08);
}

/** Fuzzes every action of the functions `fns` over a fresh tiny bank; at least `minInputs` inputs in all. */
export function fuzzFunctions(fns: string[], minInputs: number): void {
  const local: LocalCloudHandle = useLocalCloud();
  const actions = listActions().filter((a) => fns.includes(a.fn));
  const ids: Ids = { merchant: '', visit: '', task: '', market: '', group: '' };
  let inputs = 0;
  const changes = (): number => local.cloud.engine.engine.db.prepare('SELECT total_changes()').pluck().get() as number;

  beforeAll(async () => {
    await seedFixture(local);
    ids.merchant = (await local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing)).data.merchant.id;
    const failed = CHECK_ITEMS.map((item) => ({ item, result: item === 'app' ? 'fail' : 'pass' }));
    const v = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: ids.merchant, type: 'revisit', location: IN.gr1, checks: failed }, O.maintenance);
    ids.visit = v.data.visit.id;
    ids.task = v.data.openedTaskIds[0];
    ids.market = (await local.call('org', { action: 'createMarket', name: '菜场', branchId: U.br1, gridIds: [U.gr1] }, O.hq)).data.id;
    ids.group = (await local.call('org', { action: 'createWechatGroup', name: '群', gridId: U.gr1 }, O.hq)).data.id;
  }, 60000);

  describe.each(actions.map((a) => [`${a.fn}.${a.action}`, a] as const))('%s', (name, entry) => {
    const openid = entry.isPublic ? 'o-fuzz-unbound' : O.hq;

    it('answers every generated input with an envelope, never INTERNAL; a refusal names its fields and writes nothing', async () => {
      const internal: string[] = [];
      await fc.assert(
        fc.asyncProperty(arbitraryFor(name, entry.schema, ids), async (input) => {
          inputs += 1;
          const event = input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as object), action: entry.action } : { action: entry.action, value: input };
          const before = changes();
          const res = await local.call(entry.fn, event, openid);
          expect(res && typeof res === 'object' && typeof res.ok === 'boolean').toBe(true);
          if (res.ok) {
            // A write leaves bookkeeping (its fold's record) to the instance's next call (server/tx.ts
            // `atNextCall`): a read settles it here, so the next input's refusal is measured alone.
            await local.call('user', { action: 'me' }, O.hq);
            return;
          }
          if (res.error.code === 'INTERNAL') internal.push(JSON.stringify(event).slice(0, 400));
          expect(res.error.code).not.toBe('INTERNAL');
          if (res.error.code === 'VALIDATION' && res.error.details?.issues) {
            for (const i of res.error.details.issues) expect(typeof i.field === 'string' && i.field.length > 0).toBe(true);
          }
          if (!COUNTS_REFUSALS.has(name)) expect(changes()).toBe(before);
        }),
        { numRuns: runsOf(name), ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
      expect(internal).toEqual([]);
    }, 600000);
  });

  it(`ran ${RUNS >= 200 ? `at least ${minInputs}` : 'the configured number of'} inputs`, () => {
    expect(inputs).toBeGreaterThanOrEqual(RUNS >= 200 ? minInputs : actions.length);
  });

  it('covers every action these functions route', async () => {
    for (const fn of fns) {
      const res = await local.call(fn, { action: '__none__' }, O.hq);
      const listed = String(res.error.details.issues[0].message).split('：')[1].split(',').map((s: string) => s.trim());
      expect(listed.sort()).toEqual(actions.filter((a) => a.fn === fn).map((a) => a.action).sort());
    }
  });
}

/** The two halves the fuzz files take: together every function (checked in fuzz-b). */
export const FUZZ_HALVES = { a: ['org', 'user', 'export', 'import'], b: ['merchant', 'lifecycle', 'metrics', 'visit'] };
