import { exportContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type ExportJob = import('../vendor/shared').exportContract.ExportJobView;

/** Requests an XLSX grid report for a unit and period; the client-made job id makes a retry harmless. */
export function startExport(input: { jobId: string; unitId?: string; period: string }): Promise<ExportJob> {
  return callAction('export', 'start', parseInput(C.startExportInput, input));
}

/** Fetches an export job's status and progress. */
export function fetchExportJob(jobId: string): Promise<ExportJob> {
  return callAction('export', 'get', parseInput(C.getExportInput, { jobId }));
}

/** A download link for a finished export: the job's temporary link, else a fresh one from `export.get`. */
export async function fetchExportLink(job: Pick<ExportJob, 'id' | 'url'>): Promise<string> {
  if (job.url) return job.url;
  const fresh = await fetchExportJob(job.id);
  if (!fresh.url) throw new Error('export has no file');
  return fresh.url;
}
