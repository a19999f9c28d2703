/**
 * `npm run bench -- field`: the field workflow against the seeded demo bank (about 40,000 merchants), through
 * the real functions and the local engine. Prints figures and ratios against the issue's targets:
 * filing a merchant with duplicate check and grid placement ≤ 10 ms median; submitting a revisit ≤ 5 ms
 * median; a 20-row filtered merchant list page ≤ 10 ms median at any paging depth; a 20-row task board page
 * (a leader's group, a branch; by kind, overdue, assignee) ≤ 10 ms median at any paging depth; a search by each
 * identifier (name, street, mobile, licence code, acquiring merchant number, door plate) ≤ 10 ms median, on
 * the demo bank and on the same bank grown to 400k merchants (BENCH_SEARCH_SCALE, default 10), side by side,
 * beside the search as it was (a regular expression over name and address text, which reads every file).
 * BENCH_FIELD_ONLY=search runs the search figures alone, BENCH_FIELD_ONLY=board the task board's. The day's route: planning 60 stops (nearest neighbour
 * + 2-opt) ≤ 50 ms median, its length printed against the naive order and nearest neighbour alone, and
 * `visit.route` for the demo maintenance assistant; BENCH_FIELD_ONLY=route runs these alone. A boundary
 * edit's preview on a 300-merchant grid ≤ 100 ms median; BENCH_FIELD_ONLY=boundary runs it alone.
 * BENCH_RUNS overrides the number of timed calls per figure (default 200); BENCH_DATA_DIR keeps the seeded
 * bank in that folder and reuses it on the next run (seeding takes a while on a busy machine).
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startLocalCloud } from '../../local/runtime';
import { SEEDER } from '../seed/seeder';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { type LngLat, centroid } from '../../shared/domain/geo.rules';
import { planBoundaryEdit } from '../../shared/domain/boundary.rules';
import { toLngLat } from '../../shared/domain/merchant-file.rules';
import { nearestNeighbourOrder, planRoute, routeLength } from '../../shared/domain/route.rules';
import { storagePath } from '../../shared/domain/storage-path.rules';
import { demoBankCopy } from './bank';
import { CallCosts, latencyLine } from './calls';

/** The smallest JPEG (start and end markers): the server checks a photo's file exists, not what it shows. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const SEARCH_SCALE = Number(process.env.BENCH_SEARCH_SCALE ?? 10);
const ONLY = process.env.BENCH_FIELD_ONLY ?? '';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

function report(label: string, xs: number[], targetMs: number, cpuMsPerCall?: number, cost = ''): void {
  const med = median(xs);
  const verdict = med <= targetMs ? 'ok' : 'OVER TARGET';
  // CPU per call (this process, all threads) varies far less with the machine's load than wall time.
  const cpu = cpuMsPerCall === undefined ? '' : `  CPU ${cpuMsPerCall.toFixed(2)} ms/call`;
  console.log(
    `${label.padEnd(46)} median ${med.toFixed(2).padStart(7)} ms  p95 ${p95(xs).toFixed(2).padStart(7)} ms  target ≤ ${targetMs} ms  (${(med / targetMs).toFixed(2)}× of target) ${verdict}${cpu}${cost ? `  ${cost}` : ''}`,
  );
}

/** CPU milliseconds (user + system) this process spent since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

async function expectOk(p: Promise<any>): Promise<any> {
  const res = await p;
  if (!res?.ok) throw new Error(`call failed: ${JSON.stringify(res?.error ?? res)}`);
  return res.data;
}

/** A fixed pseudo-random sequence (mulberry32), so every run plans the same stops. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The day's route: planning 60 stops in a grid-sized square, and `visit.route` through the function. */
async function routeFigures(call: (fn: string, event: Record<string, unknown>, openid: string) => Promise<any>, centre: LngLat): Promise<void> {
  const rand = seeded(16);
  // 60 stops within about 2 km of the grid's centre, in the order a due-day list would give them.
  const stops: LngLat[] = Array.from({ length: 60 }, () => [centre[0] + (rand() - 0.5) * 0.04, centre[1] + (rand() - 0.5) * 0.036]);
  const plan: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    planRoute(centre, stops);
    plan.push(performance.now() - s);
  }
  report('route: plan 60 stops (NN + 2-opt)', plan, 50);
  const planned = planRoute(centre, stops);
  const nn = routeLength(centre, stops, nearestNeighbourOrder(centre, stops));
  console.log(
    `route of 60 stops (walking estimate): naive order ${(planned.naiveDistanceM / 1000).toFixed(1)} km, nearest neighbour ${(nn / 1000).toFixed(1)} km, with 2-opt ${(planned.distanceM / 1000).toFixed(1)} km (${((1 - planned.distanceM / planned.naiveDistanceM) * 100).toFixed(0)}% shorter than naive)`,
  );
  const action: number[] = [];
  let last: any = null;
  for (let i = 0; i < Math.min(RUNS, 50); i++) {
    const s = performance.now();
    last = await expectOk(call('visit', { action: 'route', from: { lng: centre[0], lat: centre[1] } }, 'demo-maintenance'));
    action.push(performance.now() - s);
  }
  console.log(`visit.route (demo maintenance): median ${median(action).toFixed(2)} ms, ${last.stops.length} stops, planned ${last.distanceM} m against ${last.naiveDistanceM} m in the order found`);
}

