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
export { distanceMeters } from '../../shared/domain/geo.rules';
export { INDUSTRY_SECTIONS, INDUSTRY_DIVISIONS } from '../../shared/domain/industry.rules';
export { LIFECYCLE_CLASSES, VISIT_TYPES } from '../../shared/domain/metrics.rules';
export * as userContract from '../../shared/contracts/user.contract';
