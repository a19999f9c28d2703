import type { ChildRow, DashboardSection, DashboardView, GridRow, ScopeRef, TrendPoint } from '../../shared/contracts/metrics.contract';
import {
  type Indicator,
  type MetricFigures,
  figuresFrom,
  indicatorValue,
  ratio,
} from '../../shared/domain/metrics.rules';
import { VISIT_TYPES } from '../../shared/domain/visit.rules';
import { type Period, decomposeRange, monthEnd, periodKey, previousPeriod, trendMonths } from '../../shared/domain/period.rules';
import { type ActionContext, type Db, assertInScope, bankUnit, fieldError, getDoc, isInScope, loadUnits, getAll, type UnitDoc } from '../../server';
import {
  type OwnerDocs,
  type SharedDeltas,
  classCounts,
  dayMonthsFor,
  flowOver,
  isSingleGrain,
  loadOwnerDocs,
  loadRankedOwners,
  monthsFor,
  areaOwner,
  marketOwner,
  revisitedInRange,
  stockAt,
  unitOwner,
} from '../../server/rollup';

/** What a dashboard is about: a unit or a market, with its owner key in the roll-ups. */
export interface Target {
  ref: ScopeRef;
  owner: string;
  unitPath: string[];
  unitKind: string;
}

/**
 * Resolves the unit or market a request is about and checks the caller may see it. Without either,
 * the caller's own level: the bank for head office, the home unit for branch and leader, the first
 * assigned grid for field roles.
 */
export async function resolveTarget(ctx: ActionContext, input: { unitId?: string; marketId?: string; area?: 'city' | 'township' }): Promise<Target> {
  if ([input.unitId, input.marketId, input.area].filter(Boolean).length > 1) throw fieldError(input.area ? 'area' : 'marketId', '单位、商圈和区域只能选择一个');
  if (input.area) {
    // An area spans every branch of that kind: only a bank-wide scope may see it.
    if (ctx.caller.scope !== 'all') assertInScope(ctx.caller, []);
    return { ref: { type: 'area', id: input.area, name: input.area === 'city' ? '城区' : '乡镇', kind: 'area' }, owner: areaOwner(input.area), unitPath: [], unitKind: 'area' };
  }
  if (input.marketId) {
    const market = await getDoc<any>(ctx.db, 'markets', input.marketId);
    if (!market) throw fieldError('marketId', '商圈不存在', 'MARKET.NOT_FOUND');
    // A market is visible to whoever sees its branch, or one of the grids it covers.
    if (!isInScope(ctx.caller, market.unitPath) && !isInScope(ctx.caller, market.gridIds)) assertInScope(ctx.caller, market.unitPath);
    return { ref: { type: 'market', id: market._id, name: market.name, kind: 'market' }, owner: marketOwner(market._id), unitPath: market.unitPath ?? [], unitKind: 'market' };
  }
  let unitId = input.unitId;
  // Head office's default is the bank, read whole by its query: no second read of the same unit.
  const bank = !unitId && ctx.caller.role === 'hq' ? await bankUnit(ctx.db) : null;
  if (!unitId) unitId = bank?._id ?? defaultUnitId(ctx);
  if (!unitId) throw fieldError('unitId', '请选择单位');
  const unit = bank ?? (await getDoc<any>(ctx.db, 'units', unitId));
  if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
  assertInScope(ctx.caller, unit.unitPath);
  return { ref: { type: 'unit', id: unit._id, name: unit.name, kind: unit.kind }, owner: unitOwner(unit._id), unitPath: unit.unitPath ?? [unit._id], unitKind: unit.kind };
}

/** The caller's own unit for a dashboard without one (head office's, the bank, is looked up). */
function defaultUnitId(ctx: ActionContext): string | undefined {
  if (ctx.caller.role === 'hq') return undefined;
  if (ctx.caller.role === 'branch' || ctx.caller.role === 'leader') return ctx.caller.unitId;
  return ctx.caller.gridIds[0] ?? ctx.caller.unitId;
}

/**
 * The roll-up owner a request will resolve to, as far as it is known without a read: the unit, market
 * or area asked for, or the caller's own unit (head office's: the root of its unit path, the bank).
 * A guess only: the resolved target decides, and a wrong guess costs an unused read.
 */
