import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `file`, whether the process runs the compiled JavaScript or the TypeScript sources
 * (tsx, jest): from sources the worker registers tsx's CommonJS hook before loading the file.
 */
export function sourceWorker(file: string, options: WorkerOptions = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`, { ...options, eval: true });
}
