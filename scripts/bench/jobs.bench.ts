/**
 * `npm run bench -- jobs`: the long jobs (reclassification, the export, the roll-up rebuild and a
 * reconciliation) on the demo bank and on the same bank grown tenfold (BENCH_JOBS_SCALE, default 10:
 * every merchant copied with its transaction months, deposit and credit rows, visits and revisit marks),
 * run one chunk (step) per call as polls and the timer run them. Prints per job and scale: chunks,
 * longest chunk, total time and memory; the issue asks the longest chunk and the memory to stay flat (≤ 1.3×)
 * from 40k to 400k merchants. Works on a copy of the demo bank (scripts/bench/bank.ts: seeded first when no
 * template exists). The memory, three figures (the engine runs in this process: its objects are in all):
 * - live heap: the heap used after a full collection at the end of each chunk, the largest over the run:
 *   what the job and the engine keep from one chunk to the next. Stable from run to run (within 1 MB);
 *   the line per job lists it after each chunk.
 * - chunk end: the heap used at the end of each chunk before that collection, the largest: the live heap and
 *   one chunk's garbage not yet collected (with BENCH_JOBS_LIVE=0, of all the garbage V8 has not collected yet;
 *   the line per job then lists it for each chunk).
 * - peak heap: the largest heap used from a full collection at the start to the end, sampled as the job sends
 *   each database request (and every 20 ms when the timer gets a turn, which the in-process engine's answers
 *   rarely leave it; the count of samples is printed), and peak RSS: what a chunk reaches between two requests,
 *   garbage V8 has not collected yet included, so it follows V8's timing (the young generation grown while the
 *   tenfold copy was made) more than the job's own memory.
 * BENCH_JOBS_SNAPSHOT=N writes a heap snapshot after chunk N of each job and size (into the temp folder),
 * to compare what the two sizes retain. docs/benchmarks.md has the figures measured.
 * BENCH_JOBS_SCALES=1,10 sets the sizes run; BENCH_JOBS_STEPS=N stops each job but the export after N chunks
 * (a sample of its chunks, for a size whose whole run takes too long; the printed lines say so). The export
 * always runs to its end: its last chunks (the lifecycle lists, the file's assembly) are the ones to watch.
 * The copy grows only what the jobs run read (BENCH_JOBS_ONLY=export,reclassify grows no deposits, visits or
 * revisit marks: most of the documents), so a run of some jobs at 400k starts in a fraction of the time.
 * BENCH_JOBS_ASOF (default 2025-07-31) is the day classified, and its month the one exported and
 * reconciled; BENCH_JOBS_ONLY=reclassify,export,rebuild,reconcile runs those only.
 * BENCH_JOBS_TRACE=1 prints, per rebuild and reconciliation step, its database requests grouped by action and
 * collection: how many, their time, and what the engine read for them (documents, and index keys of plans
 * that list their candidates first): a request whose reads grow with the bank rather than the chunk shows.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { LocalRequest } from '../../local/engine';
import { runInNewContext } from 'node:vm';
import { demoBankCopy } from './bank';
import { type Trace, printTrace, traceRequests } from './calls';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const SCALE = Number(process.env.BENCH_JOBS_SCALE ?? 10);
/** The sizes run, as copies of the demo bank (default: 1 and SCALE). */
const SCALES = (process.env.BENCH_JOBS_SCALES ?? `1,${SCALE}`).split(',').map(Number);
/** At most this many chunks (steps) of each job (default: to the end); a sample when the whole run is too long. */
const MAX_STEPS = Number(process.env.BENCH_JOBS_STEPS ?? Infinity);
const AS_OF = process.env.BENCH_JOBS_ASOF ?? '2025-07-31';
const ONLY = (process.env.BENCH_JOBS_ONLY ?? 'reclassify,export,rebuild,reconcile').split(',');
const JOBS = ['reclassify', 'export', 'rebuild', 'reconcile'];
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
/** A full collection after every chunk (outside its time), to read what stays live (default on; 0: off). */
const LIVE = process.env.BENCH_JOBS_LIVE !== '0';
/** Writes a heap snapshot after this chunk of each job and size (to compare what is retained; off by default). */
const SNAPSHOT_AT = Number(process.env.BENCH_JOBS_SNAPSHOT ?? 0);

