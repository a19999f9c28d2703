/**
 * Geometry of the grid: points and polygons in GCJ-02 (the coordinates WeChat's location APIs return
 * and CloudBase geo points hold), as `[lng, lat]` pairs.
 *
 * Why here: a merchant's location decides its grid (docs/domain.md §2), a visit's distance from the merchant
 * decides whether it is flagged (§5), and the duplicate check looks for the same name within 50 m
 * (§3). GCJ-02 differs from WGS-84 by a few hundred metres at most, which none of these rules notice,
 * so plain spherical geometry is used on the GCJ-02 values.
 */

import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { distance as turfDistance } from '@turf/distance';
import { polygon as turfPolygon } from '@turf/helpers';

/** A point as `[longitude, latitude]` in degrees (GCJ-02). */
export type LngLat = [number, number];

/** Mean Earth radius in metres (IUGG), the usual radius of the haversine formula. */
export const EARTH_RADIUS_M = 6371008.8;

/** Most vertices a grid boundary may have (keeps documents small and point tests fast). */
export const MAX_POLYGON_POINTS = 500;
/** The fewest points a grid boundary has: drawing one ends, and editing one stops removing points, here. */
export const MIN_BOUNDARY_POINTS = 3;

/**
 * A simplified outline of the territory of China: the mainland (with Hong Kong and Macau), Hainan and
 * Taiwan, drawn along the land borders and a little offshore along the coast. Good to about 20 km:
 * enough to refuse swapped coordinates, a (0, 0) fix or a location abroad, and to tell Mongolia,
 * Korea, Russia, Central Asia, the Himalayan states, Myanmar, Laos and Vietnam apart from China, but
 * not to settle where a town right on a border lies. The South China Sea islands are not included.
 */
export const CHINA_OUTLINE: readonly (readonly LngLat[])[] = [
  [
    // north-east: the Amur and Ussuri rivers (Russia)
    [123.6, 53.6], [126.1, 52.9], [127.6, 50.3], [130.7, 48.9], [132.6, 47.9], [134.0, 48.5], [134.8, 48.45],
    [134.1, 47.3], [133.2, 45.9], [133.1, 45.1], [132.0, 45.0], [131.3, 44.7], [131.35, 44.0], [131.3, 43.4],
    [130.7, 42.3],
    // the Tumen and Yalu rivers (North Korea)
    [130.5, 42.55], [130.0, 42.95], [129.4, 42.45], [128.9, 42.05], [128.1, 41.98], [127.1, 41.5], [126.1, 40.9],
    [125.0, 40.45], [124.2, 39.7],
    // the coast, a little offshore, from the Yellow Sea to the Gulf of Tonkin
    [123.0, 39.2], [121.3, 38.4], [121.0, 38.2], [122.9, 37.5], [122.8, 36.8], [120.6, 35.8], [119.9, 35.0],
    [120.5, 34.2], [121.3, 32.8], [122.3, 31.8], [122.6, 30.8], [122.8, 30.0], [122.2, 28.8], [121.2, 27.5],
    [120.6, 26.6], [120.2, 25.6], [119.3, 24.9], [118.6, 24.3], [117.6, 23.6], [116.8, 22.9], [115.5, 22.5],
    [114.5, 22.0], [113.6, 21.8], [112.5, 21.4], [111.0, 21.1], [110.6, 20.3], [109.9, 20.2], [109.6, 20.9],
    [109.0, 21.35], [108.4, 21.5], [108.0, 21.5],
    // Vietnam, Laos, Myanmar
    [107.3, 21.7], [106.7, 22.0], [106.6, 22.5], [105.8, 22.95], [105.2, 23.3], [104.5, 22.85], [103.95, 22.5],
    [103.0, 22.6], [102.2, 22.4], [101.7, 22.0], [101.6, 21.2], [101.1, 21.4], [100.2, 21.4], [99.2, 22.1],
    [99.5, 22.9], [98.8, 23.2], [98.7, 24.1], [97.7, 23.9], [97.5, 24.8], [98.2, 25.5], [98.6, 26.1],
    [98.7, 27.5], [98.3, 27.6], [97.5, 28.3],
    // India, Bhutan, Nepal (the line of actual control)
    [96.4, 28.6], [95.0, 29.0], [94.0, 28.6], [92.6, 27.9], [91.65, 27.8], [91.5, 28.1], [90.5, 28.2],
    [89.6, 28.2], [89.2, 27.4], [88.8, 27.3], [88.8, 27.9], [88.1, 28.0], [86.9, 28.0], [86.0, 28.2],
    [85.0, 28.6], [84.1, 28.9], [83.0, 29.6], [82.0, 30.2], [81.0, 30.2], [80.2, 30.8], [79.3, 31.3],
    [78.7, 32.0], [78.4, 32.6], [79.4, 33.2], [78.9, 34.1], [78.2, 34.6], [78.0, 35.4], [77.8, 35.6],
    [76.2, 35.9], [75.4, 36.9], [74.95, 37.3],
    // Tajikistan, Kyrgyzstan, Kazakhstan
    [75.0, 38.5], [73.6, 39.45], [73.9, 39.7], [75.4, 40.55], [76.7, 40.9], [78.3, 41.4], [80.2, 42.2],
    [80.2, 42.9], [80.8, 43.2], [80.4, 44.2], [80.5, 45.0], [82.5, 45.2], [82.3, 46.2], [83.0, 47.2],
    [85.6, 47.05], [85.7, 48.4], [86.8, 49.1], [87.8, 49.17],
    // Mongolia
    [88.0, 48.6], [88.9, 48.0], [90.1, 47.9], [90.9, 46.5], [90.9, 45.3], [91.5, 45.1], [93.5, 44.9],
    [95.3, 44.2], [96.4, 42.8], [97.2, 42.8], [100.0, 42.65], [101.8, 42.5], [103.4, 42.0], [104.9, 41.6],
    [106.8, 42.3], [109.3, 42.45], [110.5, 42.7], [111.9, 43.6], [113.6, 44.75], [115.6, 45.45],
    [116.6, 46.3], [117.4, 46.6], [118.6, 46.7], [119.9, 46.7], [119.4, 47.4], [118.4, 47.95], [117.4, 47.65],
    [116.3, 47.85], [115.6, 47.9], [116.1, 48.9], [116.7, 49.85],
    // the Argun river (Russia)
    [117.4, 49.65], [117.9, 49.55], [119.2, 50.3], [120.1, 51.6], [120.8, 52.6], [122.3, 53.5],
  ],
  // Hainan
  [[110.1, 20.15], [110.8, 20.1], [111.2, 19.6], [110.6, 18.6], [109.6, 18.1], [108.9, 18.4], [108.55, 19.2], [109.2, 19.95]],
  // Taiwan
  [[121.6, 25.35], [122.1, 25.0], [121.9, 24.0], [121.0, 21.85], [120.6, 22.1], [120.0, 23.1], [120.0, 23.9], [121.0, 25.2]],
];

