/**
 * Sequential depth (docs/benchmarks.md "Sequential depth"): the longest chain of database requests a call
 * makes one after another, which on CloudBase sets the least time it waits (depth × round trip). Depth is
 * deterministic, so the most each of the hot calls may reach is asserted here: a submit, a filing, the
 * dashboards. Measured through the functions on the tiny bank, with a small round trip on every request so
 * that requests sent together are counted together, after one warm-up call of each (an instance's first
 * call also creates the roll-up documents of the day).
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { chinaDay } from '../../shared/domain/period.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, completeFile, seedFixture, uid, S } from '../field/fixture';

const local = useLocalCloud({ dbLatencyMs: 4 });
const month = chinaDay(new Date()).slice(0, 7);

beforeAll(async () => {
  await seedFixture(local);
  // The assistant accepted task-assigned messages: a failed check's reminder is sent, the longest path.
  await local.call('visit', { action: 'subscribe', accepted: Array(20).fill('task-assigned') }, O.maintenance);
});

const call = async (fn: string, event: Record<string, unknown>, openid: string) => {
  const out = await local.cloud.callDetailed(fn, event, { openid });
  expect(out.result).toMatchObject({ ok: true });
  return out;
};
const checks = (fail: string[]) => CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? 'fail' : 'pass', ...(fail.includes(item) ? { note: '未开通' } : {}) }));
const file = async () => (await call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing)).result.data.merchant.id as string;
const submit = (merchantId: string, fail: string[]) => call('visit', { action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: IN.gr1, checks: checks(fail) }, O.maintenance);

describe('sequential depth of the hot calls', () => {
  it('a filing, a submit and the dashboards stay within their depths', async () => {
    // Warm-up: the day's roll-up documents exist, every function has been called once.
    const first = await file();
    await submit(first, []);
    await call('metrics', { action: 'dashboard', period: month }, O.hq);

    const depths: Record<string, number> = {};
    const filing = await call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing);
    depths.filing = filing.depth;
    const id = filing.result.data.merchant.id as string;
    // One failed check: a follow-up opens and its assignee is told.
    depths.submitOpening = (await submit(id, [CHECK_ITEMS[0]])).depth;
    // All passing: that follow-up closes.
    depths.submitClosing = (await submit(id, [])).depth;
    // All passing, nothing open: the plain revisit.
    depths.submitPlain = (await submit(await file(), [])).depth;
    depths.dashboardLean = (await call('metrics', { action: 'dashboard', period: month, sections: [] }, O.hq)).depth;
    depths.dashboardFull = (await call('metrics', { action: 'dashboard', period: month }, O.hq)).depth;
    depths.dashboardBranch = (await call('metrics', { action: 'dashboard', period: month }, O.branch)).depth;
    console.log(`sequential depth: ${JSON.stringify(depths)}`);
    // Before (same calls, same bank): filing 14, submits 14 / 11 / 10 (caller · settings · transaction
    // start · merchant · … · commit · fold · recording the fold · the reminder's four steps), the full
    // dashboards 3 (caller · target · breakdown and rankings).
    const most = { filing: 12, submitOpening: 9, submitClosing: 8, submitPlain: 7, dashboardLean: 2, dashboardFull: 2, dashboardBranch: 2 };
    for (const [k, n] of Object.entries(most)) expect({ [k]: depths[k] <= n ? 'within' : depths[k] }).toEqual({ [k]: 'within' });
  });
});
