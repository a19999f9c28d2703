import { startImportInput } from '../../../shared/contracts/import.contract';
import { IMPORT_ROLES } from '../../../shared/domain/roles';
import { AppError, defineAction, fieldError, getDoc } from '../../../server';
import { chinaDay } from '../../../shared/domain/period.rules';
import { downloadFile } from '../../../server/jobs/files';
import { type ImportJobDoc, IMPORTS, createImportJob, driveImport, exceedsRowCap, hasWork, tooManyRows } from '../../../server/jobs/import-run';
import { importJobView } from '../import.service';

/**
 * `start` (head office): imports a CSV or XLSX file from storage for a kind and month. The file's rows
 * are staged as a new version of the period while its active figures keep serving; the job runs in
 * steps, a share of them in this call, the rest in the calls that follow (`continue`, the page while it
 * watches, or the timer). The job id is the client's: a retry answers with that job and drives it on;
 * for a job waiting for the replace-or-merge choice, `mode` gives it.
 */
export const start = defineAction({
  schema: startImportInput,
  roles: IMPORT_ROLES,
  async handler(input, ctx) {
    const today = chinaDay(ctx.now);
    const existing = await getDoc<ImportJobDoc>(ctx.db, IMPORTS, input.jobId);
    if (existing) {
      if (existing.kind !== input.kind || existing.period !== input.period || existing.fileId !== input.fileId) {
        throw fieldError('jobId', '该任务 id 已用于另一个导入', 'IMPORT.JOB_ID_TAKEN');
      }
      if (existing.status === 'awaiting-choice' && input.mode) {
        await ctx.db.collection(IMPORTS).doc(input.jobId).update({ data: { mode: input.mode, status: 'running' } });
      }
      const driven = hasWork(existing) || input.mode ? await driveImport(ctx.db, input.jobId, { today }) : null;
      return importJobView(driven ?? (await getDoc<ImportJobDoc>(ctx.db, IMPORTS, input.jobId))!);
    }
    const _ = ctx.db.command;
    const open = (await ctx.db.collection(IMPORTS).where({ kind: input.kind, period: input.period, status: _.in(['running', 'awaiting-choice']) }).limit(5).get()) as { data: ImportJobDoc[] };
    if (open.data.length) {
      throw new AppError('CONFLICT', '同一月份有未完成的导入，请先继续或放弃它', { reason: 'IMPORT.RUNNING', details: { jobId: open.data[0]._id } });
    }
    const file = await downloadFile(input.fileId).catch(() => null);
    if (!file) throw fieldError('fileId', '文件不存在或无法读取', 'IMPORT.FILE_MISSING');
    if (await exceedsRowCap(file)) throw fieldError('fileId', tooManyRows(input.fileId).message, 'IMPORT.TOO_MANY_ROWS');
    await createImportJob(ctx.db, input, { byStaffId: ctx.caller.staffId, now: ctx.now });
    const job = (await driveImport(ctx.db, input.jobId, { today, file })) ?? (await getDoc<ImportJobDoc>(ctx.db, IMPORTS, input.jobId))!;
    // A file found above the row cap while reading (an XLSX) is refused like a CSV is before.
    if (job.reason === 'IMPORT.TOO_MANY_ROWS') throw fieldError('fileId', job.error ?? tooManyRows(input.fileId).message, 'IMPORT.TOO_MANY_ROWS');
    return importJobView(job);
  },
});