/** Degrees of tolerance for "on the edge" (about 0.1 mm). */
const EDGE_EPSILON = 1e-9;

/** True when lng/lat are finite numbers inside the valid ranges of longitude and latitude. */
export function isValidCoordinate(lng: unknown, lat: unknown): boolean {
  return (
    typeof lng === 'number' && typeof lat === 'number' && Number.isFinite(lng) && Number.isFinite(lat) &&
    lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90
  );
}

/** True when the GCJ-02 point lies within the outline of China (see CHINA_OUTLINE for its precision). */
export function isInChina(lng: number, lat: number): boolean {
  if (!isValidCoordinate(lng, lat)) return false;
  return CHINA_OUTLINE.some((ring) => isPointInPolygon([lng, lat], ring));
}

/** Why a location cannot be a merchant's or a visit's, or null when it is a valid point in China. */
export function locationProblem(lng: unknown, lat: unknown): string | null {
  if (!isValidCoordinate(lng, lat)) return '位置坐标无效';
  if (!isInChina(lng as number, lat as number)) return '位置不在中国境内，请重新定位';
  return null;
}

/** Great-circle distance in metres between two points (turf's haversine on the mean Earth sphere, EARTH_RADIUS_M). */
export function distanceMeters(a: readonly [number, number], b: readonly [number, number]): number {
  return turfDistance([a[0], a[1]], [b[0], b[1]], { units: 'meters' });
}

/** Drops the closing vertex of a ring given closed (last equal to first). */
export function openRing(polygon: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const n = polygon.length;
  if (n > 1 && polygon[0][0] === polygon[n - 1][0] && polygon[0][1] === polygon[n - 1][1]) return polygon.slice(0, n - 1);
  return polygon.slice();
}

/** True when p lies on the segment a–b: within EDGE_EPSILON degrees of it, whatever the segment's length. */
function isOnSegment(p: readonly [number, number], a: readonly [number, number], b: readonly [number, number]): boolean {
  if (
    p[0] < Math.min(a[0], b[0]) - EDGE_EPSILON || p[0] > Math.max(a[0], b[0]) + EDGE_EPSILON ||
    p[1] < Math.min(a[1], b[1]) - EDGE_EPSILON || p[1] > Math.max(a[1], b[1]) + EDGE_EPSILON
  ) {
    return false;
  }
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]) <= EDGE_EPSILON;
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  return Math.abs(cross) / length <= EDGE_EPSILON;
}

