/**
 * Moves WAL checkpoints off the request thread. SQLite's automatic checkpoint copies the WAL into the
 * database file (and fsyncs it) inside whichever commit crosses the threshold, stalling that request; on
 * bulk writes this was about half the wall time. A worker thread with its own connection runs PASSIVE
 * checkpoints instead (they never block writers). Durability is unchanged: a commit is durable once it
 * is in the WAL; checkpoints only fold the WAL back into the database file.
 */
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 100');
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { /* busy: the next tick retries */ }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); db.close(); parentPort.postMessage('stopped'); }
});
`;

export interface Checkpointer {
  /** Stops the worker (its connection closes; the caller then checkpoints what is left). */
  stop(): void;
}

/** Starts a background checkpointer for a WAL database file. */
export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs } });
  worker.unref();
  // A failing worker only means checkpoints fall back to SQLite's own (the threshold stays as a safety net).
  worker.on('error', () => undefined);
  return {
    stop: () => {
      worker.postMessage('stop');
      void worker.terminate();
    },
  };
}
