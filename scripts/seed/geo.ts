/**
 * Grid boundaries as a tiling: a lattice of quadrilaterals whose shared corners are jittered once, so
 * neighbouring grids share their edges exactly and never overlap (placement by polygon is unambiguous).
 * Coordinates are GCJ-02 `[lng, lat]`, as WeChat's location APIs return them.
 */
import type { Rng } from './random';

export type LngLat = [number, number];

export interface Lattice {
  cols: number;
  rows: number;
  /** corner (c, r) for c in 0..cols, r in 0..rows; row 0 is the south edge */
  corner(c: number, r: number): LngLat;
  /** closed ring of cell (c, r), counter-clockwise, first point repeated last */
  cell(c: number, r: number): LngLat[];
  /** a point inside cell (c, r) at relative position (u, v) in (0, 1)² */
  pointIn(c: number, r: number, u: number, v: number): LngLat;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** A jittered lattice with south-west corner (west, south) and the given cell size in degrees. */
export function makeLattice(
  rng: Rng,
  west: number,
  south: number,
  cols: number,
  rows: number,
  cellLng: number,
  cellLat: number,
  jitter = 0.18,
): Lattice {
  const corners: LngLat[][] = [];
  for (let c = 0; c <= cols; c++) {
    corners.push([]);
    for (let r = 0; r <= rows; r++) {
      // The outer edge stays straight so neighbouring lattices (city, towns) keep their distance.
      const inner = c > 0 && c < cols && r > 0 && r < rows;
      const dx = inner ? (rng.float() * 2 - 1) * jitter * cellLng : 0;
      const dy = inner ? (rng.float() * 2 - 1) * jitter * cellLat : 0;
      corners[c].push([round6(west + c * cellLng + dx), round6(south + r * cellLat + dy)]);
    }
  }
  const corner = (c: number, r: number): LngLat => corners[c][r];
  return {
    cols,
    rows,
    corner,
    cell(c, r) {
      return [corner(c, r), corner(c + 1, r), corner(c + 1, r + 1), corner(c, r + 1), corner(c, r)];
    },
    pointIn(c, r, u, v) {
      // Bilinear interpolation maps the open unit square into the (convex) quadrilateral's interior.
      const [a, b, d, e] = [corner(c, r), corner(c + 1, r), corner(c + 1, r + 1), corner(c, r + 1)];
      const lng = (1 - u) * (1 - v) * a[0] + u * (1 - v) * b[0] + u * v * d[0] + (1 - u) * v * e[0];
      const lat = (1 - u) * (1 - v) * a[1] + u * (1 - v) * b[1] + u * v * d[1] + (1 - u) * v * e[1];
      return [round6(lng), round6(lat)];
    },
  };
}

/** Ray casting: true when the point is strictly inside the ring (points on an edge may go either way). */
export function pointInPolygon(point: LngLat, ring: readonly LngLat[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Great-circle distance in metres (haversine; GCJ-02 offsets are irrelevant at this scale). */
export function distanceM(a: LngLat, b: LngLat): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** The point `metres` away from `from` in direction `bearing` (radians from north). */
export function offsetM(from: LngLat, metres: number, bearing: number): LngLat {
  const dLat = (metres * Math.cos(bearing)) / 111320;
  const dLng = (metres * Math.sin(bearing)) / (111320 * Math.cos((from[1] * Math.PI) / 180));
  return [round6(from[0] + dLng), round6(from[1] + dLat)];
}

/** Bounding box `[west, south, east, north]` of a ring. */
export function bbox(ring: readonly LngLat[]): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [x, y] of ring) {
    w = Math.min(w, x);
    s = Math.min(s, y);
    e = Math.max(e, x);
    n = Math.max(n, y);
  }
  return [w, s, e, n];
}
