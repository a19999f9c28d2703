import type { ImportJobView } from '../../shared/contracts/import.contract';
import { iso } from '../../server';
import { tempUrl } from '../../server/jobs/files';
import { type ImportJobDoc, isStale } from '../../server/jobs/import-run';

/** A job as the client sees it; an interrupted run (stale heartbeat) shows as failed. */
export async function importJobView(j: ImportJobDoc): Promise<ImportJobView> {
  const stale = isStale(j);
  return {
    id: j._id,
    kind: j.kind,
    period: j.period,
    status: stale ? 'failed' : j.status,
    total: j.total,
    done: j.done,
    applied: j.applied,
    rejected: j.rejected,
    replaced: j.replaced ?? 0,
    removed: j.removed ?? 0,
    errorReportFileId: j.errorReportFileId ?? null,
    errorReportUrl: j.errorReportFileId ? await tempUrl(j.errorReportFileId) : null,
    error: stale ? '导入被中断，未写入任何数据，请重新导入' : j.error ?? null,
    createdAt: iso(j.createdAt) ?? '',
    finishedAt: iso(j.finishedAt),
  };
}
