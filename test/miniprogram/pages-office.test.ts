/** @jest-environment jsdom */
import { answerCalls, calls, find, fire, flush, mount, resetApp, tap, type, withFakeTimers } from './harness';
import type { ReclassifyJobView, SettingsView } from '../../shared/contracts/lifecycle.contract';
import type { TargetsView } from '../../shared/contracts/metrics.contract';
import type { ImportJobView } from '../../shared/contracts/import.contract';
import { dashboard, me, workloadRow } from './fixtures';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

describe('trend and rankings (metrics/trend)', () => {
  test('asks for the 12-month trend and draws it with ECharts on a canvas 2d; the table lists the months', async () => {
    answerCalls(() => dashboard());
    const page = mount('pages/metrics/trend/index', {}, { unitId: 'bank', name: encodeURIComponent('兴化农商银行') });
    await flush(15);
    // The profile is read first (the bank's month), then the one dashboard request.
    expect(calls().filter((c) => c.fn !== 'user')).toHaveLength(1);
    expect(calls().find((c) => c.fn !== 'user')!.event).toMatchObject({ action: 'dashboard', unitId: 'bank', sections: ['trend'] });
    expect(page.data.trendOption.series[0].data).toHaveLength(12);
    expect(page.data.trendOption.series[0].data[11]).toBe(27660 + 11 * 270);
    expect(page.data.visitOption.series[0].data[0]).toBe(900);
    expect(page.text()).toContain('30,630');
    const canvas = page.$$('.sv >>> .ec-canvas');
    expect(canvas.length).toBeGreaterThanOrEqual(1);
  });

  test('no trend yet shows the empty state', async () => {
    answerCalls(() => dashboard({ trend: [] }));
    const page = mount('pages/metrics/trend/index', {}, {});
    await flush();
    expect(page.text()).toContain('暂无趋势数据');
  });
});

describe('ec-canvas', () => {
  test('initialises ECharts on the canvas node and applies the option, and again when it changes', async () => {
    const comp = mount('pages/metrics/components/ec-canvas/index', { canvasId: 'c1', height: 200, option: { xAxis: { type: 'category', data: ['a'] }, yAxis: {}, series: [{ type: 'bar', data: [1] }] } });
    await flush(10);
    const chart = comp.instance._chart;
    expect(chart).toBeTruthy();
    expect(chart.getOption().series[0].data).toEqual([1]);
    comp.comp.setData({ option: { xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: {}, series: [{ type: 'line', data: [3, 4] }] } });
    await flush();
    expect(chart.getOption().series[0]).toMatchObject({ type: 'line', data: [3, 4] });
  });
});

