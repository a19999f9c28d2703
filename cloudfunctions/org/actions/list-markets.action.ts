import { listMarketsInput } from '../../../shared/contracts/org.contract';
import { defineAction, getAll, scopeFilter } from '../../../server';
import { loadUnitInScope, marketView } from '../org.service';

/** `listMarkets`: business districts (商圈) in scope, or those of one unit (branch subtree or a grid). */
export const listMarkets = defineAction({
  schema: listMarketsInput,
  async handler(input, ctx) {
    let where: Record<string, unknown>;
    if (input.unitId) {
      const unit = await loadUnitInScope(ctx, input.unitId);
      where = unit.kind === 'grid' ? { gridIds: unit._id } : { unitPath: unit._id };
    } else {
      const _ = ctx.db.command;
      // A field role's scope is grids: a market is theirs when it covers one of them.
      where = ctx.caller.scope === 'all' ? {} : _.or([scopeFilter(ctx.caller), scopeFilter(ctx.caller, 'gridIds')]);
    }
    return { items: (await getAll(ctx.db, 'markets', where, 5000)).map(marketView) };
  },
});