/** The ring closed (last vertex equal to the first), as turf's polygons need it. */
export function closedRing(polygon: readonly (readonly [number, number])[]): LngLat[] {
  const ring = openRing(polygon).map((p) => [p[0], p[1]] as LngLat);
  return ring.length ? [...ring, [ring[0][0], ring[0][1]]] : ring;
}

/**
 * True when the point is inside the polygon or on its boundary (turf's point-in-polygon, with an edge
 * tolerance of EDGE_EPSILON degrees). A point on the shared edge of two grids is in both; grid placement
 * then takes the first match, so a merchant on a boundary street still gets exactly one grid. The ring
 * may be given closed or open.
 */
export function isPointInPolygon(point: readonly [number, number], polygon: readonly (readonly [number, number])[]): boolean {
  return polygonTester(polygon)(point);
}

/**
 * isPointInPolygon with the polygon prepared once (its ring and turf feature), for testing many points
 * against the same boundary (a boundary edit's preview tests hundreds of merchants).
 */
export function polygonTester(polygon: readonly (readonly [number, number])[]): (point: readonly [number, number]) => boolean {
  const ring = openRing(polygon);
  const n = ring.length;
  if (n < 3) return () => false;
  if (new Set(ring.map((p) => `${p[0]},${p[1]}`)).size < 3) {
    return (point) => {
      for (let i = 0, j = n - 1; i < n; j = i++) if (isOnSegment(point, ring[i], ring[j])) return true;
      return false;
    };
  }
  const feature = turfPolygon([closedRing(ring)]);
  return (point) => {
    for (let i = 0, j = n - 1; i < n; j = i++) if (isOnSegment(point, ring[i], ring[j])) return true;
    return booleanPointInPolygon([point[0], point[1]], feature);
  };
}

/** Signed planar area (shoelace, in square degrees) of an open ring: positive when counter-clockwise. */
function signedArea(ring: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum / 2;
}

/**
 * Why `polygon` cannot be a grid boundary, as a sentence for the user, or null when it can: at least
 * three distinct vertices (closed or not), every vertex a valid coordinate inside China, a non-zero
 * area, at most MAX_POLYGON_POINTS vertices. Self-intersection is not checked.
 */
export function polygonProblem(polygon: unknown): string | null {
  if (!Array.isArray(polygon)) return '网格边界应为坐标点列表';
  if (polygon.length > MAX_POLYGON_POINTS + 1) return `网格边界最多${MAX_POLYGON_POINTS}个点`;
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    if (!Array.isArray(p) || p.length !== 2 || !isValidCoordinate(p[0], p[1])) return `网格边界第${i + 1}个点坐标无效`;
    if (!isInChina(p[0], p[1])) return `网格边界第${i + 1}个点不在中国境内`;
  }
  const ring = openRing(polygon as LngLat[]);
  const distinct = new Set(ring.map((p) => `${p[0]},${p[1]}`));
  if (distinct.size < MIN_BOUNDARY_POINTS) return `网格边界至少需要${MIN_BOUNDARY_POINTS}个不同的点`;
  if (signedArea(ring) === 0) return '网格边界的点不能在同一直线上';
  return null;
}

/**
 * The centroid (centre of area) of a polygon, for placing a grid's label or centring its map; the mean
 * of the vertices when the area is zero. Planar in degrees, which is exact enough for a grid a few
 * kilometres wide.
 */
export function centroid(polygon: readonly (readonly [number, number])[]): LngLat {
  const ring = openRing(polygon);
  if (ring.length === 0) throw new Error('centroid of an empty polygon');
  const area = signedArea(ring);
  if (Math.abs(area) < 1e-18) {
    const sx = ring.reduce((s, p) => s + p[0], 0);
    const sy = ring.reduce((s, p) => s + p[1], 0);
    return [sx / ring.length, sy / ring.length];
  }
  // Shift to the first vertex so large coordinates (lng ≈ 120) don't cost precision.
  const [ox, oy] = ring[0];
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xj = ring[j][0] - ox;
    const yj = ring[j][1] - oy;
    const xi = ring[i][0] - ox;
    const yi = ring[i][1] - oy;
    const f = xj * yi - xi * yj;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  return [ox + cx / (6 * area), oy + cy / (6 * area)];
}

/** The first polygon (in the given order) containing the point: how a new merchant is placed in a grid. */
export function findContainingPolygon<T extends { boundary?: readonly (readonly [number, number])[] | null }>(
  point: readonly [number, number],
  areas: readonly T[],
): T | null {
  return areas.find((a) => a.boundary && a.boundary.length >= 3 && isPointInPolygon(point, a.boundary)) ?? null;
}
