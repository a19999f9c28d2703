import { startImportInput } from '../../../shared/contracts/import.contract';
import { AppError, chinaDay, defineAction, fieldError, getDoc } from '../../../server';
import { type ImportJobDoc, isStale, runImport } from '../../../server/jobs/import-run';
import { importJobView } from '../import.service';

/**
 * `start` (head office): imports a CSV or XLSX file from storage for a kind and month. The job id is the
 * client's: a retry of a running or finished job answers with that job; a failed or interrupted job runs
 * again. Answers when the job has finished (progress is visible with `get` meanwhile).
 */
export const start = defineAction({
  schema: startImportInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const existing = await getDoc<ImportJobDoc>(ctx.db, 'imports', input.jobId);
    if (existing) {
      if (existing.kind !== input.kind || existing.period !== input.period || existing.fileId !== input.fileId) {
        throw fieldError('jobId', '该任务 id 已用于另一个导入', 'IMPORT.JOB_ID_TAKEN');
      }
      if (existing.status === 'done' || (existing.status === 'running' && !isStale(existing))) return importJobView(existing);
    }
    const running = (await ctx.db.collection('imports').where({ kind: input.kind, period: input.period, status: 'running' }).limit(5).get()) as { data: ImportJobDoc[] };
    if (running.data.some((j) => j._id !== input.jobId && !isStale(j))) {
      throw new AppError('CONFLICT', '同一期间的导入正在进行，请稍后再试', { reason: 'IMPORT.RUNNING' });
    }
    const job = await runImport(ctx.db, input, { byStaffId: ctx.caller.staffId, now: ctx.now, today: chinaDay(ctx.now) });
    return importJobView(job);
  },
});
