import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  applySettingsPatch,
  resolveSettings,
  settingsPatchSchema,
  settingsSchema,
} from '../../shared/domain/settings.rules';

describe('head-office settings', () => {
  it('defaults to docs/domain.md: 200 m radius, 30 transactions or ¥10,000, ¥100,000 or 3 products, 50%, 30 and 90 days', () => {
    expect(DEFAULT_SETTINGS.visitRadiusM).toBe(200);
    expect(DEFAULT_SETTINGS.lifecycle).toEqual({
      qualifiedMinTxnCount: 30,
      qualifiedMinAmountFen: 10_000 * 100,
      premiumMinAmountFen: 100_000 * 100,
      premiumMinOurProducts: 3,
      abnormalDropRatio: 0.5,
      abnormalBaselineMonths: 3,
      abnormalIdleDays: 30,
      lostIdleDays: 90,
    });
    expect(settingsSchema.safeParse(DEFAULT_SETTINGS).success).toBe(true);
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
  });

  it('resolves a missing, partial or damaged stored document against the defaults', () => {
    expect(resolveSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ _id: 'global' })).toEqual(DEFAULT_SETTINGS);
    const partial = resolveSettings({ visitRadiusM: 300, lifecycle: { lostIdleDays: 120 } });
    expect(partial.visitRadiusM).toBe(300);
    expect(partial.lifecycle.lostIdleDays).toBe(120);
    expect(partial.lifecycle.abnormalIdleDays).toBe(30);
    const damaged = resolveSettings({ visitRadiusM: 'far', followUpDueDays: -3, lifecycle: 'x' });
    expect(damaged).toEqual(DEFAULT_SETTINGS);
  });

  it('falls back to the default thresholds when stored ones are out of order', () => {
    const s = resolveSettings({ lifecycle: { abnormalIdleDays: 100, lostIdleDays: 90 } });
    expect(s.lifecycle).toEqual(DEFAULT_SETTINGS.lifecycle);
  });

  it('does not let a resolved copy change the defaults', () => {
    const s = resolveSettings({});
    s.lifecycle.lostIdleDays = 1;
    expect(DEFAULT_SETTINGS.lifecycle.lostIdleDays).toBe(90);
  });

  it('applies a valid edit', () => {
    const r = applySettingsPatch(DEFAULT_SETTINGS, { visitRadiusM: 500, lifecycle: { premiumMinOurProducts: 4 } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.settings.visitRadiusM).toBe(500);
      expect(r.settings.lifecycle.premiumMinOurProducts).toBe(4);
      expect(r.settings.lifecycle.qualifiedMinTxnCount).toBe(30);
    }
  });

  it('refuses an invalid edit naming the field', () => {
    const cases: [unknown, string][] = [
      [{ visitRadiusM: 5 }, 'visitRadiusM'],
      [{ visitRadiusM: 200.5 }, 'visitRadiusM'],
      [{ followUpDueDays: 0 }, 'followUpDueDays'],
      [{ lifecycle: { abnormalDropRatio: 1.5 } }, 'lifecycle.abnormalDropRatio'],
      [{ lifecycle: { qualifiedMinAmountFen: -1 } }, 'lifecycle.qualifiedMinAmountFen'],
      [{ lifecycle: { premiumMinAmountFen: 500_000 } }, 'lifecycle.premiumMinAmountFen'],
      [{ lifecycle: { lostIdleDays: 30 } }, 'lifecycle.lostIdleDays'],
      [{ lifecycle: { lostIdleDays: '120' } }, 'lifecycle.lostIdleDays'],
    ];
    for (const [patch, field] of cases) {
      const r = applySettingsPatch(DEFAULT_SETTINGS, patch);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues.map((i) => i.field)).toContain(field);
    }
  });

  it('refuses unknown fields rather than storing them', () => {
    const r = applySettingsPatch(DEFAULT_SETTINGS, { visitRadius: 300 });
    expect(r.ok).toBe(false);
    expect(applySettingsPatch(DEFAULT_SETTINGS, { lifecycle: { lostDays: 3 } }).ok).toBe(false);
    expect(applySettingsPatch(DEFAULT_SETTINGS, 'x').ok).toBe(false);
  });

  it('validates without generated code (jitless, as in the mini program)', () => {
    z.config({ jitless: true });
    try {
      expect(settingsPatchSchema.safeParse({ visitRadiusM: 300 }).success).toBe(true);
      expect(settingsSchema.safeParse({ ...DEFAULT_SETTINGS, visitRadiusM: 1 }).success).toBe(false);
    } finally {
      z.config({ jitless: false });
    }
  });
});
