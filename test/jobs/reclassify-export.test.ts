/**
 * Reclassification and the export as resumable jobs on the demo bank: run in small chunks, with a chunk
 * that dies midway (retried) and one whose instance is gone (taken up after its lease), they end exactly
 * where one uninterrupted run does: every merchant in the class the rule gives it, each change recorded
 * once with its task and its counters, and an XLSX with the same cells as the export made in one go.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { ACQUIRING_STATUS_LABELS, LIFECYCLE_CLASS_LABELS } from '../../shared/domain/labels';
import { acquiringStatusOn, countedFrom } from '../../shared/domain/metrics.rules';
import { useDemoBank } from '../helpers/demo-bank';
import { getDb } from '../../server/db';
import { classifyMerchant, type MonthFigures } from '../../shared/domain/lifecycle.rules';
import { countOurProducts } from '../../shared/domain/product.rules';
import { addMonths } from '../../shared/domain/period.rules';
import { foldAll, scanCollection } from '../../server/rollup';
import { loadLifecycleSettings, reclassifyJob, reclassifyParams } from '../../server/jobs/reclassify';
import { exportJob } from '../../server/jobs/export';
import { type JobDoc, type JobKind, LEASE_MS, createJob, getJob, runJob } from '../../server/jobs/runner';

const local = useDemoBank();
jest.setTimeout(1_800_000);

/**
 * The kind with a fault on one try of one chunk: `throw` after `after` transactions (the chunk dies
 * midway and is retried), `hang` there (its instance is gone; the try never ends), or `lost` (all its
 * writes done, the commit never made).
 */
