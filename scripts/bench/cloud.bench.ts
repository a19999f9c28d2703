/**
 * `npm run bench -- cloud`: the product as CloudBase would run it, on the strict local engine with a database
 * round trip on every request (DB_LATENCY_MS, 20 ms unless set: a deliberately pessimistic trip from a
 * function to the database). Per call it prints the database requests, the sequential depth, the most
 * documents written in one transaction and the milliseconds, against the targets: visit submit ≤ 200 ms
 * median, filing ≤ 300 ms, a dashboard ≤ 60 ms, a 20-row list page ≤ 60 ms. Then staff across the bank
 * submit visits concurrently (BENCH_CLOUD_STAFF, default 100, for BENCH_CLOUD_SECONDS, default 60):
 * failed submits, p99, and the reconciliation of the day afterwards (differences must be 0).
 * Last, head office imports a deposits file of BENCH_CLOUD_IMPORT_ROWS rows (default 30,000; 0 skips it)
 * call after call as the import page does: every call (its chunks) under 20 s, no transaction over 20
 * documents, the whole import ≤ 10 minutes, its throughput printed.
 * BENCH_CLOUD_STAFF=0 or BENCH_CLOUD_SECONDS=0 skips the concurrent run and its reconciliation.
 * BENCH_RUNS sets the timed calls per figure (default 30); BENCH_CLOUD_ONLY=<figure>,… times only those
 * figures (filing, submit, lean, full, list; a submit needs filings: it files its merchants untimed);
 * BENCH_PROFILE=<figure> writes a V8 CPU profile of that figure's timed calls to BENCH_PROFILE_DIR
 * (default: cwd); BENCH_CLOUD_TRACE=1 prints the engine's requests of the concurrent run by action and collection
 * (how many, their time in the engine, what it read), the heaviest first; it reads the engine in this thread, so
 * it needs BENCH_CLOUD_ENGINE=same. The engine runs in a thread of its own (ENGINE_THREAD=own, docs/architecture.md
 * "The local cloud"), as CloudBase's database runs off the function's CPU; BENCH_CLOUD_ENGINE=same runs it in the
 * functions' thread. Every figure prints the CPU this process spent per call (function, engine and wire together,
 * every thread), and the concurrent run how busy the functions' thread was. BENCH_CLOUD_RANKS=off makes the bank's rankings read
 * every grid's and staff member's own roll-up documents, as before the ranking documents (the serving
 * generation is marked as not having them). BENCH_DATA_DIR runs on (and keeps) that
 * data folder, seeding it when empty; otherwise the bench works on a copy of the demo bank (scripts/bench/bank.ts).
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startLocalCloud } from '../../local/runtime';
import { SEEDER } from '../seed/seeder';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { centroid } from '../../shared/domain/geo.rules';
import { toLngLat } from '../../shared/domain/merchant-file.rules';
import { storagePath } from '../../shared/domain/storage-path.rules';
import { chinaDay } from '../../shared/domain/period.rules';
import { demoBankCopy } from './bank';
import { type Trace, latencyLine, printTrace, profiled as profileSection, traceRequests } from './calls';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const STAFF = Number(process.env.BENCH_CLOUD_STAFF ?? 100);
const SECONDS = Number(process.env.BENCH_CLOUD_SECONDS ?? 60);
let LATENCY = 20;
const IMPORT_ROWS = Number(process.env.BENCH_CLOUD_IMPORT_ROWS ?? 30_000);
const ONLY = process.env.BENCH_CLOUD_ONLY ? new Set(process.env.BENCH_CLOUD_ONLY.split(',')) : null;
const timed = (figure: string) => !ONLY || ONLY.has(figure);

/** Runs `fn` under the V8 profiler when `figure` is the one BENCH_PROFILE names (profiles named cloud-<figure>-<pid>). */
const profiled = <T>(figure: string, fn: () => Promise<T>) => profileSection(figure, fn, 'cloud-');

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : NaN;
};

/** Documents written by each committed transaction, in commit order (the engine's write set at commit). */
const written: number[] = [];
/** Where the engine runs: its own thread (default), or the functions' thread (BENCH_CLOUD_ENGINE=same). */
const benchEngine = process.env.BENCH_CLOUD_ENGINE === 'same' ? 'same' : 'own';

