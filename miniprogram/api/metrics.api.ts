import { statsContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type DashboardView = import('../vendor/shared').statsContract.DashboardView;
export type WorkloadView = import('../vendor/shared').statsContract.WorkloadView;
export type TrendPoint = import('../vendor/shared').statsContract.TrendPoint;
export type WorkloadRow = import('../vendor/shared').statsContract.WorkloadRow;
export type DashboardSection = import('../vendor/shared').statsContract.DashboardSection;
export type PanelView = import('../vendor/shared').statsContract.PanelView;

/** Fetches the dashboard of a unit for a period key ('2025-07-31', '2025-07', '2025'): metrics, breakdown, rankings, trend. */
export function fetchDashboard(input: { unitId?: string; period: string; sections?: DashboardSection[] }): Promise<DashboardView> {
  return callAction('stats', 'dashboard', parseInput(C.dashboardInput, input));
}

/** Fetches visit workload: one staff member's days/months/years, or a unit's team for the period. */
export function fetchWorkload(input: { unitId?: string; staffId?: string; period: string }): Promise<WorkloadView> {
  return callAction('stats', 'workload', parseInput(C.workloadInput, input));
}

/** Fetches the assessment panel (考核指标) of a unit for a period key: each assessed indicator's target and actual. */
export function fetchPanel(input: { unitId?: string; period: string }): Promise<PanelView> {
  return callAction('stats', 'panel', parseInput(C.panelInput, input));
}

/** Saves a head-office target for a unit, period and indicator. */
export function saveTarget(input: { unitId: string; period: string; metric: string; value: number }): Promise<unknown> {
  return callAction('stats', 'setTarget', parseInput(C.setTargetInput, input));
}