describe('workload', () => {
  test('opened from a dashboard staff row: that person’s months of the year the dashboard shows', async () => {
    answerCalls((fn, ev) => ({ period: {}, staff: { id: ev.staffId, name: '王网格', role: 'member', grain: 'day', rows: [workloadRow('2025-07', 3)], totals: workloadRow('total', 3) } }));
    const page = mount('pages/metrics/workload/index', {}, { staffId: 's-wang', name: encodeURIComponent('王网格'), day: '2025-07-31' });
    await flush();
    expect(calls()).toHaveLength(1);
    expect(calls()[0].event).toMatchObject({ action: 'workload', staffId: 's-wang', period: { kind: 'year', start: '2025-01-01', end: '2025-12-31' } });
    expect(page.text()).toContain('王网格');
  });

  test('the team view by month, flagged visits apart; tapping a person shows their months', async () => {
    answerCalls((fn, ev) => {
      if (ev.staffId) return { period: {}, staff: { id: 's-1', name: '王网格', role: 'member', grain: 'month', rows: [workloadRow('2026-01', 10), workloadRow('2026-02', 12, 1)], totals: workloadRow('total', 22, 1) } };
      return { period: {}, team: { unitId: 'g-cb1', rows: [{ ...workloadRow('s-1', 20, 2), staffId: 's-1', name: '王网格', role: 'member' }, { ...workloadRow('s-2', 5), staffId: 's-2', name: '李维护', role: 'maintenance' }] } };
    });
    const page = mount('pages/metrics/workload/index', {}, { unitId: 'g-cb1' });
    await flush(10);
    expect(calls()[0].event).toMatchObject({ action: 'workload', unitId: 'g-cb1', period: { kind: 'month' } });
    expect(page.text()).toContain('合计 37 次，异常 2 次');
    expect(page.data.option.series.map((s: any) => s.name)).toEqual(['建档', '营销', '回访', '维护']);
    await tap(page, '.row', 1);
    await flush(10);
    expect(calls().at(-1)!.event).toMatchObject({ staffId: 's-1', period: { kind: 'year' } });
    expect(page.text()).toContain('全部员工 › 王网格');
    expect(page.text()).toContain('2026-02');
    // A person's months are columns along time, every one of them, and the table's rows are periods.
    expect(page.data.byPeriod).toBe(true);
    expect(page.data.option.xAxis).toMatchObject({ type: 'category', data: ['01', '02'] });
    expect(page.data.option.series[2].data).toEqual([10, 12]);
    expect(page.text()).toContain('时间');
  });

  test('any past month of the team, and a person’s days of that month', async () => {
    answerCalls((fn, ev) => {
      if (ev.staffId) return { period: {}, staff: { id: 's-1', name: '王网格', role: 'member', grain: 'day', rows: [workloadRow('2025-03-01', 2)], totals: workloadRow('total', 2) } };
      return { period: {}, team: { unitId: 'g-cb1', rows: [{ ...workloadRow('s-1', 4), staffId: 's-1', name: '王网格', role: 'member' }] } };
    });
    const page = mount('pages/metrics/workload/index', {}, { unitId: 'g-cb1' });
    await flush(10);
    expect(page.data.fields).toBe('month');
    await fire(page, '.when-pick', 'change', { value: '2025-03' });
    await flush(10);
    expect(calls().at(-1)!.event.period).toEqual({ kind: 'month', start: '2025-03-01', end: '2025-03-31' });
    expect(page.text()).toContain('2025-03');
    // The person's view keeps the chosen time: their year of months, picked by year.
    await tap(page, '.row', 1);
    await flush(10);
    expect(calls().at(-1)!.event).toMatchObject({ staffId: 's-1', period: { kind: 'year', start: '2025-01-01', end: '2025-12-31' } });
    expect(page.data.fields).toBe('year');
  });

  test('a manager opening it without a unit sees the team of their own unit', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('leader', { unit: { id: 'grp-cb1', name: '城北一组', kind: 'group' } });
      return { period: {}, team: { unitId: ev.unitId, rows: [{ ...workloadRow('s-1', 4), staffId: 's-1', name: '王网格', role: 'member' }] } };
    });
    const page = mount('pages/metrics/workload/index', {}, {});
    await flush(10);
    expect(calls().find((c) => c.fn === 'metrics')!.event).toMatchObject({ action: 'workload', unitId: 'grp-cb1' });
    expect(page.data.byPeriod).toBe(false);
    expect(page.text()).toContain('员工');
    expect(page.text()).toContain('合计 10 次');
  });

  test('field staff see their own days; a period without visits shows the empty state', async () => {
    const zero = (key: string) => ({ ...workloadRow(key, 0), byType: { filing: { total: 0, flagged: 0 }, marketing: { total: 0, flagged: 0 }, revisit: { total: 0, flagged: 0 }, maintenance: { total: 0, flagged: 0 } }, total: 0 });
    answerCalls((fn) => {
      if (fn === 'user') return me('member');
      return { period: {}, staff: { id: 's-member', name: '王网格', role: 'member', grain: 'day', rows: [zero('2026-01-01'), zero('2026-01-02')], totals: zero('total') } };
    });
    const page = mount('pages/metrics/workload/index', {}, {});
    await flush(10);
    const ask = calls().find((c) => c.fn === 'metrics')!.event;
    expect(ask.unitId).toBeUndefined();
    expect(ask.staffId).toBeUndefined();
    expect(page.text()).toContain('本期没有走访记录');
  });
});