/**
 * A boundary edit's preview on a 300-merchant grid (≤ 100 ms median): the demo grid topped up to 300 located
 * merchants, its north-east point moved a third of the way further out (the grids sharing it follow), and
 * `org.previewBoundary` timed as head office; the rule alone (planBoundaryEdit) beside it.
 */
async function boundaryFigures(cloud: any, call: (fn: string, event: Record<string, unknown>, openid: string) => Promise<any>, gridId: string): Promise<void> {
  const db = cloud.database();
  const unit = (await expectOk(call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq'))).unit;
  const ring: LngLat[] = unit.boundary[0][0] === unit.boundary.at(-1)[0] && unit.boundary[0][1] === unit.boundary.at(-1)[1] ? unit.boundary.slice(0, -1) : unit.boundary;
  const [cx, cy] = centroid(ring);
  const have = (await db.collection('merchants').where({ gridId }).count()).total;
  const rand = seeded(300);
  for (let i = have; i < 300; i++) {
    // Bilinear points inside the (convex) cell.
    const u = 0.05 + rand() * 0.9;
    const v = 0.05 + rand() * 0.9;
    const [a, b, c, d] = ring;
    const lng = (1 - u) * (1 - v) * a[0] + u * (1 - v) * b[0] + u * v * c[0] + (1 - u) * v * d[0];
    const lat = (1 - u) * (1 - v) * a[1] + u * (1 - v) * b[1] + u * v * c[1] + (1 - u) * v * d[1];
    await db.collection('merchants').add({
      data: { _id: `m-bench-boundary-${i}`, name: `边界基准${i}`, gridId, unitPath: unit.unitPath, area: unit.area, location: db.Geo.Point(lng, lat), isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, createdAt: new Date(), updatedAt: new Date(), createdBy: 'bench', version: 1 },
    });
  }
  const count = (await db.collection('merchants').where({ gridId }).count()).total;
  const k = 2;
  const moved: LngLat[] = ring.map((p, i) => (i === k ? [Math.round((p[0] + (p[0] - cx) / 3) * 1e6) / 1e6, Math.round((p[1] + (p[1] - cy) / 3) * 1e6) / 1e6] : p));
  const event = { action: 'previewBoundary', unitId: gridId, boundary: moved };
  const first = await expectOk(call('org', event, 'demo-hq'));
  for (let i = 0; i < 3; i++) await call('org', event, 'demo-hq');
  const runs = Math.min(RUNS, 100);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await expectOk(call('org', event, 'demo-hq'));
    times.push(performance.now() - t);
  }
  report(`boundary preview (${count} merchants in grid)`, times, 100, cpuMs(cpu0) / runs);
  // The rule alone, on the same grids and merchants.
  const grids = (await db.collection('units').where({ kind: 'grid' }).limit(1000).get()).data.filter((g: any) => g.boundary).map((g: any) => ({ id: g._id, boundary: g.boundary }));
  grids.sort((a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1));
  const spots = (await db.collection('merchants').where({ gridId }).limit(1000).get()).data.map((m: any) => ({ id: m._id, gridId: m.gridId, location: toLngLat(m.location) }));
  const rule: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    planBoundaryEdit(gridId, moved, grids, spots);
    rule.push(performance.now() - t);
  }
  console.log(`planBoundaryEdit alone (${spots.length} merchants, ${grids.length} grids): median ${median(rule).toFixed(2)} ms; the preview moves ${first.moves.length} merchants`);
}

