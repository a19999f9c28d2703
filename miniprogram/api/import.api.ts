import { importContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type ImportJob = import('../vendor/shared').importContract.ImportJobView;
export type ImportKind = import('../vendor/shared').importContract.ImportKind;

export type ImportMode = import('../vendor/shared').importContract.ImportMode;

/**
 * Imports an uploaded file for a kind and month (head office). Answers with the job as its first steps
 * left it (done for a small file); the client-made job id makes a retried request answer with the same
 * job instead of importing twice. `mode` answers a job waiting for the replace-or-merge choice.
 */
export function startImport(input: { jobId: string; kind: ImportKind; period: string; fileId: string; mode?: ImportMode }): Promise<ImportJob> {
  return callAction('import', 'start', parseInput(C.startImportInput, input));
}

/** Runs the next steps of an unfinished job and answers it (called while the page watches the job). */
export function continueImport(jobId: string): Promise<ImportJob> {
  return callAction('import', 'continue', parseInput(C.continueImportInput, { jobId }));
}

/** Drops a job that has not been applied; the month keeps its figures. */
export function discardImport(jobId: string): Promise<ImportJob> {
  return callAction('import', 'discard', parseInput(C.discardImportInput, { jobId }));
}

/** A job's status, progress and counts, with the link to its error report. */
export function fetchImportJob(jobId: string): Promise<ImportJob> {
  return callAction('import', 'get', parseInput(C.getImportInput, { jobId }));
}

/** The latest import jobs, newest first. */
export function fetchImports(limit = 20): Promise<{ items: ImportJob[] }> {
  return callAction('import', 'list', parseInput(C.listImportsInput, { limit }));
}
