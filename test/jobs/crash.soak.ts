/**
 * `kill -9` of the gateway in the middle of a job (docs/jobs.md "After a kill -9"). For each of the staged imports, the
 * roll-up rebuild and the reclassification: the real gateway runs as its own process on a data folder (as
 * `npm start` runs it, functions from source, the minimal bank, JOB_CHUNK_ITEMS=1 so that every job takes
 * several chunks, DB_LATENCY_MS so that a chunk takes as long as a database round trip makes it); the job is
 * started through the HTTP API as a screen starts it; once its progress shows some chunks done and more to
 * come, the whole process group gets SIGKILL; a new gateway on the same folder, driven only by the calls a
 * screen makes while it watches (poll, continue), finishes the job (timers off: the lifecycle timer would start
 * the day's reclassification of its own, in one run and not the other; the timers call the same continuations). Its figures are then those of an
 * uninterrupted run of the same job on a copy of the same starting data: every unit's dashboard, the
 * reconciliation (0 differences), the merchants' classes, class history and tasks, the imports' active
 * versions and row counts; and nothing is left half done (no running job, no lease, no build in progress).
 *
 * Slow by nature (a dead instance's lease must run out: 75 s for a reclassification, 120 s for an import), so it
 * runs in `npm run test:soak` (CI runs it after `npm test`).
 */
import { cpSync, rmSync } from 'node:fs';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';
import { SEEDER } from '../../scripts/seed/seeder';

/** One item a chunk, a 10 ms database round trip: each job takes several chunks of a noticeable length. */
const JOB_ENV = { JOB_CHUNK_ITEMS: '1', DB_LATENCY_MS: '10' };
/** Longest wait for a job to finish after the restart: an import's dead driver is taken over after 120 s. */
const RESUME_WITHIN_MS = 240_000;

type Gateway = GatewayProcess;

/** The gateway as `npm start` runs it, in its own process group (detached), so that the kill reaches everything it started. */
function startGateway(dataDir: string, seed: 'minimal' | 'none' = 'none'): Promise<Gateway> {
  return startGatewayProcess(dataDir, { env: { ...JOB_ENV, SEED: seed, SEEDER: SEEDER, TIMERS: 'off' }, startWithinMs: 120_000, detached: true });
}

/** SIGKILL to the gateway's whole process group: no handler runs, nothing is flushed. */
async function kill9(gw: Gateway): Promise<void> {
  process.kill(-gw.proc.pid!, 'SIGKILL');
  await gw.exited;
}

/** The orderly stop (SIGTERM: calls in flight finish, the store is flushed). */
async function stop(gw: Gateway): Promise<void> {
  if (gw.proc.exitCode !== null || gw.proc.signalCode !== null) return;
  gw.proc.kill('SIGTERM');
  await gw.exited;
}

async function call(gw: Gateway, fn: string, event: object, openid = 'demo-hq'): Promise<any> {
  const res = await fetch(`${gw.url}/functions/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
  if (res.status === 503) return { ok: false, error: { code: 'UNAVAILABLE' } };
  return res.json();
}

/** The data of an ok answer; a refusal fails the test with what the function said. */
async function ok(gw: Gateway, fn: string, event: object): Promise<any> {
  const res = await call(gw, fn, event);
  if (!res?.ok) throw new Error(`${fn}.${(event as { action: string }).action} answered ${JSON.stringify(res)}`);
  return res.data;
}

async function untilReady(gw: Gateway): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const me = await call(gw, 'user', { action: 'me' }).catch(() => null);
    if (me?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`functions never answered:\n${gw.log()}`);
}

/** Polls `probe` until `until` holds of its answer; fails with `what` and the last answer after `withinMs`. */
async function pollUntil<T>(what: string, withinMs: number, everyMs: number, probe: () => Promise<T>, until: (v: T) => boolean): Promise<T> {
  const end = Date.now() + withinMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await probe();
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${withinMs / 1000} s; last seen ${JSON.stringify(last)}`);
}

