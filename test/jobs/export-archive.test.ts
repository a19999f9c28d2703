/**
 * The export and closed merchants (docs/domain.md §3): a merchant archived on a day leaves the grid report's
 * merchant list and lifecycle lists of every period ending on or after that day, as it leaves the summary's
 * count; a report of an earlier period still lists it. Through the real `merchant` and `export` functions.
 */
import JSZip from 'jszip';
import { getDb } from '../../server/db';
import { exportJob } from '../../server/jobs/export';
import { createJob, getJob, runJob } from '../../server/jobs/runner';
import { rebuildRollups } from '../../server/rollup';
import { exportReport, toWinMerchant as fileToWin } from '../helpers/export-report';
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { O, U, seedFixture } from '../field/fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const toWinMerchant = () => fileToWin(local);

/** The grid's report of `period`: its merchant count (the grid's figures row) and the rows of the two long sheets. */
async function report(jobId: string, period: string) {
  const { res, rowsOf } = await exportReport(local, jobId, U.gr1, period);
  return { rows: res.rows, summary: rowsOf('网格指标')[0][3], merchants: rowsOf('商户清单').map((r) => r[0]), lists: rowsOf('生命周期名单').map((r) => r[1]), fileId: res.fileId as string };
}

let shop = '';
let other = '';
let names: Record<string, string> = {};

beforeAll(async () => {
  await seedFixture(local);
  shop = await toWinMerchant();
  other = await toWinMerchant();
  names = Object.fromEntries((await db().collection('merchants').where({ _id: db().command.in([shop, other]) }).get()).data.map((m: any) => [m._id, m.name]));
  await rebuildRollups(db());
  await okData(local.call('merchant', { action: 'archive', id: shop, reason: 'closed', day: '2025-07-15' }, O.leader));
});

describe('a merchant closed on 15 July 2025 in the grid report', () => {
  it('July: the summary, the merchant list and the lifecycle lists all name only the open merchant', async () => {
    const july = await report('job-archive-july-1', '2025-07');
    expect(july.summary).toBe(1);
    expect(july.merchants).toEqual([names[other]]);
    expect(july.lists).toEqual([names[other]]);
    expect(july.rows).toMatchObject({ 商户清单: 1, 生命周期名单: 1 });
  });

  it('June, before it closed: both merchants on both sheets', async () => {
    const june = await report('job-archive-june-1', '2025-06');
    expect(june.summary).toBe(2);
    expect([...june.merchants].sort()).toEqual([names[shop], names[other]].sort());
    expect([...june.lists].sort()).toEqual([names[shop], names[other]].sort());
    expect(june.rows).toMatchObject({ 商户清单: 2, 生命周期名单: 2 });
  });

  it('one merchant a chunk, each chunk a call, makes the same workbook, entry for entry, as one run', async () => {
    const params = { unitId: U.gr1, period: { kind: 'month' as const, start: '2025-07-01', end: '2025-07-31' } };
    const now = new Date('2025-08-01T01:00:00Z');
    await createJob(getDb(), exportJob, { id: 'job-archive-whole', params, byStaffId: null, now });
    const whole = (await runJob(getDb(), { report: exportJob }, 'job-archive-whole', { budgetMs: 60_000 }))!;
    await createJob(getDb(), exportJob, { id: 'job-archive-chunks', params, byStaffId: null, now });
    let chunked = (await getJob(getDb(), 'job-archive-chunks'))!;
    for (let i = 0; i < 50 && chunked.status === 'running'; i++) chunked = (await runJob(getDb(), { report: exportJob }, 'job-archive-chunks', { budgetMs: 0, maxItems: 1 }))!;
    expect([whole.status, chunked.status]).toEqual(['done', 'done']);
    expect(chunked.chunks).toBeGreaterThan(whole.chunks);
    expect(chunked.state.rows).toEqual({ ...whole.state.rows, 商户清单: 1, 生命周期名单: 1 });
    const za = await JSZip.loadAsync(local.cloud.storage.download(whole.state.fileId));
    const zb = await JSZip.loadAsync(local.cloud.storage.download(chunked.state.fileId));
    expect(Object.keys(zb.files)).toEqual(Object.keys(za.files));
    // Every entry but the workbook's properties, which carry the second the template was written.
    const entries = Object.keys(za.files).filter((e) => !za.files[e].dir && e !== 'docProps/core.xml');
    expect(entries).toEqual(expect.arrayContaining(['xl/worksheets/sheet4.xml', 'xl/worksheets/sheet5.xml', 'xl/styles.xml']));
    for (const entry of entries) expect({ entry, xml: await zb.file(entry)!.async('string') }).toEqual({ entry, xml: await za.file(entry)!.async('string') });
  });
});
