import { orgContract } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

type Org = typeof import('../vendor/shared').orgContract;
export type Unit = import('../vendor/shared').orgContract.UnitView;
export type Staff = import('../vendor/shared').orgContract.StaffOut;
export type BindCode = import('../vendor/shared').orgContract.BindCodeOutput;
type In<K extends keyof Org> = Org[K] extends { _zod: { input: infer I } } ? I : never;

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
