/** @jest-environment jsdom */
import { answerCalls, calls, find, flush, mount, resetApp, tap, type } from './harness';
import { me } from './fixtures';

beforeEach(() => {
  resetApp();
});

const staff = (over: Record<string, unknown> = {}) => ({
  id: 's-9', name: '李网格', role: 'member', unitId: 'g-cb1', unitPath: ['bank', 'br-cb', 'grp-cb1', 'g-cb1'], gridIds: ['g-cb1'], extraUnitIds: [],
  mobile: '138****1234', isBound: false, status: 'active', bindCodeExpiresAt: null, createdAt: null, updatedAt: null, ...over,
});
const units = [
  { id: 'br-cb', name: '城北支行', kind: 'branch', unitPath: ['bank', 'br-cb'] },
  { id: 'grp-cb1', name: '城北一组', kind: 'group', unitPath: ['bank', 'br-cb', 'grp-cb1'] },
  { id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'br-cb', 'grp-cb1', 'g-cb1'] },
  { id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: ['bank', 'br-cb', 'grp-cb1', 'g-cb2'] },
];
const QR = 'data:image/png;base64,iVBORw0KGgo=';

describe('people', () => {
  test('a branch manager filters and searches the list, and creates staff with a code shown as text and QR; a retry keeps the same id', async () => {
    let creates = 0;
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: units };
      // As the function answers: with `q`, the names beginning with it.
      if (ev.action === 'listStaff') return { items: [staff(), staff({ id: 's-8', name: '王维护', role: 'maintenance', isBound: true })].filter((s) => !ev.q || s.name.startsWith(ev.q)), nextCursor: null };
      if (ev.action === 'createStaff') {
        creates += 1;
        if (creates === 1) throw { code: 'INTERNAL', message: '网络异常，请重试。' };
        return { staff: staff({ id: ev.id, name: ev.name }), bindCode: 'AB12CD34', bindCodeExpiresAt: '2025-07-04T00:00:00.000Z', bindCodeQr: QR };
      }
      return null;
    });
    const page = mount('pages/settings/staff/index');
    await flush(10);
    // A branch manager is offered only the roles below its own.
    expect(page.data.roles.map((r: any) => r.value)).toEqual(['leader', 'member', 'marketing', 'maintenance']);
    expect(page.text()).toContain('李网格');
    // The name is searched by the server (in scope, on its name index), not over the page loaded.
    await type(page, '.search', '王');
    await flush(10);
    expect(calls().filter((c) => c.action === 'listStaff').pop()!.event).toMatchObject({ q: '王' });
    expect(page.data.items.map((s: any) => s.name)).toEqual(['王维护']);
    page.instance.onFilter({ currentTarget: { dataset: { key: 'filterRoleIndex' } }, detail: { value: page.data.filterRoles.findIndex((r: any) => r.value === 'member') } });
    await flush(10);
    expect(calls().filter((c) => c.action === 'listStaff').pop()!.event).toMatchObject({ role: 'member', q: '王' });
    await type(page, '.search', '');
    await flush(10);
    expect(calls().filter((c) => c.action === 'listStaff').pop()!.event.q).toBeUndefined();
    await type(page, '.new-name', '新人');
    await type(page, '.new-mobile', '13800001111');
    await tap(page, '.create');
    await flush(10);
    expect(page.data.error).toContain('重试');
    await tap(page, '.create');
    await flush(10);
    const sent = calls().filter((c) => c.action === 'createStaff');
    expect(sent).toHaveLength(2);
    expect(sent[1].event.id).toBe(sent[0].event.id);
    expect(sent[1].event.role).toBe('member');
    expect(page.text()).toContain('AB12CD34');
    expect(page.data.bindCodeQr).toBe(QR);
  });

  test('a staff member\'s page shows grids, open tasks and workload; re-issues a code and moves them; a refusal names the field', async () => {
    let moved = false;
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: units };
      if (ev.action === 'getStaff') {
        return { staff: staff(moved ? { unitId: 'grp-cb1' } : {}), grids: [{ id: 'g-cb1', name: '城北一网格' }], openTasks: { total: 3, items: [{ id: 't-1', kind: 'marketing', merchantId: 'm-1', gridId: 'g-cb1', dueDay: '2025-07-10' }] }, history: [] };
      }
      if (ev.action === 'workload') return { period: ev.period, staff: { id: 's-9', name: '李网格', role: 'member', grain: 'day', rows: [], totals: { key: 'total', byType: {}, total: 17, flagged: 2 } } };
      if (ev.action === 'issueBindCode') return { staff: staff(), bindCode: 'ZX98YW76', bindCodeExpiresAt: '2025-07-04T00:00:00.000Z', bindCodeQr: QR };
      if (ev.action === 'changeRole') throw { code: 'VALIDATION', message: 'role: 支行只能设置网格长及以下的角色', reason: 'STAFF.ROLE_ABOVE_OWN', details: { issues: [{ field: 'role', message: '支行只能设置网格长及以下的角色' }] } };
      if (ev.action === 'moveStaff') {
        moved = true;
        return staff({ unitId: ev.unitId });
      }
      return null;
    });
    const page = mount('pages/settings/staff-detail/index', {}, { id: 's-9' });
    await flush(10);
    expect(page.text()).toContain('城北一网格');
    expect(page.text()).toContain('3 项');
    expect(page.text()).toContain('17 次（异常 2）');
    expect(calls().find((c) => c.action === 'workload')!.event).toMatchObject({ staffId: 's-9' });
    await tap(page, '.issue-code');
    await flush(10);
    expect(page.text()).toContain('ZX98YW76');
    expect(page.data.bindCodeQr).toBe(QR);
    page.instance.onUnit({ detail: { value: page.data.units.findIndex((u: any) => u.id === 'grp-cb1') } });
    await type(page, '.reason', '调组');
    await tap(page, '.move');
    await flush(10);
    expect(calls().find((c) => c.action === 'moveStaff')!.event).toMatchObject({ staffId: 's-9', unitId: 'grp-cb1', reason: '调组' });
    expect(page.data.notice).toBe('已调动');
    await tap(page, '.change-role');
    await flush(10);
    expect(page.data.errors.role).toContain('网格长及以下');
  });
});

