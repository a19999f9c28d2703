import { type PlacementRow, listPlacementsInput } from '../../../shared/contracts/merchant.contract';
import { defineAction, scopeFilter } from '../../../server';
import { PLACEMENT_REVIEWER_ROLES } from '../../../shared/domain/roles';
import { type MerchantDoc } from '../../../server/merchant';
import { merchantRow, placementView } from '../merchant.service';

/** Who reviews manual placements: the grid leader, and the branch and head office above them (shared list). */
export const PLACEMENT_REVIEWERS = PLACEMENT_REVIEWER_ROLES;

/**
 * `placements` (grid leader, branch, head office): the merchants filed with a picked grid (no fix, or a fix
 * outside every boundary) still waiting for review in the caller's scope, oldest filing first, read along
 * the (placement status, unit) index. `more` says the list goes on past `limit`.
 */
export const placements = defineAction({
  schema: listPlacementsInput,
  roles: PLACEMENT_REVIEWERS,
  async handler(input, ctx) {
    const limit = input.limit ?? 50;
    const where = { 'placement.status': 'pending', ...scopeFilter(ctx.caller), ...(input.gridId ? { gridId: input.gridId } : {}) };
    const rows = (await ctx.db.collection('merchants').where(where).orderBy('placement.at', 'asc').orderBy('_id', 'asc').limit(limit + 1).get()).data as MerchantDoc[];
    const items: PlacementRow[] = rows.slice(0, limit).map((m) => {
      const row = merchantRow(m);
      return { merchantId: row.id, name: row.name, address: row.address, gridId: row.gridId, placement: placementView(m.placement)! };
    });
    return { items, more: rows.length > limit };
  },
});
