import { startExportInput, getExportInput, listExportsInput } from '../../../shared/contracts/export.contract';
import { assertInScope, auditLog, defineAction, fieldError, getDoc, notFound } from '../../../server';
import type { ExportParams, ExportState } from '../../../server/jobs/export';
import { type JobDoc, createJob, getJob, retryJob, runJob } from '../../../server/jobs/runner';
import { bankUnit } from '../../../server/org';
import { EXPORT_ROLES } from '../../../shared/domain/roles';
import { JOB_KINDS, POLL_BUDGET_MS, START_BUDGET_MS, exportView } from '../export.jobs';

type ExportJob = JobDoc<ExportParams, ExportState>;

/**
 * `start` (head office; a branch for its own scope): the grid report of a unit for a period as XLSX in
 * storage, with a temporary link, made by a resumable job (docs/jobs.md). Answers when the file is made,
 * or with the job's progress after about 20 s; `get` polls it and drives it on. The job id is the
 * client's: a retry answers the same job, and a failed one starts again where it stopped. Audited.
 */
export const startExport = defineAction({
  schema: startExportInput,
  roles: EXPORT_ROLES,
  async handler(input, ctx) {
    const unitId = input.unitId ?? (ctx.caller.role === 'hq' ? (await bankUnit(ctx.db))?._id : ctx.caller.unitId);
    const unit = unitId ? await getDoc<any>(ctx.db, 'units', unitId) : null;
    if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
    assertInScope(ctx.caller, unit.unitPath);
    const existing = await getJob<ExportParams, ExportState>(ctx.db, input.jobId);
    if (existing && (existing.kind !== 'report' || existing.params.unitId !== unit._id)) throw fieldError('jobId', '该任务 id 已用于另一个任务', 'JOB.ID_TAKEN');
    if (existing?.status === 'failed') await retryJob(ctx.db, existing._id, ctx.now);
    if (!existing) {
      const { created } = await createJob(ctx.db, JOB_KINDS.report, { id: input.jobId, params: { unitId: unit._id, period: input.period }, byStaffId: ctx.caller.staffId, now: ctx.now });
      if (created) await auditLog(ctx.db, ctx.caller, 'export', { collection: 'jobs', id: input.jobId }, { unitId: unit._id, period: input.period }, ctx.now);
    }
    const job = (await runJob(ctx.db, JOB_KINDS, input.jobId, { budgetMs: START_BUDGET_MS })) as ExportJob;
    return exportView(job);
  },
});

/** `get`: an export job's status, progress and temporary link (only its requester or head office); while it runs, this call runs its next chunks. */
export const getExport = defineAction({
  schema: getExportInput,
  roles: EXPORT_ROLES,
  async handler(input, ctx) {
    const job = await getJob<ExportParams, ExportState>(ctx.db, input.jobId);
    if (!job || job.kind !== 'report') throw notFound('导出任务', 'JOB.NOT_FOUND');
    if (ctx.caller.role !== 'hq' && job.byStaffId !== ctx.caller.staffId) throw notFound('导出任务', 'JOB.NOT_FOUND');
    const now = job.status === 'running' ? ((await runJob(ctx.db, JOB_KINDS, job._id, { budgetMs: POLL_BUDGET_MS })) as ExportJob) : job;
    return exportView(now);
  },
});

/** `list` (head office, branch): the caller's own exports, newest first, as `get` shows each (no chunks run). */
export const listExports = defineAction({
  schema: listExportsInput,
  roles: EXPORT_ROLES,
  async handler(input, ctx) {
    const res = await ctx.db.collection('jobs').where({ byStaffId: ctx.caller.staffId, kind: 'report' }).orderBy('createdAt', 'desc').limit(input.limit ?? 20).get();
    return { items: await Promise.all((res.data as ExportJob[]).map(exportView)) };
  },
});
