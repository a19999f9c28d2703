/**
 * Schemas shared by every function's contract: ids, points, photos, personal-information inputs, paging.
 * Imported by the mini program too, so zod runs jitless (WeChat forbids `new Function`).
 */
import { z } from 'zod';
import { creditCodeProblem, normalizeCreditCode } from '../domain/credit-code.rules';
import { isInChina } from '../domain/geo.rules';
import { idNumberProblem, normalizeIdNumber } from '../domain/id-number.rules';
import { isIndustryCode } from '../domain/industry.rules';
import { mobileProblem, normalizeMobile } from '../domain/mobile.rules';
import { ROLES } from '../domain/roles';
import { MAX_YEAR, MIN_YEAR } from './date.contract';

z.config({ jitless: true });

/** Server-made or client-made document id: letters, digits, `-`, `_`, `:` (UUIDs fit). */
export const idSchema = z
  .string({ error: '需要文本 id' })
  .min(1, '不能为空')
  .max(64, '过长')
  .regex(/^[A-Za-z0-9_:-]+$/, '只能包含字母、数字、-、_、:');

/** A client-made id for idempotent creates (merchant, visit): 8–64 characters, a UUID in practice. */
export const clientIdSchema = z
  .string({ error: '需要客户端生成的 id' })
  .min(8, '至少 8 个字符（使用 UUID）')
  .max(64, '过长')
  .regex(/^[A-Za-z0-9_-]+$/, '只能包含字母、数字、-、_');

/** Trimmed non-empty text of at most `max` characters. */
export function text(max: number, label = '内容'): z.ZodType<string> {
  return z
    .string({ error: `${label}需要文本` })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, `请填写${label}`).max(max, `${label}不能超过${max}个字符`));
}

/** Optional free text (note, outcome). */
export function optionalText(max: number): z.ZodType<string | undefined> {
  return z
    .string({ error: '需要文本' })
    .max(max, `不能超过${max}个字符`)
    .transform((s) => s.trim())
    .optional();
}

/** True when a GCJ-02 point lies inside China (the outline of shared/domain/geo.rules). */
export function isPointInChina(lng: number, lat: number): boolean {
  return isInChina(lng, lat);
}

const coordinate = z.number({ error: '需要数字坐标' }).refine(Number.isFinite, '坐标无效');

/** A GCJ-02 point `{ lng, lat }` inside China (what wx.getLocation returns with type 'gcj02'). */
export const pointSchema = z
  .strictObject({ lng: coordinate, lat: coordinate }, { error: '需要 { lng, lat } 坐标' })
  .refine((p) => isPointInChina(p.lng, p.lat), { message: '坐标不在中国境内（需 GCJ-02 经纬度）' });
export type PointInput = z.output<typeof pointSchema>;

/** An instant: ISO-8601 text with offset, or epoch milliseconds, in the years every date shares (date.contract). */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true, error: '需要 ISO 时间' }), z.number().int().min(0)], { error: '需要时间（ISO 文本或毫秒数）' })
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), '时间无效')
  .refine((d) => d.getUTCFullYear() >= MIN_YEAR && d.getUTCFullYear() <= MAX_YEAR, `时间的年份应在 ${MIN_YEAR}–${MAX_YEAR} 之间`);

/** A CloudBase storage file id. */
export const fileIdSchema = z
  .string({ error: '需要文件 id' })
  .max(512, '文件 id 过长')
  .regex(/^cloud:\/\/[^\s]+$/, '需要云存储文件 id（cloud://...）');

/** A photo taken on site, with its stamp: when, where, by whom (docs/domain.md §3, storefront photo). */
export const photoSchema = z.strictObject({
  fileId: fileIdSchema,
  takenAt: instantSchema,
  location: pointSchema,
  staffId: idSchema,
});
export type PhotoInput = z.output<typeof photoSchema>;

/** 1–3 storefront photos (entry standard). */
export const storefrontPhotosSchema = z.array(photoSchema, { error: '需要照片列表' }).min(1, '至少 1 张照片').max(3, '最多 3 张照片');

/** A mainland mobile number, normalised (spaces, +86, full-width digits accepted). */
export const mobileSchema = z
  .string({ error: '需要手机号' })
  .max(32, '手机号过长')
  .transform(normalizeMobile)
  .superRefine((v, ctx) => {
    const problem = mobileProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A resident ID number with a valid check digit (GB 11643), normalised. */
export const idNumberSchema = z
  .string({ error: '需要身份证号码' })
  .max(32, '身份证号码过长')
  .transform(normalizeIdNumber)
  .superRefine((v, ctx) => {
    const problem = idNumberProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A unified social credit code with a valid check character (GB 32100), normalised. */
export const creditCodeSchema = z
  .string({ error: '需要统一社会信用代码' })
  .max(32, '统一社会信用代码过长')
  .transform(normalizeCreditCode)
  .superRefine((v, ctx) => {
    const problem = creditCodeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An industry code from the fixed list (GB/T 4754 divisions and sections). */
export const industrySchema = z.string({ error: '需要行业代码' }).refine((c) => isIndustryCode(c), '行业代码不在行业列表中');

export const roleSchema = z.enum(ROLES, { error: `角色应为 ${ROLES.join('/')}` });

/** Cursor paging: an opaque cursor from the previous page and a page size (default 20, at most 50). */
export const pagingShape = {
  cursor: z.string({ error: '需要游标文本' }).max(512, '游标过长').optional(),
  limit: z.number({ error: '需要数字' }).int('需要整数').min(1, '至少 1').max(50, '最多 50').optional(),
};

/** A page of a list. */
export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  nextCursor: string | null;
}

/** A point as returned to clients. */
export interface PointOut {
  lng: number;
  lat: number;
}

/** A photo as returned to clients. */
export interface PhotoOut {
  fileId: string;
  takenAt: string;
  /** null for a storefront photo of a filing without a GPS fix */
  location: PointOut | null;
  staffId: string;
}