function faulty<P, S>(kind: JobKind<P, S>, faults: Record<string, { mode: 'throw' | 'hang' | 'lost'; after: number }>): JobKind<P, S> {
  return {
    ...kind,
    async step(ctx) {
      // By chunk number, or by the phase its cursor names (every chunk of that phase, on that try).
      const fault = faults[`${ctx.job.chunks}:${ctx.job.attempts}`] ?? faults[`${(ctx.job.cursor as { phase?: string } | null)?.phase}:${ctx.job.attempts}`];
      if (!fault) return kind.step(ctx);
      if (fault.mode === 'lost') {
        // The chunk did all its work, then its instance died before the commit.
        await kind.step(ctx);
        throw new Error('the instance died before its commit');
      }
      let writes = 0;
      const trip = async () => {
        if (writes++ < fault.after) return;
        if (fault.mode === 'throw') throw new Error('the instance died');
        await new Promise(() => undefined);
      };
      const db = new Proxy(ctx.db, {
        get(target, key) {
          if (key === 'runTransaction') {
            return async (fn: any, times?: number) => {
              await trip();
              return target.runTransaction(fn, times);
            };
          }
          const v = (target as any)[key];
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      // The export writes no transactions: its fault trips on its first storage write instead.
      if (kind.kind === 'report') await trip();
      return kind.step({ ...ctx, db });
    },
  };
}

/** Runs a job one chunk per call, as polls would, with a dead instance's chunk taken up after its lease. */
async function runInterrupted(id: string, kinds: Record<string, JobKind>, hangAt: string | null, maxItems: number): Promise<JobDoc> {
  const db = getDb();
  let clock = Date.now();
  for (let calls = 0; calls < 10_000; calls++) {
    const job = (await getJob(db, id))!;
    if (job.status !== 'running') return job;
    if (hangAt && `${job.chunks}:${job.attempts + 1}` === hangAt && !job.lease) {
      void runJob(db, kinds, id, { budgetMs: 0, maxItems, now: () => clock });
      // Wait until the hung try holds its lease, then let time pass beyond it.
      for (let i = 0; i < 500 && !(await getJob(db, id))!.lease; i++) await new Promise((r) => setTimeout(r, 20));
      hangAt = null;
      clock += LEASE_MS + 1000;
      continue;
    }
    await runJob(db, kinds, id, { budgetMs: 0, maxItems, now: () => clock });
  }
  throw new Error('the job did not end');
}

describe('reclassification as a job on the demo bank', () => {
  const asOf = '2025-10-31';
  let ids: string[] = [];
  const expected = new Map<string, string>();
  const before = new Map<string, string>();

  beforeAll(async () => {
    const db = getDb();
    // The merchants of the branch the demo accounts work in: thousands, in grids of several leaders.
    const me = (await db.collection('staff').where({ openid: 'demo-branch' }).get()).data[0];
    const merchants: any[] = [];
    await scanCollection<any>(db, 'merchants', { unitPath: me.unitId }, null, (page) => void merchants.push(...page));
    ids = merchants.map((m) => m._id).slice(0, 1200);
    // The class rule applied directly: every merchant's transactions of the months it reads.
    const settings = await loadLifecycleSettings(db);
    const months = Array.from({ length: settings.lifecycle.abnormalBaselineMonths + 2 }, (_, i) => addMonths(asOf.slice(0, 7), -i));
    const txns = new Map<string, MonthFigures[]>();
    for (const m of months) {
      await scanCollection<any>(db, 'transactions', { month: m }, null, (page) => {
        for (const r of page) if (!txns.has(r.merchantId)) txns.set(r.merchantId, []);
        for (const r of page) txns.get(r.merchantId)!.push({ month: r.month, count: r.count, amountFen: r.amountFen, lastTxnDay: r.lastTxnDay ?? null, deviceStatus: r.deviceStatus ?? null });
      });
    }
    for (const m of merchants.filter((x) => ids.includes(x._id))) {
      const rows = (txns.get(m._id) ?? []).sort((a, b) => (a.month < b.month ? -1 : 1));
      expected.set(m._id, classifyMerchant({ acquiring: m.acquiring, ourActiveProducts: countOurProducts(m.products ?? []), months: rows }, asOf, settings.lifecycle).cls);
      before.set(m._id, m.lifecycleClass);
    }
  });

  it('in chunks, with a dying and an abandoned chunk, every merchant ends in its class, each change recorded once', async () => {
    const db = getDb();
    const changes = [...expected].filter(([id, cls]) => before.get(id) !== cls).length;
    expect(changes).toBeGreaterThan(100);
    const bankClasses = async () => (await db.collection('rollups').where({ grain: 'all', ownerType: 'unit', kind: 'bank' }).get()).data[0].c;
    await foldAll(db);
    const countsBefore = await bankClasses();
    const params = await reclassifyParams(db, { asOf, merchantIds: ids, now: new Date('2025-11-01T00:00:00Z') });
    await createJob(db, reclassifyJob, { id: 'job-reclassify-demo', params, byStaffId: null, now: new Date(), total: ids.length });
    const kinds = { reclassify: faulty(reclassifyJob, { '1:1': { mode: 'throw', after: 3 }, '3:1': { mode: 'hang', after: 2 } }) };
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const job = await runInterrupted('job-reclassify-demo', kinds, '3:1', 250);
    expect(job).toMatchObject({ status: 'done', progress: { done: ids.length, total: ids.length } });
    expect(job.chunks).toBeGreaterThanOrEqual(5);
    const byClass: Record<string, number> = {};
    for (const cls of expected.values()) byClass[cls] = (byClass[cls] ?? 0) + 1;
    expect(job.state).toEqual({ checked: ids.length, changed: changes, tasksOpened: expect.any(Number), byClass });
    // Every merchant in the class of the rule; one history record per change; one open task per new list entry.
    const now: any[] = [];
    for (let i = 0; i < ids.length; i += 500) now.push(...(await db.collection('merchants').where({ _id: db.command.in(ids.slice(i, i + 500)) }).field({ _id: true, lifecycleClass: true }).limit(1000).get()).data);
    expect(now).toHaveLength(ids.length);
    expect(now.filter((m) => m.lifecycleClass !== expected.get(m._id))).toEqual([]);
    const history = (await db.collection('classHistory').where({ day: asOf, jobId: 'job-reclassify-demo' }).count()).total;
    expect(history).toBe(changes);
    const tasks = (await db.collection('tasks').where({ jobId: 'job-reclassify-demo' }).count()).total;
    expect(tasks).toBe(job.state.tasksOpened);
    expect(tasks).toBeGreaterThan(0);
    // The bank's class counters moved by exactly the changes (the last writers' deltas folded first: their
    // instances' next calls or the timer would; the stored document is read here, not the product's merge).
    await foldAll(db);
    const countsAfter = await bankClasses();
    for (const cls of ['to-win', 'qualified', 'premium', 'abnormal', 'lost']) {
      const moved = [...expected].filter(([id, c]) => c === cls && before.get(id) !== c).length - [...expected].filter(([id, c]) => before.get(id) === cls && c !== cls).length;
      expect({ cls, delta: (countsAfter[`cls_${cls}`] ?? 0) - (countsBefore[`cls_${cls}`] ?? 0) }).toEqual({ cls, delta: moved });
    }
    // Run again: nothing changes, nothing is written twice.
    const again = await okCall(local.call('lifecycle', { action: 'reclassify', asOf, merchantIds: ids.slice(0, 1000) }, 'demo-hq'));
    expect(again).toMatchObject({ status: 'done', changed: 0, checked: 1000 });
  });
});

async function okCall(p: Promise<any>): Promise<any> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}

/** Every cell of every sheet, with the sheet's view and column formats. */
async function cells(buf: Buffer): Promise<Record<string, unknown>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as any);
  const out: Record<string, unknown> = {};
  for (const ws of wb.worksheets) {
    const rows: unknown[] = [];
    ws.eachRow({ includeEmpty: true }, (r) => void rows.push(r.values));
    out[ws.name] = { rows, views: ws.views, formats: ws.columns.map((c) => c.numFmt ?? null), widths: ws.columns.map((c) => c.width) };
  }
  return out;
}

