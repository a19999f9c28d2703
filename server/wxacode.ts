import { toString as qrSvg } from 'qrcode';
import { getCloud } from './db';

/**
 * Mini program codes. On CloudBase a function asks WeChat for one (`wxacode.getUnlimited`, with the
 * permission declared in the function's config.json); locally, where there is no WeChat, the same scene
 * and page are drawn as a plain QR code (SVG) holding `<page>?scene=<scene>`, which the scanning pages read
 * as they read a real code's path.
 */

export interface CodeImage {
  content: Buffer;
  /** file extension: `png` from WeChat, `svg` locally */
  ext: 'png' | 'svg';
}

/** CloudBase runs functions on SCF, which sets TENCENTCLOUD_RUNENV=SCF in every function's environment. */
function onCloudBase(): boolean {
  return process.env.TENCENTCLOUD_RUNENV === 'SCF';
}

/** Side of the image, in pixels (getUnlimited's default and the printed sign's size). */
const WIDTH = 430;

/** A code opening `page` with `scene`. */
export async function miniProgramCode(scene: string, page: string): Promise<CodeImage> {
  if (onCloudBase()) {
    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
    // checkPath off: a code can be printed before the version holding the page is released.
    const res = (await (getCloud() as any).openapi.wxacode.getUnlimited({ scene, page, checkPath: false, width: WIDTH })) as { buffer?: Buffer | Uint8Array; errCode?: number; errMsg?: string };
    if (!res?.buffer) throw new Error(`wxacode.getUnlimited failed: ${res?.errCode ?? ''} ${res?.errMsg ?? ''}`);
    return { content: Buffer.from(res.buffer), ext: 'png' };
  }
  return { content: Buffer.from(await qrSvg(`${page}?scene=${encodeURIComponent(scene)}`, { type: 'svg', width: WIDTH, margin: 2, errorCorrectionLevel: 'M' })), ext: 'svg' };
}
