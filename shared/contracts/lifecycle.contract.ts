/** Contract of the `lifecycle` function: classes, lists worked as to-do lists, history, thresholds, 去营销. */
import { z } from 'zod';
import { INDICATORS, type Indicator } from '../domain/metrics.rules';
import { LIFECYCLE_CLASSES } from '../domain/lifecycle.rules';
import { PRODUCTS } from '../domain/product.rules';
import { type Settings, settingsPatchSchema } from '../domain/settings.rules';
import { clientIdSchema, idSchema } from './common.contract';
import { daySchema } from './date.contract';
import type { JobView } from './job.contract';

z.config({ jitless: true });


export const reclassifyInput = z.strictObject({
  /** classify as of this day (default today, China time) */
  asOf: daySchema.optional(),
  /** only these merchants (default all) */
  merchantIds: z.array(idSchema).min(1).max(1000).optional(),
  /** client-made job id: a retried request answers with the same job */
  jobId: clientIdSchema.optional(),
});

/** `job`: a reclassification job's progress (polling it also runs its next chunks). */
export const reclassifyJobInput = z.strictObject({ jobId: idSchema });

/** A reclassification job: its progress and, so far, what it found (all of it once done). */
export interface ReclassifyJobView extends JobView {
  jobId: string;
  asOf: string;
  checked: number;
  changed: number;
  tasksOpened: number;
  byClass: Record<string, number>;
}

export const listByClassInput = z.strictObject({
  cls: z.enum(LIFECYCLE_CLASSES, { error: '未知的名单类别' }),
  unitId: idSchema.optional(),
  cursor: z.string().max(400).optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

export const historyInput = z.strictObject({ merchantId: idSchema });

/** The indicators of the targets (考核指标, the 去营销 assessment), chosen by head office. */
export const assessedIndicatorsSchema = z.array(z.enum(INDICATORS, { error: '未知的考核指标' })).min(1, '至少选择一个考核指标').max(INDICATORS.length);

export const updateSettingsInput = z.strictObject({ patch: settingsPatchSchema, assessedIndicators: assessedIndicatorsSchema.optional() });

export const getSettingsInput = z.strictObject({});

/** `getSettings` and `updateSettings`: the effective thresholds and due days, and the indicators head office assesses. */
export interface SettingsView {
  settings: Settings;
  assessedIndicators: Indicator[];
}

export const goMarketInput = z.strictObject({ merchantId: idSchema });

export const startMarketingInput = z.strictObject({
  merchantId: idSchema,
  /** products to market (default every gap) */
  products: z.array(z.enum(PRODUCTS, { error: '未知的产品' })).min(1).max(PRODUCTS.length).optional(),
  /** client-made id: a retried request returns the same task */
  taskId: clientIdSchema,
});

export interface ClassListItem {
  id: string;
  name: string;
  gridId: string;
  cls: string;
  classSince: string | null;
  reason: string | null;
  operatorMobile: string | null;
  openTask: { id: string; kind: string; dueDay: string } | null;
}
