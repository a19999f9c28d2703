import type { ImportKind } from '../../shared/contracts/import.contract';
import { monthEnd } from '../../shared/domain/metrics.rules';
import type { Db, Tx } from '../db';
import { hashPi } from '../pi';
import { inTransaction } from '../tx';
import { Increments, addDepositChange, addMerchantChange, flushIncrements, scanCollection, scanMonths } from '../rollup';
import { downloadFile, serverFilePath, uploadFile } from './files';
import { ImportFileError, type ParsedRow, type RowError, errorReportCsv, mapHeader, parseRow, readTable } from './import-file';
import { reclassifyMerchants } from './reclassify';

export const IMPORTS = 'imports';
/** A running job whose heartbeat is older than this was interrupted (the instance died): it counts as failed. */
export const STALE_JOB_MS = 120_000;

export interface ImportJobDoc {
  _id: string;
  kind: ImportKind;
  period: string;
  fileId: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  applied: number;
  rejected: number;
  /** rows of an earlier import of the same period that this one replaced or removed */
  replaced: number;
  removed: number;
  errorReportFileId: string | null;
  error: string | null;
  reason: string | null;
  format: string | null;
  encoding: string | null;
  byStaffId: string | null;
  attempts: number;
  createdAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  reclassified?: { changed: number; tasksOpened: number } | null;
}

/** True when a job document says running but its instance stopped reporting (interrupted). */
export function isStale(job: Pick<ImportJobDoc, 'status' | 'heartbeatAt'>, now = Date.now()): boolean {
  return job.status === 'running' && now - new Date(job.heartbeatAt).getTime() > STALE_JOB_MS;
}

interface MatchIndex {
  byAcq: Map<string, string>;
  byLicence: Map<string, string>;
  byMobileHash: Map<string, string>;
  merchants: Map<string, any>;
}

async function loadMatchIndex(db: Db): Promise<MatchIndex> {
  const idx: MatchIndex = { byAcq: new Map(), byLicence: new Map(), byMobileHash: new Map(), merchants: new Map() };
  // Whole documents: matching, the roll-ups and reclassification use most of their fields.
  await scanCollection<any>(db, 'merchants', {}, null, (page) => {
    for (const m of page) {
      idx.merchants.set(m._id, m);
      if (m.acquiringNo) idx.byAcq.set(String(m.acquiringNo), m._id);
      if (m.licenceCode) idx.byLicence.set(String(m.licenceCode).toUpperCase(), m._id);
      const h = m.operator?.mobile?.hash;
      // A mobile shared by two merchants cannot identify either: mark it ambiguous.
      if (h) idx.byMobileHash.set(h, idx.byMobileHash.has(h) ? '' : m._id);
    }
  });
  return idx;
}

/** Finds the merchant of a row; every key given must point to the same merchant. */
function matchRow(idx: MatchIndex, row: ParsedRow): { id: string | null; error: RowError | null } {
  const found: { col: string; id: string | undefined }[] = [];
  if (row.keys.acquiringNo) found.push({ col: 'acquiringNo', id: idx.byAcq.get(row.keys.acquiringNo) });
  if (row.keys.licenceCode) found.push({ col: 'licenceCode', id: idx.byLicence.get(row.keys.licenceCode) });
  if (row.keys.mobile) {
    const id = idx.byMobileHash.get(hashPi(row.keys.mobile));
    if (id === '') return { id: null, error: { row: row.row, column: 'mobile', reason: '该手机号对应多个商户，请使用收单商户号或信用代码' } };
    found.push({ col: 'mobile', id });
  }
  const ids = [...new Set(found.filter((f) => f.id).map((f) => f.id!))];
  if (ids.length === 0) return { id: null, error: { row: row.row, column: found[0]?.col ?? 'acquiringNo', reason: '未找到对应商户' } };
  if (ids.length > 1) return { id: null, error: { row: row.row, column: found[1].col, reason: '商户标识指向不同商户' } };
  return { id: ids[0], error: null };
}

export interface RunImportInput {
  jobId: string;
  kind: ImportKind;
  period: string;
  fileId: string;
}

