/**
 * Dashboard: the unit's figures (the same `metrics.dashboard` the mini program reads), its 12-month trend,
 * and wide tables of every grid and of its child units, sortable and filterable.
 */
import { Suspense, lazy, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Alert, Input, Select, Table, type PrimaryTableCol, type TableSort } from 'tdesign-react';
import type { ChildRow, DashboardView, GridRow } from '../../../shared/contracts/metrics.contract';
import type { MetricFigures } from '../../../shared/domain/metrics.rules';
import { INDICATOR_LABELS, UNIT_KIND_LABELS } from '../../../shared/domain/labels';
import { errorText, fetchDashboard } from '../api';
import { count, percent, wan } from '../format';
import { mark, useMe } from '../session';

// ECharts is most of the dashboard's code: the chart loads after the figures and the table are shown.
const TrendChart = lazy(() => import('./trend-chart'));

type Row = { id: string; name: string; branch: string; group: string; kind: string; figures: MetricFigures };

const FIGURE_COLUMNS: { key: keyof MetricFigures; title: string; show: (f: MetricFigures) => string }[] = [
  { key: 'merchants', title: '商户数', show: (f) => count(f.merchants) },
  { key: 'filed', title: INDICATOR_LABELS.filed, show: (f) => count(f.filed) },
  { key: 'acquiring', title: INDICATOR_LABELS.acquiring, show: (f) => count(f.acquiring) },
  { key: 'coverage', title: INDICATOR_LABELS.coverage, show: (f) => percent(f.coverage) },
  { key: 'creditGranted', title: INDICATOR_LABELS.creditGranted, show: (f) => count(f.creditGranted) },
  { key: 'creditDrawing', title: INDICATOR_LABELS.creditDrawing, show: (f) => count(f.creditDrawing) },
  { key: 'grantRate', title: INDICATOR_LABELS.grantRate, show: (f) => percent(f.grantRate) },
  { key: 'usageRate', title: INDICATOR_LABELS.usageRate, show: (f) => percent(f.usageRate) },
  { key: 'depositsFen', title: `${INDICATOR_LABELS.depositsFen}(万元)`, show: (f) => wan(f.depositsFen) },
  { key: 'loansOutstandingFen', title: `${INDICATOR_LABELS.loansOutstandingFen}(万元)`, show: (f) => wan(f.loansOutstandingFen) },
  { key: 'revisitRate', title: INDICATOR_LABELS.revisitRate, show: (f) => percent(f.revisitRate) },
  { key: 'visitsTotal', title: INDICATOR_LABELS.visitsTotal, show: (f) => count(f.visitsTotal) },
];

const CARDS: (keyof MetricFigures)[] = ['filed', 'acquiring', 'coverage', 'creditGranted', 'depositsFen', 'revisitRate', 'visitsTotal'];

function columns(lead: PrimaryTableCol<Row>[]): PrimaryTableCol<Row>[] {
  return [
    ...lead,
    ...FIGURE_COLUMNS.map(
      (c): PrimaryTableCol<Row> => ({ colKey: c.key, title: c.title, sorter: true, align: 'right', width: 110, cell: ({ row }) => c.show(row.figures) }),
    ),
  ];
}

const GRID_COLUMNS = columns([
  { colKey: 'branch', title: '支行', width: 130, fixed: 'left', sorter: true },
  { colKey: 'group', title: '网格组', width: 130, sorter: true },
  { colKey: 'name', title: '网格', width: 140, sorter: true },
]);
const CHILD_COLUMNS = columns([
  { colKey: 'name', title: '单位', width: 160, fixed: 'left', sorter: true },
  { colKey: 'kind', title: '类别', width: 80, cell: ({ row }) => UNIT_KIND_LABELS[row.kind as keyof typeof UNIT_KIND_LABELS] ?? (row.kind === 'market' ? '商圈' : row.kind) },
]);

function sortRows(rows: Row[], sort: TableSort | undefined): Row[] {
  const s = Array.isArray(sort) ? sort[0] : sort;
  if (!s) return rows;
  const dir = s.descending ? -1 : 1;
  const val = (r: Row): number | string | null => (s.sortBy === 'name' || s.sortBy === 'branch' || s.sortBy === 'group' ? r[s.sortBy] : (r.figures[s.sortBy as keyof MetricFigures] as number | null));
  return [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (typeof x === 'string' ? x.localeCompare(y as string, 'zh') : x - (y as number)) * dir;
  });
}

