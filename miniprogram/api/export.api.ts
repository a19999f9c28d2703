import { reportContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type ReportJob = import('../vendor/shared').reportContract.ReportJobView;

/** Requests an XLSX grid report for a unit and period; the client-made job id makes a retry harmless. */
export function requestExport(input: { jobId: string; unitId?: string; period: string }): Promise<ReportJob> {
  return callAction('report', 'export', parseInput(C.exportReportInput, input));
}

/** Fetches an export job's status and progress. */
export function fetchExportJob(jobId: string): Promise<ReportJob> {
  return callAction('report', 'get', parseInput(C.getReportInput, { jobId }));
}

/** A download link for a finished export: the job's temporary link, else a fresh one from `report.get`. */
export async function fetchExportLink(job: Pick<ReportJob, 'id' | 'url'>): Promise<string> {
  if (job.url) return job.url;
  const fresh = await fetchExportJob(job.id);
  if (!fresh.url) throw new Error('export has no file');
  return fresh.url;
}