/** Runs the cloud benchmark. */
export async function run(): Promise<void> {
  if (!process.env.DB_LATENCY_MS) process.env.DB_LATENCY_MS = '20';
  LATENCY = Number(process.env.DB_LATENCY_MS);
  const kept = process.env.BENCH_DATA_DIR;
  const dataDir = kept ?? (await demoBankCopy('mg-bench-cloud-'));
  const cloud = await startLocalCloud({ dataDir, seed: kept ? 'demo' : 'none', seeder: SEEDER, functionsFrom: 'source', engineThread: benchEngine });
  cloud.engine.watchCommits((n) => written.push(n));
  console.log(latencyLine());
  console.log(benchEngine === 'own' ? 'the engine in a thread of its own, as CloudBase\'s database is off the functions\' CPU (BENCH_CLOUD_ENGINE=same: in theirs)' : 'the engine in the functions\' thread (BENCH_CLOUD_ENGINE=same)');
  try {
    if (process.env.BENCH_CLOUD_RANKS === 'off') {
      await cloud.database().collection('rollupState').doc('main').update({ data: { ranked: [] } });
      console.log('rankings from the owners\' own roll-up documents (BENCH_CLOUD_RANKS=off)');
    }
    const outcome = async (fn: string, event: Record<string, unknown>, openid: string) => {
      const from = written.length;
      const s = performance.now();
      const out = await cloud.callDetailed(fn, event, { openid });
      const ms = performance.now() - s;
      const res = out.result as { ok: boolean; data?: any; error?: unknown };
      if (!res?.ok) throw new Error(`${fn}.${String(event.action)} failed: ${JSON.stringify(res?.error ?? res)}`);
      return { data: res.data, ms, requests: out.requests, depth: out.depth, maxTxDocs: Math.max(0, ...written.slice(from)) };
    };
    const figure = async (name: string, label: string, target: number, make: (i: number) => Promise<Awaited<ReturnType<typeof outcome>>>) => {
      if (!timed(name)) return;
      const ms: number[] = [];
      let requests = 0;
      let depth = 0;
      let docs = 0;
      // One untimed call first: the function's module is loaded and its instance warm, as in the runs that follow.
      await make(RUNS);
      const cpu = process.cpuUsage();
      await profiled(name, async () => {
        for (let i = 0; i < RUNS; i++) {
          const o = await make(i);
          ms.push(o.ms);
          requests = Math.max(requests, o.requests);
          depth = Math.max(depth, o.depth);
          docs = Math.max(docs, o.maxTxDocs);
        }
      });
      const used = process.cpuUsage(cpu);
      const cpuPerCall = (used.user + used.system) / 1000 / RUNS;
      const med = quantile(ms, 0.5);
      console.log(
        `${label.padEnd(34)} median ${med.toFixed(0).padStart(5)} ms  p95 ${quantile(ms, 0.95).toFixed(0).padStart(5)} ms  target ≤ ${target} ms (${(med / target).toFixed(2)}×) ${med <= target ? 'ok' : 'OVER TARGET'}  CPU ${cpuPerCall.toFixed(1)} ms/call  requests ≤ ${requests}, depth ≤ ${depth} (≥ ${depth * LATENCY} ms of round trips), docs per transaction ≤ ${docs}`,
      );
    };

    const me = (await outcome('user', { action: 'me' }, 'demo-marketing')).data;
    const grid = (await outcome('org', { action: 'getUnit', unitId: me.grids[0].id }, 'demo-hq')).data.unit;
    const [lng, lat] = centroid(grid.boundary);
    const at = (i: number) => ({ lng: lng + ((i % 17) - 8) * 0.00003, lat: lat + ((i % 13) - 6) * 0.00003 });
    let n = 0;
    const uid = (p: string) => `${p}-cloud-${process.pid}-${++n}`;
    // The photo is uploaded first, as the form does: filing refuses a file id with no file behind it.
    const photo = (staffId: string, i: number) => ({ fileId: cloud.storage.upload(storagePath('merchants', staffId, 'jpg', uid('p')), Buffer.from([0xff, 0xd8, 0xff, 0xd9])), takenAt: new Date().toISOString(), location: at(i), staffId });

    const filed: string[] = [];
    const file = async (i: number) => {
      const o = await outcome('merchant', {
        action: 'create',
        id: uid('m'),
        name: `云端基准店${i}`,
        location: at(i),
        address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: `${i}号`, text: `兴化市昭阳街道英武路${i}号` },
        industry: '52',
        operator: { name: '测', mobile: `136${String(30000000 + i).slice(-8)}` },
        photos: [photo(me.staffId, i)],
        products: [],
        force: true,
      }, 'demo-marketing');
      filed.push(o.data.merchant.id);
      return o;
    };
    await figure('filing', 'filing (merchant.create)', 300, (i) => file(i));
    // A submit revisits merchants filed here: without the timed filings, they are filed untimed.
    if (timed('submit') && !timed('filing')) for (let i = 0; i < Math.min(RUNS, 10); i++) await file(i);
    await figure('submit', 'visit submit (revisit, six checks)', 200, (i) => {
      const checks = CHECK_ITEMS.map((item, k) => ({ item, result: i % 2 === 0 && k === i % 6 ? 'fail' : 'pass' }));
      return outcome('visit', { action: 'submit', visitId: uid('v'), merchantId: filed[i % filed.length], type: 'revisit', location: at(i), checks }, 'demo-maintenance');
    });
    await figure('lean', 'dashboard (head office, lean)', 60, () => outcome('metrics', { action: 'dashboard', period: '2025-07', sections: [] }, 'demo-hq'));
    await figure('full', 'dashboard (head office, full)', 60, () => outcome('metrics', { action: 'dashboard', period: '2025-07' }, 'demo-hq'));
    await figure('list', '20-row list page (branch)', 60, () => outcome('merchant', { action: 'list', limit: 20 }, 'demo-branch'));

    if (STAFF > 0 && SECONDS > 0) await concurrentFigures(cloud, outcome, uid);
    if (IMPORT_ROWS > 0) await importFigures(cloud, outcome);
  } finally {
    cloud.engine.watchCommits(null);
    await cloud.close();
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Staff across the bank: field staff of many grids, bound for the benchmark, each revisiting merchants of
 * its own grid as fast as its answers come back; then the reconciliation of the day (0 differences).
 */
async function concurrentFigures(cloud: Awaited<ReturnType<typeof startLocalCloud>>, outcome: (fn: string, event: Record<string, unknown>, openid: string) => Promise<Outcome>, uid: (p: string) => string): Promise<void> {
  {
    const db = cloud.database();
    const staffRes = (await db.collection('staff').where({ role: db.command.in(['maintenance', 'member']), status: 'active' }).limit(1000).get()) as { data: any[] };
    const byGrid = new Map<string, any>();
    for (const s of staffRes.data) if (s.gridIds?.[0] && !byGrid.has(s.gridIds[0])) byGrid.set(s.gridIds[0], s);
    const team = [...byGrid.values()].slice(0, STAFF);
    const workers: { openid: string; staffId: string; merchants: { id: string; at: { lng: number; lat: number } }[] }[] = [];
    for (const [i, s] of team.entries()) {
      const openid = s.openid ?? `bench-cloud-${i}`;
      if (!s.openid) await db.collection('staff').doc(s._id).update({ data: { openid } });
      const ms = (await db.collection('merchants').where({ gridId: s.gridIds[0] }).field({ _id: true, location: true }).limit(20).get()) as { data: any[] };
      // Each visit is made at its merchant's door (a submit needs the GPS position).
      const here = ms.data.flatMap((m) => {
        const p = toLngLat(m.location);
        return p ? [{ id: m._id as string, at: { lng: p[0], lat: p[1] } }] : [];
      });
      if (here.length) workers.push({ openid, staffId: s._id, merchants: here });
    }
    console.log(`concurrent submits: ${workers.length} staff in ${workers.length} grids for ${SECONDS} s`);
    const took: number[] = [];
    let failed = 0;
    const failures = new Map<string, number>();
    const until = performance.now() + SECONDS * 1000;
    const startWritten = written.length;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    if (process.env.BENCH_CLOUD_TRACE === '1' && benchEngine === 'own') console.log('  (BENCH_CLOUD_TRACE reads the engine in this thread: run it with BENCH_CLOUD_ENGINE=same)');
    const trace: Trace | null = process.env.BENCH_CLOUD_TRACE === '1' && benchEngine === 'same' ? new Map() : null;
    const loop0 = performance.eventLoopUtilization();
    const untrace = trace ? traceRequests(cloud, () => trace) : () => undefined;
    await profiled('concurrent', () => Promise.all(
      workers.map(async (w, k) => {
        for (let i = 0; performance.now() < until; i++) {
          const s = performance.now();
          const m = w.merchants[i % w.merchants.length];
          const event = { action: 'submit', visitId: uid('c'), merchantId: m.id, type: 'revisit', location: m.at, checks: CHECK_ITEMS.map((item) => ({ item, result: (i + k) % 7 === 0 && item === 'speaker' ? 'fail' : 'pass' })) };
          // A call past the function's time limit fails like any other submit (the client sees an error).
          const res = (await cloud.call('visit', event, w.openid).catch((err: { errCode?: number; message?: string }) => ({ ok: false, error: { code: `FUNCTION ${err.errCode ?? err.message}` } }))) as { ok: boolean; error?: { code: string; reason?: string } };
          took.push(performance.now() - s);
          if (!res.ok) {
            failed++;
            const key = `${res.error?.code}/${res.error?.reason ?? ''}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        }
      }),
    ));
    untrace();
    const p99 = quantile(took, 0.99);
    // Every function instance and the engine share this one Node thread: at ~100% of a core the calls queue for it
    // (CloudBase runs each instance on its own), and the wall times are the host's queue, not the product's.
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    const loop = performance.eventLoopUtilization(loop0);
    console.log(`  this process's CPU during the run: ${(cpuShare * 100).toFixed(0)}% of one core (every thread), ${((cpu.user + cpu.system) / 1000 / Math.max(1, took.length)).toFixed(1)} ms per submit; the functions' thread busy ${(loop.utilization * 100).toFixed(0)}% of the time`);
    console.log(
      `concurrent visit submits: ${took.length} in ${SECONDS} s (${(took.length / SECONDS).toFixed(1)}/s), failed ${failed}${failed ? ` ${JSON.stringify(Object.fromEntries(failures))}` : ''}, median ${quantile(took, 0.5).toFixed(0)} ms, p90 ${quantile(took, 0.9).toFixed(0)} ms, p95 ${quantile(took, 0.95).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (target ≤ 1000 ms: ${p99 <= 1000 ? 'ok' : 'OVER TARGET'}), docs per transaction ≤ ${Math.max(0, ...written.slice(startWritten))}`,
    );
    if (trace) printTrace('the engine during the run', performance.now() - wall0, trace, 'time');
    // Reconciliation of today (the visits' day), stepped to its end: counts lost or counted twice.
    const today = chinaDay(new Date());
    let rec = (await outcome('metrics', { action: 'reconcile', from: today, to: today }, 'demo-hq')).data;
    while (rec.status === 'running') rec = (await outcome('metrics', { action: 'reconcile', jobId: rec.jobId }, 'demo-hq')).data;
    console.log(`reconciliation of ${today} after the run: ${rec.differences.length} differences (target 0: ${rec.differences.length === 0 ? 'ok' : 'DIFFERENCES'})`);
  }
}

type Outcome = { data: any; ms: number; requests: number; depth: number; maxTxDocs: number };

/**
 * Imports a deposits file of IMPORT_ROWS rows for a month without figures yet (each row a merchant of the
 * bank, by acquiring number, else by credit code), `start` then `continue` until done as the import page
 * does, and prints every call's figures and the whole import's.
 */
async function importFigures(cloud: Awaited<ReturnType<typeof startLocalCloud>>, outcome: (fn: string, event: Record<string, unknown>, openid: string) => Promise<Outcome>): Promise<void> {
  const db = cloud.database();
  const _ = db.command;
  const keys: string[] = [];
  for (let after = ''; keys.length < IMPORT_ROWS; ) {
    const page = (await db.collection('merchants').where({ _id: _.gt(after) }).field({ _id: true, acquiringNo: true, licenceCode: true }).orderBy('_id', 'asc').limit(1000).get()) as { data: any[] };
    for (const m of page.data) {
      if (m.acquiringNo) keys.push(`${m.acquiringNo},`);
      else if (m.licenceCode) keys.push(`,${m.licenceCode}`);
    }
    if (page.data.length < 1000) break;
    after = page.data[page.data.length - 1]._id;
  }
  const rows = keys.slice(0, IMPORT_ROWS);
  const csv = `acquiringNo,licenceCode,balance\n${rows.map((k, i) => `${k},${1000 + (i % 97) * 13}`).join('\n')}\n`;
  const fileId = cloud.storage.upload(`uploads/bench-cloud-deposits-${process.pid}.csv`, Buffer.from(csv));
  const jobId = `bench-import-${process.pid}`;
  const calls: Outcome[] = [];
  const started = performance.now();
  let o = await outcome('import', { action: 'start', jobId, kind: 'deposits', period: '2026-01', fileId }, 'demo-hq');
  calls.push(o);
  while (o.data.status === 'running' || o.data.status === 'awaiting-choice') {
    o = o.data.status === 'awaiting-choice'
      ? await outcome('import', { action: 'start', jobId, kind: 'deposits', period: '2026-01', fileId, mode: 'merge' }, 'demo-hq')
      : await outcome('import', { action: 'continue', jobId }, 'demo-hq');
    calls.push(o);
  }
  const total = (performance.now() - started) / 1000;
  const longest = Math.max(...calls.map((c) => c.ms));
  const docs = Math.max(...calls.map((c) => c.maxTxDocs));
  console.log(
    `import of ${rows.length.toLocaleString('en-US')} deposit rows: ${o.data.status}, applied ${o.data.applied ?? '?'}; ${total.toFixed(0)} s in all (target ≤ 600 s: ${total <= 600 ? 'ok' : 'OVER TARGET'}), ${(rows.length / total).toFixed(0)} rows/s; ${calls.length} calls, longest ${(longest / 1000).toFixed(1)} s (target < 20 s: ${longest < 20_000 ? 'ok' : 'OVER TARGET'}); requests per call ≤ ${Math.max(...calls.map((c) => c.requests))}, depth ≤ ${Math.max(...calls.map((c) => c.depth))}; docs per transaction ≤ ${docs} (target ≤ 20: ${docs <= 20 ? 'ok' : 'OVER TARGET'})`,
  );
}
