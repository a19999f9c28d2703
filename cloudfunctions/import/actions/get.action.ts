import { continueImportInput, discardImportInput, getImportInput, listImportsInput } from '../../../shared/contracts/import.contract';
import { IMPORT_ROLES } from '../../../shared/domain/roles';
import { AppError, defineAction, getDoc, notFound } from '../../../server';
import { chinaDay } from '../../../shared/domain/period.rules';
import { type ImportJobDoc, IMPORTS, discardImport, driveImport, hasWork } from '../../../server/jobs/import-run';
import { importJobView } from '../import.service';

async function loadJob(ctx: { db: any }, jobId: string): Promise<ImportJobDoc> {
  const job = await getDoc<ImportJobDoc>(ctx.db, IMPORTS, jobId);
  if (!job) throw notFound('导入任务', 'IMPORT.NOT_FOUND');
  return job;
}

/** `get` (head office): a job's status, progress, counts and the link to its error report. */
export const get = defineAction({
  schema: getImportInput,
  roles: IMPORT_ROLES,
  async handler(input, ctx) {
    return importJobView(await loadJob(ctx, input.jobId));
  },
});

/** `list` (head office): the latest import jobs. */
export const list = defineAction({
  schema: listImportsInput,
  roles: IMPORT_ROLES,
  async handler(input, ctx) {
    const res = (await ctx.db.collection(IMPORTS).orderBy('createdAt', 'desc').limit(input.limit ?? 20).get()) as { data: ImportJobDoc[] };
    return { items: await Promise.all(res.data.map(importJobView)) };
  },
});

/**
 * `continue` (head office): runs the next steps of an unfinished job, unless another call is running
 * them; answers the job as it stands. The import page calls it while it watches a job.
 */
export const continueImport = defineAction({
  schema: continueImportInput,
  roles: IMPORT_ROLES,
  async handler(input, ctx) {
    const job = await loadJob(ctx, input.jobId);
    if (!hasWork(job) || job.status === 'awaiting-choice') return importJobView(job);
    const driven = await driveImport(ctx.db, input.jobId, { today: chinaDay(ctx.now) });
    return importJobView(driven ?? (await loadJob(ctx, input.jobId)));
  },
});

/** `discard` (head office): drops a job that has not been applied; the period keeps its active figures. */
export const discard = defineAction({
  schema: discardImportInput,
  roles: IMPORT_ROLES,
  async handler(input, ctx) {
    const r = await discardImport(ctx.db, input.jobId, ctx.now);
    if (r === 'missing') throw notFound('导入任务', 'IMPORT.NOT_FOUND');
    if (r === 'applied') throw new AppError('CONFLICT', '该导入已应用，不能放弃', { reason: 'IMPORT.APPLIED' });
    const driven = await driveImport(ctx.db, input.jobId, { today: chinaDay(ctx.now) });
    return importJobView(driven ?? (await loadJob(ctx, input.jobId)));
  },
});
