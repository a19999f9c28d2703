import { callAction, fetchTempUrl } from './transport';

export interface ExportJob {
  _id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  fileId?: string;
  error?: string;
  createdAt?: string;
}

/** Requests an XLSX grid report for a unit and month; answers the job to watch. */
export function requestExport(input: { jobId: string; unitId?: string; month: string }): Promise<ExportJob> {
  return callAction('report', 'requestExport', input);
}

/** Fetches an export job's status and progress. */
export function fetchExportJob(jobId: string): Promise<ExportJob> {
  return callAction('report', 'getJob', { jobId });
}

/** Fetches the caller's recent export jobs. */
export function fetchExportJobs(): Promise<{ items: ExportJob[] }> {
  return callAction('report', 'listJobs', {});
}

/** A temporary download link for a finished export. */
export function fetchExportLink(fileId: string): Promise<string> {
  return fetchTempUrl(fileId);
}
