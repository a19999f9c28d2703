/**
 * Codes the seed takes from the shared rules (products, other banks, the six checks, task due days,
 * the visit radius), re-exported in one place so generation always follows the rules' own names.
 */
import { CHECK_ITEMS, type CheckItem } from '../../shared/domain/check.rules';
import { countOurProducts, OTHER_BANKS, type OtherBank, type ProductCode, type ProductHolding } from '../../shared/domain/product.rules';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings.rules';
import { taskDueDay } from '../../shared/domain/visit.rules';

export { CHECK_ITEMS, countOurProducts, taskDueDay, type CheckItem, type ProductCode, type ProductHolding };

/** Other banks a merchant of a county town commonly banks with (codes of product.rules). */
export const COMMON_OTHER_BANKS: readonly OtherBank[] = OTHER_BANKS.filter((b) => ['icbc', 'abc', 'boc', 'ccb', 'psbc', 'jsbc', 'bocom'].includes(b));

/** Visits farther than this from the merchant are flagged (settings default, docs/domain.md §5). */
export const VISIT_FLAG_RADIUS_M = DEFAULT_SETTINGS.visitRadiusM;
