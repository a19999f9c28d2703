/**
 * What the mini program takes from shared/: bundled by scripts/build-miniprogram.ts into
 * miniprogram/vendor/shared.js (typed by miniprogram/vendor/shared.d.ts). No wx, no Node APIs.
 */
import { z } from 'zod';

// Mini programs forbid eval and new Function: zod must never compile its fast paths.
z.config({ jitless: true });

export { z };
export * from '../../shared/envelope';
export * from '../../shared/domain/roles';
export * from '../../shared/domain/mask.rules';
export { XINGHUA_NAME, XINGHUA_TOWNSHIPS } from '../../shared/domain/division.rules';
export { distanceMeters, MIN_BOUNDARY_POINTS } from '../../shared/domain/geo.rules';
export { ROUTE_ROLES, WALKING_FACTOR, routeLength, walkingMeters } from '../../shared/domain/route.rules';
export { INDUSTRY_SECTIONS, INDUSTRY_DIVISIONS } from '../../shared/domain/industry.rules';
export { LIFECYCLE_CLASSES, type LifecycleClass } from '../../shared/domain/lifecycle.rules';
export { addDays, addMonths, previousMonth, chinaDay, chinaMinuteOfDay, chinaTime, isMonthKey, isYearKey, periodKey, periodLabel, periodOf, rangePeriod, type Period, type PeriodKind } from '../../shared/domain/period.rules';
export { RATIO_INDICATORS } from '../../shared/domain/metrics.rules';
export { CHECK_ITEMS, CHECK_DEFINITIONS } from '../../shared/domain/check.rules';
export { PRODUCTS, PRODUCT_LABELS, HOLDING_STATUS_LABELS, OTHER_BANKS, OTHER_BANK_LABELS, productGaps } from '../../shared/domain/product.rules';
export { VISIT_TYPES, VISIT_TYPE_LABELS, MARKETING_OUTCOMES, MARKETING_OUTCOME_LABELS, TASK_KINDS, isOverdue } from '../../shared/domain/visit.rules';
export * from '../../shared/domain/labels';
export { ARCHIVE_REASONS, ARCHIVE_REASON_LABELS, ARCHIVE_ROLES } from '../../shared/domain/merchant-archive.rules';
export { TASK_CLOSE_REASONS, TASK_CLOSE_REASON_LABELS, TASK_MANAGER_ROLES, visitTypeFor } from '../../shared/domain/task.rules';
export { PLACEMENT_REASON_LABELS, PLACEMENT_STATUS_LABELS } from '../../shared/domain/placement.rules';
export { DEFAULT_SETTINGS, type Settings } from '../../shared/domain/settings.rules';
export { storagePath, type UploadKind } from '../../shared/domain/storage-path.rules';
export { stampTimeText } from '../../shared/domain/photo.rules';
export { consoleTicketOfScan, mayUseConsole, CONSOLE_SESSION_HOURS } from '../../shared/domain/console.rules';
export * as userContract from '../../shared/contracts/user.contract';
export * as orgContract from '../../shared/contracts/org.contract';
export * as merchantContract from '../../shared/contracts/merchant.contract';
export * as metricsContract from '../../shared/contracts/metrics.contract';
export * as lifecycleContract from '../../shared/contracts/lifecycle.contract';
export * as exportContract from '../../shared/contracts/export.contract';
export * as visitContract from '../../shared/contracts/visit.contract';
export * as importContract from '../../shared/contracts/import.contract';
export * as filesContract from '../../shared/contracts/files.contract';
export * as qrcodeContract from '../../shared/contracts/qrcode.contract';
export * as noticeContract from '../../shared/contracts/notice.contract';
export { NOTICE_POSTER_ROLES } from '../../shared/domain/notice.rules';
export { TIMELINE_KIND_LABELS } from '../../shared/domain/timeline.rules';
export { transferNeedsReason } from '../../shared/domain/transfer.rules';
export { manualCloseProblem } from '../../shared/domain/task.rules';
export { templatesFor } from '../../shared/domain/reminder.rules';
