/** Contract of the `import` function: figures from the bank's systems (CSV or XLSX) by head office. */
import { z } from 'zod';
import { clientIdSchema } from './common.contract';
import { monthSchema } from './date.contract';

z.config({ jitless: true });

export const IMPORT_KINDS = ['transactions', 'credit', 'deposits'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * Most data rows one file may hold: a province's merchants for one kind and month fit, and a larger
 * file is refused (VALIDATION naming the file) before anything is applied. Split a bigger file and
 * import the parts with `mode: 'merge'`.
 */
export const IMPORT_MAX_ROWS = 200_000;

/**
 * A file that covers fewer merchants than this share of the period's active figures is not applied
 * until head office chooses: `replace` (the merchants missing from the file lose their figures of the
 * period) or `merge` (the file's rows replace theirs, every other merchant keeps its figures).
 */
export const IMPORT_SHRINK_RATIO = 0.9;

export const IMPORT_MODES = ['replace', 'merge'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

const importModeSchema = z.enum(IMPORT_MODES, { error: '导入方式应为 replace（整体替换）或 merge（合并）' });

export const startImportInput = z.strictObject({
  /** client-made job id: a retried request answers with the same job */
  jobId: clientIdSchema,
  kind: z.enum(IMPORT_KINDS, { error: '导入类型应为 transactions、credit 或 deposits' }),
  /** the month the file covers (YYYY-MM); for credit, the month of the snapshot */
  period: monthSchema,
  /** the uploaded file in cloud storage */
  fileId: z.string().regex(/^cloud:\/\/\S+$/, '需要云存储文件 ID（cloud://…）').max(500),
  /**
   * `replace`: the file is the whole period (merchants not in it lose their figures of the period);
   * `merge`: the file's rows replace those merchants' figures and every other merchant keeps its own.
   * Omitted: `replace`, unless the file covers far fewer merchants than the period's active figures
   * (IMPORT_SHRINK_RATIO): then the job waits for the choice (status `awaiting-choice`), sent with
   * `start` again (same jobId).
   */
  mode: importModeSchema.optional(),
});

export const getImportInput = z.strictObject({ jobId: clientIdSchema });
/** Runs the next chunks of an unfinished job (the page while it watches one; a timer otherwise). */
export const continueImportInput = z.strictObject({ jobId: clientIdSchema });
/** Drops a job that has not been applied: its staged rows are deleted, the period's figures stay. */
export const discardImportInput = z.strictObject({ jobId: clientIdSchema });
export const listImportsInput = z.strictObject({ limit: z.number().int().min(1).max(50).optional() });

/** Columns each kind needs (Chinese headers accepted too, see IMPORT_HEADER_ALIASES). */
export const IMPORT_COLUMNS: Record<ImportKind, { key: string; required: boolean }[]> = {
  transactions: [
    { key: 'acquiringNo', required: false },
    { key: 'licenceCode', required: false },
    { key: 'mobile', required: false },
    { key: 'count', required: true },
    { key: 'amount', required: true },
    { key: 'deviceStatus', required: false },
    { key: 'lastTxnDay', required: false },
  ],
  credit: [
    { key: 'acquiringNo', required: false },
    { key: 'licenceCode', required: false },
    { key: 'mobile', required: false },
    { key: 'grantedAmount', required: true },
    { key: 'grantedAt', required: false },
    { key: 'drawnAmount', required: true },
  ],
  deposits: [
    { key: 'acquiringNo', required: false },
    { key: 'licenceCode', required: false },
    { key: 'mobile', required: false },
    { key: 'balance', required: true },
  ],
};

/** Header names as the bank's systems write them. */
export const IMPORT_HEADER_ALIASES: Record<string, string> = {
  收单商户号: 'acquiringNo',
  商户号: 'acquiringNo',
  统一社会信用代码: 'licenceCode',
  营业执照号: 'licenceCode',
  经营者手机号: 'mobile',
  手机号: 'mobile',
  交易笔数: 'count',
  交易金额: 'amount',
  设备状态: 'deviceStatus',
  最后交易日: 'lastTxnDay',
  授信金额: 'grantedAmount',
  授信日期: 'grantedAt',
  用信余额: 'drawnAmount',
  存款余额: 'balance',
  月末存款余额: 'balance',
};

export type ImportStatus = 'running' | 'awaiting-choice' | 'done' | 'failed' | 'discarded';

export interface ImportJobView {
  id: string;
  kind: ImportKind;
  period: string;
  /**
   * `running` (rows staged beside the period's active figures, which keep serving); `awaiting-choice`
   * (the file covers far fewer merchants: `start` again with a mode); `done` (the file's version is the
   * period's active one); `failed` or `discarded` (nothing of it applied).
   */
  status: ImportStatus;
  /** the imported file (a job waiting for the choice is started again with it) */
  fileId: string;
  /** the step a running job is at: reading the file, applying the version, updating figures, cleaning up */
  phase: string;
  mode: ImportMode | null;
  /** merchants in the file (valid rows) and in the period's active figures, for the replace-or-merge choice */
  fileMerchants: number;
  activeMerchants: number;
  /** what each choice would do: merchants the file does not have (replace removes their figures, merge keeps them) */
  missingFromFile: number;
  total: number;
  done: number;
  applied: number;
  rejected: number;
  replaced: number;
  /** rows of the earlier import of the period that the new file no longer has (removed by `replace`) */
  removed: number;
  /** rows of the earlier import that `merge` kept */
  kept: number;
  errorReportFileId: string | null;
  errorReportUrl: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