/** Runs the field benchmark. */
export async function run(): Promise<void> {
  const kept = process.env.BENCH_DATA_DIR;
  // A copy of the seeded demo bank (scripts/bench/bank.ts), or the kept folder, seeded on its first run.
  const dataDir = kept ?? (await demoBankCopy('mg-bench-field-'));
  const t0 = performance.now();
  const cloud = await startLocalCloud({ dataDir, seed: kept ? 'demo' : 'none', seeder: SEEDER, functionsFrom: 'source' });
  try {
    const merchants = (await cloud.database().collection('merchants').count()).total;
    // The search figures grow the bank tenfold in place: a kept folder holds the grown bank after them.
    if (kept && merchants > 100_000) throw new Error(`BENCH_DATA_DIR holds ${merchants} merchants (grown by an earlier search run): remove the folder to seed the demo bank again`);
    console.log(`demo bank ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${merchants} merchants; ${latencyLine()}`);
    const costs = new CallCosts(cloud);
    // Every call records its database requests and sequential depth under the figure it belongs to.
    let figure = 'warm-up';
    const call = (fn: string, event: Record<string, unknown>, openid: string) => costs.call(figure, fn, event, openid);

    const me = await expectOk(call('user', { action: 'me' }, 'demo-marketing'));
    const gridId = me.grids[0].id;
    const unit = await expectOk(call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq'));
    const [lng, lat] = centroid(unit.unit.boundary);
    const jitter = (i: number) => ({ lng: lng + ((i % 17) - 8) * 0.00003, lat: lat + ((i % 13) - 6) * 0.00003 });
    let n = 0;
    const uid = (p: string) => `${p}-bench-${process.pid}-${++n}`;

    // Warm the caches (settings, grid boundaries, the module graph) before timing.
    for (let i = 0; i < 5; i++) await call('merchant', { action: 'list' }, 'demo-branch');

    if (!ONLY || ONLY === 'route') {
      figure = 'route';
      await routeFigures(call, [lng, lat]);
      if (ONLY === 'route') return;
    }

    if (ONLY === 'board') {
      await boardFigures(call, (f) => (figure = f), costs);
      return;
    }

    if (!ONLY || ONLY === 'boundary') {
      figure = 'boundary';
      await boundaryFigures(cloud, call, gridId);
      if (ONLY === 'boundary') return;
    }

    if (ONLY === 'search') {
      await searchFigures(cloud, call, (f) => (figure = f), costs);
      return;
    }

    // 1. Filing: no grid given (placed by polygon), duplicate check on mobile and name nearby.
    const filing: number[] = [];
    const filed: string[] = [];
    figure = 'filing';
    const filingCpu = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const at = jitter(i);
      const event = {
        action: 'create',
        id: uid('m'),
        name: `基准测试店${i}`,
        location: at,
        address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: `${i}号`, text: `兴化市昭阳街道英武路${i}号` },
        industry: '52',
        operator: { name: '测', mobile: `137${String(20000000 + i).slice(-8)}` },
        photos: [{ fileId: cloud.storage.upload(storagePath('merchants', me.staffId, 'jpg', uid('p')), JPEG), takenAt: new Date().toISOString(), location: at, staffId: me.staffId }],
        products: [],
        force: true,
      };
      const s = performance.now();
      const data = await expectOk(call('merchant', event, 'demo-marketing'));
      filing.push(performance.now() - s);
      filed.push(data.merchant.id);
    }

    const filingCpuMs = cpuMs(filingCpu);

    // 2. Revisit with the six checks (one in six fails, opening or closing a follow-up task).
    const revisit: number[] = [];
    figure = 'revisit';
    const revisitCpu = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const failed = CHECK_ITEMS[i % 6];
      const checks = CHECK_ITEMS.map((item) => ({ item, result: i % 2 === 0 && item === failed ? 'fail' : 'pass' }));
      const event = { action: 'submit', visitId: uid('v'), merchantId: filed[i % filed.length], type: 'revisit', location: jitter(i), checks };
      const s = performance.now();
      await expectOk(call('visit', event, 'demo-maintenance'));
      revisit.push(performance.now() - s);
    }
    const revisitCpuMs = cpuMs(revisitCpu);
    report('filing (duplicate check + grid placement)', filing, 10, filingCpuMs / RUNS, costs.line('filing'));
    report('revisit submit (six checks, tasks, roll-ups)', revisit, 5, revisitCpuMs / RUNS, costs.line('revisit'));

    // 3. A 20-row filtered list page at several depths, following the cursor (head office: the whole bank).
    const filters: [string, Record<string, unknown>, string][] = [
      ['complete files', { isComplete: true }, 'demo-hq'],
      ['class to-win, industry 52', { lifecycleClass: 'to-win', industry: '52' }, 'demo-hq'],
      ['branch, holding acquiring', { productHeld: 'acquiring' }, 'demo-branch'],
    ];
    const depths = [1, 10, 50, 100];
    for (const [label, filter, who] of filters) {
      figure = `list ${label}`;
      const byDepth = new Map<number, number[]>(depths.map((d) => [d, []]));
      let reached = 0;
      // Walk the pages several times; each walk times every page at the listed depths.
      for (let walk = 0; walk < Math.max(2, Math.round(RUNS / 50)); walk++) {
        let cursor: string | undefined;
        for (let page = 1; page <= depths[depths.length - 1]; page++) {
          const s = performance.now();
          const data = await expectOk(call('merchant', { action: 'list', limit: 20, ...filter, ...(cursor ? { cursor } : {}) }, who));
          const ms = performance.now() - s;
          byDepth.get(page)?.push(ms);
          reached = Math.max(reached, page);
          cursor = data.nextCursor ?? undefined;
          if (!cursor) break;
        }
      }
      const first = median(byDepth.get(1)!);
      for (const d of depths) {
        const xs = byDepth.get(d)!;
        if (xs.length === 0) continue;
        report(`list page ${String(d).padStart(3)} (${label})`, xs, 10, undefined, d === depths[0] ? costs.line(`list ${label}`) : '');
      }
      const deepest = [...depths].reverse().find((d) => byDepth.get(d)!.length > 0)!;
      console.log(`  deepest page ${deepest} ÷ first page: ${(median(byDepth.get(deepest)!) / first).toFixed(2)}× (pages available: ${reached})`);
    }

    await boardFigures(call, (f) => (figure = f), costs);

    await searchFigures(cloud, call, (f) => (figure = f), costs);
  } finally {
    await cloud.close();
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
}

