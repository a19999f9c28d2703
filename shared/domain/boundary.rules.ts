/**
 * Editing a grid's boundary (docs/domain.md §2 "Boundaries"): which shapes are refused and
 * which merchants change grid when a boundary moves. Geometry is turf's on GCJ-02 `[lng, lat]` points.
 *
 * A boundary is refused, naming a point (its index in the ring, 0-based; "第 N 个点" is 1-based), when:
 * - it crosses itself (turf kinks): the first point of the later of the two crossing edges;
 * - it overlaps another grid's boundary by more than OVERLAP_TOLERANCE_M2 (turf intersect + area):
 *   the first point inside the other grid, else the point nearest the overlap;
 * - it leaves a merchant of the grid in no grid at all: the point nearest that merchant among those
 *   that moved (or among all, when none moved).
 */
import { area } from '@turf/area';
import { booleanIntersects } from '@turf/boolean-intersects';
import { polygon as turfPolygon, featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { kinks } from '@turf/kinks';
import { type LngLat, closedRing, openRing, polygonTester } from './geo.rules';

/** Overlap two grids may have (m²) before it counts: shared edges drawn by hand a hair apart. */
export const OVERLAP_TOLERANCE_M2 = 1;

export type BoundaryProblemKind = 'self-crossing' | 'overlap' | 'leaves-merchants';

export interface BoundaryProblem {
  kind: BoundaryProblemKind;
  /** the point named, 0-based index in the ring as given */
  pointIndex: number;
  message: string;
  /** overlap: the other grid; leaves-merchants: the merchants left in no grid */
  gridId?: string;
  merchantIds?: string[];
}

/** A grid with its boundary, as the rules see it. */
export interface GridShape {
  id: string;
  boundary: readonly (readonly [number, number])[] | null | undefined;
}

/** A merchant as the rules see it: its grid and location (null without a fix). */
export interface MerchantSpot {
  id: string;
  gridId: string;
  location: LngLat | null;
}

/** One merchant that changes grid with the edit. */
export interface BoundaryMove {
  merchantId: string;
  fromGridId: string;
  toGridId: string;
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function boxOf(ring: readonly (readonly [number, number])[]): Box {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const [x, y] of ring) {
    if (x < b.minX) b.minX = x;
    if (x > b.maxX) b.maxX = x;
    if (y < b.minY) b.minY = y;
    if (y > b.maxY) b.maxY = y;
  }
  return b;
}

const boxesMeet = (a: Box, b: Box): boolean => a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
const inBox = (p: readonly [number, number], b: Box): boolean => p[0] >= b.minX && p[0] <= b.maxX && p[1] >= b.minY && p[1] <= b.maxY;
const same = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] === b[0] && a[1] === b[1];
/** Squared planar distance in degrees (only compared, never shown). */
const d2 = (a: readonly [number, number], b: readonly [number, number]): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

function nearestIndex(ring: readonly (readonly [number, number])[], target: readonly [number, number], among?: readonly number[]): number {
  const indexes = among && among.length ? among : ring.map((_, i) => i);
  let best = indexes[0];
  for (const i of indexes) if (d2(ring[i], target) < d2(ring[best], target)) best = i;
  return best;
}

