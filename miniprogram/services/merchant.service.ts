import { callAction } from './transport';
import type { MerchantDetail, MerchantSummary, Page } from './types';

export interface MerchantFilters {
  q?: string;
  gridId?: string;
  lifecycleClass?: string;
  industry?: string;
  isComplete?: boolean;
  missingProduct?: string;
  cursor?: string;
  limit?: number;
}

/** Fetches one page of merchants in the caller's scope (masked personal data). */
export function fetchMerchants(filters: MerchantFilters = {}): Promise<Page<MerchantSummary>> {
  return callAction<Page<MerchantSummary>>('merchant', 'list', filters);
}

/** Fetches a merchant's file; `full` asks for unmasked personal data (entitled users only, audited). */
export function fetchMerchant(id: string, full = false): Promise<MerchantDetail> {
  return callAction<MerchantDetail>('merchant', 'get', { id, full });
}

/** Files a new merchant (complete or not); answers the created file or CONFLICT with duplicates. */
export function createMerchant(input: Record<string, unknown>): Promise<{ merchant: MerchantDetail; duplicates?: MerchantSummary[] }> {
  return callAction('merchant', 'create', input);
}

/** Updates (and completes) an existing file. */
export function updateMerchant(id: string, patch: Record<string, unknown>): Promise<{ merchant: MerchantDetail }> {
  return callAction('merchant', 'update', { id, patch });
}

/** Finds probable duplicates of a draft (same mobile, licence code, or name within ~50 m). */
export function checkDuplicates(input: Record<string, unknown>): Promise<{ matches: (MerchantSummary & { why: string[] })[] }> {
  return callAction('merchant', 'checkDuplicates', input);
}
