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

/** Ray casting: true when `[lng, lat]` is inside the ring (points on an edge count as inside). */
export function pointInRing(lng: number, lat: number, ring: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    // On the segment: inside.
    const cross = (lng - xi) * (yj - yi) - (lat - yi) * (xj - xi);
    if (Math.abs(cross) < 1e-12 && lng >= Math.min(xi, xj) && lng <= Math.max(xi, xj) && lat >= Math.min(yi, yj) && lat <= Math.max(yi, yj)) return true;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The grid whose boundary contains the point, or null (overlaps: the first by id, for determinism). */
export async function findGridForPoint(db: Db, lng: number, lat: number): Promise<string | null> {
  const grids = await gridsWithBoundary(db);
  for (const g of grids) if (g.boundary && pointInRing(lng, lat, g.boundary)) return g._id;
  return null;
}