describe("a staff member's month", () => {
  const answer = (workload: (ev: Record<string, any>) => unknown) =>
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' }, bankDay: '2025-07-31' });
      if (ev.action === 'listUnits') return { items: [] };
      if (ev.action === 'getStaff') return { staff: { id: 's-9', name: '李网格', role: 'member', unitId: 'g-cb1', unitPath: ['bank', 'br-cb', 'g-cb1'], gridIds: ['g-cb1'], status: 'active', isBound: true, mobile: '138****0000' }, grids: [], openTasks: { total: 0, items: [] }, history: [] };
      if (ev.action === 'workload') return workload(ev);
      return null;
    });

  test("本月走访 counts the bank's month, not the phone's", async () => {
    answer((ev) => ({ period: ev.period, staff: { id: 's-9', name: '李网格', role: 'member', grain: 'day', rows: [], totals: { key: 'total', byType: {}, total: 41, flagged: 1 } } }));
    const page = mount('pages/settings/staff-detail/index', {}, { id: 's-9' });
    await flush(10);
    expect(calls().find((c) => c.action === 'workload')!.event.period).toMatchObject({ kind: 'month', start: '2025-07-01' });
    expect(page.text()).toContain('本月走访（2025-07）');
    expect(page.text()).toContain('41 次（异常 1）');
  });

  test('a failed workload says so instead of reading 0 次; the rest of the page still opens', async () => {
    answer(() => {
      throw { code: 'INTERNAL', message: '统计服务暂不可用' };
    });
    const page = mount('pages/settings/staff-detail/index', {}, { id: 's-9' });
    await flush(10);
    expect(page.data.status).toBe('ready');
    expect(page.text()).toContain('未能读取');
    expect(page.text()).not.toContain('0 次');
  });
});

