import type { WechatGroupView } from '../../../shared/contracts/org.contract';
import { WECHAT_GROUP_ROLES } from '../../../shared/domain/roles';
import { createWechatGroupInput } from '../../../shared/contracts/org.contract';
import { AppError, type ActionContext, assertInScope, defineAction, fieldError, getDoc, newId, writeOnce } from '../../../server';
import { loadUnitInScope, wechatGroupView } from '../org.service';

/**
 * `createWechatGroup`: registers a grid's merchant WeChat group (the grid member runs them, docs/domain.md §2).
 * With the client's `id`, a retry answers the group the first call made instead of adding a second.
 */
export const createWechatGroup = defineAction({
  schema: createWechatGroupInput,
  roles: WECHAT_GROUP_ROLES,
  async handler(input, ctx) {
    const grid = await loadUnitInScope(ctx, input.gridId, 'gridId');
    if (grid.kind !== 'grid') throw fieldError('gridId', '需要网格', 'UNIT.NOT_GRID');
    const group = { _id: input.id ?? newId(), name: input.name, gridId: grid._id, unitPath: grid.unitPath, createdAt: ctx.now, createdBy: ctx.caller.staffId };
    const write = async (): Promise<WechatGroupView> => {
      await ctx.db.collection('wechatGroups').add({ data: group });
      return { ...wechatGroupView(group), merchantCount: 0 };
    };
    if (!input.id) return write();
    const id = input.id;
    return writeOnce(write, () => replayOf(ctx, id), () => new AppError('CONFLICT', '该微信群编号已被使用', { reason: 'WECHAT_GROUP.ID_TAKEN' }));
  },
});

async function replayOf(ctx: ActionContext, id: string): Promise<WechatGroupView | null> {
  const g = await getDoc<{ _id: string; name: string; gridId: string; unitPath: string[]; createdBy?: string }>(ctx.db, 'wechatGroups', id);
  if (!g) return null;
  if (g.createdBy !== ctx.caller.staffId) throw new AppError('CONFLICT', '该微信群编号已被使用', { reason: 'WECHAT_GROUP.ID_TAKEN' });
  assertInScope(ctx.caller, g.unitPath);
  return wechatGroupView(g);
}
