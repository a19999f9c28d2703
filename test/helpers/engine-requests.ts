/**
 * The requests the local engine answers while a piece of code runs, each with what the engine read for it
 * (documents, and index keys of plans that list their candidates first): tests that assert what a call asks of
 * the database, not only what it answers.
 */
export interface EngineRequest {
  /** e.g. `getDocument`, `modifyDocument` (the wire action without `database.`) */
  action: string;
  collection: string;
  docs: number;
  keys: number;
}

/** Runs `fn` and answers the engine's requests made meanwhile, in order. */
export async function engineRequests(cloud: unknown, fn: () => Promise<void>): Promise<EngineRequest[]> {
  const engine = (cloud as { engine: { engine: any } }).engine.engine;
  const handle = engine.handle;
  const out: EngineRequest[] = [];
  engine.handle = function (action: string, params: any) {
    const before = { ...engine.store.examined };
    try {
      return handle.call(engine, action, params);
    } finally {
      const { docs, keys } = engine.store.examined;
      out.push({ action: action.replace('database.', ''), collection: params?.collectionName ?? '-', docs: docs - before.docs, keys: keys - before.keys });
    }
  };
  try {
    await fn();
  } finally {
    engine.handle = handle;
  }
  return out;
}
