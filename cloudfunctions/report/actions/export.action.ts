import { type ReportJobView, exportReportInput, getReportInput } from '../../../shared/contracts/report.contract';
import { assertInScope, auditLog, defineAction, fieldError, getDoc, iso, notFound } from '../../../server';
import { tempUrl } from '../../../server/jobs/files';
import { STALE_JOB_MS } from '../../../server/jobs/import-run';
import { JOBS, type ReportJobDoc, exportReportFile } from '../../../server/jobs/report';
import { bankUnit } from '../../stats/stats.service';

const isStale = (j: ReportJobDoc) => j.status === 'running' && Date.now() - new Date(j.heartbeatAt).getTime() > STALE_JOB_MS;

async function view(j: ReportJobDoc): Promise<ReportJobView> {
  const stale = isStale(j);
  return {
    id: j._id,
    status: stale ? 'failed' : j.status,
    progress: j.progress,
    fileId: j.fileId ?? null,
    url: j.status === 'done' && j.fileId ? await tempUrl(j.fileId) : null,
    error: stale ? '导出被中断，请重新导出' : j.error ?? null,
    rows: j.rows ?? {},
    createdAt: iso(j.createdAt) ?? '',
    finishedAt: iso(j.finishedAt),
  };
}

/**
 * `export` (head office; a branch for its own scope): the grid report of a unit for a period as XLSX in
 * storage, with a temporary link. The job id is the client's: a retry of a running or finished job answers
 * with it; a failed or interrupted one runs again. Audited.
 */
export const exportReport = defineAction({
  schema: exportReportInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const unitId = input.unitId ?? (ctx.caller.role === 'hq' ? (await bankUnit(ctx.db))?._id : ctx.caller.unitId);
    const unit = unitId ? await getDoc<any>(ctx.db, 'units', unitId) : null;
    if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
    assertInScope(ctx.caller, unit.unitPath);
    const existing = await getDoc<ReportJobDoc>(ctx.db, JOBS, input.jobId);
    if (existing) {
      if (existing.kind !== 'report' || existing.unitId !== unit._id) throw fieldError('jobId', '该任务 id 已用于另一个任务', 'JOB.ID_TAKEN');
      if (existing.status === 'done' || (existing.status === 'running' && !isStale(existing))) return view(existing);
    }
    const job: ReportJobDoc = {
      _id: input.jobId,
      kind: 'report',
      unitId: unit._id,
      period: input.period,
      status: 'running',
      progress: 0,
      fileId: null,
      error: null,
      rows: {},
      byStaffId: ctx.caller.staffId,
      attempts: (existing?.attempts ?? 0) + 1,
      createdAt: existing?.createdAt ?? ctx.now,
      heartbeatAt: new Date(),
      finishedAt: null,
    };
    const { _id, ...body } = job;
    await ctx.db.collection(JOBS).doc(_id).set({ data: body });
    const update = async (patch: Partial<ReportJobDoc>) => {
      Object.assign(job, patch);
      await ctx.db.collection(JOBS).doc(_id).update({ data: { ...patch, heartbeatAt: new Date() } });
    };
    try {
      let last = 0;
      const { fileId, rows } = await exportReportFile(ctx.db, _id, {
        unitId: unit._id,
        period: input.period,
        onProgress: async (p, r) => {
          // A progress write at most every 5 points keeps the job document cheap to update.
          if (p - last >= 0.05) {
            last = p;
            await update({ progress: Math.round(p * 100) / 100, rows: { ...r } });
          }
        },
      });
      await update({ status: 'done', progress: 1, fileId, rows, finishedAt: new Date() });
      await auditLog(ctx.db, ctx.caller, 'export', { collection: 'jobs', id: _id }, { unitId: unit._id, period: input.period, rows }, ctx.now);
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', fn: 'report', jobId: _id, error: err instanceof Error ? err.message : String(err) }));
      await update({ status: 'failed', error: '导出失败，请重试', finishedAt: new Date() });
    }
    return view(job);
  },
});

/** `get`: an export job's status, progress and temporary link; only its requester or head office. */
export const getReport = defineAction({
  schema: getReportInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const job = await getDoc<ReportJobDoc>(ctx.db, JOBS, input.jobId);
    if (!job || job.kind !== 'report') throw notFound('导出任务', 'JOB.NOT_FOUND');
    if (ctx.caller.role !== 'hq' && job.byStaffId !== ctx.caller.staffId) throw notFound('导出任务', 'JOB.NOT_FOUND');
    return view(job);
  },
});
