/** Contract of the `import` function: figures from the bank's systems (CSV or XLSX) by head office. */
import { z } from 'zod';
import { clientIdSchema } from './common.contract';
import { monthSchema } from './date.contract';

z.config({ jitless: true });

export const IMPORT_KINDS = ['transactions', 'credit', 'deposits'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const startImportInput = z.strictObject({
  /** client-made job id: a retried request answers with the same job */
  jobId: clientIdSchema,
  kind: z.enum(IMPORT_KINDS, { error: '导入类型应为 transactions、credit 或 deposits' }),
  /** the month the file covers (YYYY-MM); for credit, the month of the snapshot */
  period: monthSchema,
  /** the uploaded file in cloud storage */
  fileId: z.string().regex(/^cloud:\/\/\S+$/, '需要云存储文件 ID（cloud://…）').max(500),
});

export const getImportInput = z.strictObject({ jobId: clientIdSchema });
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

export interface ImportJobView {
  id: string;
  kind: ImportKind;
  period: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  applied: number;
  rejected: number;
  replaced: number;
  /** rows of the earlier import of the period that the new file no longer has */
  removed: number;
  errorReportFileId: string | null;
  errorReportUrl: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
