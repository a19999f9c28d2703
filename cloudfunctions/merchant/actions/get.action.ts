import { getMerchantInput } from '../../../shared/contracts/merchant.contract';
import { defineAction } from '../../../server';
import { merchantView } from '../merchant.service';
import { loadMerchantInScope } from '../../../server/merchant';

/** `get`: one merchant file in scope, personal information masked. */
export const get = defineAction({
  schema: getMerchantInput,
  async handler(input, ctx) {
    return merchantView(await loadMerchantInScope(ctx, input.id));
  },
});
