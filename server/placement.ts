import { findContainingPolygon } from '../shared/domain/geo.rules';
import type { Db } from './db';
import { getAll } from './db';
import type { UnitDoc } from './org';

/**
 * Grid placement by boundary polygon (domain §2: "a grid has an optional boundary polygon used to place new
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

/**
 * The grids whose boundary comes within `radiusM` of the point (bounding boxes widened by the radius), for
 * the "same name nearby" duplicate check: it reads those grids' merchants by grid index instead of scanning
 * the whole collection around a point.
 */
export async function gridsNear(db: Db, lng: number, lat: number, radiusM: number): Promise<string[]> {
  const grids = await gridsWithBoundary(db);
  const dLat = radiusM / 111320;
  const dLng = radiusM / (111320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
  const out: string[] = [];
  for (const g of grids) {
    const ring = g.boundary ?? [];
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (lng >= minX - dLng && lng <= maxX + dLng && lat >= minY - dLat && lat <= maxY + dLat) out.push(g._id);
  }
  return out;
}
