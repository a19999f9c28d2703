import { getVisitInput } from '../../../shared/contracts/visit.contract';
import { assertInScope, defineAction, getDoc, notFound } from '../../../server';
import { type VisitDoc, visitView } from '../visit.service';

/** `get`: one visit in scope. */
export const get = defineAction({
  schema: getVisitInput,
  async handler(input, ctx) {
    const v = await getDoc<VisitDoc>(ctx.db, 'visits', input.visitId);
    if (!v) throw notFound('走访', 'VISIT.NOT_FOUND');
    assertInScope(ctx.caller, v.unitPath);
    return visitView(v);
  },
});
