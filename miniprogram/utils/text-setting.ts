import { STORAGE_KEYS } from '../config';
import { LARGE_SCALE, scaleForSystemSize, type TextSize } from './text-scale';

/** The text size chosen on 我的, kept on the phone, and the phone's own font setting. */
export function chosenTextSize(): TextSize {
  const stored = wx.getStorageSync(STORAGE_KEYS.textSize) as string;
  return stored === 'standard' || stored === 'large' ? stored : 'system';
}

export function chooseTextSize(size: TextSize): void {
  if (size === 'system') wx.removeStorageSync(STORAGE_KEYS.textSize);
  else wx.setStorageSync(STORAGE_KEYS.textSize, size);
}

/** The phone's font setting, from getAppBaseInfo where the base library has it, else getSystemInfoSync. */
function systemFontSize(): unknown {
  try {
    const base = typeof wx.getAppBaseInfo === 'function' ? (wx.getAppBaseInfo() as { fontSizeSetting?: number }) : null;
    if (base && base.fontSizeSetting !== undefined) return base.fontSizeSetting;
    return (wx.getSystemInfoSync() as { fontSizeSetting?: number }).fontSizeSetting;
  } catch {
    return undefined;
  }
}

/** The text scale in force: the setting on 我的, or the system's. */
export function textScale(): number {
  const size = chosenTextSize();
  if (size === 'standard') return 1;
  if (size === 'large') return LARGE_SCALE;
  return scaleForSystemSize(systemFontSize());
}
