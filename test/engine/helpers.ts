/** Test harness: an in-memory engine installed under the real wx-server-sdk client. */
import { openEngine, type EngineOptions, type LocalEngine } from '../../local/engine';

export interface Harness {
  engine: LocalEngine;
  db: any;
  _: any;
  $: any;
  close(): void;
}

/**
 * The collections the engine tests use. CloudBase answers DATABASE_COLLECTION_NOT_EXIST for a collection never
 * created, on reads and writes alike, so the harness creates these first, as a deployment creates its own.
 */
export const TEST_COLLECTIONS = [
  'shops', 'account', 'merchants', 't', 'people', 'many', 'places', 'v', 'q', 'proj', 'u', 'staff', 'o', 'logins',
  'visits', 'spots', 'r', 'log', 'dups', 'k', 'x', 'a', 'b', 'c',
];

/** Opens an engine (in memory unless a folder is given), installs it, and returns wx-server-sdk's database. */
export function openHarness(dataDir = ':memory:', options: Omit<EngineOptions, 'dataDir'> = {}): Harness {
  const engine = openEngine({ dataDir, ...options });
  engine.ensureIndexes({ collections: TEST_COLLECTIONS.map((name) => ({ name })) });
  engine.install();
  const cloud = require('wx-server-sdk');
  cloud.init({ env: 'local' });
  const db = cloud.database();
  return { engine, db, _: db.command, $: db.command.aggregate, close: () => engine.close() };
}

/** The ids of a result's documents, in order. */
export function ids(res: { data: { _id: string }[] }): string[] {
  return res.data.map((d) => d._id);
}

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}
