/**
 * `npm run bench -- engine`: the local database engine on 1,000,000 documents, measured through the real
 * wx-server-sdk client. Prints figures and ratios (targets from the issue): indexed equality read ≤ 1 ms
 * median, range read of 100 documents ≤ 5 ms, each against the same query on an unindexed copy of the
 * field; single insert ≤ 1 ms median; batched inserts ≥ 20,000 docs/s; a $group over 100,000 documents ≤ 500 ms; a page of 1000 by `_id` deep in the collection;
 * paging by `_id` within one grid; a get of 1000 documents with a five-field projection against whole documents.
 * The four target figures are printed side by side with snapshot and conflict tracking off and on (on: one
 * transaction holding a snapshot stays open, so every write records its document's previous version, the most
 * tracking costs); the target is ≤ 10% apart. Off and on run interleaved in rounds (off, on, on, off, then
 * on, off, off, on) after an untimed warm-up, so load from others on a shared machine falls on both alike, and
 * the cost is the ratio of the two medians. BENCH_DOCS overrides the document count (for a quick run).
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

/** Wall-clock and CPU milliseconds of each run (CPU time shows the work when the machine is shared). */
async function timeEach(times: number, fn: (i: number) => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < times; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** A merchant-like document; `seqCopy` and `codeCopy` repeat indexed fields without an index. */
function makeDoc(i: number, withId = true): Record<string, unknown> {
  const grid = `g${i % GRIDS}`;
  return {
    ...(withId ? { _id: `m${i}` } : {}),
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
const both = (t: { wall: number; cpu: number }) => `${fmt(t.wall)} (cpu ${fmt(t.cpu)})`;
const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(44)} ${value.padStart(34)}  ${note}`);

type Timing = { wall: number; cpu: number };
/** Medians per call with tracking off and on, and their ratio (on over off). */
type Tracking = { off: Timing; on: Timing; ratio: Timing };

/**
 * Times `fn` with tracking off and on: `rounds` rounds of four blocks of `perRound` calls, off, on, on, off and
 * on, off, off, on in turn, so each mode takes each place in a round equally often and a steady change of load
 * falls on both alike; one untimed block each way first, and each round opens a fresh transaction holding a
 * snapshot (on: it records; always inside its 30 s lifetime) and makes one untimed call. The cost is the ratio
 * of the two medians.
 */
async function offAndOn(engine: ReturnType<typeof openEngine>, rounds: number, perRound: number, fn: (i: number) => Promise<unknown>): Promise<Tracking> {
  const tx = engine.engine.tx;
  const holdSnapshot = async () => {
    tx.abortAll();
    const id = tx.start();
    await engine.send('database.getDocument', { collectionName: 'bench', query: '{"_id":"m0"}', queryType: 'DOC', transactionId: id });
  };
  const runs: Record<'off' | 'on', Timing[]> = { off: [], on: [] };
  let call = 0;
  const block = async (mode: 'off' | 'on'): Promise<void> => {
    tx.tracking = mode === 'on';
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < perRound; k++) await fn(call++);
    const c = process.cpuUsage(c0);
    runs[mode].push({ wall: (performance.now() - t0) / perRound, cpu: (c.user + c.system) / 1000 / perRound });
  };
  try {
    await holdSnapshot();
    await block('off');
    await block('on');
    runs.off.length = runs.on.length = 0;
    for (let i = 0; i < rounds; i++) {
      await holdSnapshot();
      await fn(call++);
      const [a, b] = i % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const mode of [a, b, b, a]) await block(mode);
    }
  } finally {
    tx.tracking = true;
    tx.abortAll();
  }
  const pick = (m: 'off' | 'on') => ({ wall: median(runs[m].map((t) => t.wall)), cpu: median(runs[m].map((t) => t.cpu)) });
  const off = pick('off');
  const on = pick('on');
  return { off, on, ratio: { wall: on.wall / off.wall, cpu: off.cpu > 0 ? on.cpu / off.cpu : 1 } };
}

/** "off … | on …" side by side. */
const sideBySide = (t: Tracking, show: (x: Timing) => string) => `off ${show(t.off)} | on ${show(t.on)}`;
const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
/** The tracking's cost: the ratio of the medians, wall and CPU. */
const overhead = (t: Tracking) => `tracking ${pct(t.ratio.wall)} wall, ${pct(t.ratio.cpu)} cpu (target ≤ 10%)`;

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
    const load = require('node:os').loadavg()[0].toFixed(1);
    console.log(`documents: ${N.toLocaleString('en')}, data folder on ${tmpdir()}, 3 indexes (one unique); load average ${load} on ${require('node:os').cpus().length} cores`);

    // 1. Build the data set with direct batched inserts through the store (same code path as the engine's add).
    const store = engine.engine.store;
    const sqlite = engine.engine.db;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const batch = sqlite.transaction((from: number, to: number) => {
      store.insertMany('bench', Array.from({ length: to - from }, (_x, j) => makeDoc(from + j)));
    });
    for (let i = 0; i < N; i += 10_000) batch(i, Math.min(N, i + 10_000));
    const buildMs = performance.now() - t0;
    const cb = process.cpuUsage(c0);
    const buildCpu = (cb.user + cb.system) / 1000;
    line('build (direct batched inserts, 10k/txn)', `${(buildMs / 1000).toFixed(1)} s (cpu ${(buildCpu / 1000).toFixed(1)} s)`, `${Math.round(N / (buildMs / 1000)).toLocaleString('en')} docs/s (cpu ${Math.round(N / (buildCpu / 1000)).toLocaleString('en')} docs/s)`);

    const coll = db.collection('bench');
    const rnd = (k: number) => (k * 104729) % N;

    // 2. Indexed equality read against the same read on the unindexed copy of the field.
    const eqT = await offAndOn(engine, 16, 40, (i) => coll.where({ code: `C${rnd(i)}` }).get());
    const eq = eqT.on;
    const eqScan = await timeEach(3, (i) => coll.where({ codeCopy: `C${rnd(i)}` }).get());
    line('indexed equality read, median', both(eq), 'target ≤ 1 ms');
    line('  tracking off | on', sideBySide(eqT, both), overhead(eqT));
    line('  same read, unindexed field', both(eqScan), `ratio ${Math.round(eqScan.wall / eq.wall)}× (cpu ${Math.round(eqScan.cpu / Math.max(eq.cpu, 0.001))}×)`);

    // 3. Range read of 100 documents.
    const check = await coll.where({ seq: _.gte(5000).and(_.lt(5100)) }).limit(100).get();
    if (check.data.length !== Math.min(100, Math.max(0, N - 5000))) throw new Error(`range read returned ${check.data.length} documents`);
    const from = (i: number) => rnd(i) % Math.max(1, N - 100);
    const rangeT = await offAndOn(engine, 10, 10, (i) => coll.where({ seq: _.gte(from(i)).and(_.lt(from(i) + 100)) }).limit(100).get());
    const range = rangeT.on;
    const rangeScan = await timeEach(3, (i) => coll.where({ seqCopy: _.gte(from(i)).and(_.lt(from(i) + 100)) }).limit(100).get());
    line('range read of 100 docs, median', both(range), 'target ≤ 5 ms');
    line('  tracking off | on', sideBySide(rangeT, both), overhead(rangeT));
    line('  same read, unindexed field', both(rangeScan), `ratio ${Math.round(rangeScan.wall / range.wall)}× (cpu ${Math.round(rangeScan.cpu / Math.max(range.cpu, 0.001))}×)`);
    const rangeWire = await timeEach(100, (i) => engine.send('database.getDocument', { collectionName: 'bench', query: `{"seq":{"$gte":${from(i)},"$lt":${from(i) + 100}}}`, limit: 100 }));
    line('  same range read, wire request only', both(rangeWire), 'without the client (its EJSON parsing of 100 docs)');

    // 4. Equality + sort served by a compound index (a grid's newest merchants).
    const page = await timeEach(100, (i) => coll.where({ gridId: `g${i % GRIDS}` }).orderBy('createdAt', 'desc').limit(20).get());
    line('grid page (eq + orderBy desc, 20), median', both(page), '');
    const cnt = await timeEach(20, (i) => coll.where({ gridId: `g${i % GRIDS}` }).count());
    line('count of one grid (index only), median', both(cnt), '');

    // 4b. Paging by _id (where _id > last, orderBy _id, 1000 a page) deep into the collection: the primary key.
    const ids = (await coll.where({ _id: _.gte(`m${Math.floor(N * 0.9)}`) }).orderBy('_id', 'asc').limit(1).get()).data;
    let after = ids.length ? ids[0]._id : 'm';
    const idPage = await timeEach(10, async () => {
      const res = await coll.where({ _id: _.gt(after) }).orderBy('_id', 'asc').limit(1000).get();
      if (res.data.length) after = res.data[res.data.length - 1]._id;
    });
    line('page of 1000 by _id (deep), median', both(idPage), 'constant per page');

    // 4c. Paging by _id within one grid (the grid's index candidates sorted by _id in SQLite), 100 a page.
    let gridAfter = '';
    let gridPages = 0;
    const gridIdPage = await timeEach(10, async () => {
      const res = await coll.where({ gridId: 'g7', _id: _.gt(gridAfter) }).orderBy('_id', 'asc').limit(100).get();
      // Past the grid's last page, start over from its first.
      gridAfter = res.data.length === 100 ? res.data[99]._id : '';
      gridPages++;
    });
    line('page of 100 by _id within a grid, median', both(gridIdPage), `${gridPages} pages through a grid of ${Math.ceil(N / GRIDS)} documents`);

    // 4d. A projection of five top-level fields over 1000 documents (applied directly, not by the evaluator).
    const projected = await timeEach(20, (i) => coll.where({ seq: _.gte(rnd(i) % Math.max(1, N - 1000)) }).field({ code: true, gridId: true, seq: true, createdAt: true, name: true }).limit(1000).get());
    const whole = await timeEach(20, (i) => coll.where({ seq: _.gte(rnd(i) % Math.max(1, N - 1000)) }).limit(1000).get());
    line('1000 docs with a 5-field projection, median', both(projected), `whole documents: ${both(whole)}`);

    // 5. Single inserts through the client, into the indexed 1M-document collection.
    const single = await timeEach(500, (i) => coll.add({ data: makeDoc(N + i, false) }));
    line('single insert (indexed collection), median', both(single), 'target ≤ 1 ms');

    // 6. Batched inserts through the client: add({ data: [1000 docs] }).
    const batches = 10;
    const rate = (t: { wall: number; cpu: number }) => `${Math.round(1000 / (t.wall / 1000)).toLocaleString('en')}/s (cpu ${Math.round(1000 / (t.cpu / 1000)).toLocaleString('en')}/s)`;
    // 10 rounds of four batches (warm-ups included: 52 batches, 52,000 documents).
    const viaClientT = await offAndOn(engine, batches, 1, (b) => coll.add({ data: Array.from({ length: 1000 }, (_x, j) => makeDoc(N + 10_000 + b * 1000 + j, false)) }));
    const viaClient = viaClientT.on;
    line('batched insert via client (1000 per add)', rate(viaClient), 'target ≥ 20,000 docs/s');
    line('  tracking off | on', sideBySide(viaClientT, rate), overhead(viaClientT));
    const { EJSON } = require('bson');
    const wireBatches = Array.from({ length: 5 * batches + 2 }, (_x, b) => Array.from({ length: 1000 }, (_y, j) => EJSON.stringify(makeDoc(N + 100_000 + b * 1000 + j, false), { relaxed: false })));
    const viaWireT = await offAndOn(engine, batches, 1, (b) => engine.send('database.insertDocument', { collectionName: 'bench', data: wireBatches[b] }));
    line('batched insert, wire request only', rate(viaWireT.on), 'the engine\'s side (client serialisation excluded)');
    line('  tracking off | on', sideBySide(viaWireT, rate), overhead(viaWireT));

    // 7. $group over 100,000 documents.
    const groupN = Math.min(100_000, N);
    let groups = 0;
    const groupT = await offAndOn(engine, 4, 1, async () => {
      const res = await coll.aggregate()
        .match({ seq: _.lt(groupN) })
        .group({ _id: '$lifecycleClass', n: _.aggregate.sum(1), deposits: _.aggregate.sum('$depositFen') })
        .end();
      groups = res.list.length;
    });
    const group = groupT.on;
    line(`$group over ${groupN.toLocaleString('en')} docs, median`, both(group), `target ≤ 500 ms (${groups} groups)`);
    line('  tracking off | on', sideBySide(groupT, both), overhead(groupT));

    // 8. Cost of fsync per commit (durability 'full'), for comparison with the default.
    const fullDir = mkdtempSync(join(tmpdir(), 'engine-bench-full-'));
    const full = openEngine({ dataDir: fullDir, durability: 'full' });
    full.ensureIndexes({ collections: [{ name: 'x' }] });
    try {
      const fsync = await timeEach(200, (i) => full.send('database.insertDocument', { collectionName: 'x', data: [JSON.stringify({ i })] }));
      line('single insert with fsync per commit, median', both(fsync), "durability: 'full' (power-loss safe)");
    } finally {
      full.close();
      rmSync(fullDir, { recursive: true, force: true });
    }
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
