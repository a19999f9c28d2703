/**
 * The engine in a thread of its own: the function thread's side. Each wire request the SDKs send goes to the
 * worker (thread.ts) as a message and comes back as the answer or the CloudBase error the engine gave, so the
 * function code and its error handling see exactly what they see with the engine in their own thread. Answers
 * come back in the order the worker produced them; a request in flight when the thread dies fails as the
 * service's failure.
 */
import { extname, join } from 'node:path';
import { sourceWorker } from './source-worker';
import type { CollectionsSpec } from './engine';
import { EngineError, type EngineErrorCode } from './errors';
import type { ThreadAnswer, ThreadRequest } from './thread';

/** What the transport needs of an engine: one wire request answered (in this thread, or through the worker). */
export interface RequestHandler {
  handle(action: string, params: Record<string, any> | undefined): unknown;
}

export interface EngineThread extends RequestHandler {
  handle(action: string, params: Record<string, any> | undefined): Promise<unknown>;
  /** Receives the size of each committed write set (null stops it). */
  watchCommits(fn: ((written: number) => void) | null): void;
  /** Flushes and closes the engine, then ends the thread; requests after it fail. */
  close(): Promise<void>;
}

/** Starts the worker over `dataDir` with the collections applied; resolves once it serves. */
export function startEngineThread(dataDir: string, collections: CollectionsSpec): Promise<EngineThread> {
  const file = join(__dirname, `thread${extname(__filename)}`);
  const workerData = { dataDir, collections };
  const worker = sourceWorker(file, { workerData });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  let onCommit: ((written: number) => void) | null = null;
  let ended: Error | null = null;
  let closedSignal: (() => void) | null = null;
  const send = (m: ThreadRequest) => worker.postMessage(m);

  const failAll = (err: Error) => {
    ended ??= err;
    for (const p of pending.values()) p.reject(new EngineError('DATABASE_REQUEST_FAILED', err.message));
    pending.clear();
  };

  return new Promise<EngineThread>((resolveStart, rejectStart) => {
    let started = false;
    worker.on('message', (m: ThreadAnswer) => {
      switch (m.type) {
        case 'ready':
          started = true;
          resolveStart(thread);
          return;
        case 'failed':
          rejectStart(new Error(`the engine's thread could not open ${dataDir}: ${m.message}`));
          void worker.terminate();
          return;
        case 'answer':
        case 'error': {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          if (m.type === 'answer') p.resolve(m.answer);
          else p.reject(new EngineError(m.code as EngineErrorCode, m.message, m.requestId));
          return;
        }
        case 'commit':
          onCommit?.(m.written);
          return;
        case 'closed':
          closedSignal?.();
      }
    });
    worker.on('error', (err) => {
      failAll(err);
      if (!started) rejectStart(err);
    });
    worker.on('exit', (code) => {
      failAll(new Error(`the engine's thread ended (exit code ${code})`));
      closedSignal?.();
      if (!started) rejectStart(new Error(`the engine's thread ended before serving (exit code ${code})`));
    });

    const thread: EngineThread = {
      handle(action, params) {
        if (ended) return Promise.reject(new EngineError('DATABASE_REQUEST_FAILED', ended.message));
        const id = ++nextId;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          send({ type: 'request', id, action, params });
        });
      },
      watchCommits(fn) {
        onCommit = fn;
        if (!ended) send({ type: 'watchCommits', on: fn !== null });
      },
      async close() {
        if (ended) return;
        const closed = new Promise<void>((resolve) => (closedSignal = resolve));
        send({ type: 'close' });
        await closed;
        failAll(new Error('the engine is closed'));
        await worker.terminate();
      },
    };
  });
}
