import { orgContract } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';

type Org = typeof import('../vendor/shared').orgContract;
export type Unit = import('../vendor/shared').orgContract.UnitView;
export type Staff = import('../vendor/shared').orgContract.StaffOut;
export type BindCode = import('../vendor/shared').orgContract.BindCodeOutput;
export type Market = import('../vendor/shared').orgContract.MarketView;
export type BoundaryPreview = import('../vendor/shared').orgContract.BoundaryPreview;
export type BoundarySaved = import('../vendor/shared').orgContract.BoundarySaved;
type In<K extends keyof Org> = InputOf<Org[K]>;

/** Fetches the units under a parent (or the caller's top units). */
export function fetchUnits(input: In<'listUnitsInput'> = {}): Promise<{ items: Unit[] }> {
  return callAction('org', 'listUnits', parseInput(orgContract.listUnitsInput, input));
}

/** Fetches one unit with its children, markets and (for a grid) WeChat groups. */
export function fetchUnit(unitId: string): Promise<{ unit: Unit; children: Unit[] }> {
  return callAction('org', 'getUnit', parseInput(orgContract.getUnitInput, { unitId }));
}

/** Fetches staff of a unit's subtree, a page at a time. */
export function fetchStaff(input: In<'listStaffInput'> = {}): Promise<{ items: Staff[]; nextCursor: string | null }> {
  return callAction('org', 'listStaff', parseInput(orgContract.listStaffInput, input));
}

/** Creates a staff member; answers the record and its one-time binding code (shown once). */
export function createStaff(input: In<'createStaffInput'>): Promise<BindCode> {
  return callAction('org', 'createStaff', parseInput(orgContract.createStaffInput, input));
}

/** Reassigns a staff member's grids. */
export function assignGrids(input: In<'assignGridsInput'>): Promise<Staff> {
  return callAction('org', 'assignGrids', parseInput(orgContract.assignGridsInput, input));
}

/** Updates a unit (name, boundary polygon of a grid). */
export function updateUnit(input: In<'updateUnitInput'>): Promise<Unit> {
  return callAction('org', 'updateUnit', parseInput(orgContract.updateUnitInput, input));
}

/** The merchants a grid's new boundary would move (refused naming the point when the boundary is bad). */
export function previewBoundary(input: In<'boundaryEditInput'>): Promise<BoundaryPreview> {
  return callAction('org', 'previewBoundary', parseInput(orgContract.boundaryEditInput, input));
}

/** Saves a grid's new boundary, transferring the merchants it moves. */
export function saveBoundary(input: In<'boundaryEditInput'>): Promise<BoundarySaved> {
  return callAction('org', 'saveBoundary', parseInput(orgContract.boundaryEditInput, input));
}

/** Fetches the markets (商圈) in scope or of one unit, with their coverage when asked. */
export function fetchMarkets(input: In<'listMarketsInput'> = {}): Promise<{ items: Market[] }> {
  return callAction('org', 'listMarkets', parseInput(orgContract.listMarketsInput, input));
}

/** Creates a market of a branch from some of its grids. */
export function createMarket(input: In<'createMarketInput'>): Promise<Market> {
  return callAction('org', 'createMarket', parseInput(orgContract.createMarketInput, input));
}

/** Renames a market or changes its grids. */
export function updateMarket(input: In<'updateMarketInput'>): Promise<Market> {
  return callAction('org', 'updateMarket', parseInput(orgContract.updateMarketInput, input));
}
