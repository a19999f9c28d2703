/**
 * `npm run bench -- seed`: the demo bank (issue 3: "deterministic from a seed, generated in ≤ 60 s") seeded
 * into an empty data folder, as a first `npm start` does. Prints wall and CPU time (this process, all
 * threads, so the engine's checkpoint thread too) against the target, each phase (generating, writing,
 * roll-ups), the documents written and the machine's load average, since wall time on a shared machine
 * follows its load. BENCH_SEED_CLIENT=1 writes through add requests of the client instead of the engine's
 * bulk insert, for comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalCloud } from '../../local/runtime';
import { seedDatabase } from '../seed';

const TARGET_S = 60;

/** Runs the seed benchmark. */
export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-bench-seed-'));
  const viaClient = !!process.env.BENCH_SEED_CLIENT;
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const loadBefore = load();
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cloud = await startLocalCloud({ dataDir, seed: 'none' });
    try {
      const res = await seedDatabase(cloud.database(), { kind: 'demo', engine: viaClient ? undefined : cloud.engine.engine });
      await cloud.close();
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const docs = Object.values(res.counts).reduce((a, b) => a + b, 0);
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`path: ${viaClient ? 'add requests through the client' : "the engine's bulk insert"}; load average before ${loadBefore}, after ${load()}`);
      console.log(`documents written: ${docs} (${Object.entries(res.counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
      console.log(`phases: generate ${s(res.timings.generateMs)}, write ${s(res.timings.writeMs)}, roll-ups ${s(res.timings.rollupMs)}; seed ${s(res.ms)} (CPU ${s(res.cpuMs)})`);
      const verdict = wall <= TARGET_S ? 'ok' : 'OVER TARGET';
      console.log(
        `${'demo bank seeded (open, seed, close)'.padEnd(46)} wall ${wall.toFixed(1).padStart(6)} s  CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1).padStart(6)} s (user ${(cpu.user / 1e6).toFixed(1)}, system ${(cpu.system / 1e6).toFixed(1)})  target ≤ ${TARGET_S} s  (${(wall / TARGET_S).toFixed(2)}× of target) ${verdict}`,
      );
    } finally {
      await cloud.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
