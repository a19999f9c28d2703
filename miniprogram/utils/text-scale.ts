/**
 * Large text. A page's text is `calc(<n>rpx * var(--fs, 1))` throughout its WXSS; each page's root view
 * carries `--fs` (the text-scale behavior), from the size chosen on 我的 or, by default, the phone's own
 * font setting (utils/text-setting.ts). Every screen is laid out to stay usable at LARGE_SCALE (wrapping, never clipping).
 */
export type TextSize = 'system' | 'standard' | 'large';

export const TEXT_SIZES: { value: TextSize; label: string }[] = [
  { value: 'system', label: '跟随系统' },
  { value: 'standard', label: '标准' },
  { value: 'large', label: '大字' },
];

/** The scale of the 大字 setting, and the largest a system font setting is taken to. */
export const LARGE_SCALE = 1.3;
const MAX_SCALE = 1.6;
/** WeChat's fontSizeSetting at the phone's standard size (iOS 17 pt; Android reports 16). */
const STANDARD_SYSTEM_SIZE = 17;

/** The scale for a system font setting (in px): 1 up to the standard size, then in proportion, in tenths. */
export function scaleForSystemSize(fontSizeSetting: unknown): number {
  const size = Number(fontSizeSetting);
  if (!Number.isFinite(size) || size <= STANDARD_SYSTEM_SIZE) return 1;
  return Math.min(MAX_SCALE, Math.round((size / STANDARD_SYSTEM_SIZE) * 10) / 10);
}

/** What a page's root view binds: its style (the scale and the base text size) and whether text is large. */
export function textLook(scale: number): { textStyle: string; largeText: boolean } {
  const fs = Math.round(scale * 100) / 100;
  // The root's own size in em of the page's (app.wxss: 28rpx), so the style holds no rpx to convert.
  return { textStyle: `--fs:${fs};font-size:${fs}em`, largeText: fs >= 1.2 };
}
