/**
 * `kill -9` during writes: the gateway (its own process, as `npm start` runs it, with the real functions over
 * the minimal bank) is killed while filings and visits are in flight. After a restart on the same data:
 * every acknowledged write is there; every write, acknowledged or not, is whole or absent (its history and
 * roll-up counters with it); re-sending every request stores nothing twice; and the reconciliation finds the
 * roll-ups equal to the records. `CRASH_ROUNDS` repeats the kill (the soak run uses more).
 */
import { randomUUID } from 'node:crypto';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';
import { SEEDER } from '../../scripts/seed/seeder';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 1);

/** The gateway as `npm start` runs it, over the minimal bank (seeded on the first start). */
function startGateway(dataDir: string): Promise<GatewayProcess> {
  return startGatewayProcess(dataDir, { env: { SEED: 'minimal', SEEDER: SEEDER, TIMERS: 'off' } });
}

async function call(url: string, fn: string, event: object, openid: string): Promise<any> {
  const res = await fetch(`${url}/functions/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
  if (res.status === 503) return { ok: false, error: { code: 'UNAVAILABLE' } };
  return res.json();
}

/** Waits until functions answer (the first start seeds the minimal bank). */
async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const me = await call(url, 'user', { action: 'me' }, 'demo-hq').catch(() => null);
    if (me?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('functions never answered');
}

const chinaToday = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);

let dataDir = '';
beforeAll(() => {
  dataDir = makeDataDir('mg-crash-');
});
afterAll(() => removeDataDir(dataDir));

it('loses no acknowledged write and leaves no half write when killed with SIGKILL mid-flight; the reconciliation then finds nothing to repair', async () => {
  let gw = await startGateway(dataDir);
  await untilReady(gw.url);
  const me = (await call(gw.url, 'user', { action: 'me' }, 'demo-marketing')).data;
  const seedRows = (await call(gw.url, 'merchant', { action: 'list', gridId: me.grids[0].id, limit: 5 }, 'demo-marketing')).data.items;
  const home = seedRows.find((r: any) => r.location)!;
  const sentFiles: Record<string, unknown>[] = [];
  const sentVisits: Record<string, unknown>[] = [];
  const acked = { files: new Set<string>(), visits: new Set<string>() };

  try {
    for (let round = 0; round < ROUNDS; round++) {
      let stop = false;
      // Four phones writing at once: filings (each with history and roll-ups) and revisits (visit, tasks, counters).
      const writer = async (lane: number) => {
        for (let i = 0; !stop; i++) {
          const n = sentFiles.length + sentVisits.length;
          if ((i + lane) % 2 === 0) {
            const file = { action: 'create', id: randomUUID(), name: `断电测试店${round}-${lane}-${i}`, gridId: home.gridId, location: home.location, industry: '52', operator: { name: '测', mobile: `137${String(30000000 + n).slice(-8)}` }, products: [], force: true };
            sentFiles.push(file);
            const res = await call(gw.url, 'merchant', file, 'demo-marketing').catch(() => null);
            if (res?.ok) acked.files.add(file.id);
          } else {
            const checks = ['app', 'real-name', 'realtime-settlement', 'payment-qr', 'stand-sign', 'speaker'].map((item, k) => ({ item, result: (i + k) % 5 === 0 ? 'fail' : 'pass' }));
            const visit = { action: 'submit', visitId: randomUUID(), merchantId: seedRows[i % seedRows.length].id, type: 'revisit', location: home.location, checks };
            sentVisits.push(visit);
            const res = await call(gw.url, 'visit', visit, 'demo-maintenance').catch(() => null);
            if (res?.ok) acked.visits.add(visit.visitId as string);
          }
        }
      };
      const lanes = [0, 1, 2, 3].map(writer);
      // Kill once a good number of writes were acknowledged, with more in flight.
      while (acked.files.size + acked.visits.size < 20 * (round + 1)) await new Promise((r) => setTimeout(r, 20));
      gw.proc.kill('SIGKILL');
      stop = true;
      await gw.exited;
      await Promise.all(lanes);
      gw = await startGateway(dataDir);
      await untilReady(gw.url);
    }

    // Every acknowledged write survived.
    for (const id of acked.files) expect((await call(gw.url, 'merchant', { action: 'get', id }, 'demo-marketing')).ok).toBe(true);
    for (const visitId of acked.visits) expect((await call(gw.url, 'visit', { action: 'get', visitId }, 'demo-maintenance')).ok).toBe(true);

    // Every write is whole or absent: a filed merchant has its 'created' history.
    for (const f of sentFiles) {
      const got = await call(gw.url, 'merchant', { action: 'get', id: f.id }, 'demo-marketing');
      if (!got.ok) continue;
      const history = await call(gw.url, 'merchant', { action: 'history', id: f.id }, 'demo-marketing');
      expect(history.data.items.filter((h: any) => h.change === 'created')).toHaveLength(1);
    }

    // Re-sending everything (what the phones' queues do) completes the rest and stores nothing twice.
    for (const f of sentFiles) {
      const res = await call(gw.url, 'merchant', f, 'demo-marketing');
      expect(res.ok).toBe(true);
      if (acked.files.has(f.id as string)) expect(res.data.isReplay).toBe(true);
    }
    for (const v of sentVisits) {
      const res = await call(gw.url, 'visit', v, 'demo-maintenance');
      expect(res.ok).toBe(true);
      if (acked.visits.has(v.visitId as string)) expect(res.data.isReplay).toBe(true);
    }

    // The roll-ups equal the records: nothing for the reconciliation to report.
    const today = chinaToday();
    const rec = await call(gw.url, 'metrics', { action: 'reconcile', from: today, to: today }, 'demo-hq');
    expect(rec.ok).toBe(true);
    expect(rec.data.checkedValues).toBeGreaterThan(0);
    expect(rec.data.differences).toEqual([]);
    expect(acked.files.size + acked.visits.size).toBeGreaterThanOrEqual(20);
  } finally {
    gw.proc.kill('SIGKILL');
    await gw.exited;
  }
}, 240000);
