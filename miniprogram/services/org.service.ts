import { callAction } from './transport';

export interface Unit {
  _id: string;
  name: string;
  kind: 'bank' | 'branch' | 'group' | 'grid';
  parentId: string | null;
  area?: string | null;
}

export interface Staff {
  _id: string;
  name: string;
  role: string;
  unitId: string;
  gridIds: string[];
  status: string;
  isBound?: boolean;
  mobile?: string;
}

/** Fetches the units under a parent (or the caller's top units). */
export function fetchUnits(parentId?: string): Promise<{ items: Unit[] }> {
  return callAction('org', 'listUnits', parentId ? { parentId } : {});
}

/** Fetches staff of a unit's subtree. */
export function fetchStaff(input: { unitId?: string; cursor?: string } = {}): Promise<{ items: Staff[]; nextCursor?: string | null }> {
  return callAction('org', 'listStaff', input);
}

/** Creates a staff member; answers the record and its one-time binding code (shown once). */
export function createStaff(input: { name: string; role: string; unitId: string; mobile: string; gridIds?: string[] }): Promise<{ staff: Staff; bindCode: string }> {
  return callAction('org', 'createStaff', input);
}

/** Reassigns a staff member's grids. */
export function assignGrids(staffId: string, gridIds: string[]): Promise<{ staff: Staff }> {
  return callAction('org', 'assignGrids', { staffId, gridIds });
}

/** Fetches head-office settings (thresholds, radius, due days) with defaults filled in. */
export function fetchSettings(): Promise<Record<string, unknown>> {
  return callAction('org', 'getSettings', {});
}

/** Saves head-office settings. */
export function saveSettings(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  return callAction('org', 'updateSettings', { patch });
}
