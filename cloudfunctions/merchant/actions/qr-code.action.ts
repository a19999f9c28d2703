import { randomBytes } from 'node:crypto';
import { PHOTO_LINK_AGE_S } from '../../../shared/contracts/files.contract';
import { MERCHANT_CODE_PAGE, type MerchantQrCodeOutput, merchantQrCodeInput } from '../../../shared/contracts/qrcode.contract';
import { type ActionContext, defineAction, getDoc } from '../../../server';
import { serverFilePath, tempUrls, uploadFile } from '../../../server/jobs/files';
import { miniProgramCode } from '../../../server/wxacode';
import { type MerchantDoc, loadMerchantInScope } from '../../../server/merchant';

/** A merchant's code as kept on its record. */
export interface MerchantCode {
  scene: string;
  fileId: string;
}

const SCENE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** The scene for a merchant id: the id when it fits in 32 characters, else `~` and a fresh short code. */
function newScene(id: string): string {
  if (id.length <= 32) return id;
  return `~${[...randomBytes(20)].map((b) => SCENE_ALPHABET[b % SCENE_ALPHABET.length]).join('')}`;
}

/**
 * The merchant's code, made once and kept on its record (`qrCode`): a code already printed on a stand sign
 * keeps naming the merchant. Two first calls racing keep the first code written (a conditional update).
 */
async function codeOf(ctx: ActionContext, m: MerchantDoc): Promise<MerchantCode> {
  const kept = m.qrCode as MerchantCode | undefined;
  if (kept && (await tempUrls([kept.fileId], 60)).get(kept.fileId)) return kept;
  const scene = kept?.scene ?? newScene(m._id);
  if (scene.startsWith('~') && !kept) await ctx.db.collection('merchantCodes').add({ data: { _id: scene, merchantId: m._id, createdAt: ctx.now } });
  const image = await miniProgramCode(scene, MERCHANT_CODE_PAGE);
  const fileId = await uploadFile(serverFilePath('qrcodes', m._id, image.ext, 'code', ctx.now), image.content);
  const code = { scene, fileId };
  const _ = ctx.db.command;
  // The code is no edit of the file: neither its version nor its update time moves.
  const res = await ctx.db.collection('merchants').where({ _id: m._id, qrCode: kept ? _.exists(true) : _.exists(false) }).update({ data: { qrCode: _.set(code) } });
  if (res.stats.updated === 0) return ((await getDoc<MerchantDoc>(ctx.db, 'merchants', m._id))?.qrCode as MerchantCode | undefined) ?? code;
  return code;
}

/** `qrCode`: the merchant code (商户码) of a file in scope, for its stand sign: a link to its image and its scene. */
export const qrCode = defineAction({
  schema: merchantQrCodeInput,
  async handler(input, ctx): Promise<MerchantQrCodeOutput> {
    const m = await loadMerchantInScope(ctx, input.id);
    const code = await codeOf(ctx, m);
    const url = (await tempUrls([code.fileId], PHOTO_LINK_AGE_S)).get(code.fileId) ?? null;
    return { merchantId: m._id, scene: code.scene, page: MERCHANT_CODE_PAGE, fileId: code.fileId, url, maxAgeS: PHOTO_LINK_AGE_S };
  },
});
