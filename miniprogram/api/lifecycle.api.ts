import { type LifecycleClass, lifecycleContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type ClassListItem = import('../vendor/shared').lifecycleContract.ClassListItem;
export type { LifecycleClass };

/** Fetches the to-do list of one lifecycle class in the caller's scope (名单制). */
export function fetchClassList(input: { cls: LifecycleClass; unitId?: string; cursor?: string; limit?: number }): Promise<{ items: ClassListItem[]; nextCursor: string | null }> {
  return callAction('lifecycle', 'list', parseInput(C.listByClassInput, input));
}

/** Fetches a merchant's class changes with dates and reasons. */
export function fetchClassHistory(merchantId: string): Promise<{ items: { from: string | null; to: string; reason: string; detail?: string | null; day: string }[] }> {
  return callAction('lifecycle', 'history', parseInput(C.historyInput, { merchantId }));
}

/** Starts 去营销 for a merchant: a marketing task for the products it lacks with us. */
export function startMarketing(input: { merchantId: string; taskId: string; products?: string[] }): Promise<{ task: { id: string; products: string[]; dueDay: string } }> {
  return callAction('lifecycle', 'startMarketing', parseInput(C.startMarketingInput, input));
}

export type SettingsView = import('../vendor/shared').lifecycleContract.SettingsView;

/** Fetches head-office settings with defaults filled in, and the assessed indicators. */
export function fetchSettings(): Promise<SettingsView> {
  return callAction('lifecycle', 'getSettings', parseInput(C.getSettingsInput, {}));
}

/** Saves changed settings and the assessed indicators (head office only); answers with what is now in force. */
export function saveSettings(patch: Record<string, unknown>, assessedIndicators?: string[]): Promise<SettingsView> {
  return callAction('lifecycle', 'updateSettings', parseInput(C.updateSettingsInput, { patch, ...(assessedIndicators ? { assessedIndicators } : {}) }));
}

export type ReclassifyJob = import('../vendor/shared').lifecycleContract.ReclassifyJobView;

/** Starts a reclassification of every merchant as of today (head office); the client-made job id makes a retry harmless. */
export function startReclassify(jobId: string): Promise<ReclassifyJob> {
  return callAction('lifecycle', 'reclassify', parseInput(C.reclassifyInput, { jobId }));
}

/** A reclassification job's progress (the call also moves the job on). */
export function fetchReclassifyJob(jobId: string): Promise<ReclassifyJob> {
  return callAction('lifecycle', 'job', parseInput(C.reclassifyJobInput, { jobId }));
}
