import { type SettingsView, assessedIndicatorsSchema, getSettingsInput, updateSettingsInput } from '../../../shared/contracts/lifecycle.contract';
import { DEFAULT_ASSESSED_INDICATORS } from '../../../shared/domain/metrics.rules';
import { applySettingsPatch } from '../../../shared/domain/settings.rules';
import { AppError, auditLog, defineAction, getDoc } from '../../../server';
import { loadLifecycleSettings } from '../../../server/jobs/reclassify';

/** `getSettings`: the effective head-office thresholds and the assessed indicators. */
export const getSettings = defineAction({
  schema: getSettingsInput,
  async handler(_input, ctx): Promise<SettingsView> {
    const doc = await getDoc<any>(ctx.db, 'settings', 'global');
    const assessed = assessedIndicatorsSchema.safeParse(doc?.assessedIndicators);
    return { settings: await loadLifecycleSettings(ctx.db), assessedIndicators: assessed.success ? assessed.data : DEFAULT_ASSESSED_INDICATORS };
  },
});

/** `updateSettings` (head office): edits thresholds and due days; every field validated, the order of thresholds checked. */
export const updateSettings = defineAction({
  schema: updateSettingsInput,
  roles: ['hq'],
  async handler(input, ctx): Promise<SettingsView> {
    const current = await loadLifecycleSettings(ctx.db);
    const res = applySettingsPatch(current, input.patch);
    if (!res.ok) {
      const issues = res.issues.map((i) => ({ field: `patch.${i.field}`, message: i.message }));
      throw new AppError('VALIDATION', `${issues[0]?.field}: ${issues[0]?.message}`, { details: { issues } });
    }
    const stored = (await getDoc<Record<string, unknown>>(ctx.db, 'settings', 'global')) ?? {};
    const { _id: _ignored, ...rest } = stored as Record<string, unknown>;
    const next = { ...rest, ...res.settings, ...(input.assessedIndicators ? { assessedIndicators: input.assessedIndicators } : {}), updatedAt: ctx.now, updatedBy: ctx.caller.staffId };
    await ctx.db.collection('settings').doc('global').set({ data: next });
    await auditLog(ctx.db, ctx.caller, 'settings-change', { collection: 'settings', id: 'global' }, { patch: input.patch, assessedIndicators: input.assessedIndicators ?? null }, ctx.now);
    return { settings: res.settings, assessedIndicators: input.assessedIndicators ?? (Array.isArray(stored.assessedIndicators) ? stored.assessedIndicators : DEFAULT_ASSESSED_INDICATORS) };
  },
});
