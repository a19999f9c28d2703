import type { ImportJobView } from '../../shared/contracts/import.contract';
import { iso } from '../../server';
import { tempUrl } from '../../server/jobs/files';
import { type ImportJobDoc, isStale } from '../../server/jobs/import-run';

/**
 * A job as the client sees it. A running job that nobody has driven for a while (its instance stopped)
 * still shows as running: the next call or the timer goes on from its cursor, and the period's active
 * figures serve meanwhile.
 */
export async function importJobView(j: ImportJobDoc): Promise<ImportJobView> {
  const stale = isStale(j);
  const activeMerchants = j.activeMerchants ?? 0;
  return {
    id: j._id,
    kind: j.kind,
    period: j.period,
    status: j.status,
    fileId: j.fileId,
    phase: j.phase ?? 'finished',
    mode: j.mode ?? null,
    fileMerchants: j.applied,
    activeMerchants,
    missingFromFile: Math.max(0, activeMerchants - (j.overlap ?? 0)),
    total: j.total,
    done: j.done,
    applied: j.applied,
    rejected: j.rejected,
    replaced: j.replaced ?? 0,
    removed: j.removed ?? 0,
    kept: j.kept ?? 0,
    errorReportFileId: j.errorReportFileId ?? null,
    errorReportUrl: j.errorReportFileId ? await tempUrl(j.errorReportFileId) : null,
    error: stale ? '导入中断，将从中断处继续；本月原有数据照常使用' : j.error ?? null,
    createdAt: iso(j.createdAt) ?? '',
    finishedAt: iso(j.finishedAt),
  };
}
