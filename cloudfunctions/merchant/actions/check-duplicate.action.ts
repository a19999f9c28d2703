import { checkDuplicateInput } from '../../../shared/contracts/merchant.contract';
import { defineAction } from '../../../server';
import { lookUpDuplicates, mobileHash } from '../merchant.service';

/**
 * `checkDuplicate`: probable duplicates of what the user is typing (same mobile, licence, or name nearby),
 * looked up bank-wide; a match outside the caller's scope says only that it exists and which unit to ask.
 * Every check counts against the caller's daily quota and is audited (docs/security.md, oracles).
 */
export const checkDuplicate = defineAction({
  schema: checkDuplicateInput,
  async handler(input, ctx) {
    const probe = { id: input.id, name: input.name, location: input.location, mobileHash: mobileHash(input.mobile), licenceCode: input.licenceCode };
    const found = await lookUpDuplicates(ctx, probe, 'merchant.checkDuplicate', true);
    return { duplicates: found.view };
  },
});