describe('staff page refusals', () => {
  test('a grid refused by assignGrids (gridIds.N) is shown under 分配网格, not in the actions’ banner', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid', unitPath: ['bank', 'br-cb', 'g-cb1'] }, { id: 'g-cb2', name: '城北二网格', kind: 'grid', unitPath: ['bank', 'br-cb', 'g-cb2'] }] };
      if (ev.action === 'getStaff') return { staff: { id: 's-9', name: '李网格', role: 'member', unitId: 'g-cb1', unitPath: ['bank', 'br-cb', 'g-cb1'], gridIds: ['g-cb1'], status: 'active', isBound: true, mobile: '138****0000' }, grids: [], openTasks: { total: 0, items: [] }, history: [] };
      if (ev.action === 'workload') return null;
      if (ev.action === 'assignGrids') throw { code: 'VALIDATION', message: 'gridIds.1: 网格不在该人员的支行', reason: 'STAFF.GRID_OTHER_BRANCH', details: { issues: [{ field: 'gridIds.1', message: '网格不在该人员的支行' }] } };
      return null;
    });
    const page = mount('pages/settings/staff-detail/index', {}, { id: 's-9' });
    await flush(10);
    page.instance.onGrids({ detail: { value: ['g-cb1', 'g-cb2'] } });
    await tap(page, '.assign-grids');
    await flush(10);
    expect(calls().find((c) => c.action === 'assignGrids')!.event).toMatchObject({ gridIds: ['g-cb1', 'g-cb2'] });
    expect(page.data.errors.gridIds).toBe('网格不在该人员的支行');
    expect(page.data.formError).toBe('');
    expect(find(page, '.banner-error')).toHaveLength(0);
    expect(find(page, '.field-error').map((e: any) => e.dom.textContent)).toEqual(['网格不在该人员的支行']);
  });
});

