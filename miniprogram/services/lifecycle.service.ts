import { callAction } from './transport';
import type { ClassChange, MerchantSummary, Page } from './types';

/** Fetches the to-do list of one lifecycle class in the caller's scope (名单制). */
export function fetchClassList(input: { lifecycleClass: string; unitId?: string; cursor?: string }): Promise<Page<MerchantSummary & { taskId?: string; reason?: string }>> {
  return callAction('lifecycle', 'list', input);
}

/** Fetches a merchant's class changes with dates and reasons. */
export function fetchClassHistory(merchantId: string): Promise<{ items: ClassChange[] }> {
  return callAction('lifecycle', 'history', { merchantId });
}
