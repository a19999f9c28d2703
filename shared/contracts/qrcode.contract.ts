/**
 * The merchant's code (商户码): a mini program code for its stand sign that opens its detail page. The
 * code carries a scene of at most 32 characters (wxacode.getUnlimited's limit): the merchant id when it
 * fits, otherwise a short code kept on the merchant, `~` first (ids never hold `~`).
 */
import { z } from 'zod';
import { idSchema } from './common.contract';

/** The page a merchant code opens (a page of the released mini program, no leading slash). */
export const MERCHANT_CODE_PAGE = 'pages/merchant/detail/index';

/** The scene characters wxacode.getUnlimited accepts, at most 32 of them. */
export const sceneSchema = z
  .string({ error: '需要场景值' })
  .min(1, '不能为空')
  .max(32, '场景值最多 32 个字符')
  .regex(/^[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]+$/, '场景值含有不允许的字符');

/** `merchant.qrCode`: the code of a merchant file in scope. */
export const merchantQrCodeInput = z.strictObject({ id: idSchema });

/** `merchant.resolveScene`: the merchant a scanned code names, when in the caller's scope. */
export const resolveSceneInput = z.strictObject({ scene: sceneSchema });

export interface MerchantQrCodeOutput {
  merchantId: string;
  scene: string;
  page: string;
  fileId: string;
  /** a short-lived link to the image (PNG from WeChat; SVG locally) */
  url: string | null;
  maxAgeS: number;
}

export interface ResolveSceneOutput {
  merchantId: string;
  name: string;
}
