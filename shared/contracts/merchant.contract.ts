/** Contract of the `merchant` function: the merchant file (建档), lists, duplicates, transfers, products. */
import { z } from 'zod';
import type { DuplicateReason } from '../domain/merchant-file.rules';
import { ARCHIVE_REASONS, type ArchiveReason, type Closure } from '../domain/merchant-archive.rules';
import type { TimelineKind } from '../domain/timeline.rules';
import { PLACEMENT_DECISIONS, type PlacementReason, type PlacementStatus } from '../domain/placement.rules';
import { BANK_SIDES, HOLDING_STATUSES, OTHER_BANKS, PRODUCTS, type ProductCode, type ProductHolding, holdingsProblem } from '../domain/product.rules';
import {
  type PhotoOut,
  type PointOut,
  clientIdSchema,
  creditCodeSchema,
  idNumberSchema,
  idSchema,
  industrySchema,
  mobileSchema,
  optionalText,
  pagingShape,
  photoSchema,
  pointSchema,
  text,
} from './common.contract';
import { daySchema } from './date.contract';


export const addressSchema = z.strictObject({
  district: text(20, '区县').optional(),
  township: text(30, '乡镇/街道').optional(),
  street: text(60, '路名').optional(),
  doorPlate: text(30, '门牌号').optional(),
  text: text(200, '地址').optional(),
});

export const operatorSchema = z.strictObject({
  name: text(20, '经营者姓名').optional(),
  mobile: mobileSchema.optional(),
  idNumber: idNumberSchema.optional(),
});

export const productHoldingSchema = z.strictObject({
  product: z.enum(PRODUCTS, { error: '未知的产品' }),
  bank: z.enum(BANK_SIDES, { error: '应为 ours/other' }),
  otherBank: z.enum(OTHER_BANKS, { error: '未知的他行' }).optional(),
  status: z.enum(HOLDING_STATUSES, { error: '未知的状态' }),
  since: daySchema.optional(),
  until: daySchema.optional(),
});

