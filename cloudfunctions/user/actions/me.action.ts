import { meInput } from '../../../shared/contracts/user.contract';
import { defineAction } from '../../../server';
import { buildProfile } from '../user.service';

/** `me`: the caller's profile, role, home unit and grids. */
export const me = defineAction({
  schema: meInput,
  handler: (_input, ctx) => buildProfile(ctx.db, ctx.caller, ctx.now),
});
