/**
 * Imports through the import function on a small bank: bad rows rejected into an error report while the
 * rest apply; re-importing a period replaces it; GBK and XLSX files; wrong columns and bad encodings apply
 * nothing; an interrupted import leaves the job failed and runs again; a merchant whose volume is imported
 * at half its average becomes abnormal and gets a visit task; deposits re-imported replace in the roll-ups.
 */
import ExcelJS from 'exceljs';
import * as iconv from 'iconv-lite';
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { hashPi, sealPi } from '../../server/pi';
import { maskMobile } from '../../shared/domain/mask.rules';
import { rebuildRollups, reconcileRollups } from '../../server/rollup';
import { runImport } from '../../server/jobs/import-run';

const local = useLocalCloud({ seed: 'none' });

const G = ['bank', 'br', 'gp', 'g1'];
const units = [
  { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'], area: null },
  { _id: 'br', kind: 'branch', name: '城中支行', parentId: 'bank', unitPath: ['bank', 'br'], area: 'city' },
  { _id: 'gp', kind: 'group', name: '一组', parentId: 'br', unitPath: ['bank', 'br', 'gp'], area: 'city' },
  { _id: 'g1', kind: 'grid', name: '网格一', parentId: 'gp', unitPath: G, area: 'city' },
];
const staff = (id: string, role: string, unitId: string, unitPath: string[], gridIds: string[] = []) => ({
  _id: id, name: id, role, unitId, unitPath, gridIds, extraUnitIds: [], mobile: null, openid: id, bindCodeHash: null, bindCodeExpiresAt: null, status: 'active', createdAt: new Date(), updatedAt: new Date(),
});
const mobiles = ['13800000001', '13800000002', '13800000003'];

function merchant(i: number) {
  return {
    _id: `m${i}`,
    name: `商户${i}`,
    gridId: 'g1',
    unitPath: G,
    area: 'city',
    acquiringNo: `ACQ00000${i}`,
    licenceCode: null,
    operator: { name: '王五', mobile: sealPi(mobiles[i - 1], maskMobile) },
    isComplete: true,
    filedAt: new Date('2024-01-05T02:00:00Z'),
    createdAt: new Date('2024-01-05T02:00:00Z'),
    acquiring: { status: 'active', since: '2024-02-01', deviceStatus: 'bound' },
    credit: { grantedFen: 0, drawnFen: 0 },
    products: [{ product: 'acquiring', bank: 'ours', status: 'active' }],
    lifecycleClass: 'qualified',
    classSince: '2024-03-01',
  };
}

async function upload(name: string, content: Buffer): Promise<string> {
  return local.cloud.storage.upload(`uploads/${name}`, content);
}

const csv = (lines: string[]) => Buffer.from(lines.join('\n') + '\n', 'utf8');

describe('imports', () => {
  let db: any;
  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('units').add({ data: units });
    await db.collection('staff').add({ data: [staff('hq-1', 'hq', 'bank', ['bank']), staff('maint-1', 'maintenance', 'g1', G, ['g1']), staff('leader-1', 'leader', 'gp', ['bank', 'br', 'gp'])] });
    await db.collection('merchants').add({ data: [merchant(1), merchant(2), merchant(3)] });
    const txns = [];
    for (const m of ['m1', 'm2', 'm3']) {
      for (const month of ['2025-04', '2025-05', '2025-06']) {
        txns.push({ _id: `${m}:${month}`, merchantId: m, month, count: 100, amountFen: 2_000_000, lastTxnDay: `${month}-28`, deviceStatus: 'bound', importId: 'seed', unitPath: G });
      }
    }
    await db.collection('transactions').add({ data: txns });
    await rebuildRollups(db);
  });

  it('applies the good rows, reports the bad ones by row, column and reason, and marks a halved merchant abnormal with a task', async () => {
    const fileId = await upload('txn-2025-07.csv', csv([
      'acquiringNo,count,amount,deviceStatus,lastTxnDay',
      'ACQ000001,50,"10,000.00",bound,2025-07-30', // half of its 3-month average of ¥20,000
      'ACQ000002,120,25000.5,bound,2025-07-31',
      'ACQ000003,abc,100,bound,2025-07-31', // bad count
      'ACQ999999,10,100,bound,2025-07-31', // unknown merchant
      ',10,100,bound,2025-07-31', // no identifier
      'ACQ000002,1,1,bound,2025-07-31', // duplicate of row 3
    ]));
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-txn-0001', kind: 'transactions', period: '2025-07', fileId }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', total: 6, applied: 2, rejected: 4 });
    expect(job.errorReportUrl).toMatch(/^https?:\/\//);
    const report = local.cloud.storage.download(job.errorReportFileId).toString('utf8');
    expect(report.replace(/^\uFEFF/, '').trim().split(/\r?\n/)).toEqual([
      '行号,列,原因',
      '4,count,交易笔数应为不小于 0 的整数',
      '5,acquiringNo,未找到对应商户',
      '6,acquiringNo,缺少商户标识（收单商户号、统一社会信用代码或手机号）',
      '7,acquiringNo,与第 3 行是同一商户（重复行）',
    ]);
    const m2 = (await db.collection('transactions').doc('m2:2025-07').get()).data;
    expect(m2).toMatchObject({ count: 120, amountFen: 2_500_050, lastTxnDay: '2025-07-31', importId: 'import-txn-0001' });
    const m1 = (await db.collection('merchants').doc('m1').get()).data;
    expect(m1.lifecycleClass).toBe('abnormal');
    expect(m1.classReason).toBe('volume-drop');
    const tasks = (await db.collection('tasks').where({ merchantId: 'm1', status: 'open' }).get()).data;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'abnormal-visit', assigneeId: 'maint-1', gridId: 'g1' });
    const hist = await okData(local.call('lifecycle', { action: 'history', merchantId: 'm1' }, 'leader-1'));
    expect(hist.items[0]).toMatchObject({ from: 'qualified', to: 'abnormal', reason: 'volume-drop', day: '2025-07-31' });
    const list = await okData(local.call('lifecycle', { action: 'list', cls: 'abnormal' }, 'leader-1'));
    expect(list.items.map((i: any) => i.id)).toEqual(['m1']);
    expect(list.items[0].openTask).toMatchObject({ kind: 'abnormal-visit' });
    expect(list.items[0].operatorMobile).toBe('138****0001');
    // Running the rules again opens no second task.
    await okData(local.call('lifecycle', { action: 'reclassify', asOf: '2025-07-31', merchantIds: ['m1'] }, 'hq-1'));
    expect((await db.collection('tasks').where({ merchantId: 'm1', status: 'open' }).get()).data).toHaveLength(1);
    // A retry of the finished job answers with it and applies nothing again.
    const retry = await okData(local.call('import', { action: 'start', jobId: 'import-txn-0001', kind: 'transactions', period: '2025-07', fileId }, 'hq-1'));
    expect(retry.finishedAt).toBe(job.finishedAt);
  });

  it('re-importing the same period replaces it (a GBK file with Chinese headers, matched by mobile)', async () => {
    const gbk = iconv.encode('经营者手机号,交易笔数,交易金额,设备状态,最后交易日\r\n13800000002,80,30000,已绑定,2025-07-29\r\n', 'gbk');
    const fileId = await upload('txn-2025-07-gbk.csv', gbk);
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-txn-0002', kind: 'transactions', period: '2025-07', fileId }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', applied: 1, rejected: 0, replaced: 1 });
    const july = (await db.collection('transactions').where({ month: '2025-07' }).get()).data;
    expect(july.map((t: any) => [t.merchantId, t.amountFen])).toEqual([['m2', 3_000_000]]);
    expect(hashPi('13800000002')).toBe((await db.collection('merchants').doc('m2').get()).data.operator.mobile.hash);
  });

  it('deposits from an XLSX file; re-importing replaces the roll-ups instead of adding', async () => {
    const xlsx = async (rows: [string, number][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('存款');
      ws.addRow(['收单商户号', '月末存款余额']);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const f1 = await upload('dep-1.xlsx', await xlsx([['ACQ000001', 1000.5], ['ACQ000002', 2000]]));
    await okData(local.call('import', { action: 'start', jobId: 'import-dep-0001', kind: 'deposits', period: '2025-07', fileId: f1 }, 'hq-1'));
    const d1 = await okData(local.call('stats', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d1.figures.depositsFen).toBe(300_050);
    const f2 = await upload('dep-2.xlsx', await xlsx([['ACQ000001', 500]]));
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-dep-0002', kind: 'deposits', period: '2025-07', fileId: f2 }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', applied: 1, replaced: 1 });
    const d2 = await okData(local.call('stats', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d2.figures.depositsFen).toBe(50_000);
    const bank = await okData(local.call('stats', { action: 'dashboard', unitId: 'bank', period: '2025-07', sections: [] }, 'hq-1'));
    expect(bank.figures.depositsFen).toBe(50_000);
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
  });

  it('credit figures update the credit metrics', async () => {
    const fileId = await upload('credit.csv', csv(['acquiringNo,grantedAmount,grantedAt,drawnAmount', 'ACQ000003,50000,2025-03-01,20000', 'ACQ000002,10000,2025-03-01,20000']));
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-cr-0001', kind: 'credit', period: '2025-07', fileId }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', applied: 1, rejected: 1 });
    const d = await okData(local.call('stats', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d.figures).toMatchObject({ creditGranted: 1, creditDrawing: 1, loansOutstandingFen: 2_000_000 });
  });

  it('wrong columns and bad encodings fail the job and write nothing', async () => {
    const before = (await db.collection('transactions').count()).total;
    const wrong = await upload('wrong.csv', csv(['merchant,volume', 'ACQ000001,1']));
    const j1 = await okData(local.call('import', { action: 'start', jobId: 'import-bad-0001', kind: 'transactions', period: '2025-06', fileId: wrong }, 'hq-1'));
    expect(j1.status).toBe('failed');
    expect(j1.error).toMatch(/缺少必需的列：count、amount/);
    const binary = await upload('garbage.csv', Buffer.from([0x81, 0x30, 0xff, 0xfe, 0x00, 0x01, 0x02, 0x9f]));
    const j2 = await okData(local.call('import', { action: 'start', jobId: 'import-bad-0002', kind: 'transactions', period: '2025-06', fileId: binary }, 'hq-1'));
    expect(j2.status).toBe('failed');
    expect((await db.collection('transactions').count()).total).toBe(before);
    const input = await local.call('import', { action: 'start', jobId: 'import-bad-0003', kind: 'sales', period: '2025-13', fileId: 'http://x' }, 'hq-1');
    expect(input.error.code).toBe('VALIDATION');
    expect(input.error.details.issues.map((i: any) => i.field).sort()).toEqual(['fileId', 'kind', 'period']);
    const notHq = await local.call('import', { action: 'start', jobId: 'import-bad-0004', kind: 'transactions', period: '2025-06', fileId: wrong }, 'leader-1');
    expect(notHq.error.code).toBe('FORBIDDEN');
  });

  it('an import interrupted before applying leaves the period untouched and the job failed; it runs again', async () => {
    const fileId = await upload('txn-2025-06.csv', csv(['acquiringNo,count,amount', 'ACQ000001,1,1', 'ACQ000002,1,1']));
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const input = { jobId: 'import-int-0001', kind: 'transactions' as const, period: '2025-06', fileId };
    const job = await runImport(db, input, { byStaffId: 'hq-1', now: new Date(), today: '2025-07-31', beforeApply: async () => { throw new Error('instance stopped'); } });
    quiet.mockRestore();
    expect(job.status).toBe('failed');
    const june = (await db.collection('transactions').where({ month: '2025-06' }).get()).data;
    expect(june.every((t: any) => t.importId === 'seed' && t.amountFen === 2_000_000)).toBe(true);
    // A job whose instance died while running (stale heartbeat) shows as failed and can be started again.
    await db.collection('imports').doc('import-int-0001').update({ data: { status: 'running', heartbeatAt: new Date(Date.now() - 10 * 60_000) } });
    expect((await okData(local.call('import', { action: 'get', jobId: 'import-int-0001' }, 'hq-1'))).status).toBe('failed');
    const again = await okData(local.call('import', { action: 'start', ...input }, 'hq-1'));
    expect(again).toMatchObject({ status: 'done', applied: 2, replaced: 2, removed: 1 });
  });
});
