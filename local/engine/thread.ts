/**
 * The engine in a thread of its own: the worker side. It opens the engine over the data folder, applies the
 * collections spec, and answers each wire request the function thread forwards (thread-client.ts) exactly as
 * `Engine.handle` answers it in the same thread: the answer, or the CloudBase error's `{ code, message,
 * requestId }`. On CloudBase the database is a service of its own, not code on the function's CPU; with the
 * engine here, the functions' thread spends nothing on queries, commits and checkpoints, as on the cloud.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type CollectionsSpec } from './engine';
import { EngineError } from './errors';

export type ThreadRequest =
  | { type: 'request'; id: number; action: string; params: Record<string, unknown> | undefined }
  | { type: 'watchCommits'; on: boolean }
  | { type: 'close' };

export type ThreadAnswer =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'answer'; id: number; answer: unknown }
  | { type: 'error'; id: number; code: string; message: string; requestId: string }
  | { type: 'commit'; written: number }
  | { type: 'closed' };

function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('thread.ts runs as a worker thread only');
  const post = (m: ThreadAnswer) => port.postMessage(m);
  const { dataDir, collections } = workerData as { dataDir: string; collections: CollectionsSpec };
  let engine: Engine;
  try {
    engine = new Engine({ dataDir });
    engine.ensureIndexes(collections);
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  port.on('message', (m: ThreadRequest) => {
    if (m.type === 'request') {
      try {
        post({ type: 'answer', id: m.id, answer: engine.handle(m.action, m.params) });
      } catch (err) {
        // handle() throws EngineErrors only; anything else is a fault of the engine, answered as the service's failure.
        const e = err instanceof EngineError ? err : new EngineError('DATABASE_REQUEST_FAILED', err instanceof Error ? err.message : String(err));
        post({ type: 'error', id: m.id, code: e.code, message: e.message, requestId: e.requestId });
      }
    } else if (m.type === 'watchCommits') {
      engine.tx.onCommit = m.on ? (written) => post({ type: 'commit', written }) : null;
    } else if (m.type === 'close') {
      engine.close();
      post({ type: 'closed' });
      port.close();
    }
  });
  post({ type: 'ready' });
}

serve();