function expectedOwner(ctx: ActionContext, input: { unitId?: string; marketId?: string; area?: 'city' | 'township' }): string | null {
  if ([input.unitId, input.marketId, input.area].filter(Boolean).length > 1) return null;
  if (input.area) return areaOwner(input.area);
  if (input.marketId) return marketOwner(input.marketId);
  const unitId = input.unitId ?? (ctx.caller.role === 'hq' ? ctx.caller.unitPath[0] : defaultUnitId(ctx));
  return unitId ? unitOwner(unitId) : null;
}

/**
 * The unit a request without one will resolve to, with its kind, as far as the caller tells it: head
 * office's bank, a branch manager's branch, a leader's group, a field role's first grid. A guess only
 * (`resolveTarget` decides); null when the request names its unit, market or area.
 */
function expectedUnit(ctx: ActionContext, input: { unitId?: string; marketId?: string; area?: 'city' | 'township' }): { id: string; kind: string } | null {
  if (input.unitId || input.marketId || input.area) return null;
  const c = ctx.caller;
  if (c.role === 'hq') return c.unitPath[0] ? { id: c.unitPath[0], kind: 'bank' } : null;
  if (c.role === 'branch') return { id: c.unitId, kind: 'branch' };
  if (c.role === 'leader') return { id: c.unitId, kind: 'group' };
  return c.gridIds[0] ? { id: c.gridIds[0], kind: 'grid' } : null;
}

/** The reads of a dashboard besides the owner's own documents: breakdown, rankings, targets. */
interface SideReads {
  unitId: string;
  unitKind: string;
  children: Promise<ChildRow[] | null> | null;
  rankings: Promise<DashboardView['rankings'] | null> | null;
  targets: Promise<{ metric: Indicator; value: number }[]> | null;
}

function sideReads(db: Db, target: Pick<Target, 'ref' | 'unitKind'>, period: Period, sections: readonly DashboardSection[], shared: SharedDeltas): SideReads {
  return {
    unitId: target.ref.id,
    unitKind: target.unitKind,
    children: sections.includes('children') ? childRows(db, target, period, shared) : null,
    rankings: sections.includes('rankings') ? rankingsOf(db, target, period, shared) : null,
    targets: sections.includes('targets') ? targetDocs(db, target.ref.id, period) : null,
  };
}

/**
 * The dashboard a request asks for. The owner's own roll-up documents — and, for the caller's own unit,
 * its breakdown, rankings and targets — are read while the target is resolved and its scope checked (on
 * CloudBase each is a round trip, and they do not depend on each other); nothing read is answered unless
 * the check passes, and reads made for a guess the resolution does not confirm are left unused.
 */
export async function dashboardFor(ctx: ActionContext, input: { unitId?: string; marketId?: string; area?: 'city' | 'township'; period: Period }, sections: readonly DashboardSection[]): Promise<DashboardView> {
  const shared: SharedDeltas = new Map();
  const owner = expectedOwner(ctx, input);
  const early = owner ? { owner, docs: loadOwnDocs(ctx.db, owner, input.period, sections, shared) } : null;
  // A refused target leaves this read unused: its failure, if any, is not the answer's.
  early?.docs.catch(() => undefined);
  const unit = sections.some((x) => x !== 'trend') ? expectedUnit(ctx, input) : null;
  const side = unit ? sideReads(ctx.db, { ref: { type: 'unit', id: unit.id, name: '', kind: unit.kind }, unitKind: unit.kind }, input.period, sections, shared) : null;
  for (const p of [side?.children, side?.rankings, side?.targets]) p?.catch(() => undefined);
  const target = await resolveTarget(ctx, input);
  const confirmed = side && target.ref.type === 'unit' && target.ref.id === side.unitId && target.unitKind === side.unitKind ? side : null;
  return computeDashboard(ctx.db, target, input.period, sections, early, confirmed, shared);
}

const EMPTY: OwnerDocs = { meta: { owner: '', ownerType: 'unit', ownerId: '', kind: '', name: '', path: [], parentId: null }, all: null, stock: new Map(), flow: new Map(), stockDays: new Map(), flowDays: new Map() };

/** The day before a period's first day, the end of the previous year, and a month's last day capped at `end`. */
const yearEndBefore = (day: string) => `${Number(day.slice(0, 4)) - 1}-12-31`;
const capped = (month: string, end: string) => (monthEnd(month) < end ? monthEnd(month) : end);

