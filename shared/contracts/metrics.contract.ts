/**
 * Contract of the `metrics` function: the dashboard, workload, targets (set, and read against the actual figures) and the roll-up
 * reconciliation (docs/domain.md §7). Imported by the mini program too (zod jitless).
 */
import { z } from 'zod';
import { INDICATORS, type Indicator, type MetricFigures } from '../domain/metrics.rules';
import type { Period } from '../domain/period.rules';
import type { VisitType } from '../domain/visit.rules';
import { daySchema, dayRangeProblem, periodInput, periodKeySchema } from './date.contract';
import { idSchema } from './common.contract';

z.config({ jitless: true });

/** A period as a key or `{ kind, start, end }`, its days real and within the shared range (date.contract). */
export { periodInput };

/** Longest range one reconciliation may recompute: its work (visits, roll-up documents) grows with the days. */
export const MAX_RECONCILE_DAYS = 366;

export const DASHBOARD_SECTIONS = ['children', 'rankings', 'trend', 'targets', 'grids'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];
/** The sections a dashboard computes when none are named: every grid (`grids`, the console's wide table) only when asked. */
export const DEFAULT_DASHBOARD_SECTIONS: readonly DashboardSection[] = ['children', 'rankings', 'trend', 'targets'];

export const dashboardInput = z.strictObject({
  /** a unit (bank, branch, group, grid); default: the caller's own unit (head office: the bank) */
  unitId: idSchema.optional(),
  /** a market (商圈) instead of a unit */
  marketId: idSchema.optional(),
  /** all city (城区) or all township (乡镇) merchants of the bank (head office) */
  area: z.enum(['city', 'township'], { error: '区域应为 city 或 township' }).optional(),
  period: periodInput,
  /** which optional sections to compute (default DEFAULT_DASHBOARD_SECTIONS: all but `grids`) */
  sections: z.array(z.enum(DASHBOARD_SECTIONS)).max(5).optional(),
});
export type DashboardInput = z.input<typeof dashboardInput>;

export const workloadInput = z.strictObject({
  /** one staff member; default the caller, unless `unitId` asks for a team */
  staffId: idSchema.optional(),
  /** a unit's staff (the grid leader's team view) */
  unitId: idSchema.optional(),
  period: periodInput,
});

export const setTargetInput = z.strictObject({
  unitId: idSchema,
  /** a day, month or year key, a real one within the shared range */
  period: periodKeySchema,
  metric: z.enum(INDICATORS, { error: '未知的考核指标' }),
  value: z.number({ error: '需要数字' }).finite('需要有限数字').min(0, '不能为负数').max(1e15, '数值过大'),
});

export const targetsInput = z.strictObject({
  unitId: idSchema.optional(),
  marketId: idSchema.optional(),
  area: z.enum(['city', 'township'], { error: '区域应为 city 或 township' }).optional(),
  period: periodInput,
});

/** With `jobId`, the call goes on with that reconciliation (steps it further) and answers where it is. Days to recompute (default yesterday; one of them alone is a single day), bounded before any work starts. */
export const reconcileInput = z.strictObject({ from: daySchema.optional(), to: daySchema.optional(), jobId: idSchema.optional() }).superRefine((v, ctx) => {
  const problem = v.from && v.to ? dayRangeProblem(v.from, v.to, MAX_RECONCILE_DAYS) : null;
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['to'] });
});

/** With `jobId`: that rebuild goes on; an id not used yet starts the rebuild under it (the client's own id, kept across a call that died). */
export const rebuildInput = z.strictObject({ parts: z.array(z.enum(['stock', 'flow'])).min(1).max(2).optional(), jobId: idSchema.optional() });

/** One figure with its comparisons. */
export interface FigureWithChange {
  value: number | null;
  sinceJanuary: number | null;
  previous: number | null;
}

export interface ScopeRef {
  type: 'unit' | 'market' | 'staff' | 'area';
  id: string;
  name: string;
  kind: string;
}

export interface ChildRow extends ScopeRef {
  figures: MetricFigures;
}

/** A grid of the dashboard's unit with the units between them (branch, group), for the console's table of every grid. */
export interface GridRow extends ChildRow {
  /** ids and names of the units from below the dashboard's unit down to the grid's parent */
  within: { id: string; name: string; kind: string }[];
}

export interface TrendPoint {
  month: string;
  acquiring: number;
  filed: number;
  coverage: number | null;
  depositsFen: number;
  revisitRate: number | null;
  visitsTotal: number;
}

export interface DashboardView {
  scope: ScopeRef;
  period: Period;
  figures: MetricFigures;
  previousFigures: MetricFigures;
  /** the same stock figures at 31 December of the previous year ("since 1 January") */
  yearStartFigures: MetricFigures;
  change: Record<'acquiring' | 'filed' | 'depositsFen' | 'creditGranted' | 'creditDrawing' | 'loansOutstandingFen' | 'coverage', FigureWithChange>;
  classes: Record<string, number>;
  children?: ChildRow[];
  rankings?: { grids: ChildRow[]; gridsByCoverage: ChildRow[]; staff: ChildRow[] };
  trend?: TrendPoint[];
  /** every grid under the unit (section `grids`, asked for by name), by branch, group and name */
  grids?: GridRow[];
  targets?: { metric: Indicator; target: number; actual: number | null; ratio: number | null }[];
}

/** `targets` (考核指标, the 去营销 assessment): the indicators head office assesses, each with its target (if set) and actual. */
export interface TargetsView {
  scope: ScopeRef;
  period: Period;
  items: { metric: Indicator; actual: number | null; target: number | null; ratio: number | null }[];
}

export interface WorkloadRow {
  key: string;
  byType: Record<VisitType, { total: number; flagged: number }>;
  total: number;
  flagged: number;
}

export interface WorkloadView {
  period: Period;
  /** one staff member: rows per day (period ≤ 62 days), month (≤ 3 years) or year */
  staff?: { id: string; name: string; role: string; grain: 'day' | 'month' | 'year'; rows: WorkloadRow[]; totals: WorkloadRow };
  /** a unit's team: one row per staff member for the period */
  team?: { unitId: string; rows: (WorkloadRow & { staffId: string; name: string; role: string })[] };
}
