import { ensurePrivacy } from './privacy';

export interface Stamp {
  takenAt: string;
  place: string;
  staff: string;
}

function p<T>(fn: (cb: { success: (r: T) => void; fail: (e: { errMsg: string }) => void }) => void): Promise<T> {
  return new Promise((resolve, reject) => fn({ success: resolve, fail: (e) => reject(new Error(e.errMsg)) }));
}

/** Longest edge of a stamped photo, in pixels (storefront photos need legibility, not megapixels). */
export const STAMP_MAX_EDGE = 1280;

/** The canvas for a photo of `width`×`height`: its own proportions, the longer edge at most `maxEdge`. */
export function stampCanvasSize(width: number, height: number, maxEdge = STAMP_MAX_EDGE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) throw new Error('照片尺寸无效');
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Draws the stamp (time, place, staff) onto the photo's lower edge with an offscreen canvas 2d, the canvas
 * sized from the image's own width and height (wx.getImageInfo answers them with the EXIF orientation
 * applied), so a portrait photo stays portrait. The band and the text scale with the picture.
 */
export async function stampPhoto(tempPath: string, stamp: Stamp): Promise<string> {
  const info = await p<{ width: number; height: number }>((cb) => wx.getImageInfo({ src: tempPath, ...cb }));
  const { width, height } = stampCanvasSize(info.width, info.height);
  const canvas = wx.createOffscreenCanvas({ type: '2d', width, height }) as unknown as WechatMiniprogram.OffscreenCanvas;
  const ctx = canvas.getContext('2d');
  const img = canvas.createImage();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('照片无法读取'));
    img.src = tempPath;
  });
  ctx.drawImage(img, 0, 0, width, height);
  // The stamp is sized from the shorter edge: as legible on a portrait photo as on a landscape one.
  const unit = Math.min(width, height) / 810;
  const font = Math.round(32 * unit);
  const band = Math.round(120 * unit);
  ctx.fillStyle = 'rgba(0,0,0,0.45)';
  ctx.fillRect(0, height - band, width, band);
  ctx.fillStyle = '#ffffff';
  ctx.font = `${font}px sans-serif`;
  ctx.fillText(`${stamp.takenAt}  ${stamp.staff}`, Math.round(28 * unit), height - Math.round(70 * unit));
  ctx.fillText(stamp.place, Math.round(28 * unit), height - Math.round(24 * unit));
  const out = await p<{ tempFilePath: string }>((cb) => wx.canvasToTempFilePath({ canvas, fileType: 'jpg', quality: 0.9, ...cb }));
  return out.tempFilePath;
}

/** Compresses a photo before upload (storefront photos need legibility, not megapixels). */
export async function compressPhoto(path: string): Promise<string> {
  const out = await p<{ tempFilePath: string }>((cb) => wx.compressImage({ src: path, quality: 60, ...cb }));
  return out.tempFilePath;
}

/** Takes photos with the camera only (never the album), each stamped and compressed. */
export async function takeStampedPhotos(count: number, stamp: Stamp): Promise<string[]> {
  await ensurePrivacy();
  const res = await p<{ tempFiles: { tempFilePath: string }[] }>((cb) =>
    wx.chooseMedia({ count, mediaType: ['image'], sourceType: ['camera'], sizeType: ['original'], camera: 'back', ...cb }),
  );
  const out: string[] = [];
  for (const f of res.tempFiles) out.push(await compressPhoto(await stampPhoto(f.tempFilePath, stamp)));
  return out;
}