/** Figures of one owner for a period; distinct revisits of a multi-grain range come from the marks. */
async function figuresFor(db: Db, o: OwnerDocs, p: Period, target: { unitId?: string; marketId?: string; area?: string }): Promise<MetricFigures> {
  const flow = flowOver(o, p.start, p.end);
  if (!isSingleGrain(p.start, p.end)) flow.rv = await revisitedInRange(db, target, p.start, p.end);
  return figuresFrom(stockAt(o, p.end), flow);
}

function figuresForSync(o: OwnerDocs, p: Period): MetricFigures {
  return figuresFrom(stockAt(o, p.end), flowOver(o, p.start, p.end));
}

function rowOf(o: OwnerDocs, figures: MetricFigures): ChildRow {
  // Rows are of units, markets, areas and staff (the ranking documents' own owner is never a row).
  return { type: o.meta.ownerType as ChildRow['type'], id: o.meta.ownerId, name: o.meta.name, kind: o.meta.kind, figures };
}

/**
 * The dashboard of a unit or market for a period, from the roll-ups only: figures at the period end and
 * over it, the previous period and 31 December for comparison, lifecycle classes, children for
 * drill-down, rankings of grids and staff, a 12-month trend, and targets against actuals.
 */
export async function computeDashboard(
  db: Db,
  target: Target,
  period: Period,
  sections: readonly DashboardSection[],
  early: { owner: string; docs: Promise<Map<string, OwnerDocs>> } | null = null,
  started: SideReads | null = null,
  shared: SharedDeltas = new Map(),
): Promise<DashboardView> {
  const prev = previousPeriod(period);
  const yearEnd = yearEndBefore(period.end);
  const months = sections.includes('trend') ? trendMonths(period.end.slice(0, 7)) : [];
  const scopeTarget = target.ref.type === 'market' ? { marketId: target.ref.id } : target.ref.type === 'area' ? { area: target.ref.id } : { unitId: target.ref.id };
  // The unit's own documents, its children and its rankings are independent reads: on CloudBase each is a
  // round trip, so they go out together.
  const side = started ?? sideReads(db, target, period, sections, shared);
  const [selfDocs, children, rankings, targetRows, grids] = await Promise.all([
    early?.owner === target.owner ? early.docs : loadOwnDocs(db, target.owner, period, sections, shared),
    side.children,
    side.rankings,
    side.targets,
    sections.includes('grids') ? gridRows(db, target, period) : null,
  ]);
  const self = selfDocs.get(target.owner) ?? EMPTY;
  const [figures, previousFigures] = await Promise.all([figuresFor(db, self, period, scopeTarget), figuresFor(db, self, prev, scopeTarget)]);
  const yearStartFigures = figuresFrom(stockAt(self, yearEnd), {});
  const changeOf = (k: keyof MetricFigures) => {
    const v = figures[k] as number | null;
    const y = yearStartFigures[k] as number | null;
    const p = previousFigures[k] as number | null;
    return { value: v, sinceJanuary: v !== null && y !== null ? v - y : null, previous: p };
  };
  const view: DashboardView = {
    scope: target.ref,
    period,
    figures,
    previousFigures,
    yearStartFigures,
    change: {
      acquiring: changeOf('acquiring'),
      filed: changeOf('filed'),
      depositsFen: changeOf('depositsFen'),
      creditGranted: changeOf('creditGranted'),
      creditDrawing: changeOf('creditDrawing'),
      loansOutstandingFen: changeOf('loansOutstandingFen'),
      coverage: changeOf('coverage'),
    },
    classes: classCounts(self),
  };
  if (sections.includes('trend')) {
    view.trend = months.map((m): TrendPoint => {
      const end = capped(m, period.end);
      const f = figuresFrom(stockAt(self, end), flowOver(self, `${m}-01`, end));
      return { month: m, acquiring: f.acquiring, filed: f.filed, coverage: f.coverage, depositsFen: f.depositsFen, revisitRate: f.revisitRate, visitsTotal: f.visitsTotal };
    });
  }
  if (children) view.children = children;
  if (rankings) view.rankings = rankings;
  if (grids) view.grids = grids;
  if (targetRows) view.targets = targetsAgainst(targetRows, figures);
  return view;
}

/**
 * The dashboard owner's own roll-up documents: those of the period, the previous period, 31 December and
 * (with a trend) the twelve months before. They are read whole: for one owner's few documents, a
 * projection costs the engine and the client more than the months it leaves out.
 */