describe('exports', () => {
  test('requests an export with a client job id, shows progress, then opens the finished file', async () => {
    let polls = 0;
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('hq');
      const base = { id: ev.jobId, fileId: null, url: null, error: null, rows: {}, createdAt: '2025-07-31T02:00:00.000Z', finishedAt: null };
      // The function answers the share done (0..1) and the merchants listed so far.
      if (ev.action === 'start') return { ...base, status: 'running', progress: 0.1, done: 0, total: 40179 };
      polls++;
      return polls < 2 ? { ...base, status: 'running', progress: 0.6, done: 25000, total: 40179 } : { ...base, status: 'done', progress: 1, done: 40179, total: 40179, fileId: 'cloud://local/reports/r.xlsx', url: 'http://127.0.0.1:3000/storage/r.xlsx' };
    });
    const page = mount('pages/export/index');
    await flush();
    expect(page.text()).toContain('还没有导出过报表');
    // Polling runs on a timer: fake it, and let promises settle through microtasks.
    await withFakeTimers(async (settle) => {
      find(page, '.btn')[0].dispatchEvent('tap');
      await settle();
      const req = calls().find((c) => c.fn === 'export' && c.action === 'start')!.event;
      expect(req.jobId).toMatch(/^[0-9a-f-]{36}$/);
      expect(req.period).toMatchObject({ kind: 'month' });
      expect(page.text()).toContain('生成中 10%');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(page.text()).toContain('生成中 60%');
      expect(page.text()).toContain('商户清单 25,000 / 40,179 户');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(page.text()).toContain('已完成');
      expect(h.wx.getStorageSync('grid.exportJobs')).toEqual([{ id: req.jobId, period: page.data.month }]);
    });
    await tap(page, '.open');
    expect(page.data.error).toBe('');
  });

  test('a refused export shows the sentence (e.g. a grid member is not allowed)', async () => {
    answerCalls(() => {
      throw { code: 'FORBIDDEN', message: '只有总行和支行可以导出报表。' };
    });
    const page = mount('pages/export/index');
    await flush();
    await tap(page, '.btn');
    expect(page.text()).toContain('只有总行和支行可以导出报表。');
  });
});

describe("opened on the bank's day (a demo bank's records end 31 July 2025)", () => {
  const demo = (role: string) => me(role, { bankDay: '2025-07-31' });

  test('the export defaults to the bank\'s month and its picker ends there', async () => {
    answerCalls((fn, ev) => (fn === 'user' ? demo('hq') : { id: ev.jobId, status: 'running', progress: 0, done: 0, total: 1, fileId: null, url: null, error: null, rows: {}, createdAt: '2025-07-31T02:00:00.000Z', finishedAt: null }));
    const page = mount('pages/export/index');
    await flush(10);
    expect(page.data.month).toBe('2025-07');
    expect(page.data.lastMonth).toBe('2025-07');
    await tap(page, '.btn');
    await flush();
    expect(calls().find((c) => c.fn === 'export' && c.action === 'start')!.event.period).toMatchObject({ kind: 'month', start: '2025-07-01' });
  });

  test('targets and the trend, opened without a period, read the bank\'s month', async () => {
    answerCalls((fn) => (fn === 'user' ? demo('leader') : { scope: { type: 'unit', id: 'bank', name: '兴化农商银行', kind: 'bank' }, period: { kind: 'month', start: '2025-07-01', end: '2025-07-31' }, items: [] }));
    mount('pages/metrics/targets/index', {}, {});
    await flush(10);
    expect(calls().find((c) => c.action === 'targets')!.event.period).toMatchObject({ kind: 'month', start: '2025-07-01' });
    answerCalls((fn) => (fn === 'user' ? demo('leader') : dashboard()));
    const trend = mount('pages/metrics/trend/index', {}, {});
    await flush(10);
    expect(trend.data.month).toBe('2025-07');
    expect(calls().find((c) => c.action === 'dashboard')!.event.period).toMatchObject({ kind: 'month', start: '2025-07-01' });
  });
});