describe('the export as a job on the demo bank', () => {
  it('in chunks, with a dying and an abandoned chunk, writes the same workbook as one uninterrupted run', async () => {
    const db = getDb();
    const me = (await db.collection('staff').where({ openid: 'demo-branch' }).get()).data[0];
    const params = { unitId: me.unitId, period: { kind: 'month' as const, start: '2025-07-01', end: '2025-07-31' } };
    await createJob(db, exportJob, { id: 'job-export-whole', params, byStaffId: null, now: new Date() });
    const whole = (await runJob(db, { report: exportJob }, 'job-export-whole', { budgetMs: 600_000 }))!;
    expect(whole.status).toBe('done');
    await createJob(db, exportJob, { id: 'job-export-chunks', params, byStaffId: null, now: new Date() });
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // A merchant chunk dies midway, one is abandoned, one and every lists chunk and the assembly die after
    // writing their pieces but before their commit: each is done again from its cursor.
    const kinds = {
      report: faulty(exportJob, {
        '2:1': { mode: 'throw', after: 0 },
        '4:1': { mode: 'hang', after: 0 },
        '6:1': { mode: 'lost', after: 0 },
        'lists:1': { mode: 'lost', after: 0 },
        'assemble:1': { mode: 'lost', after: 0 },
        'cleanup:1': { mode: 'lost', after: 0 },
      }),
    };
    const chunked = await runInterrupted('job-export-chunks', kinds, '4:1', 300);
    expect(chunked.status).toBe('done');
    expect(chunked.chunks).toBeGreaterThan(5);
    expect(chunked.state.rows).toEqual(whole.state.rows);
    expect(chunked.state.rows['商户清单']).toBe(chunked.progress.total);
    const a = await cells(local.cloud.storage.download(whole.state.fileId));
    const b = await cells(local.cloud.storage.download(chunked.state.fileId));
    expect(Object.keys(b)).toEqual(['单位汇总', '网格指标', '员工工作量', '商户清单', '生命周期名单']);
    for (const sheet of Object.keys(a)) expect({ sheet, ...(b[sheet] as object) }).toEqual({ sheet, ...(a[sheet] as object) });
    // Pieces of 300 merchants and of 4,000 make the same sheets, byte for byte.
    const za = await JSZip.loadAsync(local.cloud.storage.download(whole.state.fileId));
    const zb = await JSZip.loadAsync(local.cloud.storage.download(chunked.state.fileId));
    expect(Object.keys(zb.files)).toEqual(Object.keys(za.files));
    for (const entry of ['xl/worksheets/sheet4.xml', 'xl/worksheets/sheet5.xml', 'xl/styles.xml']) {
      expect({ entry, xml: await zb.file(entry)!.async('string') }).toEqual({ entry, xml: await za.file(entry)!.async('string') });
    }
    // The lists are staged by (list, part) and written one piece a chunk: fewer pieces than pairs to copy.
    const pairs = (st: any) => (st.parts as { l: Record<string, number> }[]).flatMap((p, n) => ['abnormal', 'lost', 'to-win'].filter((c) => p.l[c]).map((c) => `list-${c}-${n}.json.gz`));
    expect(whole.state.listed.length).toBeLessThan(pairs(whole.state).length);
    expect(whole.state.listed.map((p: { at: number }) => p.at)).toEqual([0]);
    expect(chunked.state.listed.every((p: { at: number }) => Number.isInteger(p.at))).toBe(true);
    // The staged parts are gone once the file is made.
    const staged = ['template.xlsx', 'names.json.gz', 'm-0.deflate', 'm-1.deflate', ...pairs(chunked.state), ...(chunked.state.listed as { at: number }[]).map((p) => `l-${p.at}.deflate`)];
    for (const part of staged) expect({ part, kept: local.cloud.storage.exists(`${chunked.state.prefix}${part}`) }).toEqual({ part, kept: false });
  });

  it('shows every sheet as of the period’s last day: the merchants, their acquiring, credit and class then', async () => {
    const db = getDb();
    const _ = db.command;
    const me = (await db.collection('staff').where({ openid: 'demo-branch' }).get()).data[0];
    const day = '2025-03-31';
    const params = { unitId: me.unitId, period: { kind: 'month' as const, start: '2025-03-01', end: day } };
    await createJob(db, exportJob, { id: 'job-export-march', params, byStaffId: null, now: new Date() });
    const job = (await runJob(db, { report: exportJob }, 'job-export-march', { budgetMs: 600_000 }))!;
    expect(job.status).toBe('done');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(local.cloud.storage.download(job.state.fileId) as any);
    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((r, n) => void (n > 1 && out.push((r.values as unknown[]).slice(1))));
      return out;
    };
    const list = rowsOf('商户清单');
    // The merchant list agrees with the unit's figures of that day (the summary's first row is the branch).
    const summary = rowsOf('单位汇总')[0];
    expect(list.length).toBe(summary[3]);
    expect(list.filter((r) => r[7] === '已开通').length).toBe(summary[5]);
    // The merchants, acquiring and classes of that day, read here from the records and their history.
    const merchants: any[] = [];
    await scanCollection<any>(db, 'merchants', { unitPath: me.unitId }, null, (page) => void merchants.push(...page));
    const history = new Map<string, any[]>();
    await scanCollection<any>(db, 'classHistory', { unitPath: me.unitId }, null, (page) => {
      for (const h of page) history.set(h.merchantId, [...(history.get(h.merchantId) ?? []), h]);
    });
    const then = merchants.filter((m) => {
      const from = countedFrom(m);
      return from !== null && from <= day;
    });
    expect(then.length).toBe(list.length);
    expect(then.length).toBeLessThan(merchants.length);
    const classThen = (m: any) => {
      if (m.classSince <= day) return m.lifecycleClass;
      const changes = (history.get(m._id) ?? []).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : String(a.at).localeCompare(String(b.at))));
      return changes.filter((h) => h.day <= day).pop()?.to ?? changes[0]?.from;
    };
    const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
    expect(tally(list.map((r) => String(r[11] ?? '')))).toEqual(tally(then.map((m) => LIFECYCLE_CLASS_LABELS[classThen(m) as keyof typeof LIFECYCLE_CLASS_LABELS] ?? '')));
    expect(tally(list.map((r) => String(r[7])))).toEqual(tally(then.map((m) => ACQUIRING_STATUS_LABELS[acquiringStatusOn(m, day)])));
    // Today's classes differ from March's for some merchants: the list is not today's.
    expect(then.some((m) => classThen(m) !== m.lifecycleClass)).toBe(true);
    // No credit figures were reported for March (the demo bank's credit file is July's).
    expect((await db.collection('credits').where({ month: '2025-03', merchantId: _.exists(true) }).count()).total).toBe(0);
    expect(list.every((r) => r[9] === 0 && r[10] === 0)).toBe(true);
    // The lifecycle lists are March's lists.
    const lists = rowsOf('生命周期名单');
    expect(lists.length).toBe(then.filter((m) => ['abnormal', 'lost', 'to-win'].includes(classThen(m))).length);
  });
});
