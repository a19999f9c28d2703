/**
 * `npm run bench -- seed`: the demo bank (its target: deterministic from a seed, generated in ≤ 60 s) seeded
 * into an empty data folder by the seed's command line (scripts/seed/cli.ts, the way the tests' demo bank
 * template is built), in a child process. Prints the child's wall time from spawn to exit against the
 * target, the seed's own wall and CPU time (the whole process, so the engine's checkpoint thread too) and
 * phases, the documents written and the machine's load average, since wall time on a shared machine
 * follows its load. BENCH_SEED_CLIENT=1 writes through add requests of the client instead of the engine's
 * bulk insert, for comparison.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const TARGET_S = 60;

interface SeedRecord {
  counts: Record<string, number>;
  ms: number;
  cpuMs: number;
  timings: { generateMs: number; writeMs: number; rollupMs: number };
}

/** Runs the seed benchmark. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-bench-seed-'));
  const dataDir = join(dir, 'data');
  const record = join(dir, 'seed.json');
  const viaClient = !!process.env.BENCH_SEED_CLIENT;
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const loadBefore = load();
  try {
    const cli = join(__dirname, '..', 'seed', 'cli.ts');
    const args = ['--import', 'tsx', cli, '--kind', 'demo', '--data-dir', dataDir, '--record', record, ...(viaClient ? ['--client'] : [])];
    const t0 = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`the seed exited with code ${code}`);
    const res = JSON.parse(readFileSync(record, 'utf8')) as SeedRecord;
    const docs = Object.values(res.counts).reduce((a, b) => a + b, 0);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`path: ${viaClient ? 'add requests through the client' : "the engine's bulk insert"}; load average before ${loadBefore}, after ${load()}`);
    console.log(`documents written: ${docs} (${Object.entries(res.counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    console.log(`seed: generate ${s(res.timings.generateMs)}, write ${s(res.timings.writeMs)}, roll-ups ${s(res.timings.rollupMs)}; total ${s(res.ms)} wall, ${s(res.cpuMs)} CPU (${(res.cpuMs / TARGET_S / 1000).toFixed(2)}× of target)`);
    const verdict = wall <= TARGET_S ? 'ok' : 'OVER TARGET';
    console.log(`${'demo bank seeded (process start to exit)'.padEnd(46)} wall ${wall.toFixed(1).padStart(6)} s  target ≤ ${TARGET_S} s  (${(wall / TARGET_S).toFixed(2)}× of target) ${verdict}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
