/**
 * Moving a merchant to another grid (docs/domain.md §2): the grid boundary containing the merchant's location
 * suggests where it belongs; a move anywhere else must say why.
 */

/**
 * True when a transfer to `toGridId` needs a written reason: the merchant has no location, no boundary
 * contains it, or the boundary that does belongs to another grid (a move against the polygon).
 */
export function transferNeedsReason(suggestedGridId: string | null, toGridId: string): boolean {
  return suggestedGridId !== toGridId;
}
