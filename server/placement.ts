import { findContainingPolygon } from '../shared/domain/geo.rules';
import type { Db } from './db';
import { getAll } from './db';
import type { UnitDoc } from './org';

/**
 * Grid placement by boundary polygon (docs/domain.md §2: "a grid has an optional boundary polygon used to place new
 * merchants automatically"). The grids with boundaries are cached per instance for a short time, as a
 * function instance serves many calls and boundaries change rarely; an edit in this instance clears it.
 */
const TTL_MS = 60_000;
let cache: { at: number; grids: Pick<UnitDoc, '_id' | 'unitPath' | 'boundary' | 'area'>[] } | null = null;

/** Forgets the cached boundaries (after a unit is created or changed). */
export function clearGridCache(): void {
  cache = null;
}

async function gridsWithBoundary(db: Db): Promise<NonNullable<typeof cache>['grids']> {
  if (cache && Date.now() - cache.at < TTL_MS) return cache.grids;
  const grids = await getAll<UnitDoc>(db, 'units', { kind: 'grid', boundary: db.command.exists(true) }, 10000);
  cache = { at: Date.now(), grids: grids.map((g) => ({ _id: g._id, unitPath: g.unitPath, boundary: g.boundary, area: g.area })) };
  return cache.grids;
}

/** The grid whose boundary contains the point, or null (overlaps: the first by id, for determinism). */
export async function findGridForPoint(db: Db, lng: number, lat: number): Promise<string | null> {
  const grids = await gridsWithBoundary(db);
  return findContainingPolygon([lng, lat], grids)?._id ?? null;
}

