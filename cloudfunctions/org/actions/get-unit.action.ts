import { getUnitInput } from '../../../shared/contracts/org.contract';
import { type UnitDoc, defineAction } from '../../../server';
import { loadUnitInScope, marketView, unitView, wechatGroupsWithCounts } from '../org.service';

/** `getUnit`: one unit with its children, its markets and (for a grid) its merchants' WeChat groups with their counts. */
export const getUnit = defineAction({
  schema: getUnitInput,
  async handler(input, ctx) {
    const unit = await loadUnitInScope(ctx, input.unitId);
    const db = ctx.db;
    const children = await db.collection('units').where({ parentId: unit._id }).orderBy('_id', 'asc').limit(1000).get();
    const marketWhere = unit.kind === 'grid' ? { gridIds: unit._id } : { unitPath: unit._id };
    const markets = await db.collection('markets').where(marketWhere).limit(1000).get();
    const groups = unit.kind === 'grid' ? await wechatGroupsWithCounts(db, unit._id) : null;
    return {
      unit: unitView(unit),
      children: (children.data as UnitDoc[]).map(unitView),
      markets: markets.data.map(marketView),
      wechatGroups: groups?.items ?? [],
      ...(groups ? { ungrouped: groups.ungrouped } : {}),
    };
  },
});
