/**
 * The export and a merchant moved between grids: the merchant list names each merchant under the grid the
 * figures sheets count it in, for the report's period. Through the real `merchant` and `export` functions.
 */
import { rebuildRollups } from '../../server/rollup';
import { exportReport, toWinMerchant as fileToWin } from '../helpers/export-report';
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { O, U, seedFixture } from '../field/fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const toWinMerchant = () => fileToWin(local);

async function report(jobId: string, period: string) {
  const { rowsOf } = await exportReport(local, jobId, U.br1, period);
  return { grids: rowsOf('网格指标'), merchants: rowsOf('商户清单') };
}

/** The merchants each grid counts on the figures sheet (its merchants column), and those the list puts under it. */
function perGrid(r: Awaited<ReturnType<typeof report>>) {
  const figures = Object.fromEntries(r.grids.map((g) => [g[0] as string, g[3] as number]).filter(([, n]) => n));
  const listed: Record<string, number> = {};
  for (const m of r.merchants) listed[m[1] as string] = (listed[m[1] as string] ?? 0) + 1;
  return { figures, listed };
}

let shop = '';
let stay = '';
let names: Record<string, string> = {};
let pending: Awaited<ReturnType<typeof report>>;
beforeAll(async () => {
  await seedFixture(local);
  shop = await toWinMerchant();
  stay = await toWinMerchant();
  names = Object.fromEntries((await db().collection('merchants').where({ _id: db().command.in([shop, stay]) }).get()).data.map((m: any) => [m._id, m.name]));
  await rebuildRollups(db());
  // Moved from grid 1 to grid 2 (a grid with no merchant, so no figures, until then).
  await okData(local.call('merchant', { action: 'transfer', id: shop, toGridId: U.gr2, reason: '经营者搬到隔壁网格管理' }, O.leader));
  // Before the roll-ups have grid 2's figures.
  pending = await report('job-transfer-pending', '2025-07');
  await rebuildRollups(db());
});

it('a grid without figures yet is named on the merchant list, not shown by its id', () => {
  expect(pending.merchants.map((m) => m[1]).sort()).toEqual(['城北1号网格', '城北2号网格']);
});

describe('a merchant moved from grid 1 to grid 2 in the branch report', () => {
  // The figures count a moved merchant in its grid now for every period (the roll-ups move its history with
  // it, docs/rollups.md), so the list does the same: each grid lists the merchants its figures count.
  it.each(['2025-06', '2025-07'])('%s: the merchant list puts each merchant under the grid the figures count it in, by name', async (period) => {
    const r = await report(`job-transfer-${period}`, period);
    const { figures, listed } = perGrid(r);
    expect(listed).toEqual(figures);
    expect(listed).toEqual({ 城北1号网格: 1, 城北2号网格: 1 });
    // Never a grid's id in place of its name.
    expect(r.merchants.map((m) => m[1])).not.toContain(U.gr2);
    expect(Object.fromEntries(r.merchants.map((m) => [m[0], m[1]]))).toEqual({ [names[shop]]: '城北2号网格', [names[stay]]: '城北1号网格' });
  });
});
