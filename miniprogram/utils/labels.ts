/**
 * Display labels the pages use: the one map in shared/domain/labels.ts, under the same names, so every
 * screen and report names a term the same way. The maps are widened to string keys here because pages
 * look them up with codes read from answers and events.
 */
import * as shared from '../vendor/shared';

export { reasonLabel, INDICATOR_LABELS, IMPORT_KIND_LABELS } from '../vendor/shared';

export { CHECK_ITEMS, PRODUCTS, MARKETING_OUTCOMES, MARKETING_OUTCOME_LABELS, OTHER_BANK_LABELS, UNIT_KIND_LABELS, ROLE_LABELS } from '../vendor/shared';

export const LIFECYCLE_CLASS_LABELS: Record<string, string> = shared.LIFECYCLE_CLASS_LABELS;
export const TASK_KIND_LABELS: Record<string, string> = shared.TASK_KIND_LABELS;
export const VISIT_TYPE_LABELS: Record<string, string> = shared.VISIT_TYPE_LABELS;
export const CHECK_LABELS: Record<string, string> = shared.CHECK_LABELS;
export const PRODUCT_LABELS: Record<string, string> = shared.PRODUCT_LABELS;
export const HOLDING_STATUS_LABELS: Record<string, string> = shared.HOLDING_STATUS_LABELS;
export const DUPLICATE_REASON_LABELS: Record<string, string> = shared.DUPLICATE_REASON_LABELS;

/** Industry code → name ('52' → '零售业'); '—' when none. */
export function industryName(code: string | null | undefined): string {
  return code ? shared.industryLabel(code) : '—';
}

/** The picker's list: the divisions street merchants fall into, with examples. */
export function industryOptions(): { code: string; label: string }[] {
  return shared.INDUSTRY_DIVISIONS.map((d) => ({ code: d.code, label: `${d.name}${d.examples ? `（${d.examples}）` : ''}` }));
}
