/**
 * The seed's bulk path (the local engine's store insert) writes exactly what its add requests through the
 * client write: the same document rows in the same order, the same index entries, the same index flags.
 */
import { startLocalCloud } from '../../local/runtime';
import { encodeStored } from '../../local/engine/codec';
import { generatePiKey } from '../../server/pi';
import { generateBank, seedDatabase, storedTexts } from '../../scripts/seed';

/** Every table of the store (documents, index entries, index flags), sealed values reduced to their keyed hash. */
async function seededTables(bulk: boolean): Promise<Record<string, unknown[]>> {
  const cloud = await startLocalCloud({ dataDir: ':memory:' });
  try {
    // Small transactions on the bulk path, so a collection spans several.
    await seedDatabase(cloud.database(), { kind: 'minimal', engine: bulk ? cloud.engine.engine : undefined, transactionDocs: 7 });
    const sqlite = cloud.engine.engine.db;
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> '_collections' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const out: Record<string, unknown[]> = {};
    for (const t of tables) {
      // Documents in rid order; index entries in key order, as their SQLite index holds them (the rowids of an
      // index table's rows follow each transaction's sort, so they depend on how many documents it held).
      const cols = (sqlite.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name);
      const order = t.startsWith('ix:') ? [...cols.filter((c) => c !== 'rid'), 'rid'] : cols.includes('rid') ? ['rid'] : cols;
      const rows = sqlite.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY ${order.map((c) => `"${c}"`).join(', ')}`).all() as Record<string, unknown>[];
      // The IV of a sealed value is random by design: compare everything else.
      out[t] = rows.map((r) => JSON.stringify(r).replace(/\\"enc\\":\\"[^\\]*\\"/g, '"enc":"…"'));
    }
    return out;
  } finally {
    await cloud.close();
  }
}

describe('seed bulk path', () => {
  const configured = process.env.PI_KEY;
  beforeAll(() => {
    process.env.PI_KEY = generatePiKey();
  });
  afterAll(() => {
    if (configured === undefined) delete process.env.PI_KEY;
    else process.env.PI_KEY = configured;
  });

  it('stores the same rows and index entries as add requests through the client', async () => {
    const viaClient = await seededTables(false);
    const viaBulk = await seededTables(true);
    expect(Object.keys(viaBulk)).toEqual(Object.keys(viaClient));
    expect(viaClient['c:merchants'].length).toBeGreaterThan(0);
    for (const t of Object.keys(viaClient)) expect({ t, rows: viaBulk[t] }).toEqual({ t, rows: viaClient[t] });
  });

  it("gives every document of the demo bank the engine's own stored text", () => {
    const { data } = generateBank('demo', 20250731, (lng, lat) => ({ type: 'Point', coordinates: [lng, lat] }));
    for (const [name, all] of Object.entries(data)) {
      // Every shape of every collection, with the largest ones (deposits, visits, ...) sampled to keep the test short.
      const docs = all.length > 20_000 ? all.filter((_, i) => i % 10 === 0) : all;
      const texts = storedTexts(docs);
      const differing = docs.findIndex((d, i) => texts[i] !== encodeStored(d));
      expect({ name, differing }).toEqual({ name, differing: -1 });
    }
    // Dates went back to their own toJSON.
    expect(JSON.stringify(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });
});