/** The product matrix, ours and other banks' (an empty list declares "holds none"). */
export const productsSchema = z
  .array(productHoldingSchema, { error: '需要产品列表' })
  .max(40, '产品行过多')
  .superRefine((rows, ctx) => {
    const problem = holdingsProblem(rows as ProductHolding[]);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A storefront photo with its stamp. Its place may be missing only when the filing has no GPS fix either
 * (a grid picked by hand): the server then requires it exactly when the file has a fix
 * (shared/domain/photo.rules.ts, `photos.N.location`).
 */
export const storefrontPhotoSchema = photoSchema.extend({ location: pointSchema.optional() });
export type StorefrontPhotoInput = z.output<typeof storefrontPhotoSchema>;

/** 1–3 storefront photos stamped with time, place and staff. */
export const photosSchema = z.array(storefrontPhotoSchema, { error: '需要照片列表' }).min(1, '至少 1 张门头照').max(3, '最多 3 张门头照');

/** The file's fields; every one optional, as an incomplete file may be saved and finished later. */
const fileFields = {
  address: addressSchema.optional(),
  location: pointSchema.optional(),
  industry: industrySchema.optional(),
  operator: operatorSchema.optional(),
  /** Unified social credit code of the business licence (GB 32100 check character). */
  licenceCode: creditCodeSchema.optional(),
  photos: photosSchema.optional(),
  products: productsSchema.optional(),
  marketId: idSchema.optional(),
  wechatGroupId: idSchema.optional(),
};

/** After a duplicate warning the caller resubmits with one of these to file anyway. */
const duplicateDecision = {
  /** The id of the match the user compared and judged a different merchant. */
  confirmDuplicateOf: idSchema.optional(),
  /** File anyway, whatever the matches. */
  force: z.boolean({ error: '需要 true/false' }).optional(),
};

export const createMerchantInput = z.strictObject({
  /** Client-made id (UUID): a retried create returns the first result. */
  id: clientIdSchema,
  name: text(60, '店名'),
  /**
   * Omitted: placed by the grid boundary containing `location`. Picked by the user when there is no fix or
   * the fix is outside every boundary: stored as a manual placement for the grid leader to review.
   */
  gridId: idSchema.optional(),
  ...fileFields,
  ...duplicateDecision,
});

export const updateMerchantInput = z.strictObject({
  id: idSchema,
  /** Optimistic concurrency: the version the client edited; CONFLICT when the file changed since. */
  expectedVersion: z.number().int().min(1).optional(),
  name: text(60, '店名').optional(),
  ...fileFields,
  ...duplicateDecision,
});

export const getMerchantInput = z.strictObject({ id: idSchema });
export const revealPiInput = z.strictObject({ id: idSchema });

export const listMerchantsInput = z.strictObject({
  gridId: idSchema.optional(),
  unitId: idSchema.optional(),
  lifecycleClass: z.enum(['to-win', 'qualified', 'premium', 'abnormal', 'lost'], { error: '未知的分类' }).optional(),
  industry: industrySchema.optional(),
  /** Holds this product with us (active). */
  productHeld: z.enum(PRODUCTS, { error: '未知的产品' }).optional(),
  /** Does not hold this product with us. */
  productMissing: z.enum(PRODUCTS, { error: '未知的产品' }).optional(),
  marketId: idSchema.optional(),
  wechatGroupId: idSchema.optional(),
  isComplete: z.boolean({ error: '需要 true/false' }).optional(),
  /** Archived (closed or moved) merchants only, or open ones only; both when absent. */
  archived: z.boolean({ error: '需要 true/false' }).optional(),
  /** Text in the shop name or the address. */
  q: z.string({ error: '需要文本' }).max(40, '搜索词过长').transform((s) => s.trim()).optional(),
  ...pagingShape,
});

export const checkDuplicateInput = z.strictObject({
  /** The file itself when checking an existing one (skipped among the matches). */
  id: idSchema.optional(),
  name: text(60, '店名').optional(),
  location: pointSchema.optional(),
  mobile: mobileSchema.optional(),
  licenceCode: creditCodeSchema.optional(),
});

/**
 * A transfer to the grid whose boundary contains the merchant needs no reason; any other needs one
 * (`MERCHANT.TRANSFER_REASON_REQUIRED`, shared/domain/transfer.rules). `transferId` (a client UUID) makes a
 * retried transfer answer the first one.
 */
export const transferMerchantInput = z.strictObject({ id: idSchema, toGridId: idSchema, reason: optionalText(200), transferId: clientIdSchema.optional() });

/** `suggestGrid`: the grid whose boundary contains the merchant, for the transfer screen. */
export const suggestGridInput = z.strictObject({ id: idSchema });

export interface SuggestGridOut {
  merchantId: string;
  gridId: string;
  /** the grid whose boundary contains the merchant's location, null when none does or it has no location */
  suggestedGridId: string | null;
  suggestedGridName: string | null;
  /** whether the caller may transfer into the suggested grid */
  suggestedInScope: boolean;
}

/** `timeline`: every event of the file, newest first, a page at a time. */
export const timelineInput = z.strictObject({ id: idSchema, ...pagingShape });

export interface TimelineEvent {
  /** unique within the timeline: `<source>:<record id>[:<part>]` */
  key: string;
  kind: TimelineKind;
  at: string;
  /** who did it (staff id and name), null for the bank's systems */
  byStaffId: string | null;
  byName: string | null;
  /** one line for the list, in Chinese */
  summary: string;
  /** what changed: field names of an edit, grids of a transfer, the class move, the visit's type ... */
  detail: Record<string, unknown>;
}

export interface TimelineOut {
  items: TimelineEvent[];
  nextCursor: string | null;
}

export const updateProductsInput = z.strictObject({ id: idSchema, products: productsSchema, expectedVersion: z.number().int().min(1).optional() });

export const assignMerchantInput = z.strictObject({
  id: idSchema,
  /** null clears it. */
  marketId: idSchema.nullable().optional(),
  wechatGroupId: idSchema.nullable().optional(),
});

export const historyInput = z.strictObject({ id: idSchema });

/** `archive`: the shop closed, moved away, was merged or filed by mistake, on `day` (docs/domain.md §3). */
export const archiveMerchantInput = z.strictObject({
  id: idSchema,
  reason: z.enum(ARCHIVE_REASONS, { error: '请选择停业/迁出原因' }),
  day: daySchema,
  note: text(200, '说明').optional(),
});

/** `reopen`: an archived merchant counts again from `day` (the day it was archived undoes the archive). */
export const reopenMerchantInput = z.strictObject({ id: idSchema, day: daySchema, note: text(200, '说明').optional() });

/** The archive of a file as views show it (null when open). */
export interface ArchiveOut {
  reason: ArchiveReason;
  day: string;
  note: string | null;
  byStaffId: string;
  at: string | null;
}

/** `archive` / `reopen`: the file after it; `isReplay` when it already was so (a retry changes nothing). */
export interface ArchiveMerchantOutput {
  merchant: MerchantOut;
  isReplay: boolean;
  /** open tasks closed with the archive (reason `merchant-closed`) */
  tasksClosed: number;
}

/** `placements`: manually placed merchants waiting for review in the caller's scope (oldest first). */
export const listPlacementsInput = z.strictObject({
  gridId: idSchema.optional(),
  limit: z.number({ error: '需要数字' }).int('需要整数').min(1, '至少 1').max(100, '最多 100').optional(),
});

/** `reviewPlacement`: the grid leader confirms a manual placement or moves the merchant to another grid. */
export const reviewPlacementInput = z
  .strictObject({
    id: idSchema,
    decision: z.enum(PLACEMENT_DECISIONS, { error: '应为 confirm/move' }),
    /** With `move`: the grid the merchant belongs to. */
    toGridId: idSchema.optional(),
    reason: text(200, '原因').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'move' && !v.toGridId) ctx.addIssue({ code: 'custom', path: ['toGridId'], message: '调整网格需要选择目标网格' });
    if (v.decision === 'confirm' && v.toGridId) ctx.addIssue({ code: 'custom', path: ['toGridId'], message: '确认时不需要目标网格' });
  });

/** How a merchant's grid was decided when the user picked it (manual placement); null when a boundary placed it. */
export interface PlacementOut {
  reason: PlacementReason;
  status: PlacementStatus;
  /** the grid the filer picked */
  gridId: string;
  by: string;
  at: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
}

/** One row of the leader's review list. */
export interface PlacementRow {
  merchantId: string;
  name: string;
  address: string | null;
  gridId: string;
  placement: PlacementOut;
}

/**
 * A probable duplicate shown to the user. Inside the caller's scope: the match as the caller may see it
 * (masked). Outside: only that one exists, why, and which unit to ask (`askUnit`, the match's branch):
 * no id, name, place or distance (minimum necessary, docs/security.md).
 */
export interface DuplicateOut {
  /** only inside scope */
  merchantId?: string;
  reasons: DuplicateReason[];
  distanceM?: number;
  inScope: boolean;
  name?: string;
  address?: string | null;
  gridId?: string;
  operatorMobile?: string | null;
  /** outside scope: the unit whose staff can compare the files */
  askUnit?: { id: string; name: string };
}

/** The merchant file as a detail view shows it (personal information masked). */
export interface MerchantOut {
  id: string;
  name: string;
  address: { district: string | null; township: string | null; street: string | null; doorPlate: string | null; text: string | null };
  location: PointOut | null;
  gridId: string;
  unitPath: string[];
  area: 'city' | 'township' | null;
  industry: string | null;
  operator: { name: string | null; mobile: string | null; idNumber: string | null };
  licenceCode: string | null;
  acquiringNo: string | null;
  photos: PhotoOut[];
  products: ProductHolding[] | null;
  productsHeld: ProductCode[];
  marketId: string | null;
  wechatGroupId: string | null;
  isComplete: boolean;
  missingFields: string[];
  lifecycleClass: string;
  acquiring: { status: string; since?: string; closedAt?: string; deviceStatus?: string };
  filedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  createdBy: string | null;
  /** set when the filer picked the grid (no fix, or a fix outside every boundary) */
  placement: PlacementOut | null;
  version: number;
  /** archived (closed or moved) since `day`, or null */
  archived: ArchiveOut | null;
  /** every closed stretch, reopened ones included */
  closures: Closure[];
}

/** One row of a merchant list. */
export interface MerchantRow {
  id: string;
  name: string;
  address: string | null;
  gridId: string;
  industry: string | null;
  lifecycleClass: string;
  isComplete: boolean;
  /** masked name (张**) and mobile (138****1234) */
  operatorName: string | null;
  operatorMobile: string | null;
  productsHeld: ProductCode[];
  marketId: string | null;
  location: PointOut | null;
  updatedAt: string | null;
  /** the archive's reason and day when the merchant is closed or moved */
  archived: { reason: ArchiveReason; day: string } | null;
}

/** `create`/`update`: the saved file, or (with `duplicates`) nothing saved when the user must decide. */
export interface SaveMerchantOutput {
  merchant: MerchantOut;
  /** true when this answer repeats the first result of a retried create */
  isReplay: boolean;
}

export interface RevealPiOutput {
  id: string;
  operator: { name: string | null; mobile: string | null; idNumber: string | null };
}
