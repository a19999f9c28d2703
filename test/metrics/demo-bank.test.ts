/**
 * The metrics functions on the seeded demo bank (seeded once for this file): the reference figures of
 * docs/domain.md §1 computed by the metrics function, a grid leader's drill-down to a staff member's workload,
 * scope between branches, the XLSX export read back, and reconciliation on correct data.
 */
import ExcelJS from 'exceljs';
import { useDemoBank } from '../helpers/demo-bank';
import { chinaDay, chinaMinuteOfDay } from '../../shared/domain/period.rules';
import { RECLASSIFY_FROM_HOUR } from '../../cloudfunctions/lifecycle';

const local = useDemoBank();
// Seeding the 40,000-merchant demo bank takes about a minute on an idle machine, much longer on a busy one.
jest.setTimeout(1_800_000);

const pct1 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
const bn2 = (fen: number) => Math.round(fen / 1e9) / 100; // fen → ¥ bn, 2 decimals

async function ok(res: Promise<any>): Promise<any> {
  const r = await res;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}

describe('demo bank dashboards', () => {
  it('the head-office dashboard for 31 July 2025 shows the reference figures', async () => {
    const d = await ok(local.call('metrics', { action: 'dashboard', period: '2025-07-31' }, 'demo-hq'));
    expect(d.scope.kind).toBe('bank');
    expect(d.figures.acquiring).toBe(30678);
    expect(d.change.acquiring.sinceJanuary).toBe(3018);
    expect(bn2(d.figures.depositsFen)).toBe(1.93);
    expect(bn2(d.change.depositsFen.sinceJanuary)).toBe(0.18);
    expect(d.figures.creditGranted).toBe(9221);
    expect(d.figures.creditDrawing).toBe(6771);
    expect(bn2(d.figures.loansOutstandingFen)).toBe(3.54);
    expect(d.figures.sweepFiled).toBe(27511);
    expect(pct1(d.figures.grantRate)).toBe(30.1);
    expect(pct1(d.figures.usageRate)).toBe(73.4);
    expect(d.children).toHaveLength(13);
    expect(d.trend).toHaveLength(12);
    expect(d.trend[11]).toMatchObject({ month: '2025-07', acquiring: 30678 });
    expect(d.rankings.grids.length).toBeGreaterThan(0);
    // The children add up to the bank.
    const sum = d.children.reduce((a: number, c: any) => a + c.figures.acquiring, 0);
    expect(sum).toBe(30678);
  });

  it('9 city and 4 township branches', async () => {
    const units = await ok(local.call('org', { action: 'listUnits' }, 'demo-hq')).catch(() => null);
    const list: any[] = units?.items ?? (await local.cloud.database().collection('units').where({ kind: 'branch' }).get()).data;
    const branches = list.filter((u) => u.kind === 'branch');
    expect(branches.filter((b) => b.area === 'city')).toHaveLength(9);
    expect(branches.filter((b) => b.area === 'township')).toHaveLength(4);
  });

  it('city grids: 6,416 acquiring at 52.5% coverage, from 2,106 at 21.1% at filing start', async () => {
    const now = await ok(local.call('metrics', { action: 'dashboard', area: 'city', period: '2025-07-31', sections: [] }, 'demo-hq'));
    const start = await ok(local.call('metrics', { action: 'dashboard', area: 'city', period: '2021-12-31', sections: [] }, 'demo-hq'));
    expect(now.figures.acquiring).toBe(6416);
    expect(pct1(now.figures.coverage)).toBe(52.5);
    expect(start.figures.acquiring).toBe(2106);
    expect(pct1(start.figures.coverage)).toBe(21.1);
    expect(pct1(now.figures.coverage)! - pct1(start.figures.coverage)!).toBeCloseTo(31.4, 5);
  });

  it('城北菜场: 132 merchants at 90% coverage', async () => {
    const db = local.cloud.database();
    const market = (await db.collection('markets').where({ name: '城北菜场' }).get()).data[0];
    const d = await ok(local.call('metrics', { action: 'dashboard', marketId: market._id, period: '2025-07-31', sections: [] }, 'demo-hq'));
    expect(d.figures.merchants).toBe(132);
    expect(pct1(d.figures.coverage)).toBe(90);
  });

  it('a grid leader drills from its group to a grid to a staff member’s monthly workload', async () => {
    const group = await ok(local.call('metrics', { action: 'dashboard', period: '2025-07' }, 'demo-leader'));
    expect(group.scope.kind).toBe('group');
    expect(group.children.length).toBeGreaterThan(0);
    const gridRow = group.children.find((c: any) => c.kind === 'grid' && c.figures.visitsTotal > 0) ?? group.children[0];
    const grid = await ok(local.call('metrics', { action: 'dashboard', unitId: gridRow.id, period: '2025-07' }, 'demo-leader'));
    expect(grid.scope.id).toBe(gridRow.id);
    expect(grid.figures.acquiring).toBe(gridRow.figures.acquiring);
    expect(grid.children.every((c: any) => c.type === 'staff')).toBe(true);
    const team = await ok(local.call('metrics', { action: 'workload', unitId: gridRow.id, period: '2025-07' }, 'demo-leader'));
    expect(team.team.rows.length).toBeGreaterThan(0);
    const member = team.team.rows[0];
    const w = await ok(local.call('metrics', { action: 'workload', staffId: member.staffId, period: '2025-07' }, 'demo-leader'));
    expect(w.staff.grain).toBe('day');
    expect(w.staff.rows).toHaveLength(31);
    expect(w.staff.totals.total).toBe(member.total);
    expect(w.staff.rows.reduce((a: number, r: any) => a + r.total, 0)).toBe(member.total);
    const year = await ok(local.call('metrics', { action: 'workload', staffId: member.staffId, period: '2025' }, 'demo-leader'));
    expect(year.staff.grain).toBe('month');
    expect(year.staff.rows.find((r: any) => r.key === '2025-07').total).toBe(member.total);
  });

  it('a branch cannot see another branch’s dashboard or export it; a field role cannot see the bank', async () => {
    const db = local.cloud.database();
    const me = (await db.collection('staff').where({ openid: 'demo-branch' }).get()).data[0];
    const other = (await db.collection('units').where({ kind: 'branch' }).get()).data.find((u: any) => u._id !== me.unitId);
    const dash = await local.call('metrics', { action: 'dashboard', unitId: other._id, period: '2025-07' }, 'demo-branch');
    expect(dash.ok).toBe(false);
    expect(dash.error.code).toBe('FORBIDDEN');
    const exp = await local.call('export', { action: 'start', jobId: 'job-other-branch-1', unitId: other._id, period: '2025-07' }, 'demo-branch');
    expect(exp.error.code).toBe('FORBIDDEN');
    const own = await ok(local.call('metrics', { action: 'dashboard', period: '2025-07', sections: [] }, 'demo-branch'));
    expect(own.scope.id).toBe(me.unitId);
    const bank = (await db.collection('units').where({ kind: 'bank' }).get()).data[0];
    const member = await local.call('metrics', { action: 'dashboard', unitId: bank._id, period: '2025-07' }, 'demo-member');
    expect(member.error.code).toBe('FORBIDDEN');
    const setTarget = await local.call('metrics', { action: 'setTarget', unitId: me.unitId, period: '2025', metric: 'acquiring', value: 10 }, 'demo-branch');
    expect(setTarget.error.code).toBe('FORBIDDEN');
  });

  it('targets set by head office show against actuals', async () => {
    const db = local.cloud.database();
    const me = (await db.collection('staff').where({ openid: 'demo-branch' }).get()).data[0];
    await ok(local.call('metrics', { action: 'setTarget', unitId: me.unitId, period: '2025-07', metric: 'acquiring', value: 5000 }, 'demo-hq'));
    const bad = await local.call('metrics', { action: 'setTarget', unitId: me.unitId, period: '2025-07', metric: 'nope', value: 1 }, 'demo-hq');
    expect(bad.error.code).toBe('VALIDATION');
    expect(bad.error.details.issues[0].field).toBe('metric');
    const d = await ok(local.call('metrics', { action: 'dashboard', period: '2025-07', sections: ['targets'] }, 'demo-branch'));
    expect(d.targets).toEqual([{ metric: 'acquiring', target: 5000, actual: d.figures.acquiring, ratio: d.figures.acquiring / 5000 }]);
    const targets = await ok(local.call('metrics', { action: 'targets', period: '2025-07' }, 'demo-branch'));
    expect(targets.items.find((i: any) => i.metric === 'acquiring')).toEqual({ metric: 'acquiring', actual: d.figures.acquiring, target: 5000, ratio: d.figures.acquiring / 5000 });
  });

  it('the branch exports its grid report as an XLSX with the five sheets, masked', async () => {
    const res = await ok(local.call('export', { action: 'start', jobId: 'job-branch-export-1', period: '2025-07' }, 'demo-branch'));
    expect(res.status).toBe('done');
    expect(res.url).toMatch(/^https?:\/\//);
    const buf = local.cloud.storage.download(res.fileId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['单位汇总', '网格指标', '员工工作量', '商户清单', '生命周期名单']);
    const merchants = wb.getWorksheet('商户清单')!;
    expect(merchants.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(merchants.rowCount - 1).toBe(res.rows['商户清单']);
    const mobiles = merchants.getColumn(6).values.slice(2).filter(Boolean) as string[];
    expect(mobiles.length).toBeGreaterThan(0);
    expect(mobiles.every((m) => /^\d{3}\*{4}\d{4}$/.test(m))).toBe(true);
    const grids = wb.getWorksheet('网格指标')!;
    expect(grids.getColumn(7).numFmt).toBe('0.0%');
    const again = await ok(local.call('export', { action: 'start', jobId: 'job-branch-export-1', period: '2025-07' }, 'demo-branch'));
    expect(again.fileId).toBe(res.fileId);
    const audit = (await local.cloud.database().collection('auditLog').where({ action: 'export' }).get()).data;
    expect(audit.some((a: any) => a.target.id === 'job-branch-export-1')).toBe(true);
  });

  it('wide reads keep only the months a period needs, and every owner’s figures stay the same', async () => {
    const { loadOwnerDocs, figuresOf, monthsFor, dayMonthsFor } = require('../../server/rollup') as typeof import('../../server/rollup');
    const db = local.cloud.database();
    const bankId = (await db.collection('units').where({ kind: 'bank' }).get()).data[0]._id;
    const periods = [
      { start: '2025-07-01', end: '2025-07-31' },
      { start: '2025-03-01', end: '2025-03-31' },
      { start: '2025-07-15', end: '2025-07-15' },
      { start: '2025-02-28', end: '2025-02-28' },
      { start: '2025-01-01', end: '2025-12-31' },
      { start: '2025-04-10', end: '2025-06-20' },
      { start: '2025-01-01', end: '2025-07-31' },
    ];
    for (const p of periods) {
      const args = [{ ownerType: 'unit', path: bankId }, p.start.slice(0, 4), dayMonthsFor([p.end], [p])] as const;
      const whole = await loadOwnerDocs(db, ...args);
      const trimmed = await loadOwnerDocs(db, ...args, monthsFor([p.end], [p]));
      expect([...trimmed.keys()].sort()).toEqual([...whole.keys()].sort());
      expect(whole.size).toBeGreaterThan(300);
      for (const [owner, o] of whole) expect([owner, figuresOf(trimmed.get(owner)!, p)]).toEqual([owner, figuresOf(o, p)]);
    }
    // A July dashboard reads July to December of the year documents, nothing earlier.
    expect(monthsFor(['2025-07-31'], [{ start: '2025-07-01', end: '2025-07-31' }])).toEqual(['07', '08', '09', '10', '11', '12']);
  });

  it('a dashboard without its trend gives the same figures as with it', async () => {
    const pick = (d: any) => ({ figures: d.figures, previousFigures: d.previousFigures, yearStartFigures: d.yearStartFigures, change: d.change, classes: d.classes });
    for (const period of ['2025-07', '2025-07-31', '2025-02-28', '2025', '2024-12', '2025-04-10..2025-06-20', '2024-11-15..2025-02-10']) {
      const lean = await ok(local.call('metrics', { action: 'dashboard', period, sections: [] }, 'demo-hq'));
      const full = await ok(local.call('metrics', { action: 'dashboard', period, sections: ['trend'] }, 'demo-hq'));
      expect(full.trend.length).toBeGreaterThan(0);
      expect(lean.trend).toBeUndefined();
      expect(pick(lean)).toEqual(pick(full));
    }
  });

  it('the targets page shows head office’s targets for July against the actual figures', async () => {
    const targets = await ok(local.call('metrics', { action: 'targets', period: '2025-07' }, 'demo-hq'));
    const acq = targets.items.find((i: any) => i.metric === 'acquiring');
    expect(acq).toMatchObject({ actual: 30678, target: 32000 });
    expect(acq.ratio).toBeCloseTo(30678 / 32000, 6);
    expect(targets.items.map((i: any) => i.metric)).toEqual(['acquiring', 'coverage', 'revisitRate', 'creditGranted', 'usageRate', 'depositsFen']);
    expect(targets.items.every((i: any) => i.target !== null && i.actual !== null)).toBe(true);
  });

  it('the class lists say why each merchant is in its class, in words', async () => {
    for (const cls of ['abnormal', 'lost', 'to-win', 'premium']) {
      const list = await ok(local.call('lifecycle', { action: 'list', cls, limit: 50 }, 'demo-leader'));
      expect([cls, list.items.length > 0]).toEqual([cls, true]);
      for (const item of list.items) expect([item.id, item.reason]).toEqual([item.id, expect.stringMatching(/[\u4e00-\u9fa5]{2,}/)]);
    }
  });

  it('reconciliation of a day of the demo bank reports no difference', async () => {
    let r = await ok(local.call('metrics', { action: 'reconcile', from: '2025-07-15', to: '2025-07-15' }, 'demo-hq'));
    // A job: a call that did not finish it answers 'running', and the screen calls again with its id.
    for (let i = 0; r.status === 'running' && i < 100; i++) r = await ok(local.call('metrics', { action: 'reconcile', jobId: r.jobId }, 'demo-hq'));
    expect(r.status).toBe('done');
    expect(r.checkedValues).toBeGreaterThan(0);
    expect(r.differences).toEqual([]);
  });
});

describe('the demo bank as of its last day, whatever today is', () => {
  /** Merchants per class, straight from the collection. */
  async function classCounts(): Promise<Record<string, number>> {
    const db = local.cloud.database();
    const out: Record<string, number> = {};
    for (const cls of ['to-win', 'qualified', 'premium', 'abnormal', 'lost']) out[cls] = (await db.collection('merchants').where({ lifecycleClass: cls }).count()).total;
    return out;
  }

  it('the profile says the records run to 31 July 2025, so the screens open on that day', async () => {
    const me = await ok(local.call('user', { action: 'me' }, 'demo-leader'));
    expect(me.bankDay).toBe('2025-07-31');
  });

  it('a run started without a date (head office, the nightly timer) is as of 31 July 2025: no premium merchant turns lost, and the figures still hold', async () => {
    const before = await classCounts();
    expect(before.premium).toBeGreaterThan(0);
    let r = await ok(local.call('lifecycle', { action: 'reclassify' }, 'demo-hq'));
    for (let i = 0; r.status === 'running' && i < 100; i++) r = await ok(local.call('lifecycle', { action: 'job', jobId: r.jobId }, 'demo-hq'));
    expect(r).toMatchObject({ status: 'done', asOf: '2025-07-31', changed: 0 });
    expect(await classCounts()).toEqual(before);
    const d = await ok(local.call('metrics', { action: 'dashboard', period: '2025-07-31', sections: [] }, 'demo-hq'));
    expect(d.figures.acquiring).toBe(30678);
    expect(d.figures.creditGranted).toBe(9221);
  });

  it('the nightly timer names its run after the bank’s day, never today', async () => {
    const db = local.cloud.database();
    const now = new Date();
    const today = chinaDay(now);
    const fired = (await local.cloud.callDetailed('lifecycle', { Type: 'Timer', TriggerName: 'lifecycle-minute' }, { source: 'timer' })).result as any;
    expect(fired.ok).toBe(true);
    const started = (await db.collection('jobs').where({ kind: 'reclassify', byStaffId: null }).get()).data as any[];
    // Before 03:00 China time the timer starts nothing yet; from then on, the day's run is as of 2025-07-31.
    expect(started.map((j) => [j._id, j.params.asOf])).toEqual(chinaMinuteOfDay(now) >= RECLASSIFY_FROM_HOUR * 60 ? [['reclassify-2025-07-31', '2025-07-31']] : []);
    expect((await db.collection('jobs').where({ _id: `reclassify-${today}` }).count()).total).toBe(0);
  });
});