export function loadOwnDocs(db: Db, owner: string, period: Period, sections: readonly DashboardSection[], shared?: SharedDeltas): Promise<Map<string, OwnerDocs>> {
  const prev = previousPeriod(period);
  const yearEnd = yearEndBefore(period.end);
  const first = sections.includes('trend') ? `${trendMonths(period.end.slice(0, 7))[0]}-01` : period.start;
  const minYear = [period.start, prev.start, yearEnd, first].map((d) => d.slice(0, 4)).sort()[0];
  return loadOwnerDocs(db, { owner }, minYear, dayMonthsFor([period.end, prev.end], [period, prev]), undefined, shared);
}

/** Rows of many owners for a period; only the months their figures need are read. */
async function rowsOf(db: Db, where: Record<string, unknown>, period: Period, shared?: SharedDeltas): Promise<ChildRow[]> {
  const docs = await loadOwnerDocs(db, where, period.start.slice(0, 4), dayMonthsFor([period.end], [period]), monthsFor([period.end], [period]), shared);
  return [...docs.values()].map((o) => rowOf(o, figuresForSync(o, period)));
}

/** A unit's breakdown for drill-down: its child units (a grid's: its staff) by name, then a branch's markets. */
async function childRows(db: Db, target: Pick<Target, 'ref' | 'unitKind'>, period: Period, shared?: SharedDeltas): Promise<ChildRow[] | null> {
  if (target.ref.type !== 'unit') return null;
  const id = target.ref.id;
  const [units, markets] = await Promise.all([
    rowsOf(db, target.unitKind === 'grid' ? { ownerType: 'staff', path: id } : { ownerType: 'unit', parentId: id }, period, shared),
    target.unitKind === 'branch' ? rowsOf(db, { ownerType: 'market', parentId: id }, period, shared) : [],
  ]);
  return [...units.sort((a, b) => a.name.localeCompare(b.name, 'zh')), ...markets];
}

/**
 * Every grid under the unit with the units between (the console's wide table), by branch, group and grid
 * name; a grid with nothing in its roll-ups yet is listed with empty figures.
 */
async function gridRows(db: Db, target: Target, period: Period): Promise<GridRow[] | null> {
  if (target.ref.type !== 'unit') return null;
  const id = target.ref.id;
  const [grids, docs] = await Promise.all([
    getAll<UnitDoc>(db, 'units', { unitPath: id, kind: 'grid' }),
    loadOwnerDocs(db, { ownerType: 'unit', kind: 'grid', path: id }, period.start.slice(0, 4), dayMonthsFor([period.end], [period]), monthsFor([period.end], [period])),
  ]);
  const byGrid = new Map([...docs.values()].map((o) => [o.meta.ownerId, o]));
  const between = (u: UnitDoc) => u.unitPath.slice(u.unitPath.indexOf(id) + 1).filter((x) => x !== u._id);
  const units = await loadUnits(db, grids.flatMap(between));
  const empty = figuresFrom({}, {});
  const rows = grids.map((u): GridRow => {
    const o = byGrid.get(u._id);
    return {
      ...(o ? rowOf(o, figuresForSync(o, period)) : { type: 'unit', id: u._id, name: u.name, kind: 'grid', figures: empty }),
      within: between(u).map((x) => ({ id: x, name: units.get(x)?.name ?? '', kind: units.get(x)?.kind ?? '' })),
    };
  });
  const key = (r: GridRow) => [...r.within.map((u) => u.name), r.name].join('/');
  return rows.sort((a, b) => key(a).localeCompare(key(b), 'zh'));
}

/**
 * The unit's top ten grids by acquiring and by coverage, and its top ten staff by visits (ties by id).
 * The bank's come from the ranking documents when they serve the period (server/rollup/rank.ts: a few
 * documents instead of every grid's and staff member's own); otherwise, and for every other unit, from the
 * owners' own documents. Both give the same rows.
 */
