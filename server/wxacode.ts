import { toDataURL as qrPng, toString as qrSvg } from 'qrcode';
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

/** The page a new staff member signs in on; a binding code's QR holds `<page>?code=<code>`. */
export const BIND_PAGE = 'pages/login/index';

/**
 * A binding code drawn as a plain QR code (PNG data URL), answered with the code and never uploaded: the
 * code is a secret stored only as a hash, so no file may hold it. The mini program's `image` shows a base64
 * PNG (https://developers.weixin.qq.com/miniprogram/dev/component/image.html).
 */
export function bindCodeQr(code: string): Promise<string> {
  return qrPng(`${BIND_PAGE}?code=${code}`, { type: 'image/png', width: 320, margin: 2, errorCorrectionLevel: 'M' });
}
