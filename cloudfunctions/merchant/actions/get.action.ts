import { getMerchantInput } from '../../../shared/contracts/merchant.contract';
import { defineAction } from '../../../server';
import { loadMerchantInScope, merchantView } from '../merchant.service';

/** `get`: one merchant file in scope, personal information masked. */
export const get = defineAction({
  schema: getMerchantInput,
  async handler(input, ctx) {
    return merchantView(await loadMerchantInScope(ctx, input.id));
  },
});
