/**
 * Head-office settings (总行参数): the visit radius, task due days and lifecycle thresholds.
 *
 * Why: the conventions keep configuration in one settings document (`settings/global`) that head
 * office edits, with the defaults in code (settings.defaults.ts, re-exported here), so a fresh install
 * works and a stored document only holds what head office changed. This module holds the checks: an
 * edit validated field by field, a stored document resolved over the defaults.
 */
import { z } from 'zod';
import type { FieldIssue } from '../envelope';
import { DEFAULT_SETTINGS, type LifecycleThresholds, type Settings } from './settings.defaults';

export { CALENDAR_SETTINGS_ID, DEFAULT_SETTINGS, type LifecycleThresholds, type Settings } from './settings.defaults';

const days = (max: number) => z.number().int('应为整数').min(1, '至少为1天').max(max, `不能超过${max}天`);
const fen = z.number().int('应为整数（分）').min(0, '不能为负数').max(1e13, '金额过大');

const lifecycleShape = {
  qualifiedMinTxnCount: z.number().int('应为整数').min(1, '至少为1笔').max(100_000, '不能超过100000笔'),
  qualifiedMinAmountFen: fen,
  premiumMinAmountFen: fen,
  premiumMinOurProducts: z.number().int('应为整数').min(1, '至少为1个').max(7, '不能超过7个'),
  abnormalDropRatio: z.number().gt(0, '应大于0').lt(1, '应小于1'),
  abnormalBaselineMonths: z.number().int('应为整数').min(1, '至少为1个月').max(12, '不能超过12个月'),
  abnormalIdleDays: days(365),
  lostIdleDays: days(730),
};

const settingsShape = {
  visitRadiusM: z.number().int('应为整数').min(10, '不能小于10米').max(5000, '不能超过5000米'),
  followUpDueDays: days(90),
  abnormalVisitDueDays: days(90),
  winBackDueDays: days(180),
  marketingDueDays: days(180),
};

/** Thresholds must stay ordered, or a merchant could be premium without being qualified. */
function checkLifecycleOrder(l: LifecycleThresholds, ctx: z.RefinementCtx, prefix: (string | number)[]): void {
  if (l.premiumMinAmountFen < l.qualifiedMinAmountFen) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'premiumMinAmountFen'], message: '优质金额门槛不能低于达标金额门槛' });
  }
  if (l.lostIdleDays <= l.abnormalIdleDays) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'lostIdleDays'], message: '流失天数应大于异动天数' });
  }
}

export const lifecycleThresholdsSchema = z
  .strictObject(lifecycleShape)
  .superRefine((l, ctx) => checkLifecycleOrder(l, ctx, []));

/** The whole settings document as stored and served (unknown keys refused). */
export const settingsSchema = z.strictObject({
  ...settingsShape,
  lifecycle: z.strictObject(lifecycleShape),
}).superRefine((s, ctx) => checkLifecycleOrder(s.lifecycle, ctx, ['lifecycle']));

/** An edit by head office: any subset of the fields, each validated; cross-field order is checked after merging. */
export const settingsPatchSchema = z.strictObject({
  visitRadiusM: settingsShape.visitRadiusM.optional(),
  followUpDueDays: settingsShape.followUpDueDays.optional(),
  abnormalVisitDueDays: settingsShape.abnormalVisitDueDays.optional(),
  winBackDueDays: settingsShape.winBackDueDays.optional(),
  marketingDueDays: settingsShape.marketingDueDays.optional(),
  lifecycle: z.strictObject(lifecycleShape).partial().optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Copies `base` with the defined fields of `patch` over it. */
function merge(base: Settings, patch: SettingsPatch): Settings {
  const top = Object.fromEntries(Object.entries(patch).filter(([k, v]) => k !== 'lifecycle' && v !== undefined));
  const lifecycle = Object.fromEntries(Object.entries(patch.lifecycle ?? {}).filter(([, v]) => v !== undefined));
  return { ...base, ...top, lifecycle: { ...base.lifecycle, ...lifecycle } };
}

/** Zod issues as the envelope's field issues (dotted paths). */
function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
}

/**
 * The effective settings from a stored document: each stored field that is valid wins, anything
 * missing, unknown or invalid (an old document, a hand edit) falls back to its default, and a pair
 * of thresholds out of order falls back to the default thresholds. Never throws.
 */
export function resolveSettings(stored: unknown): Settings {
  const result: Settings = { ...DEFAULT_SETTINGS, lifecycle: { ...DEFAULT_SETTINGS.lifecycle } };
  if (typeof stored !== 'object' || stored === null) return result;
  const doc = stored as Record<string, unknown>;
  for (const key of Object.keys(settingsShape) as (keyof typeof settingsShape)[]) {
    const parsed = settingsShape[key].safeParse(doc[key]);
    if (parsed.success) result[key] = parsed.data;
  }
  const storedLifecycle = (typeof doc.lifecycle === 'object' && doc.lifecycle !== null ? doc.lifecycle : {}) as Record<string, unknown>;
  for (const key of Object.keys(lifecycleShape) as (keyof typeof lifecycleShape)[]) {
    const parsed = lifecycleShape[key].safeParse(storedLifecycle[key]);
    if (parsed.success) result.lifecycle[key] = parsed.data;
  }
  if (!lifecycleThresholdsSchema.safeParse(result.lifecycle).success) result.lifecycle = { ...DEFAULT_SETTINGS.lifecycle };
  return result;
}

/**
 * Applies a head-office edit to the current settings: the validated result, or the field issues
 * (dotted paths such as `lifecycle.lostIdleDays`) and no change.
 */
export function applySettingsPatch(
  current: Settings,
  patch: unknown,
): { ok: true; settings: Settings } | { ok: false; issues: FieldIssue[] } {
  const parsedPatch = settingsPatchSchema.safeParse(patch);
  if (!parsedPatch.success) return { ok: false, issues: toFieldIssues(parsedPatch.error) };
  const merged = settingsSchema.safeParse(merge(current, parsedPatch.data));
  if (!merged.success) return { ok: false, issues: toFieldIssues(merged.error) };
  return { ok: true, settings: merged.data };
}
