/**
 * Display labels the pages use: the one map in shared/domain/labels.ts, so every screen and report
 * names a term the same way. Re-exported here under the names the pages read.
 */
import {
  CHECK_LABELS as CHECKS,
  DUPLICATE_REASON_LABELS as DUPLICATES,
  HOLDING_STATUS_LABELS,
  INDUSTRY_DIVISIONS,
  LIFECYCLE_CLASS_LABELS,
  PRODUCT_LABELS,
  TASK_KIND_LABELS as TASKS,
  VISIT_TYPE_LABELS,
  industryLabel,
} from '../vendor/shared';

export { reasonLabel, INDICATOR_LABELS, IMPORT_KIND_LABELS } from '../vendor/shared';

export { CHECK_ITEMS, PRODUCTS, MARKETING_OUTCOMES, MARKETING_OUTCOME_LABELS, OTHER_BANK_LABELS, UNIT_KIND_LABELS, ROLE_LABELS } from '../vendor/shared';

export const CLASS_LABELS: Record<string, string> = LIFECYCLE_CLASS_LABELS;
export const TASK_KIND_LABELS: Record<string, string> = TASKS;
export const VISIT_LABELS: Record<string, string> = VISIT_TYPE_LABELS;
export const CHECK_LABELS: Record<string, string> = CHECKS;
export const PRODUCT_NAMES: Record<string, string> = PRODUCT_LABELS;
export const PRODUCT_STATUS_LABELS: Record<string, string> = HOLDING_STATUS_LABELS;
export const DUPLICATE_REASON_LABELS: Record<string, string> = DUPLICATES;

/** Industry code → name ('52' → '零售业'); '—' when none. */
export function industryName(code: string | null | undefined): string {
  return code ? industryLabel(code) : '—';
}

/** The picker's list: the divisions street merchants fall into, with examples. */
export function industryOptions(): { code: string; label: string }[] {
  return INDUSTRY_DIVISIONS.map((d) => ({ code: d.code, label: `${d.name}${d.examples ? `（${d.examples}）` : ''}` }));
}