describe('targets split by a branch', () => {
  const view = (id: string, kind: string) => ({
    scope: { type: 'unit', id, name: id, kind },
    period: { kind: 'month', start: '2025-08-01', end: '2025-08-31' },
    items: [{ metric: 'acquiring', actual: 10, target: null, ratio: null }],
  });

  test('a branch sets targets on a grid under it, not on its own branch; a split over the parent shows the sentence', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'setTarget') throw { code: 'VALIDATION', message: 'value: 超过上级目标', reason: 'TARGET.OVER_PARENT', details: { issues: [{ field: 'value', message: '超过上级目标：上级 60，其他下级已分 40，最多还可分 20' }] } };
      return view(ev.unitId ?? 'br-cb', ev.unitId ? 'grid' : 'branch');
    });
    const own = mount('pages/metrics/targets/index', {}, {});
    await flush(10);
    expect(own.data.canEdit).toBe(false);
    const grid = mount('pages/metrics/targets/index', {}, { unitId: 'g-cb1', name: encodeURIComponent('城北一网格') });
    await flush(10);
    expect(grid.data.canEdit).toBe(true);
    await tap(grid, '.edit', 0);
    await type(grid, '.editor .input', '30');
    await tap(grid, '.editor .btn');
    await flush(10);
    expect(calls().find((c) => c.action === 'setTarget')!.event).toMatchObject({ unitId: 'g-cb1', metric: 'acquiring', value: 30 });
    expect(grid.text()).toContain('最多还可分 20');
  });

  test('a branch splits head office’s target over its groups: parent, each share, sum and remainder; an over-split is refused under the group', async () => {
    const targets: Record<string, number> = { 'br-cb': 60, 'grp-1': 40 };
    answerCalls((fn, ev) => {
      if (fn === 'user') return me('branch', { unit: { id: 'br-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') {
        expect(ev).toMatchObject({ parentId: 'br-cb' });
        return { items: [{ id: 'grp-1', name: '城北一组', kind: 'group' }, { id: 'grp-2', name: '城北二组', kind: 'group' }] };
      }
      if (ev.action === 'setTarget') {
        const others = Object.entries(targets).filter(([k]) => k !== 'br-cb' && k !== ev.unitId).reduce((a, [, v]) => a + v, 0);
        if (others + ev.value > targets['br-cb']) throw { code: 'VALIDATION', message: 'value: 超过上级目标', reason: 'TARGET.OVER_PARENT', details: { issues: [{ field: 'value', message: `超过上级目标：上级 60，其他下级已分 ${others}，最多还可分 ${60 - others}` }] } };
        targets[ev.unitId] = ev.value;
        return { id: `${ev.unitId}|${ev.period}|${ev.metric}`, ...ev };
      }
      const id = ev.unitId ?? 'br-cb';
      return {
        scope: { type: 'unit', id, name: id === 'br-cb' ? '城北支行' : id, kind: id === 'br-cb' ? 'branch' : 'group' },
        period: { kind: 'month', start: '2025-08-01', end: '2025-08-31' },
        items: [
          { metric: 'acquiring', actual: 10, target: targets[id] ?? null, ratio: null },
          { metric: 'coverage', actual: 0.5, target: null, ratio: null },
        ],
      };
    });
    const page = mount('pages/metrics/targets/index', {}, { period: '2025-08' });
    await flush(10);
    expect(page.data.periodKey).toBe('2025-08');
    expect(calls().find((c) => c.action === 'targets')!.event).toMatchObject({ period: { kind: 'month', start: '2025-08-01', end: '2025-08-31' } });
    expect(page.data.canEdit).toBe(false);
    expect(page.data.canSplit).toBe(true);
    // A rate is not split.
    expect(find(page, '.split-link')).toHaveLength(1);
    await tap(page, '.split-link', 0);
    await flush(10);
    expect(page.data.split).toMatchObject({ metric: 'acquiring', parentTarget: '60 户', sum: '40 户', remainder: '20 户' });
    expect(page.data.split.children.map((c: any) => [c.id, c.target])).toEqual([['grp-1', '40 户'], ['grp-2', '未分']]);
    expect(calls().filter((c) => c.action === 'targets').map((c) => c.event.unitId)).toEqual(expect.arrayContaining(['grp-1', 'grp-2']));

    await type(page, '.share-input', '30', 1);
    await tap(page, '.save-share', 1);
    await flush(10);
    expect(calls().filter((c) => c.action === 'setTarget').at(-1)!.event).toMatchObject({ unitId: 'grp-2', metric: 'acquiring', value: 30 });
    expect(page.data.split.children[1].error).toContain('最多还可分 20');
    expect(find(page, '.share-error')).toHaveLength(1);
    expect(page.data.split.remainder).toBe('20 户');

    await type(page, '.share-input', '20', 1);
    await tap(page, '.save-share', 1);
    await flush(10);
    expect(page.data.split).toMatchObject({ sum: '60 户', remainder: '0 户' });
    expect(page.data.split.children[1]).toMatchObject({ target: '20 户', error: '' });
  });

  test('a year in the query shows the year’s targets (the shared period key)', async () => {
    answerCalls((fn, ev) => (fn === 'user' ? me('hq') : { scope: { type: 'unit', id: 'bank', name: '兴化农商银行', kind: 'bank' }, period: { kind: 'year', start: '2025-01-01', end: '2025-12-31' }, items: [], ...(ev.action === 'listUnits' ? { items: [] } : {}) }));
    const page = mount('pages/metrics/targets/index', {}, { period: '2025' });
    await flush(10);
    expect(page.data.kind).toBe('year');
    expect(calls().find((c) => c.action === 'targets')!.event).toMatchObject({ period: { kind: 'year', start: '2025-01-01', end: '2025-12-31' } });
  });
});
