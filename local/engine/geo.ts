/**
 * Geo support for points, as CloudBase offers it (geoNear, geoWithin, geoIntersects and the $geoNear stage):
 * distances on a sphere of MongoDB's radius (6378.1 km), polygons tested in lng/lat coordinates.
 */
import { fail } from './errors';

export const EARTH_RADIUS_M = 6378100;

export type LngLat = [number, number];

/** Reads a GeoJSON Point or a legacy [lng, lat] pair; anything else is not a point. */
export function asPoint(v: any): LngLat | null {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  if (v && typeof v === 'object' && v.type === 'Point' && Array.isArray(v.coordinates)) {
    const [lng, lat] = v.coordinates;
    if (typeof lng === 'number' && typeof lat === 'number') return [lng, lat];
  }
  if (v && typeof v === 'object' && typeof v.longitude === 'number' && typeof v.latitude === 'number') {
    return [v.longitude, v.latitude];
  }
  return null;
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LngLat, b: LngLat): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

function pointInRing(p: LngLat, ring: LngLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function pointOnSegment(p: LngLat, a: LngLat, b: LngLat): boolean {
  const cross = (p[0] - a[0]) * (b[1] - a[1]) - (p[1] - a[1]) * (b[0] - a[0]);
  if (Math.abs(cross) > 1e-12) return false;
  return Math.min(a[0], b[0]) - 1e-12 <= p[0] && p[0] <= Math.max(a[0], b[0]) + 1e-12 &&
    Math.min(a[1], b[1]) - 1e-12 <= p[1] && p[1] <= Math.max(a[1], b[1]) + 1e-12;
}

/** A polygon (outer ring then holes) contains the point, boundary included as MongoDB does. */
function polygonContains(rings: LngLat[][], p: LngLat): boolean {
  if (!rings.length) return false;
  const onEdge = (ring: LngLat[]) => ring.some((a, i) => i > 0 && pointOnSegment(p, ring[i - 1], a));
  if (onEdge(rings[0])) return true;
  if (!pointInRing(p, rings[0])) return false;
  return !rings.slice(1).some((hole) => pointInRing(p, hole) && !onEdge(hole));
}

function coordsOf(g: any, what: string): any {
  if (!g || typeof g !== 'object' || typeof g.type !== 'string' || !Array.isArray(g.coordinates)) {
    fail('DATABASE_REQUEST_FAILED', `${what} must be a GeoJSON geometry`);
  }
  return g.coordinates;
}

/** Every point of a stored geometry (a Point, MultiPoint, LineString, Polygon ...). */
function pointsOf(v: any): LngLat[] {
  const p = asPoint(v);
  if (p) return [p];
  if (!v || typeof v !== 'object' || !Array.isArray(v.coordinates)) return [];
  const flat: LngLat[] = [];
  const walk = (c: any) => {
    if (Array.isArray(c) && typeof c[0] === 'number') flat.push([c[0], c[1]]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(v.coordinates);
  return flat;
}

/** The test of `$geoWithin` ($geometry Polygon/MultiPolygon, $centerSphere, $box, $polygon). */
export function compileGeoWithin(spec: any): (v: any) => boolean {
  if (!spec || typeof spec !== 'object') fail('DATABASE_REQUEST_FAILED', '$geoWithin needs a shape');
  let contains: (p: LngLat) => boolean;
  if (spec.$geometry) {
    const g = spec.$geometry;
    const c = coordsOf(g, '$geoWithin.$geometry');
    if (g.type === 'Polygon') contains = (p) => polygonContains(c, p);
    else if (g.type === 'MultiPolygon') contains = (p) => c.some((poly: LngLat[][]) => polygonContains(poly, p));
    else fail('DATABASE_REQUEST_FAILED', `$geoWithin does not support ${g.type}`);
  } else if (Array.isArray(spec.$centerSphere)) {
    const center = asPoint(spec.$centerSphere[0]);
    const radius = Number(spec.$centerSphere[1]);
    if (!center || !Number.isFinite(radius)) fail('DATABASE_REQUEST_FAILED', 'bad $centerSphere');
    contains = (p) => distanceM(center, p) / EARTH_RADIUS_M <= radius;
  } else if (Array.isArray(spec.$box)) {
    const [lo, hi] = spec.$box;
    contains = (p) => p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1];
  } else if (Array.isArray(spec.$polygon)) {
    const ring = [...spec.$polygon, spec.$polygon[0]];
    contains = (p) => polygonContains([ring], p);
  } else {
    fail('DATABASE_REQUEST_FAILED', '$geoWithin needs $geometry or $centerSphere');
  }
  return (v) => {
    const pts = pointsOf(v);
    return pts.length > 0 && pts.every(contains);
  };
}

/** The test of `$geoIntersects` for stored points and polygons against a $geometry. */
export function compileGeoIntersects(spec: any): (v: any) => boolean {
  const g = spec?.$geometry;
  const c = coordsOf(g, '$geoIntersects.$geometry');
  return (v) => {
    const pts = pointsOf(v);
    if (!pts.length) return false;
    if (g.type === 'Point') {
      const q = c as LngLat;
      if (v && v.type === 'Polygon') return polygonContains(v.coordinates, q);
      if (v && v.type === 'MultiPolygon') return v.coordinates.some((poly: LngLat[][]) => polygonContains(poly, q));
      if (v && v.type === 'LineString') return v.coordinates.some((a: LngLat, i: number) => i > 0 && pointOnSegment(q, v.coordinates[i - 1], a));
      return pts.some((p) => p[0] === q[0] && p[1] === q[1]);
    }
    if (g.type === 'Polygon') return pts.some((p) => polygonContains(c, p));
    if (g.type === 'MultiPolygon') return pts.some((p) => c.some((poly: LngLat[][]) => polygonContains(poly, p)));
    if (g.type === 'LineString') return pts.some((p) => c.some((a: LngLat, i: number) => i > 0 && pointOnSegment(p, c[i - 1], a)));
    if (g.type === 'MultiPoint') return pts.some((p) => c.some((q: LngLat) => p[0] === q[0] && p[1] === q[1]));
    return fail('DATABASE_REQUEST_FAILED', `$geoIntersects does not support ${g.type}`);
  };
}

export interface NearSpec {
  center: LngLat;
  min: number;
  max: number;
}

/** Reads `$nearSphere`/`$near` ({$geometry, $maxDistance, $minDistance} in metres). */
export function parseNear(spec: any): NearSpec {
  const center = asPoint(spec?.$geometry ?? spec);
  if (!center) fail('DATABASE_REQUEST_FAILED', 'geoNear needs a Point geometry');
  const min = spec.$minDistance === undefined ? 0 : Number(spec.$minDistance);
  const max = spec.$maxDistance === undefined ? Infinity : Number(spec.$maxDistance);
  if (!Number.isFinite(min) || Number.isNaN(max) || min < 0 || max < 0) {
    fail('DATABASE_REQUEST_FAILED', 'geoNear distances must be non-negative numbers');
  }
  return { center, min, max };
}