async function upload(gw: Gateway, cloudPath: string, content: string): Promise<string> {
  const res = await fetch(`${gw.url}/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': 'demo-hq' }, body: content });
  const body = (await res.json()) as { fileID?: string };
  if (!body.fileID) throw new Error(`upload of ${cloudPath} answered ${JSON.stringify(body)}`);
  return body.fileID;
}

/** `obj` less the fields that differ between two runs by their times alone. */
const without = (obj: Record<string, any>, ...keys: string[]): Record<string, any> => Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));

const chinaNow = () => new Date(Date.now() + 8 * 3600_000);
const today = () => chinaNow().toISOString().slice(0, 10);
/** The month before this one (China time): the period the import files cover. */
const lastMonth = () => {
  const d = chinaNow();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
};

/** Everything a user or an operator sees of the bank's figures, as the functions answer them. */
async function figures(gw: Gateway, importJobIds: string[]): Promise<Record<string, unknown>> {
  const units = (await ok(gw, 'org', { action: 'listUnits' })).items as { id: string; kind: string }[];
  const dashboards: Record<string, unknown> = {};
  for (const period of [today().slice(0, 4), lastMonth(), today()]) {
    for (const u of units) dashboards[`${u.kind} ${u.id} ${period}`] = await ok(gw, 'metrics', { action: 'dashboard', unitId: u.id, period });
  }
  const merchants = (await ok(gw, 'merchant', { action: 'list', limit: 50 })).items.map((m: any) => ({ id: m.id, lifecycleClass: m.lifecycleClass }));
  const imports: Record<string, unknown> = {};
  for (const jobId of importJobIds) {
    const view = await ok(gw, 'import', { action: 'get', jobId });
    // The report's file is named afresh by each run: its rows are what must agree.
    const errorReport = view.errorReportUrl ? await (await fetch(new URL(view.errorReportUrl, gw.url))).text() : null;
    imports[jobId] = { ...without(view, 'createdAt', 'finishedAt', 'errorReportUrl', 'errorReportFileId'), errorReport };
  }
  return { dashboards, merchants, imports };
}

/** The reconciliation of the import month to today: the roll-ups equal the records. */
async function reconcile(gw: Gateway): Promise<{ differences: unknown[]; checkedValues: number }> {
  let res = await ok(gw, 'metrics', { action: 'reconcile', from: `${lastMonth()}-01`, to: today() });
  res = await pollUntil('the reconciliation finishes', 120_000, 200, async () => (res.status === 'done' ? res : (res = await ok(gw, 'metrics', { action: 'reconcile', jobId: res.jobId }))), (r) => r.status === 'done');
  return { differences: res.differences, checkedValues: res.checkedValues };
}

/** What the store holds once the gateway has stopped, read directly: versions, rows, history, leftovers. */
async function storeState(dataDir: string): Promise<Record<string, unknown>> {
  const { startLocalCloud } = require('../../local/runtime') as typeof import('../../local/runtime');
  const cloud = await startLocalCloud({ dataDir, seed: 'none', functionsFrom: 'source' });
  try {
    const db = cloud.database();
    const all = async (coll: string) => {
      const out: any[] = [];
      for (let skip = 0; ; skip += 1000) {
        const page = (await db.collection(coll).skip(skip).limit(1000).get()).data as any[];
        out.push(...page);
        if (page.length < 1000) return out;
      }
    };
    const byVersion = (rows: any[]) => rows.reduce((acc: Record<string, number>, r) => ((acc[`${r.month} ${r.version ?? '(none)'}`] = (acc[`${r.month} ${r.version ?? '(none)'}`] ?? 0) + 1), acc), {});
    const classHistory = (await all('classHistory')).map((h) => `${h._id} ${h.from}>${h.to}`).sort();
    const tasks = (await all('tasks')).map((t) => `${t._id} ${t.status}`).sort();
    const jobs = await all('jobs');
    const imports = await all('imports');
    const state = (await all('rollupState')).find((s) => s._id === 'main');
    return {
      periods: (await all('importPeriods')).map((p) => without(p, 'updatedAt')).sort((a, b) => (a._id < b._id ? -1 : 1)),
      transactions: byVersion(await all('transactions')),
      deposits: byVersion(await all('deposits')),
      credits: byVersion(await all('credits')),
      classHistory,
      tasks,
      importErrors: (await all('importErrors')).map((e) => e._id).sort(),
      importStates: (await all('importStates')).length,
      unfinished: [
        ...jobs.filter((j) => j.status !== 'done' || j.lease).map((j) => `job ${j._id} ${j.status}`),
        ...imports.filter((j) => j.status !== 'done' || j.driverId || j.phase !== 'finished').map((j) => `import ${j._id} ${j.status} ${j.phase}`),
        ...(state?.builds ?? []).map((b: any) => `build ${b.id} ${b.kind}`),
      ],
    };
  } finally {
    await cloud.close();
  }
}

/** A job as a scenario drives it: started as a screen starts it, watched, and continued by the screen's calls. */
interface Scenario {
  name: string;
  importJobIds: string[];
  /** uploads, or anything else the start needs (runs on each run's own gateway) */
  prepare?(gw: Gateway): Promise<void>;
  /** the start call (its answer may never come: the gateway dies under it) */
  start(gw: Gateway): Promise<unknown>;
  /**
   * The job's progress as a screen sees it: whether it is midway (some chunks done, several to go) or done.
   * `drive`: the calls a watching screen makes, which also run the next chunks; else a read where there is one.
   */
  watch(gw: Gateway, drive: boolean, round: number): Promise<{ midway: boolean; done: boolean; seen: unknown }>;
  /** how many times the gateway is killed (default 1); `watch` says what midway is before each `round` */
  kills?: number;
  /** what must hold of the store after the run, beyond equal to the uninterrupted run's */
  checkStore?(store: Record<string, any>): void;
  /** what the finished job itself reports (its counts), without its times */
  report?(gw: Gateway): Promise<unknown>;
}

/**
 * A watch that answers within a second: a poll that finds the job's chunk free runs the next chunks itself
 * (as long as its budget allows), and the watch must go on looking meanwhile.
 */
function glance<T>(watching: Promise<T>): Promise<T | { midway: false; done: false; seen: 'busy driving' }> {
  let timer: NodeJS.Timeout | undefined;
  const busy = new Promise<{ midway: false; done: false; seen: 'busy driving' }>((r) => (timer = setTimeout(() => r({ midway: false, done: false, seen: 'busy driving' }), 1000)));
  return Promise.race([watching.catch(() => ({ midway: false as const, done: false as const, seen: 'busy driving' as const })), busy]).finally(() => clearTimeout(timer));
}

let base = '';
const folders: string[] = [];
beforeAll(async () => {
  // The starting data: the minimal bank, seeded by a first start and stopped in order.
  base = makeDataDir('mg-jobcrash-base-');
  const gw = await startGateway(base, 'minimal');
  try {
    await untilReady(gw);
  } finally {
    await stop(gw);
  }
}, 180_000);
afterAll(() => {
  for (const dir of [base, ...folders]) if (dir) removeDataDir(dir);
});

function copyOfBase(label: string): string {
  const dir = makeDataDir(`mg-jobcrash-${label}-`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(base, dir, { recursive: true });
  folders.push(dir);
  return dir;
}

async function runToEnd(s: Scenario, gw: Gateway): Promise<void> {
  await s.prepare?.(gw);
  await s.start(gw);
  await pollUntil(`${s.name} (uninterrupted) finishes`, RESUME_WITHIN_MS, 200, () => s.watch(gw, true, 0), (w) => w.done);
}

async function checkScenario(s: Scenario): Promise<void> {
  // The uninterrupted run, on a copy of the starting data.
  const refDir = copyOfBase('ref');
  let gw = await startGateway(refDir);
  let expected: Record<string, unknown>;
  let expectedRec: { differences: unknown[]; checkedValues: number };
  try {
    await untilReady(gw);
    await runToEnd(s, gw);
    expected = { ...(await figures(gw, s.importJobIds)), job: await s.report?.(gw) };
    expectedRec = await reconcile(gw);
  } finally {
    await stop(gw);
  }
  expect(expectedRec.differences).toEqual([]);
  const expectedStore = await storeState(refDir);

  // The same job on another copy, the gateway killed midway.
  const dir = copyOfBase('crash');
  gw = await startGateway(dir);
  try {
    await untilReady(gw);
    await s.prepare?.(gw);
    const started = s.start(gw).catch(() => null); // answers nothing: the gateway dies under it
    const kills = s.kills ?? 1;
    let killedAt = 0;
    for (let round = 0; round < kills; round++) {
      // The first kill lands while the start call runs the job; a later one while the screen's calls run it.
      // After a restart the screen's calls drive the job (every second, as a page does) while the test looks.
      let screening = round > 0;
      const screen = (async (g: Gateway) => {
        while (screening) {
          await s.watch(g, true, round).catch(() => null);
          await new Promise((r) => setTimeout(r, 1000));
        }
      })(gw);
      const midway = await pollUntil(`${s.name} is seen midway (kill ${round + 1})`, round === 0 ? 60_000 : RESUME_WITHIN_MS, 20, () => glance(s.watch(gw, false, round)), (w) => w.midway || w.done);
      screening = false;
      if (!midway.midway) throw new Error(`${s.name} finished before kill ${round + 1} could land midway (make its work larger): ${JSON.stringify(midway.seen)}`);
      await kill9(gw);
      await screen;
      killedAt = Date.now();
      process.stdout.write(`${s.name}: kill -9 ${round + 1} when ${JSON.stringify(midway.seen).slice(0, 400)}\n`);
      gw = await startGateway(dir);
      await untilReady(gw);
    }
    await started;
    // Only what a screen does while it watches: poll and continue, every second.
    await pollUntil(`${s.name} resumes after kill -9 and finishes`, RESUME_WITHIN_MS, 1000, () => s.watch(gw, true, kills), (w) => w.done);
    process.stdout.write(`${s.name}: finished ${Math.round((Date.now() - killedAt) / 1000)} s after the last kill\n`);
    const got = { ...(await figures(gw, s.importJobIds)), job: await s.report?.(gw) };
    const rec = await reconcile(gw);
    expect(rec.differences).toEqual([]);
    expect(rec.checkedValues).toBe(expectedRec.checkedValues);
    expect(got).toEqual(expected);
  } finally {
    if (gw.proc.exitCode === null && gw.proc.signalCode === null) await stop(gw);
  }
  const store = await storeState(dir);
  expect(store).toEqual(expectedStore);
  expect(expectedStore.unfinished).toEqual([]);
  s.checkStore?.(store);
}

// A job is midway when some of its chunks are done and several are still to go: the kill lands before its end.
const midwayOf = (done: number, total: number | null) => done >= 1 && total !== null && done <= total - 3;

it('staged imports (transactions and deposits, at once) killed midway resume and end with the figures of an uninterrupted run', async () => {
  const month = lastMonth();
  const txnJob = 'crash-import-txn';
  const depJob = 'crash-import-dep';
  // Four merchants of the minimal bank by acquiring number, the first again by its licence code (a duplicate
  // row, found across chunks), and rows no merchant matches: rejected into the error report. One row a
  // chunk: eleven chunks each.
  const txnRows = ['acquiringNo,licenceCode,count,amount,deviceStatus,lastTxnDay'];
  const depRows = ['acquiringNo,licenceCode,balance'];
  const known = [
    ['898321281000001', ''],
    ['898321281000002', ''],
    ['898321281000004', ''],
    ['898321281000006', ''],
    ['', '92321281MA1XY2K31T'],
  ];
  known.forEach(([acq, lic], i) => {
    txnRows.push(`${acq},${lic},${40 + 7 * i},"${(1200 + 311 * i).toFixed(2)}",bound,${month}-2${i}`);
    depRows.push(`${acq},${lic},"${(50_000 + 12_345 * i).toFixed(2)}"`);
  });
  for (let i = 0; i < 6; i++) {
    txnRows.push(`8983212819${String(90000 + i)},,3,"10.00",bound,${month}-10`);
    depRows.push(`8983212819${String(90000 + i)},,"10.00"`);
  }
  const fileIds: Record<string, string> = {};
  const scenario: Scenario = {
    name: 'the imports',
    importJobIds: [txnJob, depJob],
    async prepare(gw) {
      fileIds.txn = await upload(gw, `imports/${month}/${txnJob}/txn.csv`, `${txnRows.join('\n')}\n`);
      fileIds.dep = await upload(gw, `imports/${month}/${depJob}/dep.csv`, `${depRows.join('\n')}\n`);
    },
    start: (gw) =>
      Promise.all([
        call(gw, 'import', { action: 'start', jobId: txnJob, kind: 'transactions', period: month, fileId: fileIds.txn }),
        call(gw, 'import', { action: 'start', jobId: depJob, kind: 'deposits', period: month, fileId: fileIds.dep }),
      ]),
    // Killed twice: while the file is staged, and after the flip while the new version's merchants are
    // reclassified or its deposits move the roll-ups.
    kills: 2,
    async watch(gw, drive, round) {
      const views = await Promise.all([txnJob, depJob].map((jobId) => call(gw, 'import', { action: drive ? 'continue' : 'get', jobId })));
      const [txn, dep] = views.map((v) => (v.ok ? v.data : null));
      const afterFlip = (!!txn && txn.status === 'running' && txn.phase === 'reclassify') || (!!dep && dep.status === 'running' && ['count', 'flush'].includes(dep.phase));
      return {
        midway: round === 0 ? !!txn && txn.status === 'running' && txn.phase === 'stage' && midwayOf(txn.done, txn.total) : afterFlip,
        done: !!txn && !!dep && txn.status === 'done' && dep.status === 'done',
        seen: views,
      };
    },
  };
  scenario.checkStore = (store) => {
    // Each period serves the import's version, whole, and no other version of the month is left.
    for (const [kind, jobId, coll] of [['transactions', txnJob, 'transactions'], ['deposits', depJob, 'deposits']]) {
      expect(store.periods.find((p: any) => p._id === `${kind}:${month}`)).toMatchObject({ activeVersion: jobId, rows: 4 });
      expect(Object.entries(store[coll]).filter(([k]) => k.startsWith(month))).toEqual([[`${month} ${jobId}`, 4]]);
    }
    expect(store.importStates).toBe(0);
  };
  await checkScenario(scenario);
}, 900_000);

it('the roll-up rebuild killed midway resumes and ends with the figures of an uninterrupted run', async () => {
  const jobId = 'crash-rebuild';
  await checkScenario({
    name: 'the rebuild',
    importJobIds: [],
    start: (gw) => call(gw, 'metrics', { action: 'rebuild', jobId }),
    async watch(gw) {
      const res = await call(gw, 'metrics', { action: 'rebuild', jobId });
      const job = res.ok ? res.data : null;
      return { midway: !!job && job.status === 'running' && job.chunks >= 1 && job.chunks <= 3, done: job?.status === 'done', seen: res };
    },
    async report(gw) {
      const { merchants, visits, deposits } = await ok(gw, 'metrics', { action: 'rebuild', jobId });
      return { merchants, visits, deposits };
    },
  });
}, 900_000);

it('the reclassification killed midway resumes and ends with the figures of an uninterrupted run', async () => {
  const jobId = 'crash-reclassify';
  await checkScenario({
    name: 'the reclassification',
    importJobIds: [],
    start: (gw) => call(gw, 'lifecycle', { action: 'reclassify', jobId }),
    async watch(gw) {
      const res = await call(gw, 'lifecycle', { action: 'job', jobId });
      const job = res.ok ? res.data : null;
      return { midway: !!job && job.status === 'running' && midwayOf(job.progress.done, job.progress.total), done: job?.status === 'done', seen: res };
    },
    async report(gw) {
      return without(await ok(gw, 'lifecycle', { action: 'job', jobId }), 'createdAt', 'finishedAt');
    },
  });
}, 900_000);