type Call = (fn: string, event: Record<string, unknown>, openid: string) => Promise<any>;

/** The task board: a 20-row page of a unit's open tasks, filtered, following the cursor, at pages 1, 5 and 10. */
async function boardFigures(call: Call, setFigure: (f: string) => void, costs: CallCosts): Promise<void> {
  const leader = await expectOk(call('user', { action: 'me' }, 'demo-leader'));
  const someone = await expectOk(call('visit', { action: 'tasks', scope: 'unit', limit: 1 }, 'demo-leader'));
  const boards: [string, Record<string, unknown>, string][] = [
    ['leader group, all open', {}, 'demo-leader'],
    ['leader group, win-back', { kind: 'win-back' }, 'demo-leader'],
    ['leader group, overdue', { overdue: true }, 'demo-leader'],
    ['leader group, one assignee', someone.items[0]?.assigneeId ? { assigneeId: someone.items[0].assigneeId } : {}, 'demo-leader'],
    ['branch, all open', {}, 'demo-branch'],
    ['branch, one grid', { unitId: leader.grids[0]?.id ?? leader.unitId }, 'demo-branch'],
  ];
  for (const [label, filter, who] of boards) {
    setFigure(`board ${label}`);
    const byDepth = new Map<number, number[]>([[1, []], [5, []], [10, []]]);
    for (let walk = 0; walk < Math.max(2, Math.round(RUNS / 20)); walk++) {
      let cursor: string | undefined;
      for (let page = 1; page <= 10; page++) {
        const s = performance.now();
        const data = await expectOk(call('visit', { action: 'tasks', scope: 'unit', limit: 20, ...filter, ...(cursor ? { cursor } : {}) }, who));
        byDepth.get(page)?.push(performance.now() - s);
        cursor = data.nextCursor ?? undefined;
        if (!cursor) break;
      }
    }
    for (const [d, xs] of byDepth) if (xs.length) report(`task board page ${String(d).padStart(2)} (${label})`, xs, 10, undefined, d === 1 ? costs.line(`board ${label}`) : '');
  }
}

