import { ensurePrivacy } from './privacy';

export interface Stamp {
  takenAt: string;
  place: string;
  staff: string;
}

function p<T>(fn: (cb: { success: (r: T) => void; fail: (e: { errMsg: string }) => void }) => void): Promise<T> {
  return new Promise((resolve, reject) => fn({ success: resolve, fail: (e) => reject(new Error(e.errMsg)) }));
}

/** Draws the stamp (time, place, staff) onto the photo's lower edge with an offscreen canvas 2d. */
export async function stampPhoto(tempPath: string, stamp: Stamp): Promise<string> {
  const canvas = wx.createOffscreenCanvas({ type: '2d', width: 1080, height: 810 }) as unknown as WechatMiniprogram.OffscreenCanvas;
  const ctx = canvas.getContext('2d') as any;
  const img = canvas.createImage();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('照片无法读取'));
    img.src = tempPath;
  });
  ctx.drawImage(img, 0, 0, 1080, 810);
  ctx.fillStyle = 'rgba(0,0,0,0.45)';
  ctx.fillRect(0, 690, 1080, 120);
  ctx.fillStyle = '#ffffff';
  ctx.font = '32px sans-serif';
  ctx.fillText(`${stamp.takenAt}  ${stamp.staff}`, 28, 740);
  ctx.fillText(stamp.place, 28, 786);
  const out = await p<{ tempFilePath: string }>((cb) => wx.canvasToTempFilePath({ canvas: canvas as any, fileType: 'jpg', quality: 0.9, ...cb } as any));
  return out.tempFilePath;
}

/** Compresses a photo before upload (storefront photos need legibility, not megapixels). */
export async function compressPhoto(path: string): Promise<string> {
  const out = await p<{ tempFilePath: string }>((cb) => wx.compressImage({ src: path, quality: 60, compressedWidth: 1080, ...cb } as any));
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
