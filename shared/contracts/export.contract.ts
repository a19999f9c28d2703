/** Contract of the `export` function: the grid report exported as XLSX (head office, a branch for its own scope). */
import { z } from 'zod';
import { idSchema, clientIdSchema } from './common.contract';
import { periodInput } from './date.contract';

z.config({ jitless: true });

export const startExportInput = z.strictObject({
  /** client-made job id: a retried request answers with the same job */
  jobId: clientIdSchema,
  /** default: head office → the bank, branch → its branch */
  unitId: idSchema.optional(),
  period: periodInput,
});

export const getExportInput = z.strictObject({ jobId: clientIdSchema });

/** `list`: the caller's own exports, newest first (the console's history; head office and branches alike). */
export const listExportsInput = z.strictObject({ limit: z.number().int().min(1).max(50).optional() });

export const EXPORT_SHEETS = ['单位汇总', '网格指标', '员工工作量', '商户清单', '生命周期名单'] as const;

export interface ExportJobView {
  id: string;
  /** the unit and period the report is of (the period as its key, e.g. `2025-07`) */
  unitId: string;
  period: string;
  status: 'running' | 'done' | 'failed';
  /** share done, 0..1 */
  progress: number;
  /** merchants listed so far, of `total` in the unit (null until counted) */
  done: number;
  total: number | null;
  fileId: string | null;
  url: string | null;
  error: string | null;
  rows: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
}