/** Copies every merchant `copies - 1` times (new ids, same grid and name; identifiers made unique). */
function growMerchants(cloud: any, copies: number): number {
  const store = cloud.engine.engine.store;
  const sqlite = cloud.engine.engine.db;
  const { decodeStored } = require('../../local/engine/codec');
  const page = sqlite.prepare('SELECT rid, doc FROM "c:merchants" WHERE rid > ? ORDER BY rid LIMIT 5000');
  const originals: any[] = [];
  for (let last = 0; ; ) {
    const got = page.all(last) as { rid: number; doc: string }[];
    if (!got.length) break;
    for (const r of got) originals.push(decodeStored(r.doc));
    last = got[got.length - 1].rid;
  }
  let n = 0;
  const batch: any[] = [];
  const flush = () => {
    sqlite.transaction(() => batch.forEach((d) => store.insert('merchants', d)))();
    batch.length = 0;
  };
  for (const m of originals) {
    for (let k = 1; k < copies; k++) {
      const mobile = m.operator?.mobile ? { ...m.operator.mobile, hash: `${m.operator.mobile.hash}-x${k}` } : undefined;
      batch.push({ ...m, _id: `${m._id}-x${k}`, ...(m.acquiringNo ? { acquiringNo: `${m.acquiringNo}-x${k}` } : {}), ...(m.licenceCode ? { licenceCode: `${m.licenceCode}-x${k}` } : {}), ...(m.operator ? { operator: { ...m.operator, ...(mobile ? { mobile } : {}) } } : {}) });
      n++;
      if (batch.length >= 10_000) flush();
    }
  }
  flush();
  return n;
}

/**
 * Search by each identifier, as head office (the whole bank) and as a grid member (one grid), each text
 * taken from a merchant in the member's grid; then the same at SEARCH_SCALE× the merchants.
 */