export interface RunImportOptions {
  byStaffId: string | null;
  now: Date;
  /** the business day today (China time), to reclassify as of min(today, end of the period) */
  today: string;
  /** test hook: called after validation, before applying (an interruption there must leave nothing applied) */
  beforeApply?: () => Promise<void>;
}

/**
 * Imports one file of the bank's figures for one period. Every row is validated and matched to a merchant
 * (acquiring merchant number, licence code or the operator mobile's keyed hash); rows with problems go to
 * an error report (row, column, reason) in storage and the rest are applied. Applying replaces whatever
 * an earlier import wrote for the same kind and period, in ONE transaction together with the roll-up
 * counters, so a period is never half-applied. Progress is written to the job document; afterwards the
 * merchants concerned are reclassified.
 */
export async function runImport(db: Db, input: RunImportInput, opts: RunImportOptions): Promise<ImportJobDoc> {
  const { jobId, kind, period } = input;
  const prev = (await db.collection(IMPORTS).doc(jobId).get().catch(() => ({ data: null }))) as { data: any };
  const prevDoc = Array.isArray(prev.data) ? prev.data[0] : prev.data;
  const job: ImportJobDoc = {
    _id: jobId,
    kind,
    period,
    fileId: input.fileId,
    status: 'running',
    total: 0,
    done: 0,
    applied: 0,
    rejected: 0,
    replaced: 0,
    removed: 0,
    errorReportFileId: null,
    error: null,
    reason: null,
    format: null,
    encoding: null,
    byStaffId: opts.byStaffId,
    attempts: (prevDoc?.attempts ?? 0) + 1,
    createdAt: prevDoc?.createdAt ?? opts.now,
    heartbeatAt: new Date(),
    finishedAt: null,
  };
  const { _id, ...body } = job;
  await db.collection(IMPORTS).doc(_id).set({ data: body });
  const progress = async (patch: Partial<ImportJobDoc>) => {
    Object.assign(job, patch);
    await db.collection(IMPORTS).doc(jobId).update({ data: { ...patch, heartbeatAt: new Date() } });
  };
  try {
    const table = await readTable(await downloadFile(input.fileId));
    const cols = mapHeader(kind, table.header);
    const dataRows = table.rows.map((cells, i) => ({ cells, n: i + 2 })).filter((r) => r.cells.some((c) => c && c.trim()));
    if (dataRows.length === 0) throw new ImportFileError('文件没有数据行', 'IMPORT.EMPTY');
    await progress({ total: dataRows.length, format: table.format, encoding: table.encoding });
    const idx = await loadMatchIndex(db);
    const errors: RowError[] = [];
    const good = new Map<string, ParsedRow>();
    const firstRowOf = new Map<string, number>();
    for (let i = 0; i < dataRows.length; i++) {
      const { cells, n } = dataRows[i];
      const parsed = parseRow(kind, period, cols, cells, n);
      if (!parsed.row) errors.push(...parsed.errors);
      else {
        const m = matchRow(idx, parsed.row);
        if (m.error) errors.push(m.error);
        else if (firstRowOf.has(m.id!)) {
          // The same merchant twice in one file: neither copy is trusted over the other, the later is rejected.
          errors.push({ row: n, column: 'acquiringNo', reason: `与第 ${firstRowOf.get(m.id!)} 行是同一商户（重复行）` });
        } else {
          firstRowOf.set(m.id!, n);
          good.set(m.id!, parsed.row);
        }
      }
      if ((i + 1) % 10000 === 0) await progress({ done: i + 1 });
    }
    const rejectedRows = new Set(errors.map((e) => e.row)).size;
    await progress({ done: dataRows.length, rejected: rejectedRows });
    if (opts.beforeApply) await opts.beforeApply();
    const applied = await applyPeriod(db, kind, period, jobId, good, idx.merchants);
    let errorReportFileId: string | null = null;
    if (errors.length) errorReportFileId = await uploadFile(serverFilePath('import-errors', jobId, 'csv', 'errors'), errorReportCsv(errors));
    let reclassified: ImportJobDoc['reclassified'] = null;
    if (kind === 'transactions' && good.size) {
      const asOf = monthEnd(period) < opts.today ? monthEnd(period) : opts.today;
      // The merchants were read whole for matching: reclassification takes them as they are and reads each
      // one that changes class again inside its transaction.
      const r = await reclassifyMerchants(db, { asOf, merchants: [...good.keys()].map((id) => idx.merchants.get(id)), now: opts.now });
      reclassified = { changed: r.changed, tasksOpened: r.tasksOpened };
    }
    await progress({ status: 'done', applied: good.size, replaced: applied.replaced, removed: applied.removed, errorReportFileId, reclassified, finishedAt: new Date() });
    return job;
  } catch (err) {
    const known = err instanceof ImportFileError;
    if (!known) console.error(JSON.stringify({ level: 'error', fn: 'import', jobId, error: err instanceof Error ? err.message : String(err) }));
    await progress({ status: 'failed', error: known ? err.message : '导入失败，未写入任何数据，请重试', reason: known ? err.reason : 'IMPORT.FAILED', finishedAt: new Date() });
    return job;
  }
}

