/**
 * Display labels the pages use: taken from shared/ where the domain defines them, so every screen and
 * report names a term the same way.
 */
import { CHECK_DEFINITIONS, HOLDING_STATUS_LABELS, INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS, OTHER_BANK_LABELS, PRODUCT_LABELS, VISIT_TYPE_LABELS } from '../vendor/shared';

export { CHECK_ITEMS, PRODUCTS, MARKETING_OUTCOMES, MARKETING_OUTCOME_LABELS } from '../vendor/shared';
export { OTHER_BANK_LABELS };

/** Lifecycle class names (domain §6). */
export const CLASS_LABELS: Record<string, string> = { 'to-win': '攻坚', qualified: '达标', premium: '优质', abnormal: '异动', lost: '流失' };
export const TASK_KIND_LABELS: Record<string, string> = { 'check-followup': '必查整改', 'abnormal-visit': '异动走访', 'win-back': '流失挽回', marketing: '去营销' };
export const VISIT_LABELS: Record<string, string> = VISIT_TYPE_LABELS;
export const CHECK_LABELS: Record<string, string> = Object.fromEntries(Object.entries(CHECK_DEFINITIONS).map(([k, v]) => [k, v.label]));
export const PRODUCT_NAMES: Record<string, string> = PRODUCT_LABELS;
export const PRODUCT_STATUS_LABELS: Record<string, string> = HOLDING_STATUS_LABELS;

/** Industry code → name ('52' → '零售业'). */
export function industryName(code: string | null | undefined): string {
  if (!code) return '—';
  return INDUSTRY_DIVISIONS.find((d) => d.code === code)?.name ?? INDUSTRY_SECTIONS.find((s) => s.code === code)?.name ?? code;
}

/** The picker's list: the divisions street merchants fall into, with examples. */
export function industryOptions(): { code: string; label: string }[] {
  return INDUSTRY_DIVISIONS.map((d) => ({ code: d.code, label: `${d.name}${d.examples ? `（${d.examples}）` : ''}` }));
}
