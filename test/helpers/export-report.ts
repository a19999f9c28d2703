/**
 * What the export tests share: a to-win merchant filed on 1 March 2025 through the real `merchant` function,
 * and a grid report run through the real `export` function, its sheets read back as rows.
 */
import ExcelJS from 'exceljs';
import { okData, type LocalCloudHandle } from './local-cloud';
import { O, S, completeFile } from '../field/fixture';

/** Filed on 1 March 2025, not acquiring: on the to-win list since then. */
export async function toWinMerchant(local: LocalCloudHandle): Promise<string> {
  const res = await okData(local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing));
  const filed = new Date('2025-03-01T02:00:00Z');
  await local.cloud
    .database()
    .collection('merchants')
    .doc(res.merchant.id)
    .update({ data: { createdAt: filed, filedAt: filed, acquiring: { status: 'none' }, lifecycleClass: 'to-win', classSince: '2025-03-01', classReason: 'no-acquiring' } });
  return res.merchant.id;
}

/** The report of `unitId` for the month `period`, started by its branch manager: the job's answer and each sheet's rows (header left out). */
export async function exportReport(local: LocalCloudHandle, jobId: string, unitId: string, period: string) {
  const res = await okData(local.call('export', { action: 'start', jobId, unitId, period }, O.branch));
  expect(res.status).toBe('done');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(local.cloud.storage.download(res.fileId) as any);
  const rowsOf = (name: string) => {
    const out: unknown[][] = [];
    wb.getWorksheet(name)!.eachRow((r, n) => void (n > 1 && out.push((r.values as unknown[]).slice(1))));
    return out;
  };
  return { res, rowsOf };
}