const COLL: Record<ImportKind, string> = { transactions: 'transactions', credit: 'credits', deposits: 'deposits' };

/**
 * Replaces the figures of one kind and period with the validated rows, in one transaction: rows of an
 * earlier import of the period are overwritten or removed, and the roll-up counters move with them.
 */
async function applyPeriod(db: Db, kind: ImportKind, period: string, importId: string, good: Map<string, ParsedRow>, merchants: Map<string, any>): Promise<{ replaced: number; removed: number }> {
  const coll = COLL[kind];
  const existing = new Map<string, any>();
  await scanMonths<any>(db, coll, kind === 'credit' ? 'period' : 'month', [period], { _id: true, merchantId: true, balanceFen: true }, (page) => {
    for (const d of page) existing.set(d.merchantId, d);
  });
  let replaced = 0;
  let removed = 0;
  await inTransaction(db, async (tx: Tx) => {
    replaced = 0;
    removed = 0;
    const incs = new Increments();
    for (const [merchantId, r] of good) {
      const m = merchants.get(merchantId);
      const old = existing.get(merchantId);
      if (old) replaced++;
      if (kind === 'transactions') {
        await tx.collection(coll).doc(`${merchantId}:${period}`).set({
          data: { merchantId, month: period, count: r.count ?? 0, amountFen: r.amountFen ?? 0, lastTxnDay: r.lastTxnDay ?? null, deviceStatus: r.deviceStatus ?? null, importId, unitPath: m.unitPath ?? [] },
        });
      } else if (kind === 'deposits') {
        await tx.collection(coll).doc(`${merchantId}:${period}`).set({ data: { merchantId, month: period, balanceFen: r.balanceFen ?? 0, importId, unitPath: m.unitPath ?? [] } });
        addDepositChange(incs, m, period, old?.balanceFen ?? 0, r.balanceFen ?? 0);
      } else {
        const credit = { grantedFen: r.grantedFen ?? 0, grantedAt: r.grantedAt ?? m.credit?.grantedAt ?? null, drawnFen: r.drawnFen ?? 0 };
        await tx.collection(coll).doc(merchantId).set({ data: { merchantId, ...credit, asOf: monthEnd(period), period, importId } });
        await tx.collection('merchants').doc(merchantId).update({ data: { credit } });
        addMerchantChange(incs, m, { ...m, credit });
      }
    }
    for (const [merchantId, old] of existing) {
      if (good.has(merchantId)) continue;
      removed++;
      const m = merchants.get(merchantId);
      if (kind === 'credit') {
        await tx.collection(coll).doc(old._id).remove();
        if (m) {
          const credit = { grantedFen: 0, grantedAt: null, drawnFen: 0 };
          await tx.collection('merchants').doc(merchantId).update({ data: { credit } });
          addMerchantChange(incs, m, { ...m, credit });
        }
      } else {
        await tx.collection(coll).doc(old._id).remove();
        if (kind === 'deposits' && m) addDepositChange(incs, m, period, old.balanceFen ?? 0, 0);
      }
    }
    await flushIncrements(tx, incs);
  });
  return { replaced, removed };
}