describe('targets (考核指标)', () => {
  const targets = (over: Partial<TargetsView> = {}): TargetsView => ({
    scope: { type: 'unit', id: 'bank', name: '兴化农商银行', kind: 'bank' },
    period: { kind: 'month', start: '2025-07-01', end: '2025-07-31' },
    items: [
      { metric: 'acquiring', actual: 30678, target: 32000, ratio: 30678 / 32000 },
      { metric: 'coverage', actual: 0.728, target: null, ratio: null },
      { metric: 'depositsFen', actual: 193_000_000_000, target: 150_000_000_000, ratio: 193 / 150 },
    ],
    ...over,
  });

  test('shows each assessed indicator against its target; head office sets a target in the unit it reads', async () => {
    let saved: any = null;
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('hq');
      if (ev.action === 'setTarget') return (saved = ev);
      return targets();
    });
    const page = mount('pages/metrics/targets/index', {}, { unitId: 'bank', name: encodeURIComponent('兴化农商银行') });
    await flush(10);
    expect(calls().find((c) => c.action === 'targets')!.event).toMatchObject({ unitId: 'bank', period: { kind: 'month' } });
    expect(page.text()).toContain('收单商户');
    expect(page.text()).toContain('30,678 户');
    expect(page.text()).toContain('完成 95.9%');
    expect(page.text()).toContain('未设目标');
    expect(page.data.rows[2]).toMatchObject({ width: 100, tone: 'ok' });
    // Coverage is entered in %, stored as a fraction.
    await tap(page, '.edit', 1);
    expect(page.data.editing).toBe('coverage');
    await type(page, '.editor .input', '150');
    await tap(page, '.editor .btn');
    expect(page.text()).toContain('比率不能超过 100%');
    expect(saved).toBeNull();
    await type(page, '.editor .input', '80');
    await tap(page, '.editor .btn');
    await flush(10);
    expect(saved).toMatchObject({ unitId: 'bank', metric: 'coverage', value: 0.8 });
    expect(saved.period).toMatch(/^\d{4}-\d{2}$/);
  });

  test('other roles read the targets but set none; deposits are entered in 万元', async () => {
    answerCalls((fn) => (fn === 'user' ? me('leader') : targets()));
    const page = mount('pages/metrics/targets/index', {}, {});
    await flush(10);
    expect(page.data.canEdit).toBe(false);
    expect(find(page, '.edit')).toHaveLength(0);
    const { fromInput, toInput } = require('../../miniprogram/pages/metrics/targets/index');
    expect(fromInput('depositsFen', '150000')).toEqual({ value: 150_000_000_000 });
    expect(toInput('depositsFen', 150_000_000_000)).toBe('150000');
    expect(fromInput('acquiring', '12.5')).toEqual({ error: '户数和次数应为整数' });
    expect(fromInput('acquiring', '-3')).toMatchObject({ error: expect.stringContaining('不小于 0') });
  });
});

