/** What every resumable job answers with (docs/jobs.md): its status and progress, as screens show them. */
export interface JobView {
  id: string;
  kind: string;
  status: 'running' | 'done' | 'failed';
  /** items done and in all (null while unknown), and the share done 0..1 */
  progress: { done: number; total: number | null; share: number };
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