/** What stays live after each chunk: a full collection, then the heap used (the job's and the engine's memory). */
class LiveHeap {
  readonly after: number[] = [];
  /** the heap used at each chunk's end before the collection: the live heap and the garbage since the last one */
  readonly before: number[] = [];
  /** time spent in the collections and snapshots, left out of the job's total */
  ms = 0;
  constructor(private readonly label: string) {}
  /** Called after each chunk (numbered from 1). */
  chunk(n: number): void {
    this.before.push(process.memoryUsage().heapUsed);
    if (!LIVE && n !== SNAPSHOT_AT) return;
    const t = performance.now();
    collectGarbage();
    this.after.push(process.memoryUsage().heapUsed);
    if (n === SNAPSHOT_AT) console.log(`  heap snapshot after chunk ${n}: ${writeHeapSnapshot(join(tmpdir(), `jobs-${this.label.replace(/\W+/g, '-')}-${n}.heapsnapshot`))}`);
    this.ms += performance.now() - t;
  }
  get max(): number {
    return this.after.length ? Math.max(...this.after) : NaN;
  }
  get maxBefore(): number {
    return this.before.length ? Math.max(...this.before) : NaN;
  }
  print(): void {
    const mbs = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(1)).join(' ');
    // Without the collections: the heap at each chunk's end rises and falls as V8 collects.
    if (!LIVE) return void console.log(`  ${this.label}: heap at each chunk's end, no collections (MB) ${mbs(this.before)}`);
    const a = this.after;
    console.log(`  ${this.label}: live heap after each chunk (MB) ${mbs(a)}; max ${mb(this.max)}, last − first ${((a[a.length - 1] - a[0]) / 1e6).toFixed(1)} MB; before the collection at most ${mb(this.maxBefore)}`);
  }
}

