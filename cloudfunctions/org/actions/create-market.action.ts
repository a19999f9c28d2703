import { createMarketInput } from '../../../shared/contracts/org.contract';
import { MARKET_MANAGER_ROLES } from '../../../shared/domain/roles';
import { auditLog, defineAction, fieldError, inTransaction, loadUnits, newId } from '../../../server';
import { loadUnitInScope, marketView } from '../org.service';

/** `createMarket` (head office, branch): a business district of a branch covering some of its grids. */
export const createMarket = defineAction({
  schema: createMarketInput,
  roles: MARKET_MANAGER_ROLES,
  async handler(input, ctx) {
    const branch = await loadUnitInScope(ctx, input.branchId, 'branchId');
    if (branch.kind !== 'branch') throw fieldError('branchId', '商圈需归属于支行', 'MARKET.BRANCH_REQUIRED');
    await checkMarketGrids(ctx.db, branch._id, input.gridIds);
    const market = { _id: newId(), name: input.name, branchId: branch._id, unitPath: branch.unitPath, gridIds: [...new Set(input.gridIds)], createdAt: ctx.now };
    await inTransaction(ctx.db, async (tx) => {
      await tx.collection('markets').add({ data: market });
      await auditLog(tx, ctx.caller, 'unit-change', { collection: 'markets', id: market._id }, { change: 'create' }, ctx.now, market.unitPath);
    });
    return marketView(market);
  },
});

/** Every grid of a market must be a grid of its branch. */
export async function checkMarketGrids(db: Parameters<typeof loadUnits>[0], branchId: string, gridIds: string[]): Promise<void> {
  const units = await loadUnits(db, gridIds);
  gridIds.forEach((g, i) => {
    const u = units.get(g);
    if (!u || u.kind !== 'grid') throw fieldError(`gridIds.${i}`, '网格不存在', 'UNIT.NOT_FOUND');
    if (!u.unitPath.includes(branchId)) throw fieldError(`gridIds.${i}`, '网格不在该支行', 'MARKET.GRID_OUTSIDE_BRANCH');
  });
}