describe('imports', () => {
  const job = (over: Partial<ImportJobView> = {}): ImportJobView => ({
    id: 'j-1', kind: 'transactions', period: '2025-07', fileId: 'cloud://local/imports/j-1.csv', status: 'done', phase: 'finished', mode: 'replace', fileMerchants: 2, activeMerchants: 0, missingFromFile: 0,
    total: 3, done: 3, applied: 2, rejected: 1, replaced: 0, removed: 0, kept: 0,
    errorReportFileId: 'cloud://local/imports/j-1/errors.csv', errorReportUrl: 'http://127.0.0.1:3000/storage/tmp/imports/j-1/errors.csv?t=1&sign=x', error: null,
    createdAt: '2025-08-01T02:00:00.000Z', finishedAt: '2025-08-01T02:00:05.000Z', ...over,
  });

  test('head office picks a file from a chat, imports it for a kind and month, and copies the error report link', async () => {
    const started: any[] = [];
    answerCalls((fn, ev) => {
      if (ev.action === 'list') return { items: [] };
      if (ev.action === 'start') return (started.push(ev), job({ id: ev.jobId, kind: ev.kind, period: ev.period }));
      return job({ status: 'running', done: 1 });
    });
    const page = mount('pages/import/index');
    await flush();
    expect(page.text()).toContain('还没有导入过数据');
    // Nothing chosen: nothing is sent.
    await tap(page, '.btn');
    expect(page.text()).toContain('请先从聊天中选择');
    expect(started).toHaveLength(0);
    // Only CSV and Excel files can be picked.
    h.fake.messageFile = { name: '7月交易.csv', content: '收单商户号,交易笔数,交易金额\n898321281000002,40,100.00\n' };
    await tap(page, '.file');
    expect(page.data.file.name).toBe('7月交易.csv');
    await tap(page, '.seg-item', 2);
    await tap(page, '.btn');
    await flush(10);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ kind: 'deposits', fileId: expect.stringMatching(/^cloud:\/\//) });
    expect(started[0].period).toMatch(/^\d{4}-\d{2}$/);
    expect(h.fake.uploads).toEqual([expect.stringMatching(/^wxfile:\/\/tmp_\d+\.csv$/)]);
    expect(page.text()).toContain('存款余额');
    expect(page.text()).toContain('导入 2 行，有误 1 行');
    await tap(page, '.open');
    expect(h.fake.clipboard).toContain('errors.csv');
  });

  test('a file that outlasts the request goes on importing: its row is polled until it is done', async () => {
    let polls = 0;
    answerCalls((fn, ev) => {
      if (ev.action === 'list') return { items: [] };
      if (ev.action === 'start') throw { code: 'NETWORK', message: 'request:fail timeout' };
      polls++;
      return polls < 2 ? job({ id: ev.jobId, status: 'running', total: 30000, done: 10000 }) : job({ id: ev.jobId, applied: 29990, rejected: 10 });
    });
    const page = mount('pages/import/index');
    await flush();
    h.fake.messageFile = { name: '交易.xlsx', content: 'PK…' };
    await tap(page, '.file');
    await withFakeTimers(async (settle) => {
      find(page, '.btn')[0].dispatchEvent('tap');
      await settle();
      expect(page.text()).toContain('导入仍在后台进行');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(page.text()).toContain('导入中 33%');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(page.text()).toContain('导入 29,990 行，有误 10 行');
      expect(page.data.file).toBeNull();
      // Asking again for the same file would answer with the same job, not import twice.
      expect(new Set(calls().filter((c) => c.action !== 'list').map((c) => c.event.jobId)).size).toBe(1);
    });
  });

  test('picking a chat file asks for the privacy agreement first; refused, no file is read', async () => {
    answerCalls(() => ({ items: [] }));
    h.fake.privacyNeeded = true;
    h.fake.messageFile = { name: '交易.csv', content: 'a,b\n' };
    const popup = mount('components/privacy-popup/index');
    const page = mount('pages/import/index');
    await flush();
    await tap(page, '.file');
    expect(popup.text()).toContain('隐私保护提示');
    await tap(popup, '.refuse');
    await flush();
    expect(page.data.file).toBeNull();
    expect(page.text()).toContain('聊天文件');
  });

  test('a file covering far fewer merchants waits: the row says what replace and merge each do, and sends the choice', async () => {
    const sent: any[] = [];
    answerCalls((fn, ev) => {
      if (ev.action === 'list') return { items: [job({ id: 'job-0001-abcd', status: 'awaiting-choice', phase: 'decide', mode: null, fileMerchants: 120, activeMerchants: 30000, missingFromFile: 29880, applied: 120 })] };
      sent.push(ev);
      return job({ id: 'job-0001-abcd', status: 'done', mode: ev.mode, applied: 120, replaced: 120, kept: 29880 });
    });
    const page = mount('pages/import/index');
    await flush();
    expect(page.text()).toContain('待选择导入方式');
    expect(page.text()).toContain('文件含 120 户，本月现有数据 30,000 户，其中 29,880 户不在文件中');
    expect(page.text()).toContain('文件中没有的 29,880 户本月数据将被清除');
    expect(page.text()).toContain('其余 29,880 户保留原数据');
    await tap(page, '.choice-btn', 1);
    await flush(10);
    expect(sent).toEqual([expect.objectContaining({ action: 'start', jobId: 'job-0001-abcd', kind: 'transactions', period: '2025-07', fileId: 'cloud://local/imports/j-1.csv', mode: 'merge' })]);
    expect(page.text()).toContain('保留 29,880 行');
  });

  test('a failed import says nothing was written; the previous month is the default', async () => {
    answerCalls(() => ({ items: [job({ status: 'failed', applied: 0, rejected: 0, error: '文件缺少必需的列：交易笔数' })] }));
    const page = mount('pages/import/index');
    await flush();
    expect(page.text()).toContain('文件缺少必需的列：交易笔数');
    const { previousMonth } = require('../../miniprogram/pages/import/index');
    expect(previousMonth('2026-01-15')).toBe('2025-12');
    expect(previousMonth('2025-08-01')).toBe('2025-07');
  });
});

describe('settings', () => {
  // Typed as the function answers, so a change on either side fails the type check.
  const settings: SettingsView = {
    settings: { visitRadiusM: 200, followUpDueDays: 7, abnormalVisitDueDays: 3, winBackDueDays: 14, marketingDueDays: 14, lifecycle: { qualifiedMinTxnCount: 30, qualifiedMinAmountFen: 1_000_000, premiumMinAmountFen: 10_000_000, premiumMinOurProducts: 3, abnormalDropRatio: 0.5, abnormalBaselineMonths: 3, abnormalIdleDays: 30, lostIdleDays: 90 } },
    assessedIndicators: ['acquiring', 'coverage'],
  };

  test('shows thresholds in yuan and saves the changed ones as a validated patch in fen', async () => {
    answerCalls((fn, ev) => (ev.action === 'getSettings' ? settings : settings));
    const page = mount('pages/settings/index/index');
    await flush();
    expect(page.data.values.lifecycle_qualifiedMinAmountFen).toBe('10000');
    await type(page, '.input', '20000', 1);
    await type(page, '.input', '300', 7);
    await tap(page, '.btn');
    const patch = calls().find((c) => c.action === 'updateSettings')!.event.patch;
    expect(patch.lifecycle.qualifiedMinAmountFen).toBe(2_000_000);
    expect(patch.visitRadiusM).toBe(300);
    expect(page.text()).toContain('已保存');
  });

  test('head office chooses the assessed indicators; none at all is refused before sending', async () => {
    answerCalls(() => settings);
    const page = mount('pages/settings/index/index');
    await flush();
    expect(page.data.indicators.filter((x: any) => x.on).map((x: any) => x.code)).toEqual(['acquiring', 'coverage']);
    const deposits = page.data.indicators.findIndex((x: any) => x.code === 'depositsFen');
    await tap(page, '.chip', deposits);
    await tap(page, '.btn');
    expect(calls().find((c) => c.action === 'updateSettings')!.event.assessedIndicators).toEqual(['acquiring', 'coverage', 'depositsFen']);
    for (const code of ['acquiring', 'coverage', 'depositsFen']) await tap(page, '.chip', page.data.indicators.findIndex((x: any) => x.code === code));
    await tap(page, '.btn');
    expect(calls().filter((c) => c.action === 'updateSettings')).toHaveLength(1);
    expect(page.text()).toContain('至少选择一个考核指标');
  });

  test('an out-of-range value is refused by the shared schema with the field named', async () => {
    answerCalls(() => settings);
    const page = mount('pages/settings/index/index');
    await flush();
    await type(page, '.input', '9', 3); // 优质：本行产品数 ≥ 9 (max 7)
    await tap(page, '.btn');
    expect(calls().filter((c) => c.action === 'updateSettings')).toHaveLength(0);
    expect(page.text()).toContain('不能超过7个');
  });

  test('head office reclassifies now and watches the job to its end', async () => {
    let polls = 0;
    const job = (status: 'running' | 'done', done: number): ReclassifyJobView => ({
      id: 'job', jobId: 'job', kind: 'reclassify', status, asOf: '2025-07-31', progress: { done, total: 40179, share: done / 40179 }, error: null,
      createdAt: '2025-07-31T02:00:00.000Z', finishedAt: null, checked: done, changed: 120, tasksOpened: 80, byClass: {},
    });
    answerCalls((fn, ev) => {
      if (ev.action === 'reclassify') return { ...job('running', 8000), id: ev.jobId };
      if (ev.action === 'job') return ++polls < 2 ? { ...job('running', 20000), id: ev.jobId } : { ...job('done', 40179), id: ev.jobId };
      return settings;
    });
    const page = mount('pages/settings/index/index');
    await flush();
    await withFakeTimers(async (settle) => {
      find(page, '.reclassify .btn')[0].dispatchEvent('tap');
      await settle();
      const req = calls().find((c) => c.action === 'reclassify')!.event;
      expect(req.jobId).toMatch(/^[0-9a-f-]{36}$/);
      expect(page.text()).toContain('重算中 20%（8,000 / 40,179 户）');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(calls().find((c) => c.action === 'job')!.event.jobId).toBe(req.jobId);
      expect(page.text()).toContain('重算中 50%');
      jest.advanceTimersByTime(1600);
      await settle();
      expect(page.text()).toContain('已完成：检查 40,179 户，调整 120 户，新开任务 80 个');
    });
  });
});

describe('staff', () => {
  test('creates a staff member and shows the one-time binding code once', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'listUnits') return { items: [{ id: 'b-cb', kind: 'branch', name: '城北支行', parentId: 'bank', area: 'city', boundary: null }] };
      if (ev.action === 'listStaff') return { items: [{ id: 's-1', name: '王网格', role: 'member', unitId: 'g-cb1', gridIds: ['g-cb1'], mobile: '138****1234', isBound: true, status: 'active' }], nextCursor: null };
      if (ev.action === 'createStaff') return { staff: { id: 's-9', name: ev.name }, bindCode: 'K7P2QX9M', bindCodeExpiresAt: '2025-08-07T02:00:00.000Z' };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/settings/staff/index');
    await flush();
    expect(page.text()).toContain('王网格');
    expect(page.text()).toContain('已绑定');
    await type(page, '.input', '赵新人', 0);
    await type(page, '.input', '13800001111', 1);
    await tap(page, '.btn');
    expect(calls().find((c) => c.action === 'createStaff')!.event).toMatchObject({ name: '赵新人', mobile: '13800001111', role: 'member', unitId: 'b-cb' });
    expect(page.text()).toContain('K7P2QX9M');
  });

  test('a bad mobile is refused before sending', async () => {
    answerCalls((fn, ev) => (ev.action === 'listUnits' ? { items: [{ id: 'b-cb', kind: 'branch', name: '城北支行' }] } : { items: [], nextCursor: null }));
    const page = mount('pages/settings/staff/index');
    await flush();
    await type(page, '.input', '赵新人', 0);
    await type(page, '.input', '123', 1);
    await tap(page, '.btn');
    expect(calls().filter((c) => c.action === 'createStaff')).toHaveLength(0);
    expect(page.text()).toContain('手机号');
  });
});

