import { callAction } from './transport';

export type Period = { kind: 'day'; day: string } | { kind: 'month'; month: string } | { kind: 'year'; year: string } | { kind: 'range'; start: string; end: string };

export interface MetricSet {
  filed: number;
  acquiring: number;
  coverage: number | null;
  revisitRate: number | null;
  grantRate: number | null;
  usageRate: number | null;
  depositFen: number;
  [key: string]: unknown;
}

export interface Dashboard {
  unit: { _id: string; name: string; kind: string };
  period: Period;
  metrics: MetricSet;
  change?: Partial<MetricSet>;
  targets?: Record<string, number>;
  children: { unitId: string; name: string; kind: string; metrics: MetricSet }[];
  rankings?: { grids?: { unitId: string; name: string; value: number }[]; staff?: { staffId: string; name: string; value: number }[] };
}

export interface TrendPoint {
  month: string;
  acquiring: number;
  filed: number;
  visits?: number;
  coverage?: number | null;
}

export interface WorkloadRow {
  key: string;
  staffId?: string;
  name?: string;
  total: number;
  flagged: number;
  byType: Record<string, number>;
}

/** Fetches the dashboard of a unit for a period: metrics, children breakdown, rankings. */
export function fetchDashboard(input: { unitId?: string; period: Period }): Promise<Dashboard> {
  return callAction('stats', 'dashboard', input);
}

/** Fetches the 12-month trend ending at `month`. */
export function fetchTrend(input: { unitId?: string; month: string }): Promise<{ points: TrendPoint[] }> {
  return callAction('stats', 'trend', input);
}

/** Fetches visit workload by staff (or by day/month of one staff member). */
export function fetchWorkload(input: { unitId?: string; staffId?: string; granularity: 'day' | 'month' | 'year'; period: Period }): Promise<{ rows: WorkloadRow[] }> {
  return callAction('stats', 'workload', input);
}

/** Saves head-office targets for a unit and period. */
export function saveTargets(input: { unitId: string; period: string; targets: Record<string, number> }): Promise<unknown> {
  return callAction('stats', 'setTargets', input);
}
