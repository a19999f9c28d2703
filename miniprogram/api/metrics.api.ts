import { metricsContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type DashboardView = import('../vendor/shared').metricsContract.DashboardView;
export type WorkloadView = import('../vendor/shared').metricsContract.WorkloadView;
export type TrendPoint = import('../vendor/shared').metricsContract.TrendPoint;
export type WorkloadRow = import('../vendor/shared').metricsContract.WorkloadRow;
export type DashboardSection = import('../vendor/shared').metricsContract.DashboardSection;
export type TargetsView = import('../vendor/shared').metricsContract.TargetsView;

/** Fetches the dashboard of a unit for a period key ('2025-07-31', '2025-07', '2025'): metrics, breakdown, rankings, trend. */
export function fetchDashboard(input: { unitId?: string; period: string; sections?: DashboardSection[] }): Promise<DashboardView> {
  return callAction('metrics', 'dashboard', parseInput(C.dashboardInput, input));
}

/** Fetches visit workload: one staff member's days/months/years, or a unit's team for the period. */
export function fetchWorkload(input: { unitId?: string; staffId?: string; period: string }): Promise<WorkloadView> {
  return callAction('metrics', 'workload', parseInput(C.workloadInput, input));
}

/** Fetches the targets (考核指标) of a unit for a period key: each assessed indicator's target and actual. */
export function fetchTargets(input: { unitId?: string; period: string }): Promise<TargetsView> {
  return callAction('metrics', 'targets', parseInput(C.targetsInput, input));
}

/** Saves a head-office target for a unit, period and indicator. */
export function saveTarget(input: { unitId: string; period: string; metric: string; value: number }): Promise<unknown> {
  return callAction('metrics', 'setTarget', parseInput(C.setTargetInput, input));
}
