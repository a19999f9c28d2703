import { listWechatGroupsInput } from '../../../shared/contracts/org.contract';
import { defineAction, fieldError } from '../../../server';
import { loadUnitInScope, wechatGroupView } from '../org.service';

/** `listWechatGroups`: the merchants' WeChat groups of one grid. */
export const listWechatGroups = defineAction({
  schema: listWechatGroupsInput,
  async handler(input, ctx) {
    const grid = await loadUnitInScope(ctx, input.gridId, 'gridId');
    if (grid.kind !== 'grid') throw fieldError('gridId', '需要网格', 'UNIT.NOT_GRID');
    const res = await ctx.db.collection('wechatGroups').where({ gridId: grid._id }).limit(1000).get();
    return { items: res.data.map(wechatGroupView) };
  },
});
