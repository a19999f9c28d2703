/**
 * `npm run bench -- engine`: the local database engine on 1,000,000 documents, measured through the real
 * wx-server-sdk client. Prints figures and ratios (targets from the issue): indexed equality read ≤ 1 ms
 * median, range read of 100 documents ≤ 5 ms, each against the same query on an unindexed copy of the
 * field; single insert ≤ 1 ms median; batched inserts ≥ 20,000 docs/s; a $group over 100,000 documents ≤ 500 ms.
 * BENCH_DOCS overrides the document count (for a quick run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEngine } from '../../local/engine';

const N = Number(process.env.BENCH_DOCS ?? 1_000_000);
const GRIDS = 1000;
const CLASSES = ['to-win', 'qualified', 'premium', 'abnormal', 'lost'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeEach(times: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** A merchant-like document; `seqCopy` and `codeCopy` repeat indexed fields without an index. */
function makeDoc(i: number): Record<string, unknown> {
  const grid = `g${i % GRIDS}`;
  return {
    _id: `m${i}`,
    code: `C${i}`,
    codeCopy: `C${i}`,
    seq: i,
    seqCopy: i,
    gridId: grid,
    unitPath: ['bank', `b${i % 13}`, `grp${i % 100}`, grid],
    lifecycleClass: CLASSES[i % CLASSES.length],
    depositFen: (i * 7919) % 1_000_000,
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    name: `商户${i}`,
  };
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(46)} ${value.padStart(14)}  ${note}`);

/** Runs the engine benchmark. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  const engine = openEngine({ dataDir: dir });
  try {
    engine.ensureIndexes({
      collections: [
        {
          name: 'bench',
          indexes: [
            { name: 'code_1', keys: { code: 1 }, unique: true },
            { name: 'seq_1', keys: { seq: 1 } },
            { name: 'gridId_1_createdAt_-1', keys: { gridId: 1, createdAt: -1 } },
          ],
        },
        { name: 'inserts' },
      ],
    });
    engine.install();
    const cloud = require('wx-server-sdk');
    cloud.init({ env: 'local' });
    const db = cloud.database();
    const _ = db.command;
    console.log(`documents: ${N.toLocaleString('en')}, data folder on ${tmpdir()}, 3 indexes (one unique)`);

    // 1. Build the data set with direct batched inserts through the store (same code path as the engine's add).
    const store = engine.engine.store;
    const sqlite = engine.engine.db;
    const t0 = performance.now();
    const batch = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) store.insert('bench', makeDoc(i));
    });
    for (let i = 0; i < N; i += 10_000) batch(i, Math.min(N, i + 10_000));
    const buildMs = performance.now() - t0;
    line('build (direct batched inserts, 10k/txn)', `${(buildMs / 1000).toFixed(1)} s`, `${Math.round(N / (buildMs / 1000)).toLocaleString('en')} docs/s`);

    const coll = db.collection('bench');
    const rnd = (k: number) => (k * 104729) % N;

    // 2. Indexed equality read against the same read on the unindexed copy of the field.
    const eq = median(await timeEach(300, (i) => coll.where({ code: `C${rnd(i)}` }).get()));
    const eqScan = median(await timeEach(3, (i) => coll.where({ codeCopy: `C${rnd(i)}` }).get()));
    line('indexed equality read, median', fmt(eq), `target ≤ 1 ms; unindexed ${fmt(eqScan)}; ratio ${Math.round(eqScan / eq)}×`);

    // 3. Range read of 100 documents.
    const check = await coll.where({ seq: _.gte(5000).and(_.lt(5100)) }).limit(100).get();
    if (check.data.length !== Math.min(100, Math.max(0, N - 5000))) throw new Error(`range read returned ${check.data.length} documents`);
    const range = median(await timeEach(100, (i) => { const a = rnd(i) % Math.max(1, N - 100); return coll.where({ seq: _.gte(a).and(_.lt(a + 100)) }).limit(100).get(); }));
    const rangeScan = median(await timeEach(3, (i) => { const a = rnd(i) % Math.max(1, N - 100); return coll.where({ seqCopy: _.gte(a).and(_.lt(a + 100)) }).limit(100).get(); }));
    line('range read of 100 docs, median', fmt(range), `target ≤ 5 ms; unindexed ${fmt(rangeScan)}; ratio ${Math.round(rangeScan / range)}×`);

    // 4. Equality + sort served by a compound index (a grid's newest merchants).
    const page = median(await timeEach(100, (i) => coll.where({ gridId: `g${i % GRIDS}` }).orderBy('createdAt', 'desc').limit(20).get()));
    line('grid page (eq + orderBy desc, 20), median', fmt(page), '');

    // 5. Single inserts through the client, into the indexed 1M-document collection.
    const single = median(await timeEach(500, (i) => coll.add({ data: { ...makeDoc(N + i), _id: undefined } })));
    line('single insert (indexed collection), median', fmt(single), 'target ≤ 1 ms');

    // 6. Batched inserts through the client: add({ data: [1000 docs] }).
    const batches = 20;
    const tb = performance.now();
    for (let b = 0; b < batches; b++) {
      await coll.add({ data: Array.from({ length: 1000 }, (_x, j) => ({ ...makeDoc(N + 10_000 + b * 1000 + j), _id: undefined })) });
    }
    const batchRate = (batches * 1000) / ((performance.now() - tb) / 1000);
    line('batched insert (1000 per add), throughput', `${Math.round(batchRate).toLocaleString('en')}/s`, 'target ≥ 20,000 docs/s');

    // 7. $group over 100,000 documents.
    const groupN = Math.min(100_000, N);
    let groups = 0;
    const group = median(await timeEach(3, async () => {
      const res = await coll.aggregate()
        .match({ seq: _.lt(groupN) })
        .group({ _id: '$lifecycleClass', n: _.aggregate.sum(1), deposits: _.aggregate.sum('$depositFen') })
        .end();
      groups = res.list.length;
    }));
    line(`$group over ${groupN.toLocaleString('en')} docs, median`, fmt(group), `target ≤ 500 ms (${groups} groups)`);

    // 8. Cost of fsync per commit (durability 'full'), for comparison with the default.
    const fullDir = mkdtempSync(join(tmpdir(), 'engine-bench-full-'));
    const full = openEngine({ dataDir: fullDir, durability: 'full' });
    try {
      const fsync = median(await timeEach(200, (i) => full.send('database.insertDocument', { collectionName: 'x', data: [JSON.stringify({ i })] })));
      line('single insert with fsync per commit, median', fmt(fsync), "durability: 'full' (power-loss safe)");
    } finally {
      full.close();
      rmSync(fullDir, { recursive: true, force: true });
    }
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