/** Samples memory while `fn` runs; answers its peaks. */
async function withPeaks<T>(fn: () => Promise<T>): Promise<{ value: T; heap: number; rss: number; samples: number; young: number }> {
  collectGarbage();
  // The young generation's size then: garbage up to about half of it waits for a scavenge (V8 grows it while
  // much survives, as when the tenfold copy is made, and keeps it grown).
  const young = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? NaN;
  let heap = process.memoryUsage().heapUsed;
  let rss = process.memoryUsage().rss;
  // Sampled at every database request the job sends (and every 20 ms when the timer gets a turn, which the
  // in-process engine's answers rarely leave it): the heap a chunk reaches between two requests, garbage included.
  let samples = 0;
  const sample = () => {
    samples++;
    heap = Math.max(heap, getHeapStatistics().used_heap_size);
    rss = Math.max(rss, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 20);
  const send = LocalRequest.prototype.send;
  LocalRequest.prototype.send = function (this: LocalRequest, ...args: Parameters<typeof send>) {
    sample();
    return send.apply(this, args);
  };
  try {
    const value = await fn();
    sample();
    return { value, heap, rss, samples, young };
  } finally {
    clearInterval(timer);
    LocalRequest.prototype.send = send;
  }
}

/**
 * What each job reads of a merchant besides its file: the export its month's credit and its class history,
 * the reclassification its transaction months, the rebuild and the reconciliation every row the roll-ups
 * count (deposits, credits, visits, revisit marks).
 */
const READS: Record<string, string[]> = {
  export: ['credits', 'classHistory'],
  reclassify: ['transactions'],
  rebuild: ['deposits', 'credits', 'visits', 'rollupMarks'],
  reconcile: ['deposits', 'credits', 'visits', 'rollupMarks'],
};
/** The collections grown beside the merchants: what the jobs run read (a run of some jobs grows only those). */
const GROWN = new Set(ONLY.flatMap((j) => READS[j] ?? []));

/** Copies every merchant `copies` times (new ids, same grid), with the rows of GROWN (transactions of `months`). */
function grow(cloud: any, copies: number, months: string[]): number {
  const store = cloud.engine.engine.store;
  const sqlite = cloud.engine.engine.db;
  // Read in pages (the connection cannot write while a statement iterates), up to the last row there before
  // the copies: a page past it would read the copies themselves and copy them again, without end.
  const rows = function* (coll: string): Generator<{ doc: string }> {
    const end = (sqlite.prepare(`SELECT max(rid) AS m FROM "c:${coll}"`).get() as { m: number | null }).m ?? 0;
    const page = sqlite.prepare(`SELECT rid, doc FROM "c:${coll}" WHERE rid > ? AND rid <= ? ORDER BY rid LIMIT 5000`);
    for (let last = 0; ; ) {
      const got = page.all(last, end) as { rid: number; doc: string }[];
      if (!got.length) return;
      yield* got;
      last = got[got.length - 1].rid;
    }
  };
  const { decodeStored } = require('../../local/engine/codec');
  let n = 0;
  const batch: [string, any][] = [];
  // Each collection's documents many rows per statement, index entries sorted by key (the seed's bulk path):
  // several times faster than one insert per document on a bank of millions of rows.
  const flush = () => {
    const byColl = new Map<string, any[]>();
    for (const [coll, d] of batch) {
      const docs = byColl.get(coll);
      if (docs) docs.push(d);
      else byColl.set(coll, [d]);
    }
    sqlite.transaction(() => byColl.forEach((docs, coll) => store.insertMany(coll, docs)))();
    batch.length = 0;
  };
  for (const { doc } of rows('merchants')) {
    const m = decodeStored(doc);
    for (let k = 1; k < copies; k++) {
      // Unique keys (acquiring number, licence, mobile hash) stay unique in the copies.
      const copy = { ...m, _id: `${m._id}-x${k}`, acquiringNo: m.acquiringNo ? `${m.acquiringNo}-x${k}` : m.acquiringNo, licenceCode: null, operator: m.operator ? { ...m.operator, mobile: m.operator.mobile ? { ...m.operator.mobile, hash: `${m.operator.mobile.hash}-x${k}` } : null } : null };
      batch.push(['merchants', copy]);
      n++;
    }
    if (batch.length >= 10_000) flush();
  }
  flush();
  for (const { doc } of GROWN.has('transactions') ? rows('transactions') : []) {
    const t = decodeStored(doc);
    if (!months.includes(t.month)) continue;
    for (let k = 1; k < copies; k++) batch.push(['transactions', { ...t, _id: `${t._id}-x${k}`, merchantId: `${t.merchantId}-x${k}` }]);
    if (batch.length >= 10_000) flush();
  }
  flush();
  // What the roll-ups count of a merchant: its deposit and credit rows, visits and revisit marks; and its
  // class history (an export as of an earlier day reads the class a merchant held then).
  for (const coll of ['deposits', 'credits', 'visits', 'classHistory'].filter((c) => GROWN.has(c))) {
    for (const { doc } of rows(coll)) {
      const d = decodeStored(doc);
      if (!d.merchantId) continue;
      for (let k = 1; k < copies; k++) batch.push([coll, { ...d, _id: `${d._id}-x${k}`, merchantId: `${d.merchantId}-x${k}` }]);
      if (batch.length >= 10_000) flush();
    }
    flush();
  }
  for (const { doc } of GROWN.has('rollupMarks') ? rows('rollupMarks') : []) {
    const mk = decodeStored(doc);
    for (let k = 1; k < copies; k++) batch.push(['rollupMarks', { ...mk, _id: `${mk.merchantId}-x${k}|${mk.year}`, merchantId: `${mk.merchantId}-x${k}` }]);
    if (batch.length >= 10_000) flush();
  }
  flush();
  return n;
}

/** Runs a job to its end one chunk per call; answers the chunks, the longest one and the total time. */
async function runToEnd(runJob: any, kinds: any, id: string, live: LiveHeap, maxSteps = MAX_STEPS): Promise<{ chunks: number; longest: number; total: number; job: any }> {
  const { getDb } = require('../../server/db');
  const started = performance.now();
  let longest = 0;
  let job: any;
  const steps: { n: number; ms: number; phase: string }[] = [];
  for (;;) {
    const t = performance.now();
    const phase = String(job?.cursor?.phase ?? job?.state?.phase ?? '');
    job = await runJob(getDb(), kinds, id, { budgetMs: 0 });
    const ms = performance.now() - t;
    longest = Math.max(longest, ms);
    steps.push({ n: steps.length + 1, ms, phase });
    live.chunk(steps.length);
    if (job.status !== 'running' || job.chunks >= maxSteps) break;
  }
  // Which chunks are the longest, and in which phase they started: a phase whose chunks grow with the bank shows.
  const top = [...steps].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(`  ${id}: longest chunks ${top.map((x) => `#${x.n} ${x.ms.toFixed(0)} ms${x.phase ? ` (${x.phase})` : ''}`).join(', ')} of ${steps.length}`);
  return { chunks: job.chunks, longest, total: performance.now() - started - live.ms, job };
}

const TRACE = process.env.BENCH_JOBS_TRACE === '1';

/** Steps a roll-up job (rebuild, reconciliation) to its end as its job runs it, one step per call. */
async function stepToEnd<J>(start: J, step: (job: J) => Promise<J>, done: (job: J) => boolean, live: LiveHeap, cloud?: any): Promise<{ chunks: number; longest: number; total: number; job: J }> {
  const started = performance.now();
  let longest = 0;
  let chunks = 0;
  let job = start;
  let trace: Trace | null = null;
  const untrace = TRACE && cloud ? traceRequests(cloud, () => trace) : () => undefined;
  try {
    while (!done(job) && chunks < MAX_STEPS) {
      const t = performance.now();
      if (TRACE) trace = new Map();
      job = await step(job);
      const ms = performance.now() - t;
      longest = Math.max(longest, ms);
      chunks++;
      live.chunk(chunks);
      if (trace) printTrace(`step ${chunks}`, ms, trace);
    }
  } finally {
    untrace();
  }
  return { chunks, longest, total: performance.now() - started - live.ms, job };
}

/** Runs the jobs benchmark. */
export async function run(): Promise<void> {
  const results: Record<string, { merchants: number; longest: number; heap: number; live: number; ends: number; rss: number; chunks: number; total: number }> = {};
  for (const copies of SCALES) {
    const dir = await demoBankCopy('mg-bench-jobs-');
    try {
      const { startLocalCloud } = require('../../local/runtime');
      let cloud = await startLocalCloud({ dataDir: dir, seed: 'none', functionsFrom: 'source' });
      try {
        const { getDb } = require('../../server/db');
        const { addMonths } = require('../../shared/domain/period.rules');
        const t0 = performance.now();
        const months = Array.from({ length: 6 }, (_, i) => addMonths(AS_OF.slice(0, 7), -i));
        if (copies > 1) {
          console.log(`grew the bank by ${grow(cloud, copies, months)} merchants in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
          // The jobs start on a store opened afresh, as at the smaller size: the copy's statements and pages are not theirs.
          await cloud.close();
          cloud = await startLocalCloud({ dataDir: dir, seed: 'none', functionsFrom: 'source' });
        }
        const db = getDb();
        const merchants = (await db.collection('merchants').count()).total;
        const { createJob, runJob } = require('../../server/jobs/runner');
        if (ONLY.includes('reclassify')) {
          const { reclassifyJob, reclassifyParams } = require('../../server/jobs/reclassify');
          const params = await reclassifyParams(db, { asOf: AS_OF, now: new Date() });
          await createJob(db, reclassifyJob, { id: 'bench-reclassify', params, byStaffId: null, now: new Date(), total: merchants });
          const live = new LiveHeap(`reclassify ${merchants}`);
          const r = await withPeaks(() => runToEnd(runJob, { reclassify: reclassifyJob }, 'bench-reclassify', live));
          results[`reclassify ${merchants}`] = { merchants, longest: r.value.longest, heap: r.heap, live: live.max, ends: live.maxBefore, rss: r.rss, chunks: r.value.chunks, total: r.value.total };
          live.print();
          console.log(`reclassify ${merchants} merchants: changed ${r.value.job.state.changed}; ${r.value.chunks} chunks, longest ${r.value.longest.toFixed(0)} ms, peak heap ${mb(r.heap)} (${r.samples} samples; young generation ${mb(r.young)})${LIVE ? `, live heap ${mb(live.max)}` : ''}`);
        }
        if (ONLY.includes('export')) {
          const { exportJob } = require('../../server/jobs/export');
          const bank = (await db.collection('units').where({ kind: 'bank' }).get()).data[0];
          await createJob(db, exportJob, { id: 'bench-export', params: { unitId: bank._id, period: { kind: 'month', start: '2025-07-01', end: '2025-07-31' } }, byStaffId: null, now: new Date() });
          // Always to its end: its last chunks (the lifecycle lists, the file's assembly) are the ones that could grow.
          const live = new LiveHeap(`export ${merchants}`);
          const r = await withPeaks(() => runToEnd(runJob, { report: exportJob }, 'bench-export', live, Infinity));
          results[`export ${merchants}`] = { merchants, longest: r.value.longest, heap: r.heap, live: live.max, ends: live.maxBefore, rss: r.rss, chunks: r.value.chunks, total: r.value.total };
          live.print();
          console.log(`export ${merchants} merchants: ${r.value.chunks} chunks, longest ${r.value.longest.toFixed(0)} ms, peak heap ${mb(r.heap)} (${r.samples} samples; young generation ${mb(r.young)})${LIVE ? `, live heap ${mb(live.max)}` : ''}`);
        }
        if (ONLY.includes('rebuild')) {
          const { newRebuildJob, rebuildStep } = require('../../server/rollup');
          const live = new LiveHeap(`rebuild ${merchants}`);
          const r = await withPeaks(() => stepToEnd(newRebuildJob(), (j: any) => rebuildStep(db, j), (j: any) => j.status === 'done', live, cloud));
          results[`rebuild ${merchants}`] = { merchants, ...r.value, heap: r.heap, live: live.max, ends: live.maxBefore, rss: r.rss };
          live.print();
          console.log(`rebuild ${merchants} merchants: ${r.value.job.chunks} chunks of merchants (${r.value.chunks} steps), visits ${r.value.job.visits}, longest step ${r.value.longest.toFixed(0)} ms, peak heap ${mb(r.heap)}`);
        }
        if (ONLY.includes('reconcile')) {
          const { newReconcileJob, reconcileStep } = require('../../server/rollup');
          const range = { from: `${AS_OF.slice(0, 7)}-01`, to: AS_OF };
          const live = new LiveHeap(`reconcile ${merchants}`);
          const r = await withPeaks(() => stepToEnd(newReconcileJob(range), (j: any) => reconcileStep(db, j), (j: any) => j.phase === 'done', live, cloud));
          results[`reconcile ${merchants}`] = { merchants, ...r.value, heap: r.heap, live: live.max, ends: live.maxBefore, rss: r.rss };
          live.print();
          console.log(`reconcile ${range.from}..${range.to}, ${merchants} merchants: ${r.value.chunks} steps, ${r.value.job.checkedValues} values checked, ${r.value.job.differenceCount} differences, longest step ${r.value.longest.toFixed(0)} ms, peak heap ${mb(r.heap)}`);
        }
      } finally {
        await cloud.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (Number.isFinite(MAX_STEPS)) console.log(`a sample: each job but the export stopped after ${MAX_STEPS} chunks (steps)`);
  console.log(`${'job'.padEnd(22)} ${'chunks'.padStart(6)} ${'longest chunk'.padStart(14)} ${'total'.padStart(9)} ${'peak heap'.padStart(10)} ${'chunk end'.padStart(10)} ${'live heap'.padStart(10)} ${'peak RSS'.padStart(9)}`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(22)} ${String(r.chunks).padStart(6)} ${`${r.longest.toFixed(0)} ms`.padStart(14)} ${`${(r.total / 1000).toFixed(1)} s`.padStart(9)} ${mb(r.heap).padStart(10)} ${mb(r.ends).padStart(10)} ${(LIVE ? mb(r.live) : '-').padStart(10)} ${mb(r.rss).padStart(9)}`);
  }
  for (const job of JOBS) {
    const [small, large] = Object.entries(results).filter(([k]) => k.startsWith(job)).map(([, v]) => v);
    if (!small || !large) continue;
    const f = (a: number, b: number) => (b / a).toFixed(2);
    console.log(`${job}: ${small.merchants} → ${large.merchants} merchants: longest chunk ${f(small.longest, large.longest)}×, peak heap ${f(small.heap, large.heap)}×, chunk-end heap ${f(small.ends, large.ends)}×${LIVE ? `, live heap ${f(small.live, large.live)}×` : ''} (target ≤ 1.3×)`);
  }
}