describe('grids', () => {
  test('browses branches down to a grid and removes a person from it with a reason', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'listUnits' && !ev.parentId) return { items: [{ id: 'b-cb', kind: 'branch', name: '城北支行', area: 'city', boundary: null }] };
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', kind: 'grid', name: '城北一网格', area: 'city', boundary: [[1, 2]] }] };
      if (ev.action === 'listStaff') return { items: [{ id: 's-1', name: '王网格', role: 'member', gridIds: ['g-cb1', 'g-cb2'] }], nextCursor: null };
      if (ev.action === 'assignGrids') return { id: 's-1', gridIds: ev.gridIds };
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/settings/grids/index');
    await flush();
    expect(calls()[0].event).toEqual({ action: 'listUnits', kind: 'branch' });
    await tap(page, '.row');
    expect(page.text()).toContain('城北一网格');
    expect(page.text()).toContain('已划边界');
    await tap(page, '.row');
    expect(page.text()).toContain('王网格');
    // The grid's people are asked of the server by the grid itself.
    expect(calls().filter((c) => c.action === 'listStaff').at(-1)!.event).toMatchObject({ unitId: 'g-cb1' });
    await tap(page, '.danger');
    expect(calls().find((c) => c.action === 'assignGrids')!.event).toEqual({ action: 'assignGrids', staffId: 's-1', gridIds: ['g-cb2'], reason: '网格人员调整' });
  });
});

describe('shared components', () => {
  test('state-view shows loading, empty text, the error with a retry event, and the slot when ready', async () => {
    const sv = mount('components/state-view/index', { status: 'error', message: '网络不可用' });
    const retried = jest.fn();
    sv.instance.triggerEvent = retried;
    expect(sv.text()).toContain('网络不可用');
    await tap(sv, '.retry');
    expect(retried).toHaveBeenCalledWith('retry');
    sv.comp.setData({ status: 'empty', emptyText: '暂无商户' });
    expect(sv.text()).toContain('暂无商户');
    sv.comp.setData({ status: 'loading' });
    expect(sv.text()).toContain('加载中');
  });

  test('privacy-popup appears on WeChat’s prompt and answers it', async () => {
    h.fake.privacyNeeded = true;
    const popup = mount('components/privacy-popup/index');
    const { ensurePrivacy } = require('../../miniprogram/utils/privacy');
    const asked = ensurePrivacy();
    await flush();
    expect(popup.text()).toContain('隐私保护提示');
    await fire(popup, '.agree', 'agreeprivacyauthorization', {});
    await expect(asked).resolves.toBeUndefined();
    expect(popup.text()).toBe('');
  });
});
