import { merchantContract as C, orgContract } from '../vendor/shared';
import { STORAGE_KEYS } from '../config';
import { callAction } from './transport';
import { parseInput } from './validate';

export type PlacementRow = import('../vendor/shared').merchantContract.PlacementRow;
export interface GridOption {
  id: string;
  name: string;
}

/**
 * The grids in the caller's scope, for the filing form's grid picker. The last list fetched is kept on the
 * device, so a filing made offline can still pick a grid.
 */
export async function fetchGridsInScope(): Promise<GridOption[]> {
  try {
    const res = await callAction<{ items: { id: string; name: string }[] }>('org', 'listUnits', parseInput(orgContract.listUnitsInput, { kind: 'grid' }));
    const grids = res.items.map((u) => ({ id: u.id, name: u.name }));
    wx.setStorageSync(STORAGE_KEYS.gridsInScope, grids);
    return grids;
  } catch (err) {
    const kept = wx.getStorageSync(STORAGE_KEYS.gridsInScope) as GridOption[] | '';
    if (kept) return kept;
    throw err;
  }
}

/** Manually placed merchants waiting for review in the caller's scope (grid leaders, branches, head office). */
export function fetchPlacements(input: { gridId?: string } = {}): Promise<{ items: PlacementRow[]; more: boolean }> {
  return callAction('merchant', 'placements', parseInput(C.listPlacementsInput, input));
}

/** Confirms a manual placement, or moves the merchant to another grid in scope. */
export function reviewPlacement(input: { id: string; decision: 'confirm' | 'move'; toGridId?: string; reason?: string }): Promise<{ merchant: import('../vendor/shared').merchantContract.MerchantOut }> {
  return callAction('merchant', 'reviewPlacement', parseInput(C.reviewPlacementInput, input));
}
