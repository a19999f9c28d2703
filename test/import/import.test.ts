/**
 * Imports through the import function on a small bank: bad rows rejected into an error report while the
 * rest apply; re-importing a period replaces it, or merges into it, and a file covering far fewer
 * merchants waits for that choice; GBK and XLSX files; wrong columns and bad encodings apply nothing; a
 * merchant whose volume is imported at half its average becomes abnormal and gets a visit task; deposits
 * re-imported replace in the roll-ups; credit is kept by month; an import stopped after any step (as if
 * its instance were killed) leaves the previous figures serving and, resumed, ends with the figures of
 * an uninterrupted run, with no transaction writing more than 20 documents.
 */
import ExcelJS from 'exceljs';
import * as iconv from 'iconv-lite';
import { okData, useLocalCloud } from '../helpers/local-cloud';
import { hashPi, sealPi } from '../../server/pi';
import { maskMobile } from '../../shared/domain/mask.rules';
import { rebuildRollups, reconcileRollups } from '../../server/rollup';
import { IMPORT_MAX_ROWS } from '../../shared/contracts/import.contract';
import { driveImport, createImportJob } from '../../server/jobs/import-run';

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
    const [m2] = (await db.collection('transactions').where({ merchantId: 'm2', month: '2025-07' }).get()).data;
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
    const input = { action: 'start', jobId: 'import-txn-0002', kind: 'transactions', period: '2025-07', fileId };
    // One merchant of the two July has: nothing applies until head office chooses replace or merge.
    const waiting = await okData(local.call('import', input, 'hq-1'));
    expect(waiting).toMatchObject({ status: 'awaiting-choice', fileMerchants: 1, activeMerchants: 2, missingFromFile: 1 });
    expect((await db.collection('transactions').where({ month: '2025-07', version: 'import-txn-0001' }).count()).total).toBe(2);
    const job = await okData(local.call('import', { ...input, mode: 'replace' }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', mode: 'replace', applied: 1, rejected: 0, replaced: 1, removed: 1 });
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
    const d1 = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d1.figures.depositsFen).toBe(300_050);
    // Merge: the file's merchant gets its new balance, the other keeps its own.
    const f3 = await upload('dep-3.xlsx', await xlsx([['ACQ000002', 3000]]));
    const merged = await okData(local.call('import', { action: 'start', jobId: 'import-dep-0003', kind: 'deposits', period: '2025-07', fileId: f3, mode: 'merge' }, 'hq-1'));
    expect(merged).toMatchObject({ status: 'done', mode: 'merge', applied: 1, replaced: 1, kept: 1, removed: 0 });
    const dm = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(dm.figures.depositsFen).toBe(400_050);
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
    const f2 = await upload('dep-2.xlsx', await xlsx([['ACQ000001', 500]]));
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-dep-0002', kind: 'deposits', period: '2025-07', fileId: f2, mode: 'replace' }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', applied: 1, replaced: 1, removed: 1 });
    // The replaced versions' rows are gone: one row serves July.
    expect((await db.collection('deposits').where({ month: '2025-07' }).get()).data.map((d: any) => [d.merchantId, d.balanceFen])).toEqual([['m1', 50_000]]);
    const d2 = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d2.figures.depositsFen).toBe(50_000);
    const bank = await okData(local.call('metrics', { action: 'dashboard', unitId: 'bank', period: '2025-07', sections: [] }, 'hq-1'));
    expect(bank.figures.depositsFen).toBe(50_000);
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-07-31' })).differences).toEqual([]);
  });

  it('credit figures update the credit metrics', async () => {
    const fileId = await upload('credit.csv', csv(['acquiringNo,grantedAmount,grantedAt,drawnAmount', 'ACQ000003,50000,2025-03-01,20000', 'ACQ000002,10000,2025-03-01,20000']));
    const job = await okData(local.call('import', { action: 'start', jobId: 'import-cr-0001', kind: 'credit', period: '2025-07', fileId }, 'hq-1'));
    expect(job).toMatchObject({ status: 'done', applied: 1, rejected: 1 });
    const d = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(d.figures).toMatchObject({ creditGranted: 1, creditDrawing: 1, loansOutstandingFen: 2_000_000 });
    // August's file is August's figures: July's stay as July's file said.
    const aug = await upload('credit-08.csv', csv(['acquiringNo,grantedAmount,grantedAt,drawnAmount', 'ACQ000003,50000,2025-03-01,0', 'ACQ000001,80000,2025-08-10,30000']));
    expect(await okData(local.call('import', { action: 'start', jobId: 'import-cr-0002', kind: 'credit', period: '2025-08', fileId: aug }, 'hq-1'))).toMatchObject({ status: 'done', applied: 2 });
    const july = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-07', sections: [] }, 'hq-1'));
    expect(july.figures).toMatchObject({ creditGranted: 1, creditDrawing: 1, loansOutstandingFen: 2_000_000 });
    const august = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-08', sections: [] }, 'hq-1'));
    expect(august.figures).toMatchObject({ creditGranted: 2, creditGrantedFen: 13_000_000, creditDrawing: 1, loansOutstandingFen: 3_000_000 });
    expect((await reconcileRollups(db, { from: '2025-07-01', to: '2025-08-31' })).differences).toEqual([]);
    // The merchant's latest month is August's.
    const { latestCredit } = require('../../server/periods');
    expect(await latestCredit(db, 'm3')).toEqual({ month: '2025-08', grantedFen: 5_000_000, grantedAt: '2025-03-01', drawnFen: 0 });
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

  it('refuses a file above the row cap, naming the file, before anything is written', async () => {
    const lines = ['acquiringNo,count,amount'];
    for (let i = 0; i <= IMPORT_MAX_ROWS; i++) lines.push('ACQ000001,1,1');
    const fileId = await upload('huge-2025-05.csv', csv(lines));
    const res = await local.call('import', { action: 'start', jobId: 'import-big-0001', kind: 'transactions', period: '2025-05', fileId }, 'hq-1');
    expect(res.error.code).toBe('VALIDATION');
    expect(res.error.details.issues[0]).toMatchObject({ field: 'fileId' });
    expect(res.error.message).toContain('huge-2025-05.csv');
    expect((await db.collection('imports').where({ _id: 'import-big-0001' }).count()).total).toBe(0);
  });

  it('a job waiting for the choice can be discarded: its staged rows go and the period keeps its figures', async () => {
    const fileId = await upload('txn-2025-05-one.csv', csv(['acquiringNo,count,amount', 'ACQ000001,1,1']));
    const input = { action: 'start', jobId: 'import-dis-0001', kind: 'transactions', period: '2025-05', fileId };
    expect(await okData(local.call('import', input, 'hq-1'))).toMatchObject({ status: 'awaiting-choice', activeMerchants: 3, missingFromFile: 2 });
    expect((await db.collection('transactions').where({ version: 'import-dis-0001' }).count()).total).toBe(1);
    // Another import of the same month waits for this one to be finished or discarded.
    const other = await local.call('import', { ...input, jobId: 'import-dis-0002' }, 'hq-1');
    expect(other.error).toMatchObject({ code: 'CONFLICT', reason: 'IMPORT.RUNNING' });
    expect(await okData(local.call('import', { action: 'discard', jobId: 'import-dis-0001' }, 'hq-1'))).toMatchObject({ status: 'discarded' });
    expect((await db.collection('transactions').where({ version: 'import-dis-0001' }).count()).total).toBe(0);
    const may = (await db.collection('transactions').where({ month: '2025-05' }).get()).data;
    expect(may.map((t: any) => t.amountFen)).toEqual([2_000_000, 2_000_000, 2_000_000]);
  });

  describe('stopped after any step and resumed', () => {
    const N = 1_100;
    const bulkMerchant = (i: number) => ({ ...merchant(1), _id: `b${String(i).padStart(5, '0')}`, name: `批量${i}`, acquiringNo: `BQ${String(i).padStart(7, '0')}`, operator: { name: '王五' } });
    const balanceOf = (i: number) => 1000 + (i % 97) * 13;
    let fileId = '';
    beforeAll(async () => {
      const docs = Array.from({ length: N }, (_, i) => bulkMerchant(i));
      for (let i = 0; i < docs.length; i += 500) await db.collection('merchants').add({ data: docs.slice(i, i + 500) });
      await rebuildRollups(db);
      const lines = ['acquiringNo,balance'];
      for (let i = 0; i < N; i++) lines.push(`BQ${String(i).padStart(7, '0')},${balanceOf(i)}`);
      lines.push('BQ9999999,1'); // unknown merchant
      fileId = await upload('dep-bulk.csv', csv(lines));
    });

    /** Counts the documents each transaction writes (sets, updates, removes by id). */
    function countTxWrites(target: any): { max: number; restore: () => void } {
      const out = { max: 0, restore: () => undefined as void };
      const orig = target.runTransaction.bind(target);
      target.runTransaction = (fn: any, times?: number) =>
        orig(async (tx: any) => {
          const written = new Set<string>();
          const wrapped = {
            collection: (c: string) => {
              const coll = tx.collection(c);
              return {
                ...coll,
                doc: (id: string) => {
                  const d = coll.doc(id);
                  const mark = (f: string) => (...a: any[]) => (written.add(`${c}/${id}`), d[f](...a));
                  return { get: () => d.get(), set: mark('set'), update: mark('update'), remove: mark('remove') };
                },
              };
            },
          };
          const r = await fn(wrapped);
          out.max = Math.max(out.max, written.size);
          return r;
        }, times);
      out.restore = () => void (target.runTransaction = orig);
      return out;
    }

    it('ends with the figures of an uninterrupted run; the earlier figures serve until the version flips', async () => {
      const today = '2025-08-15';
      const writes = countTxWrites(db);
      // Uninterrupted: May.
      await createImportJob(db, { jobId: 'import-bulk-0005', kind: 'deposits', period: '2025-05', fileId }, { byStaffId: 'hq-1', now: new Date() });
      const whole = await driveImport(db, 'import-bulk-0005', { today, budgetMs: 600_000 });
      expect(whole).toMatchObject({ status: 'done', applied: N, rejected: 1 });
      // Interrupted after every single step: June. Each resume finds the job as the killed instance left it.
      await createImportJob(db, { jobId: 'import-bulk-0006', kind: 'deposits', period: '2025-06', fileId }, { byStaffId: 'hq-1', now: new Date() });
      let job: any = null;
      let steps = 0;
      for (; steps < 200; steps++) {
        job = await driveImport(db, 'import-bulk-0006', { today, maxSteps: 1 });
        expect(job).not.toBeNull();
        if (job.status === 'done') break;
        // A killed instance leaves its claim: the next one takes the job over once the heartbeat is stale.
        expect(await driveImport(db, 'import-bulk-0006', { today })).toBeNull();
        if (job.phase !== 'flush' && job.phase !== 'cleanup' && job.phase !== 'finished') {
          const june = await okData(local.call('metrics', { action: 'dashboard', unitId: 'g1', period: '2025-06', sections: [] }, 'hq-1'));
          expect(june.figures.depositsFen).toBe(0);
        }
        await db.collection('imports').doc('import-bulk-0006').update({ data: { heartbeatAt: new Date(Date.now() - 10 * 60_000) } });
      }
      writes.restore();
      expect(steps).toBeGreaterThan(5);
      expect(job).toMatchObject({ status: 'done', applied: N, rejected: 1 });
      expect(writes.max).toBeLessThanOrEqual(20);
      const total = Array.from({ length: N }, (_, i) => balanceOf(i) * 100).reduce((a, b) => a + b, 0);
      for (const period of ['2025-05', '2025-06']) {
        const d = await okData(local.call('metrics', { action: 'dashboard', unitId: 'bank', period, sections: [] }, 'hq-1'));
        expect([period, d.figures.depositsFen]).toEqual([period, total]);
        expect((await db.collection('deposits').where({ month: period }).count()).total).toBe(N);
      }
      expect((await reconcileRollups(db, { from: '2025-05-01', to: '2025-06-30' })).differences).toEqual([]);
      // A rebuild from the rows gives the same roll-ups as the import moved.
      await rebuildRollups(db);
      const again = await okData(local.call('metrics', { action: 'dashboard', unitId: 'bank', period: '2025-06', sections: [] }, 'hq-1'));
      expect(again.figures.depositsFen).toBe(total);
    });
  });
});
