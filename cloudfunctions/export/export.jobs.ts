import type { ExportJobView } from '../../shared/contracts/export.contract';
import { iso } from '../../server';
import { periodKey } from '../../shared/domain/period.rules';
import { tempUrl } from '../../server/jobs/files';
import { type ExportParams, type ExportState, exportJob, exportProgress } from '../../server/jobs/export';
import type { JobDoc, JobKind } from '../../server/jobs/runner';

/** The job kinds this function runs (its polls and its `jobs-continue` timer). */
export const JOB_KINDS: Record<string, JobKind> = { report: exportJob };

/** Time the export call spends on its job before answering; a branch's report is done within it. */
export const START_BUDGET_MS = 20_000;
/** Time a poll (`get`) spends on the next chunks before answering. */
export const POLL_BUDGET_MS = 8_000;
/** Time a timer run spends on unfinished exports: inside the 60 s a function may run. */
export const TIMER_BUDGET_MS = 40_000;

/** An export job as the screen sees it, with a temporary link once the file is there. */
export async function exportView(j: JobDoc<ExportParams, ExportState>): Promise<ExportJobView> {
  const fileId = j.status === 'done' ? j.state.fileId : null;
  return {
    id: j._id,
    unitId: j.params.unitId,
    period: periodKey(j.params.period),
    status: j.status,
    progress: exportProgress(j),
    done: j.state.merchants,
    total: j.progress?.total ?? null,
    fileId,
    url: fileId ? await tempUrl(fileId) : null,
    error: j.status === 'failed' ? '导出多次中断后已停止，请重新导出' : null,
    rows: j.state.rows ?? {},
    createdAt: iso(j.createdAt) ?? '',
    finishedAt: iso(j.finishedAt),
  };
}