async function searchFigures(cloud: any, call: Call, setFigure: (f: string) => void, costs: CallCosts): Promise<void> {
  const { openPi } = require('../../server/pi');
  const me = await expectOk(call('user', { action: 'me' }, 'demo-member'));
  const db = cloud.database();
  const _ = db.command;
  const sample = (await db.collection('merchants').where({ gridId: me.grids[0].id, licenceCode: _.exists(true), acquiringNo: _.exists(true), 'operator.mobile': _.exists(true) }).limit(1).get()).data[0];
  if (!sample) throw new Error('no merchant with every identifier in the member grid');
  const texts: [string, string][] = [
    ['name', sample.name],
    ['name prefix', sample.name.slice(0, 2)],
    ['street', sample.address.street],
    ['mobile', openPi(sample.operator.mobile)],
    ['licence code', sample.licenceCode],
    ['acquiring merchant number', sample.acquiringNo],
    ['door plate', sample.address.doorPlate],
    ['street and door plate', `${sample.address.street}${sample.address.doorPlate}`],
  ];
  const callers: [string, string][] = [['head office', 'demo-hq'], ['grid member', 'demo-member']];
  const runs = Math.max(20, Math.round(RUNS / 4));
  const measure = async (): Promise<Map<string, { ms: number; cpu: number }>> => {
    const out = new Map<string, { ms: number; cpu: number }>();
    // A mobile searched takes one of the caller's daily probes (100): each round is a fresh day's quota.
    await db.collection('quotas').where({ kind: 'pi-probe' }).remove();
    for (const [who, openid] of callers) {
      for (const [label, q] of texts) {
        setFigure(`search ${label}`);
        const xs: number[] = [];
        let hits = 0;
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < runs; i++) {
          const s = performance.now();
          const data = await expectOk(call('merchant', { action: 'list', limit: 20, q }, openid));
          xs.push(performance.now() - s);
          hits = data.items.length;
        }
        const cpu = cpuMs(cpu0) / runs;
        if (!['name prefix', 'street', 'door plate'].includes(label) && !(await expectOk(call('merchant', { action: 'list', limit: 50, q }, openid))).items.some((m: any) => m.id === sample._id)) {
          throw new Error(`search by ${label} did not find the merchant`);
        }
        out.set(`${who} · ${label}`, { ms: median(xs), cpu });
        console.log(`  search ${who.padEnd(12)} ${label.padEnd(28)} median ${median(xs).toFixed(2).padStart(7)} ms  CPU ${cpu.toFixed(2)} ms/call  (${hits} rows)`);
      }
      // The search as it was: a regular expression over the name and the address text (no index can serve it).
      const re = db.RegExp({ regexp: sample.name.slice(1, 3), options: 'i' });
      const scope = openid === 'demo-hq' ? [] : [{ unitPath: me.grids[0].id }];
      const xs: number[] = [];
      const cpu0 = process.cpuUsage();
      const n = Math.min(runs, 20);
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await db.collection('merchants').where(_.and([...scope, _.or([{ name: re }, { 'address.text': re }])])).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(21).get();
        xs.push(performance.now() - s);
      }
      out.set(`${who} · before: regex over name and address`, { ms: median(xs), cpu: cpuMs(cpu0) / n });
    }
    return out;
  };
  const merchants = async () => (await db.collection('merchants').count()).total;
  const small = await merchants();
  console.log(`search on the demo bank (${small} merchants):`);
  const demo = await measure();
  const t0 = performance.now();
  const added = growMerchants(cloud, SEARCH_SCALE);
  const large = await merchants();
  console.log(`grew the bank by ${added} merchants in ${((performance.now() - t0) / 1000).toFixed(0)} s; search on ${large} merchants:`);
  const big = await measure();
  // Wall time beside the CPU the call cost this process: on a loaded machine the wall time waits for a core.
  console.log(`${'search: median ms (CPU ms/call)'.padEnd(62)} ${String(small).padStart(16)} ${String(large).padStart(16)}  target`);
  const cell = (v: { ms: number; cpu: number }) => `${v.ms.toFixed(2)} (${v.cpu.toFixed(2)})`.padStart(16);
  for (const [label, v] of demo) {
    const at = big.get(label)!;
    const target = label.includes('before') ? '' : Math.max(v.ms, at.ms) <= 10 ? '≤ 10 ok' : '≤ 10 OVER TARGET';
    console.log(`${label.padEnd(62)} ${cell(v)} ${cell(at)}  ${target}`);
  }
  console.log(`  ${costs.line('search name')}`);
}
