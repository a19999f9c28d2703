import { importContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type ImportJob = import('../vendor/shared').importContract.ImportJobView;
export type ImportKind = import('../vendor/shared').importContract.ImportKind;

/**
 * Imports an uploaded file for a kind and month (head office). Answers when the job has finished; the
 * client-made job id makes a retried request answer with the same job instead of importing twice.
 */
export function startImport(input: { jobId: string; kind: ImportKind; period: string; fileId: string }): Promise<ImportJob> {
  return callAction('import', 'start', parseInput(C.startImportInput, input));
}

/** A job's status, progress and counts, with the link to its error report. */
export function fetchImportJob(jobId: string): Promise<ImportJob> {
  return callAction('import', 'get', parseInput(C.getImportInput, { jobId }));
}

/** The latest import jobs, newest first. */
export function fetchImports(limit = 20): Promise<{ items: ImportJob[] }> {
  return callAction('import', 'list', parseInput(C.listImportsInput, { limit }));
}
