import { createWechatGroupInput } from '../../../shared/contracts/org.contract';
import { defineAction, fieldError, newId } from '../../../server';
import { loadUnitInScope, wechatGroupView } from '../org.service';

/** `createWechatGroup`: registers a grid's merchant WeChat group (the grid member runs them, docs/domain.md §2). */
export const createWechatGroup = defineAction({
  schema: createWechatGroupInput,
  roles: ['hq', 'branch', 'leader', 'member'],
  async handler(input, ctx) {
    const grid = await loadUnitInScope(ctx, input.gridId, 'gridId');
    if (grid.kind !== 'grid') throw fieldError('gridId', '需要网格', 'UNIT.NOT_GRID');
    const group = { _id: newId(), name: input.name, gridId: grid._id, unitPath: grid.unitPath, createdAt: ctx.now, createdBy: ctx.caller.staffId };
    await ctx.db.collection('wechatGroups').add({ data: group });
    return wechatGroupView(group);
  },
});