export async function rankingsOf(db: Db, target: Pick<Target, 'ref' | 'unitKind'>, period: Period, shared?: SharedDeltas, opts: { ownDocs?: boolean } = {}): Promise<DashboardView['rankings'] | null> {
  if (target.ref.type !== 'unit') return null;
  if (target.unitKind === 'bank' && !opts.ownDocs) {
    // First without the owners that had flows in the period's years but none in it: they could only enter
    // a ranking with nothing, when fewer than ten have something; then they are read (a round trip more).
    const some = await loadRankedOwners(db, target.ref.id, period, shared, { periodOnly: true });
    const rows = some && rankedRows(some, period, true);
    if (rows) return rows;
    const all = some && (await loadRankedOwners(db, target.ref.id, period, shared));
    if (all) return rankedRows(all, period, false)!;
  }
  const [grids, staff] = await Promise.all([rowsOf(db, { ownerType: 'unit', kind: 'grid', path: target.ref.id }, period, shared), rowsOf(db, { ownerType: 'staff', path: target.ref.id }, period, shared)]);
  return {
    grids: [...grids].sort((a, b) => b.figures.acquiring - a.figures.acquiring || byId(a, b)).slice(0, 10),
    gridsByCoverage: [...grids].filter((g) => g.figures.coverage !== null).sort((a, b) => (b.figures.coverage ?? 0) - (a.figures.coverage ?? 0) || byId(a, b)).slice(0, 10),
    staff: [...staff].sort((a, b) => b.figures.visitsTotal - a.figures.visitsTotal || byId(a, b)).slice(0, 10),
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The rankings of the ranking documents' owners, in the same order as above: the grids by the stock at the
 * period's end alone, the staff by their visits alone, then the whole figures of the rows shown only.
 */
function rankedRows(owners: Map<string, OwnerDocs>, period: Period, periodOnly: boolean): NonNullable<DashboardView['rankings']> | null {
  const parts = decomposeRange(period.start, period.end);
  const grids: { o: OwnerDocs; id: string; figures: Pick<MetricFigures, 'acquiring' | 'coverage'> }[] = [];
  const staff: { o: OwnerDocs; id: string; figures: { visitsTotal: number } }[] = [];
  let gridsWith = 0;
  let staffWith = 0;
  // The ranking figures alone, as figuresFrom computes them.
  for (const o of owners.values()) {
    if (o.meta.ownerType === 'staff') {
      const flow = flowOver(o, period.start, period.end, parts);
      let visitsTotal = 0;
      for (const t of VISIT_TYPES) visitsTotal += flow[`v_${t}`] ?? 0;
      if (visitsTotal > 0) staffWith++;
      staff.push({ o, id: o.meta.ownerId, figures: { visitsTotal } });
    } else if (o.meta.kind === 'grid') {
      const s = stockAt(o, period.end);
      const acquiring = s.acq ?? 0;
      if (acquiring > 0) gridsWith++;
      grids.push({ o, id: o.meta.ownerId, figures: { acquiring, coverage: ratio(s.filedAcq ?? 0, s.filed ?? 0) } });
    }
  }
  // Owners left out by `periodOnly` have no stock (no running totals) and no visits in the period: they
  // could only fill a ranking with fewer than ten rows above nothing.
  if (periodOnly && (gridsWith < 10 || staffWith < 10)) return null;
  const rows = (xs: { o: OwnerDocs }[]) => xs.map((x) => rowOf(x.o, figuresFrom(stockAt(x.o, period.end), flowOver(x.o, period.start, period.end, parts))));
  return {
    grids: rows([...grids].sort((a, b) => b.figures.acquiring - a.figures.acquiring || byId(a, b)).slice(0, 10)),
    gridsByCoverage: rows([...grids].filter((g) => g.figures.coverage !== null).sort((a, b) => (b.figures.coverage ?? 0) - (a.figures.coverage ?? 0) || byId(a, b)).slice(0, 10)),
    staff: rows([...staff].sort((a, b) => b.figures.visitsTotal - a.figures.visitsTotal || byId(a, b)).slice(0, 10)),
  };
}

/** Head-office targets of a unit for a period against the actual figures. */
export async function targetsFor(db: Db, unitId: string, period: Period, figures: MetricFigures): Promise<NonNullable<DashboardView['targets']>> {
  return targetsAgainst(await targetDocs(db, unitId, period), figures);
}

/** Head-office targets of a unit for a period, as stored (read beside the figures they are set against). */
async function targetDocs(db: Db, unitId: string, period: Period): Promise<{ metric: Indicator; value: number }[]> {
  return ((await db.collection('targets').where({ unitId, period: periodKey(period) }).limit(100).get()) as { data: { metric: Indicator; value: number }[] }).data;
}

function targetsAgainst(rows: { metric: Indicator; value: number }[], figures: MetricFigures): NonNullable<DashboardView['targets']> {
  return rows.map((t) => {
    const actual = indicatorValue(figures, t.metric);
    return { metric: t.metric, target: t.value, actual, ratio: actual !== null && t.value > 0 ? actual / t.value : null };
  });
}