/** A table that reports how long its rows took to reach the page (for the browser test's figure). */
function MeasuredTable({ rows, cols, label, since }: { rows: Row[]; cols: PrimaryTableCol<Row>[]; label: string; since: React.MutableRefObject<number> }) {
  const [sort, setSort] = useState<TableSort | undefined>(undefined);
  const shown = useMemo(() => sortRows(rows, sort), [rows, sort]);
  useLayoutEffect(() => {
    if (!since.current) return;
    const t0 = since.current;
    since.current = 0;
    mark(`${label}RenderMs`, performance.now() - t0);
    requestAnimationFrame(() => {
      mark(`${label}PaintMs`, performance.now() - t0);
      // From the navigation's start: on a page opened signed in, when its first screen is usable.
      mark(`${label}ShownAt`, performance.now());
    });
  });
  return (
    <Table<Row>
      rowKey="id"
      data={shown}
      columns={cols}
      sort={sort}
      onSortChange={(s) => setSort(s)}
      size="small"
      bordered
      hover
      stripe
      tableLayout="fixed"
      maxHeight={560}
      // Only the rows in view are in the page (265 grids and more stay quick to draw and to sort).
      scroll={{ type: 'virtual', rowHeight: 33, bufferSize: 15, threshold: 60 }}
      empty="没有符合条件的单位"
    />
  );
}

export default function Dashboard() {
  const me = useMe();
  const [month, setMonth] = useState(me.bankDay.slice(0, 7));
  const [view, setView] = useState<DashboardView | null>(null);
  const [error, setError] = useState('');
  const [q, setQ] = useState('');
  const [branch, setBranch] = useState('');
  const [tab, setTab] = useState<'grids' | 'children'>('grids');
  const since = useRef(0);

  useEffect(() => {
    let live = true;
    setError('');
    fetchDashboard({ period: month, sections: ['grids', 'children', 'trend'] }).then(
      (v) => {
        if (!live) return;
        since.current = performance.now();
        setView(v);
      },
      (err) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [month]);

  const gridRows = useMemo<Row[]>(
    () =>
      (view?.grids ?? []).map((g: GridRow) => ({
        id: g.id,
        name: g.name,
        kind: g.kind,
        branch: g.within.find((u) => u.kind === 'branch')?.name ?? (me.role === 'branch' ? me.unit?.name ?? '' : ''),
        group: g.within.find((u) => u.kind === 'group')?.name ?? '',
        figures: g.figures,
      })),
    [view, me],
  );
  const childRows = useMemo<Row[]>(() => (view?.children ?? []).map((c: ChildRow) => ({ id: c.id, name: c.name, kind: c.kind, branch: '', group: '', figures: c.figures })), [view]);
  const branches = useMemo(() => [...new Set(gridRows.map((r) => r.branch).filter(Boolean))], [gridRows]);
  const filtered = useMemo(() => {
    const needle = q.trim();
    return gridRows.filter((r) => (!branch || r.branch === branch) && (!needle || r.name.includes(needle) || r.group.includes(needle) || r.branch.includes(needle)));
  }, [gridRows, q, branch]);

  return (
    <div className="c-dashboard">
      <div className="c-toolbar">
        <label>
          统计月份 <input type="month" value={month} max={me.bankDay.slice(0, 7)} onChange={(e) => e.target.value && setMonth(e.target.value)} aria-label="统计月份" />
        </label>
        {view ? <span className="c-muted">{view.scope.name}</span> : null}
      </div>
      {error ? <Alert theme="error" message={error} /> : null}
      {!view && !error ? <div className="c-loading">加载中…</div> : null}
      {view ? (
        <>
          <div className="c-cards">
            {CARDS.map((k) => {
              const c = FIGURE_COLUMNS.find((x) => x.key === k)!;
              return (
                <div key={k} className="c-card" data-metric={k}>
                  <div className="c-card-label">{c.title}</div>
                  <div className="c-card-value">{c.show(view.figures)}</div>
                </div>
              );
            })}
          </div>
          {view.trend?.length ? (
            <Suspense fallback={<div className="c-chart" aria-busy="true" />}>
              <TrendChart points={view.trend} />
            </Suspense>
          ) : null}
          <div className="c-tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'grids'} className={tab === 'grids' ? 'on' : ''} onClick={() => setTab('grids')}>
              全部网格（{gridRows.length}）
            </button>
            <button type="button" role="tab" aria-selected={tab === 'children'} className={tab === 'children' ? 'on' : ''} onClick={() => setTab('children')}>
              下级单位（{childRows.length}）
            </button>
          </div>
          {tab === 'grids' ? (
            <>
              <div className="c-toolbar">
                <Input value={q} onChange={(v) => setQ(String(v))} placeholder="按支行、网格组或网格名称筛选" clearable style={{ width: 280 }} />
                {branches.length > 1 ? (
                  <Select value={branch} onChange={(v) => setBranch(String(v ?? ''))} clearable placeholder="全部支行" style={{ width: 180 }} options={branches.map((b) => ({ label: b, value: b }))} />
                ) : null}
                <span className="c-muted">显示 {filtered.length} / {gridRows.length} 个网格</span>
              </div>
              <MeasuredTable rows={filtered} cols={GRID_COLUMNS} label="gridTable" since={since} />
            </>
          ) : (
            <MeasuredTable rows={childRows} cols={CHILD_COLUMNS} label="childTable" since={since} />
          )}
        </>
      ) : null}
    </div>
  );
}
