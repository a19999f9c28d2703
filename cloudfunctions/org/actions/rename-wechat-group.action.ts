import { renameWechatGroupInput } from '../../../shared/contracts/org.contract';
import { WECHAT_GROUP_ROLES } from '../../../shared/domain/roles';
import { assertInScope, defineAction, getDoc, notFound } from '../../../server';
import { wechatGroupView } from '../org.service';

/** `renameWechatGroup`: gives a grid's merchant group a new name (the same name again changes nothing). */
export const renameWechatGroup = defineAction({
  schema: renameWechatGroupInput,
  roles: WECHAT_GROUP_ROLES,
  async handler(input, ctx) {
    const g = await getDoc<{ _id: string; name: string; gridId: string; unitPath: string[] }>(ctx.db, 'wechatGroups', input.groupId);
    if (!g) throw notFound('微信群', 'WECHAT_GROUP.NOT_FOUND');
    assertInScope(ctx.caller, g.unitPath);
    if (g.name !== input.name) await ctx.db.collection('wechatGroups').doc(g._id).update({ data: { name: input.name, updatedAt: ctx.now, updatedBy: ctx.caller.staffId } });
    return wechatGroupView({ ...g, name: input.name });
  },
});
