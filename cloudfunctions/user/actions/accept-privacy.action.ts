import { acceptPrivacyInput } from '../../../shared/contracts/user.contract';
import { defineAction } from '../../../server';

/** `acceptPrivacy`: records that the caller accepted the privacy agreement (version and time). */
export const acceptPrivacy = defineAction({
  schema: acceptPrivacyInput,
  async handler(input, ctx) {
    await ctx.db.collection('staff').doc(ctx.caller.staffId).update({ data: { privacyAcceptedAt: ctx.now, privacyVersion: input.version, updatedAt: ctx.now } });
    return { privacyAcceptedAt: ctx.now.toISOString(), privacyVersion: input.version };
  },
});
