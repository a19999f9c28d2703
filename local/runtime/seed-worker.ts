import { parentPort, workerData } from 'node:worker_threads';
import { startLocalCloud } from './index';

/**
 * Seeds a data folder in a worker thread, so the gateway's event loop keeps answering /healthz while
 * tens of thousands of documents are generated and written. The worker opens its own engine on the
 * same SQLite file (WAL lets the gateway's connection read alongside) and writes through its engine's
 * bulk insert, exactly as an in-process seed does.
 */
async function run(): Promise<void> {
  const { dataDir, seeder, kind, seed, collectionsFile, envId } = workerData as {
    dataDir: string;
    seeder: string;
    kind: 'minimal' | 'demo';
    seed?: number;
    collectionsFile?: string;
    envId?: string;
  };
  // The worker's own engine beside it (whatever ENGINE_THREAD says): the seed writes through its bulk insert.
  const cloud = await startLocalCloud({ dataDir, seeder, collectionsFile, envId, functionsRoot: dataDir, engineThread: 'same' });
  try {
    const result = await cloud.seedIfEmpty(kind, { seed, onProgress: (message) => parentPort?.postMessage({ type: 'progress', message }) });
    parentPort?.postMessage({ type: 'done', result });
  } finally {
    await cloud.close();
  }
}

run().catch((err) => parentPort?.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
