import { listMarketsInput } from '../../../shared/contracts/org.contract';
import { defineAction, getAll, loadUnits, scopeFilter, scopeGridIds } from '../../../server';
import { loadUnitInScope, marketView } from '../org.service';

/** `listMarkets`: business districts (商圈) in scope, or those of one unit (branch subtree or a grid), with their coverage if asked. */
export const listMarkets = defineAction({
  schema: listMarketsInput,
  async handler(input, ctx) {
    let where: Record<string, unknown>;
    if (input.unitId) {
      const unit = await loadUnitInScope(ctx, input.unitId);
      where = unit.kind === 'grid' ? { gridIds: unit._id } : { unitPath: unit._id };
    } else {
      const _ = ctx.db.command;
      // A market is in scope when its branch is, or when it covers one of the caller's grids.
      const grids = await scopeGridIds(ctx.db, ctx.caller);
      where = grids === 'all' ? {} : _.or([scopeFilter(ctx.caller), { gridIds: _.in(grids) }]);
    }
    const markets = (await getAll(ctx.db, 'markets', where, 5000)).map(marketView);
    // The grids' names, one read for all: a market may cover grids of its branch outside the caller's scope.
    const units = await loadUnits(ctx.db, markets.flatMap((m) => m.gridIds));
    const items = markets.map((m) => ({ ...m, gridNames: m.gridIds.map((g) => units.get(g)?.name ?? '') }));
    if (!input.withCoverage) return { items };
    // Coverage as the metrics count it (收单覆盖): merchants of the market acquiring with the bank, of all its merchants.
    const counted = await Promise.all(
      items.map((m) => Promise.all([ctx.db.collection('merchants').where({ marketId: m.id }).count(), ctx.db.collection('merchants').where({ marketId: m.id, 'acquiring.status': 'active' }).count()])),
    );
    return { items: items.map((m, i) => ({ ...m, merchantCount: counted[i][0].total, coveredCount: counted[i][1].total })) };
  },
});
