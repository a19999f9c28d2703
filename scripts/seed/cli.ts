/**
 * Seeds a data folder from the command line and prints the timing and the demo accounts:
 *   npx tsx scripts/seed/cli.ts --kind demo --data-dir .data-demo [--seed 20250731] [--record seed.json] [--client]
 * The folder must be empty of staff (first start), as with `npm start`. `--record` writes the result
 * (accounts, counts, timings) as JSON, e.g. as the runtime's seed marker (tests' demo bank template).
 * Documents go through the local engine's bulk insert; `--client` sends them as add requests through
 * `cloud.database()` instead (the same stored documents, several times the work).
 * The seed runs in a worker thread with a larger young generation (see YOUNG_GENERATION_MB).
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { sourceWorker } from '../../local/engine/source-worker';
import type { SeedKind } from './index';

/**
 * Young generation of the seeding thread (three semi-spaces of a third each, so 64 MB semi-spaces against
 * node's default of 16 MB): the seed keeps ~400 MB of generated documents alive while it allocates each
 * batch's texts and index keys, and with the default size those short-lived objects outlive minor
 * collections and are copied and promoted. The demo bank: ~20% less CPU.
 */
const YOUNG_GENERATION_MB = 192;
/** Documents per SQLite transaction, which that young generation affords (visits: ~9.5 -> ~6.3 s CPU against 1000). */
const TRANSACTION_DOCS = 5000;

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Runs the seed into `--data-dir` and reports what it wrote. */
async function main(): Promise<void> {
  // Loaded here, in the worker only: the main thread just starts it (the runtime and seed modules take seconds to load).
  const { startLocalCloud } = require('../../local/runtime') as typeof import('../../local/runtime');
  const { seedDatabase, DEFAULT_SEED } = require('./index') as typeof import('./index');
  const kind = arg('kind', 'demo') as SeedKind;
  const dataDir = arg('data-dir');
  const seed = Number(arg('seed', String(DEFAULT_SEED)));
  if (kind !== 'minimal' && kind !== 'demo') throw new Error('--kind must be minimal or demo');
  if (!dataDir) throw new Error('--data-dir is required');
  const cloud = await startLocalCloud({ dataDir, seed: 'none' });
  try {
    const db = cloud.database();
    if ((await db.collection('staff').count()).total > 0) throw new Error(`${dataDir} is already seeded`);
    const started = Date.now();
    const res = await seedDatabase(db, { kind, seed, engine: process.argv.includes('--client') ? undefined : cloud.engine.engine, transactionDocs: TRANSACTION_DOCS, onProgress: (m) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${m}`) });
    console.log(`\n${res.bank}: ${Object.entries(res.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`generate ${res.timings.generateMs} ms, write ${res.timings.writeMs} ms, roll-ups ${res.timings.rollupMs} ms, total ${res.ms} ms (CPU ${res.cpuMs} ms)\n`);
    for (const a of res.accounts) console.log(`  ${a.role.padEnd(12)} ${a.openid.padEnd(18)} ${a.name}  ${a.unitName}`);
    const record = arg('record');
    if (record) writeFileSync(record, `${JSON.stringify({ kind, seed, at: new Date().toISOString(), accounts: res.accounts, counts: res.counts, ms: res.ms, cpuMs: res.cpuMs, timings: res.timings }, null, 2)}\n`);
  } finally {
    await cloud.close();
  }
}


if (isMainThread) {
  const worker = sourceWorker(__filename, { argv: process.argv.slice(2), resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  worker.on('error', (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
  worker.on('exit', (code) => {
    if (code) process.exitCode = code;
  });
} else {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
