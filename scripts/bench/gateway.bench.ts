/**
 * `npm run bench -- gateway`: a function call through the local gateway over HTTP (keep-alive), against
 * the same call in process, so the gateway's own cost shows. Uses the fixture `notes` function on a
 * throwaway data folder. BENCH_CALLS sets the number of calls (default 2000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGateway } from '../../local/gateway/server';
import { startLocalCloud } from '../../local/runtime';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const FIXTURES = resolve(__dirname, '..', '..', 'test', 'fixtures');

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function post(url: string, agent: Agent, body: string): Promise<void> {
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-wx-openid': 'demo-member', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? done() : fail(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Runs the benchmark and prints median and p99 per call, and calls per second. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const cloud = await startLocalCloud({ dataDir: dir, functionsRoot: join(FIXTURES, 'cloudfunctions'), collectionsFile: join(FIXTURES, 'collections.json') });
  const gateway = await startGateway({ cloud, port: 0, log: () => undefined });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const inProcess: number[] = [];
    const overHttp: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      await cloud.call('notes', { action: 'add', id: `p${i}`, text: 'bench' }, 'demo-member');
      inProcess.push(performance.now() - t0);
    }
    const t1 = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      await post(`${gateway.url}/functions/notes`, agent, JSON.stringify({ action: 'add', id: `h${i}`, text: 'bench' }));
      overHttp.push(performance.now() - t0);
    }
    const httpSeconds = (performance.now() - t1) / 1000;
    const line = (name: string, xs: number[]) => `  ${name.padEnd(24)} median ${quantile(xs, 0.5).toFixed(2)} ms   p99 ${quantile(xs, 0.99).toFixed(2)} ms`;
    console.log(`${CALLS} writes of one document each (fixture function notes.add)`);
    console.log(line('in process (cloud.call)', inProcess));
    console.log(line('through the gateway', overHttp));
    console.log(`  gateway throughput       ${(CALLS / httpSeconds).toFixed(0)} calls/s (one connection, sequential)`);
    console.log(`  gateway overhead         ${(quantile(overHttp, 0.5) - quantile(inProcess, 0.5)).toFixed(2)} ms median`);
  } finally {
    agent.destroy();
    await gateway.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
