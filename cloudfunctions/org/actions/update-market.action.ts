import { updateMarketInput } from '../../../shared/contracts/org.contract';
import { MARKET_MANAGER_ROLES } from '../../../shared/domain/roles';
import { assertInScope, auditLog, defineAction, getDoc, inTransaction, notFound } from '../../../server';
import { marketView } from '../org.service';
import { checkMarketGrids } from './create-market.action';

/** `updateMarket` (head office, branch): rename a market or change the grids it covers. */
export const updateMarket = defineAction({
  schema: updateMarketInput,
  roles: MARKET_MANAGER_ROLES,
  async handler(input, ctx) {
    const market = await getDoc<any>(ctx.db, 'markets', input.marketId);
    if (!market) throw notFound('商圈', 'MARKET.NOT_FOUND');
    assertInScope(ctx.caller, market.unitPath);
    if (input.gridIds) await checkMarketGrids(ctx.db, market.branchId, input.gridIds);
    const patch: Record<string, unknown> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.gridIds !== undefined) patch.gridIds = [...new Set(input.gridIds)];
    if (Object.keys(patch).length === 0) return marketView(market);
    await inTransaction(ctx.db, async (tx) => {
      await tx.collection('markets').doc(market._id).update({ data: { ...patch, updatedAt: ctx.now } });
      await auditLog(tx, ctx.caller, 'unit-change', { collection: 'markets', id: market._id }, { change: 'update', fields: Object.keys(patch) }, ctx.now, market.unitPath);
    });
    return marketView({ ...market, ...patch });
  },
});
