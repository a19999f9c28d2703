import { type ResolveSceneOutput, resolveSceneInput } from '../../../shared/contracts/qrcode.contract';
import { defineAction, forbidden, getDoc, isInScope, notFound } from '../../../server';
import type { MerchantDoc } from '../../../server/merchant';

/**
 * `resolveScene`: the merchant a scanned merchant code names (the scene: its id, or a `~` code kept in
 * `merchantCodes`). A merchant outside the caller's scope is refused saying so, and its name is not given.
 */
export const resolveScene = defineAction({
  schema: resolveSceneInput,
  async handler(input, ctx): Promise<ResolveSceneOutput> {
    const id = input.scene.startsWith('~') ? (await getDoc<{ merchantId: string }>(ctx.db, 'merchantCodes', input.scene))?.merchantId : input.scene;
    const m = id ? await getDoc<MerchantDoc>(ctx.db, 'merchants', id) : null;
    if (!m) throw notFound('商户码对应的商户', 'MERCHANT.NOT_FOUND');
    if (!isInScope(ctx.caller, m.unitPath)) throw forbidden('该商户不在您的管辖范围内，无法查看', 'SCOPE.OUTSIDE');
    return { merchantId: m._id, name: m.name };
  },
});
