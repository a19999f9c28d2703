import { getImportInput, listImportsInput } from '../../../shared/contracts/import.contract';
import { defineAction, getDoc, notFound } from '../../../server';
import type { ImportJobDoc } from '../../../server/jobs/import-run';
import { importJobView } from '../import.service';

/** `get` (head office): a job's status, progress, counts and the link to its error report. */
export const get = defineAction({
  schema: getImportInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const job = await getDoc<ImportJobDoc>(ctx.db, 'imports', input.jobId);
    if (!job) throw notFound('导入任务', 'IMPORT.NOT_FOUND');
    return importJobView(job);
  },
});

/** `list` (head office): the latest import jobs. */
export const list = defineAction({
  schema: listImportsInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const res = (await ctx.db.collection('imports').orderBy('createdAt', 'desc').limit(input.limit ?? 20).get()) as { data: ImportJobDoc[] };
    return { items: await Promise.all(res.data.map(importJobView)) };
  },
});
