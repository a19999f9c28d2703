/**
 * `npm run bench -- import`: a large import through the local gateway while other users call it.
 *
 * 1. BENCH_IMPORT_ROWS (default 30,000) deposit rows for as many merchants, as a CSV: `start`, then
 *    `continue` until done, as the import page does. Printed: rows/s, the longest call (one invocation's
 *    steps), the most documents one transaction wrote, peak memory, the longest event-loop stall, and
 *    `/healthz` and a dashboard answered every 100 ms meanwhile (median, max).
 * 2. A 2.4 M-row CSV and a 250,000-row XLSX (both above the row cap): refused with VALIDATION; the time
 *    to refuse, peak memory and the gateway's latency meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { startGateway } from '../../local/gateway/server';
import { startLocalCloud } from '../../local/runtime';
import { rebuildRollups } from '../../server/rollup';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 30_000);
const HQ = 'bench-hq';

function call(url: string, agent: Agent, body: unknown): Promise<{ ms: number; json: any }> {
  const text = JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-wx-openid': HQ, 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ ms: performance.now() - t0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', fail);
    req.end(text);
  });
}

function healthz(url: string, agent: Agent): Promise<number> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    request(`${url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => done(performance.now() - t0));
    })
      .on('error', fail)
      .end();
  });
}

const q = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : 0);
const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

/** Samples memory and answers `/healthz` and a dashboard every 100 ms while `work` runs. */
async function watched<T>(gatewayUrl: string, work: () => Promise<T>): Promise<{ result: T; health: number[]; dash: number[]; peakRss: number; peakHeap: number; stallMs: number; ms: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const health: number[] = [];
  const dash: number[] = [];
  let peakRss = 0;
  let peakHeap = 0;
  let running = true;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const probe = (async () => {
    while (running) {
      health.push(await healthz(gatewayUrl, agent));
      dash.push((await call(`${gatewayUrl}/functions/metrics`, agent, { action: 'dashboard', unitId: 'bank', period: '2025-06', sections: [] })).ms);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  running = false;
  await probe;
  clearInterval(sampler);
  loop.disable();
  agent.destroy();
  return { result, health, dash, peakRss, peakHeap, stallMs: loop.max / 1e6, ms };
}

/** Counts the documents each committed transaction wrote, at the local engine's commit. */
function countTransactionWrites(): { max: number; count: number } {
  const stats = { max: 0, count: 0 };
  const { Transactions } = require('../../local/engine/transactions');
  const orig = Transactions.prototype.commit;
  Transactions.prototype.commit = function (id: string) {
    const t = this.get(id);
    const n = t.written.size;
    stats.max = Math.max(stats.max, n);
    stats.count++;
    return orig.call(this, id);
  };
  return stats;
}

async function xlsxRows(n: number): Promise<Buffer> {
  const ExcelJS = require('exceljs');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('存款');
  ws.addRow(['收单商户号', '月末存款余额']).commit();
  for (let i = 0; i < n; i++) ws.addRow([`BQ${String(i % 1_000_000).padStart(7, '0')}`, 1000 + (i % 97)]).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const cloud = await startLocalCloud({ dataDir: dir, functionsFrom: 'source', seed: 'none' } as any);
  const gateway = await startGateway({ cloud, port: 0, log: () => undefined, timers: false } as any);
  const tx = countTransactionWrites();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const db = cloud.database() as any;
    const G = ['bank', 'br', 'gp'];
    const grids = Array.from({ length: 20 }, (_, i) => `g${i}`);
    await db.collection('units').add({
      data: [
        { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'], area: null },
        { _id: 'br', kind: 'branch', name: '支行', parentId: 'bank', unitPath: ['bank', 'br'], area: 'city' },
        { _id: 'gp', kind: 'group', name: '组', parentId: 'br', unitPath: G, area: 'city' },
        ...grids.map((g) => ({ _id: g, kind: 'grid', name: g, parentId: 'gp', unitPath: [...G, g], area: 'city' })),
      ],
    });
    await db.collection('staff').add({ data: [{ _id: 'hq', name: '总行', role: 'hq', unitId: 'bank', unitPath: ['bank'], gridIds: [], extraUnitIds: [], openid: HQ, status: 'active', createdAt: new Date(), updatedAt: new Date() }] });
    for (let i = 0; i < ROWS; i += 1000) {
      const page = [];
      for (let j = i; j < Math.min(ROWS, i + 1000); j++) {
        const g = grids[j % grids.length];
        page.push({ _id: `b${String(j).padStart(7, '0')}`, name: `商户${j}`, gridId: g, unitPath: [...G, g], area: 'city', acquiringNo: `BQ${String(j).padStart(7, '0')}`, isComplete: true, filedAt: new Date('2024-01-05T02:00:00Z'), createdAt: new Date('2024-01-05T02:00:00Z'), acquiring: { status: 'active', since: '2024-02-01' }, lifecycleClass: 'qualified' });
      }
      await db.collection('merchants').add({ data: page });
    }
    await rebuildRollups(db);
    const lines = ['acquiringNo,balance'];
    for (let i = 0; i < ROWS; i++) lines.push(`BQ${String(i).padStart(7, '0')},${1000 + (i % 97) * 13}`);
    const fileId = cloud.storage.upload('uploads/bench-deposits.csv', Buffer.from(lines.join('\n') + '\n'));
    const calls: number[] = [];
    const fnUrl = `${gateway.url}/functions/import`;
    // Warm: each function's first call loads its code; that is start-up, not the import.
    await call(fnUrl, agent, { action: 'list' });
    await call(`${gateway.url}/functions/metrics`, agent, { action: 'dashboard', unitId: 'bank', period: '2025-06', sections: [] });
    const w = await watched(gateway.url, async () => {
      let r = await call(fnUrl, agent, { action: 'start', jobId: 'bench-import-0001', kind: 'deposits', period: '2025-06', fileId });
      calls.push(r.ms);
      while (r.json?.data?.status === 'running') {
        r = await call(fnUrl, agent, { action: 'continue', jobId: 'bench-import-0001' });
        calls.push(r.ms);
      }
      return r.json;
    });
    const job = w.result?.data;
    console.log(`import of ${ROWS.toLocaleString('en-US')} deposit rows (CSV) through the gateway: ${job?.status}, applied ${job?.applied}`);
    console.log(`  whole import            ${(w.ms / 1000).toFixed(1)} s   ${(ROWS / (w.ms / 1000)).toFixed(0)} rows/s   ${calls.length} calls, longest ${(q(calls, 1) / 1000).toFixed(1)} s`);
    console.log(`  transactions            ${tx.count}, at most ${tx.max} documents written in one`);
    console.log(`  peak memory             rss ${mb(w.peakRss)}, heap ${mb(w.peakHeap)}`);
    console.log(`  longest event-loop stall ${w.stallMs.toFixed(0)} ms`);
    console.log(`  /healthz meanwhile      median ${q(w.health, 0.5).toFixed(1)} ms, max ${q(w.health, 1).toFixed(1)} ms (${w.health.length} probes)`);
    console.log(`  dashboard meanwhile     median ${q(w.dash, 0.5).toFixed(1)} ms, max ${q(w.dash, 1).toFixed(1)} ms`);

    const bigCsv = Buffer.from('acquiringNo,balance\n' + 'BQ0000001,1000\n'.repeat(2_400_000));
    const csvId = cloud.storage.upload('uploads/bench-2.4m.csv', bigCsv);
    const c = await watched(gateway.url, () => call(fnUrl, agent, { action: 'start', jobId: 'bench-import-0002', kind: 'deposits', period: '2025-05', fileId: csvId }));
    console.log(`2.4 M-row CSV (${mb(bigCsv.length)}): ${c.result.json?.error?.code} in ${c.ms.toFixed(0)} ms; rss ${mb(c.peakRss)}, stall ${c.stallMs.toFixed(0)} ms, /healthz max ${q(c.health, 1).toFixed(1)} ms`);
    const big = await xlsxRows(250_000);
    const xlsxId = cloud.storage.upload('uploads/bench-250k.xlsx', big);
    const x = await watched(gateway.url, () => call(fnUrl, agent, { action: 'start', jobId: 'bench-import-0003', kind: 'deposits', period: '2025-05', fileId: xlsxId }));
    console.log(`250,000-row XLSX (${mb(big.length)}): ${x.result.json?.error?.code} in ${x.ms.toFixed(0)} ms; rss ${mb(x.peakRss)}, heap ${mb(x.peakHeap)}, stall ${x.stallMs.toFixed(0)} ms, /healthz max ${q(x.health, 1).toFixed(1)} ms, dashboard max ${q(x.dash, 1).toFixed(1)} ms`);
  } finally {
    agent.destroy();
    await gateway.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
