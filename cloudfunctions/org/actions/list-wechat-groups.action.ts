import { listWechatGroupsInput } from '../../../shared/contracts/org.contract';
import { defineAction, fieldError } from '../../../server';
import { loadUnitInScope, wechatGroupsWithCounts } from '../org.service';

/** `listWechatGroups`: the merchants' WeChat groups of one grid, each with its merchants, and the grid's merchants in none. */
export const listWechatGroups = defineAction({
  schema: listWechatGroupsInput,
  async handler(input, ctx) {
    const grid = await loadUnitInScope(ctx, input.gridId, 'gridId');
    if (grid.kind !== 'grid') throw fieldError('gridId', '需要网格', 'UNIT.NOT_GRID');
    return wechatGroupsWithCounts(ctx.db, grid._id);
  },
});
