import { checkDuplicateInput } from '../../../shared/contracts/merchant.contract';
import { defineAction } from '../../../server';
import { findDuplicates, mobileHash } from '../merchant.service';

/** `checkDuplicate`: probable duplicates of what the user is typing (same mobile, licence, or name nearby). */
export const checkDuplicate = defineAction({
  schema: checkDuplicateInput,
  async handler(input, ctx) {
    const duplicates = await findDuplicates(ctx, { id: input.id, name: input.name, location: input.location, mobileHash: mobileHash(input.mobile), licenceCode: input.licenceCode });
    return { duplicates };
  },
});
