/**
 * Head-office settings (总行参数): their shape and their defaults, plain data with no validator, so that a
 * page showing labels or due days (the console's first screen) does not load the validation library. The
 * rules that check an edit and resolve a stored document are in settings.rules.ts, which re-exports these.
 *
 * Defaults are those of docs/domain.md (§5 radius 200 m, §6 lifecycle thresholds). Money is in fen (分)
 * like every amount in the data model.
 */
export interface LifecycleThresholds {
  /** 达标: at least this many transactions in the month… */
  qualifiedMinTxnCount: number;
  /** …or at least this amount (fen) in the month. */
  qualifiedMinAmountFen: number;
  /** 优质: qualified, and at least this amount (fen) in the month… */
  premiumMinAmountFen: number;
  /** …or at least this many of our products active. */
  premiumMinOurProducts: number;
  /** 异动: the month's volume fell by at least this share of the baseline average (0.5 = 50%)… */
  abnormalDropRatio: number;
  /** …the baseline being the average of this many previous months… */
  abnormalBaselineMonths: number;
  /** …or no transaction for this many days (or the device unbound). */
  abnormalIdleDays: number;
  /** 流失: acquiring closed, or no transaction for this many days. */
  lostIdleDays: number;
}

export interface Settings {
  /** A visit farther than this from the merchant's recorded location is flagged (metres). */
  visitRadiusM: number;
  /** Days to fix a failed six-check (follow-up task due date). */
  followUpDueDays: number;
  /** Days to visit a merchant that became abnormal. */
  abnormalVisitDueDays: number;
  /** Days to attempt to win back a lost merchant. */
  winBackDueDays: number;
  /** Days to follow up a 去营销 marketing task. */
  marketingDueDays: number;
  lifecycle: LifecycleThresholds;
}

/**
 * The settings document of a bank whose records end on a fixed day (`{ asOfDay: 'YYYY-MM-DD' }`, written by
 * the demo bank's seed; absent for a live bank): its nightly jobs and its screens work as of that day.
 */
export const CALENDAR_SETTINGS_ID = 'calendar';

/** The defaults (docs/domain.md §5 and §6). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  visitRadiusM: 200,
  followUpDueDays: 7,
  abnormalVisitDueDays: 3,
  winBackDueDays: 14,
  marketingDueDays: 14,
  lifecycle: Object.freeze({
    qualifiedMinTxnCount: 30,
    qualifiedMinAmountFen: 1_000_000,
    premiumMinAmountFen: 10_000_000,
    premiumMinOurProducts: 3,
    abnormalDropRatio: 0.5,
    abnormalBaselineMonths: 3,
    abnormalIdleDays: 30,
    lostIdleDays: 90,
  }),
});