/** True when p lies on segment a–b (relative tolerance for turf's computed crossing points). */
function onSegment(p: readonly [number, number], a: readonly [number, number], b: readonly [number, number]): boolean {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const eps = 1e-9 + len * 1e-9;
  if (p[0] < Math.min(a[0], b[0]) - eps || p[0] > Math.max(a[0], b[0]) + eps || p[1] < Math.min(a[1], b[1]) - eps || p[1] > Math.max(a[1], b[1]) + eps) return false;
  if (len === 0) return true;
  return Math.abs((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len <= eps;
}

/** The boundary crossing itself (turf kinks), naming the first point of the later crossing edge; or null. */
export function selfCrossingProblem(boundary: readonly (readonly [number, number])[]): BoundaryProblem | null {
  const ring = openRing(boundary);
  if (ring.length < 4) return null;
  const found = kinks(turfPolygon([closedRing(ring)])).features;
  if (!found.length) return null;
  const n = ring.length;
  for (const k of found) {
    const p = k.geometry.coordinates as [number, number];
    const edges: number[] = [];
    for (let i = 0; i < n; i++) if (onSegment(p, ring[i], ring[(i + 1) % n])) edges.push(i);
    // Two non-adjacent edges through the crossing: name the later edge's first point.
    const later = edges.length >= 2 ? edges[edges.length - 1] : (edges[0] ?? 0);
    const first = edges.length >= 2 ? edges[0] : later;
    return {
      kind: 'self-crossing',
      pointIndex: later,
      message: `边界自相交：第${first + 1}–${((first + 1) % n) + 1}个点之间的边与第${later + 1}–${((later + 1) % n) + 1}个点之间的边相交，请移动第${later + 1}个点`,
    };
  }
  return null;
}

/** Points of a ring that lie inside it when it overlaps another: its points, its edges' midpoints and its box's centre. */
function probes(ring: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const mids = ring.map((p, i) => {
    const q = ring[(i + 1) % ring.length];
    return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2] as const;
  });
  return [...ring, ...mids, centreOf(ring)];
}

/** True when a probe of either ring lies strictly inside the other (turf point-in-polygon): they may overlap. */
function mayOverlap(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): boolean {
  const inside = (p: readonly [number, number], ring: readonly (readonly [number, number])[], test: (p: readonly [number, number]) => boolean) =>
    test(p) && !ring.some((q, i) => onSegment(p, q, ring[(i + 1) % ring.length]));
  const inA = polygonTester(a);
  const inB = polygonTester(b);
  return probes(a).some((p) => inside(p, b, inB)) || probes(b).some((p) => inside(p, a, inA));
}

/**
 * Overlap (m²) of two rings, 0 when they only touch or not at all. turf's intersect and area measure it
 * when a probe (a point, an edge's midpoint, the centre) of one lies strictly inside the other; grids that
 * share edges have none, which spares the polygon clipping for every neighbour.
 */
export function overlapArea(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): number {
  if (!mayOverlap(openRing(a), openRing(b))) return 0;
  const pa = turfPolygon([closedRing(a)]);
  const pb = turfPolygon([closedRing(b)]);
  if (!booleanIntersects(pa, pb)) return 0;
  const shared = intersect(featureCollection([pa, pb]));
  return shared ? area(shared) : 0;
}

/** The boundary overlapping another grid's by more than OVERLAP_TOLERANCE_M2, naming the point; or null. */
export function overlapProblem(gridId: string, boundary: readonly (readonly [number, number])[], others: readonly GridShape[], names: Record<string, string> = {}): BoundaryProblem | null {
  const ring = openRing(boundary);
  const box = boxOf(ring);
  for (const other of others) {
    if (other.id === gridId || !other.boundary || other.boundary.length < 3) continue;
    const otherRing = openRing(other.boundary);
    if (!boxesMeet(box, boxOf(otherRing))) continue;
    const shared = overlapArea(ring, otherRing);
    if (shared <= OVERLAP_TOLERANCE_M2) continue;
    const inside = ring.findIndex((p) => isStrictlyInside(p, otherRing));
    const pointIndex = inside >= 0 ? inside : nearestIndex(ring, centreOf(otherRing));
    const name = names[other.id] ?? other.id;
    return { kind: 'overlap', pointIndex, gridId: other.id, message: `边界与网格「${name}」重叠约${Math.round(shared)}平方米，请移动第${pointIndex + 1}个点` };
  }
  return null;
}

function isStrictlyInside(p: readonly [number, number], ring: readonly (readonly [number, number])[]): boolean {
  if (!polygonTester(ring)(p)) return false;
  for (let i = 0; i < ring.length; i++) if (onSegment(p, ring[i], ring[(i + 1) % ring.length])) return false;
  return true;
}

function centreOf(ring: readonly (readonly [number, number])[]): LngLat {
  const b = boxOf(ring);
  return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
}

/** A boundary prepared for many point tests: its ring and bounding box. */
interface Prepared {
  id: string;
  ring: (readonly [number, number])[];
  box: Box;
  holds: (p: readonly [number, number]) => boolean;
}

function prepare(grids: readonly GridShape[]): Prepared[] {
  return grids
    .filter((g) => g.boundary && g.boundary.length >= 3)
    .map((g) => {
      const ring = openRing(g.boundary as (readonly [number, number])[]);
      let tester: ((p: readonly [number, number]) => boolean) | null = null;
      // Built on first use: most grids' boxes hold none of the merchants looked at.
      return { id: g.id, ring, box: boxOf(ring), holds: (p: readonly [number, number]) => (tester ??= polygonTester(ring))(p) };
    });
}

/** The first grid (in the order given) whose boundary holds the point: placement's rule (geo.rules findContainingPolygon). */
function placeAmong(p: readonly [number, number], grids: readonly Prepared[]): string | null {
  for (const g of grids) if (inBox(p, g.box) && g.holds(p)) return g.id;
  return null;
}

export interface BoundaryEditPlan {
  /** the first reason the edit is refused (nothing may be written), else null */
  problem: BoundaryProblem | null;
  /** the merchants that change grid */
  moves: BoundaryMove[];
  /** the boundaries the edit writes: the grid's, then each neighbour's that shares a moved point */
  boundaries: { gridId: string; boundary: LngLat[] }[];
}

/**
 * The neighbours' boundaries after the grid's points move: a point the grid shares with a neighbour
 * (the same coordinates in both rings) moves in the neighbour too, so dragging the corner two grids
 * share moves their common edge and neither overlaps nor leaves a gap. Only when the ring keeps its
 * number of points (points moved, not added or removed). Answers each changed neighbour with its new
 * ring and the grid's point index that moved it.
 */
export function followSharedPoints(gridId: string, boundary: readonly (readonly [number, number])[], grids: readonly GridShape[]): { gridId: string; boundary: LngLat[]; pointIndex: number }[] {
  const old = grids.find((g) => g.id === gridId)?.boundary;
  if (!old) return [];
  const oldRing = openRing(old);
  const newRing = openRing(boundary);
  if (oldRing.length !== newRing.length) return [];
  const moved = oldRing.map((p, i) => i).filter((i) => !same(oldRing[i], newRing[i]));
  if (!moved.length) return [];
  const out: { gridId: string; boundary: LngLat[]; pointIndex: number }[] = [];
  for (const g of grids) {
    if (g.id === gridId || !g.boundary) continue;
    const ring = openRing(g.boundary).map((p) => [p[0], p[1]] as LngLat);
    let first = -1;
    for (const i of moved) {
      ring.forEach((q, k) => {
        if (same(q, oldRing[i])) {
          ring[k] = [newRing[i][0], newRing[i][1]];
          if (first < 0) first = i;
        }
      });
    }
    if (first >= 0) out.push({ gridId: g.id, boundary: ring, pointIndex: first });
  }
  return out;
}

/**
 * Checks an edit of `gridId`'s boundary and lists the merchants it moves. `grids` are every grid with its
 * boundary as stored (the edited one with its old boundary, or none), in placement order; `merchants` the
 * candidates (the grid's own and its neighbours'). Points shared with a neighbour move in both
 * (followSharedPoints). Refused, naming the grid's point: a ring that crosses itself, one that overlaps
 * another grid, or one that leaves a merchant of a changed grid in no grid. A merchant changes grid
 * when the grid its location falls in changes with the edit and it was where the old boundaries put it
 * (or outside every boundary): one placed against the polygon on purpose (a transfer with a reason) stays.
 */
export function planBoundaryEdit(
  gridId: string,
  boundary: readonly (readonly [number, number])[],
  grids: readonly GridShape[],
  merchants: readonly MerchantSpot[],
  names: Record<string, string> = {},
): BoundaryEditPlan {
  const newRing = openRing(boundary).map((p) => [p[0], p[1]] as LngLat);
  const followed = followSharedPoints(gridId, newRing, grids);
  const boundaries = [{ gridId, boundary: newRing }, ...followed.map((f) => ({ gridId: f.gridId, boundary: f.boundary }))];
  const refused = (problem: BoundaryProblem): BoundaryEditPlan => ({ problem, moves: [], boundaries });
  const crossing = selfCrossingProblem(newRing);
  if (crossing) return refused(crossing);
  const next = new Map(boundaries.map((b) => [b.gridId, b.boundary]));
  const afterShapes: GridShape[] = grids.map((g) => ({ id: g.id, boundary: next.get(g.id) ?? g.boundary }));
  if (!afterShapes.some((g) => g.id === gridId)) afterShapes.push({ id: gridId, boundary: newRing });
  const overlap = overlapProblem(gridId, newRing, afterShapes, names);
  if (overlap) return refused(overlap);
  for (const f of followed) {
    const name = names[f.gridId] ?? f.gridId;
    if (selfCrossingProblem(f.boundary)) return refused({ kind: 'self-crossing', pointIndex: f.pointIndex, gridId: f.gridId, message: `移动第${f.pointIndex + 1}个点会使相邻网格「${name}」的边界自相交` });
    const o = overlapProblem(f.gridId, f.boundary, afterShapes.filter((g) => g.id !== gridId), names);
    if (o) return refused({ ...o, pointIndex: f.pointIndex, message: `移动第${f.pointIndex + 1}个点会使相邻网格「${name}」${o.message.replace(/，请移动.*$/, '')}` });
  }
  const before = prepare(grids);
  const after = prepare(afterShapes);
  const changed = new Set(boundaries.map((b) => b.gridId));
  const moves: BoundaryMove[] = [];
  const stranded: MerchantSpot[] = [];
  for (const m of merchants) {
    if (!m.location) continue;
    const was = placeAmong(m.location, before);
    const now = placeAmong(m.location, after);
    if (was === now) continue;
    if (now === null) {
      if (changed.has(m.gridId)) stranded.push(m);
      continue;
    }
    if (m.gridId === now) continue;
    if (was === null || m.gridId === was) moves.push({ merchantId: m.id, fromGridId: m.gridId, toGridId: now });
  }
  if (!stranded.length) return { problem: null, moves, boundaries };
  const old = grids.find((g) => g.id === gridId)?.boundary;
  const oldRing = old ? openRing(old) : [];
  const movedPoints = newRing.map((p, i) => i).filter((i) => !oldRing.some((q) => same(q, newRing[i])));
  const pointIndex = nearestIndex(newRing, stranded[0].location as LngLat, movedPoints);
  return refused({
    kind: 'leaves-merchants',
    pointIndex,
    merchantIds: stranded.map((m) => m.id),
    message: `边界第${pointIndex + 1}个点使${stranded.length}个商户不在任何网格内，请调整该点`,
  });
}

/** How far (degrees, about 1 m) the edit region reaches past the moved edges: edge tolerance, a geodesic edge's bow. */
export const EDIT_REGION_PAD = 1e-5;

/** The convex hull (counter-clockwise, closed) of points: Andrew's monotone chain. */
function convexHull(points: readonly (readonly [number, number])[]): LngLat[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: readonly number[], a: readonly number[], b: readonly number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: (readonly [number, number])[]) => {
    const out: (readonly [number, number])[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...half(pts), ...half([...pts].reverse())].map((p) => [p[0], p[1]] as LngLat);
  return [...hull, [hull[0][0], hull[0][1]]];
}

/**
 * Where an edit can change any merchant's grid, as closed `[lng, lat]` rings: for each edge that changed
 * (an end point moved) in the grid and in each neighbour that followed, the convex hull of the edge's old
 * and new ends, widened by EDIT_REGION_PAD. The area between a ring before and after lies in these hulls
 * (the old edges minus the new ones make closed loops, one per changed edge, each inside its hull), so a
 * grid's boundary holds a point outside every hull before the edit exactly when it holds it after, and
 * the point's grid cannot change: the preview need not read merchants there. Null when the ring gained or
 * lost points or had none (then anywhere in the grids looked at).
 */
export function boundaryEditRegion(gridId: string, boundary: readonly (readonly [number, number])[], grids: readonly GridShape[]): LngLat[][] | null {
  const old = grids.find((g) => g.id === gridId)?.boundary;
  if (!old) return null;
  const oldRing = openRing(old);
  const newRing = openRing(boundary);
  if (oldRing.length !== newRing.length) return null;
  const pairs: [readonly (readonly [number, number])[], readonly (readonly [number, number])[]][] = [[oldRing, newRing]];
  for (const f of followSharedPoints(gridId, newRing, grids)) {
    const before = grids.find((g) => g.id === f.gridId)?.boundary;
    if (before) pairs.push([openRing(before), f.boundary]);
  }
  const pad = EDIT_REGION_PAD;
  const hulls: LngLat[][] = [];
  const seen = new Set<string>();
  for (const [a, b] of pairs) {
    const n = a.length;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      if (same(a[i], b[i]) && same(a[j], b[j])) continue;
      const ends = [a[i], a[j], b[i], b[j]];
      // A neighbour that followed changed the same edge: one hull for both.
      const key = ends.map((p) => `${p[0]},${p[1]}`).sort().join(';');
      if (seen.has(key)) continue;
      seen.add(key);
      hulls.push(convexHull(ends.flatMap((p) => [[p[0] - pad, p[1] - pad], [p[0] + pad, p[1] - pad], [p[0] + pad, p[1] + pad], [p[0] - pad, p[1] + pad]] as LngLat[])));
    }
  }
  return hulls;
}
