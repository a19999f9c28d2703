import { type SuggestGridOut, suggestGridInput } from '../../../shared/contracts/merchant.contract';
import { type UnitDoc, defineAction, getDoc, isInScope } from '../../../server';
import { suggestedGridOf } from '../merchant.service';
import { loadMerchantInScope } from '../../../server/merchant';

/**
 * `suggestGrid` (the transfer screen): the grid whose boundary contains the merchant's location
 * (point-in-polygon over the grids' boundaries), and whether the caller may move the merchant there.
 * A suggested grid outside the caller's scope is not named.
 */
export const suggestGrid = defineAction({
  schema: suggestGridInput,
  roles: ['hq', 'branch', 'leader'],
  async handler(input, ctx): Promise<SuggestGridOut> {
    const m = await loadMerchantInScope(ctx, input.id);
    const gridId = await suggestedGridOf(ctx, m);
    const grid = gridId ? await getDoc<UnitDoc>(ctx.db, 'units', gridId) : null;
    const inScope = Boolean(grid && isInScope(ctx.caller, grid.unitPath));
    return {
      merchantId: m._id,
      gridId: m.gridId,
      suggestedGridId: inScope ? gridId : null,
      suggestedGridName: inScope && grid ? grid.name : null,
      suggestedInScope: inScope,
    };
  },
});
