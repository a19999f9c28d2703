/**
 * The day's route (docs/domain.md §5 "The day's route"): the order a member or assistant walks today's
 * due stops in, starting from where they stand.
 *
 * Why: a field day is a dozen to a few dozen merchants in one or two grids; the order they come in
 * (by due day) zig-zags across the grid. A nearest-neighbour tour improved by 2-opt is within a few
 * per cent of the best order at these sizes and takes well under a millisecond for 60 stops.
 *
 * Distances are walking estimates: the great-circle distance (geo.rules distanceMeters) times
 * WALKING_FACTOR, the usual ratio of street distance to straight line in a town's street grid. No road
 * network is consulted, so the figure is an estimate and the order is what matters.
 */
import { type LngLat, distanceMeters } from './geo.rules';
import { type Day, isDayKey } from './period.rules';

/** Street distance ÷ straight-line distance assumed for walking between merchants. */
export const WALKING_FACTOR = 1.3;

/** Roles that walk a day of visits and so have a route (`visit.route` answers them only): the grid member and the two assistants. */
export const ROUTE_ROLES = ['member', 'maintenance', 'marketing'] as const;

/** Most stops one route is planned for (a day's work, and what the action returns at most). */
export const MAX_ROUTE_STOPS = 100;

/** Walking estimate in metres between two points. */
export function walkingMeters(a: LngLat, b: LngLat): number {
  return distanceMeters(a, b) * WALKING_FACTOR;
}

/** Length in metres of walking from `start` through `points` in the order given by `order` (open path, no return). */
export function routeLength(start: LngLat, points: readonly LngLat[], order: readonly number[]): number {
  let total = 0;
  let at = start;
  for (const i of order) {
    total += walkingMeters(at, points[i]);
    at = points[i];
  }
  return total;
}

/** The order the stops are visited in when walked as given (0, 1, 2, …): the naive order to compare with. */
export function naiveOrder(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** From `start`, always walk to the nearest stop not yet visited (ties: the lower index). */
export function nearestNeighbourOrder(start: LngLat, points: readonly LngLat[]): number[] {
  const left = new Set(naiveOrder(points.length));
  const order: number[] = [];
  let at = start;
  while (left.size) {
    let best = -1;
    let bestD = Infinity;
    for (const i of left) {
      const d = walkingMeters(at, points[i]);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    order.push(best);
    left.delete(best);
    at = points[best];
  }
  return order;
}

/**
 * 2-opt on an open path from a fixed start: reverse a segment whenever that shortens the walk, until no
 * reversal does (or `maxRounds` passes). The start is position −1 and never moves; the path's end is free.
 * Never returns a longer order than it was given.
 */
export function twoOpt(start: LngLat, points: readonly LngLat[], order: readonly number[], maxRounds = 50): number[] {
  const o = order.slice();
  const n = o.length;
  const p = (k: number): LngLat => (k < 0 ? start : points[o[k]]);
  // Improvements smaller than a millimetre are rounding, not shorter walks; ignoring them ends the loop.
  const EPS = 1e-3;
  for (let round = 0; round < maxRounds; round++) {
    let improved = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        // Reversing o[i..j]: edges (i-1,i) and (j,j+1) become (i-1,j) and (i,j+1); the last stop has no next edge.
        const before = walkingMeters(p(i - 1), p(i)) + (j + 1 < n ? walkingMeters(p(j), p(j + 1)) : 0);
        const after = walkingMeters(p(i - 1), p(j)) + (j + 1 < n ? walkingMeters(p(i), p(j + 1)) : 0);
        if (after < before - EPS) {
          for (let a = i, b = j; a < b; a++, b--) [o[a], o[b]] = [o[b], o[a]];
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return o;
}

export interface PlannedRoute {
  /** indexes into the stops, in walking order */
  order: number[];
  /** walking estimate of the planned order, metres */
  distanceM: number;
  /** walking estimate of the stops in the order given, metres */
  naiveDistanceM: number;
}

/** The day's route: nearest-neighbour from `start`, improved by 2-opt; with the naive order's length beside it. */
export function planRoute(start: LngLat, points: readonly LngLat[]): PlannedRoute {
  const order = twoOpt(start, points, nearestNeighbourOrder(start, points));
  return { order, distanceM: routeLength(start, points, order), naiveDistanceM: routeLength(start, points, naiveOrder(points.length)) };
}

/** Acquiring classes: the merchants the revisit rate counts (docs/domain.md §7), so the ones due a revisit. */
export const REVISIT_CLASSES = ['qualified', 'premium', 'abnormal'] as const;

/**
 * Whether a merchant is due a revisit on `day`: an acquiring merchant not yet revisited in that day's
 * month, the period the revisit rate (回访率) is measured over.
 */
export function isRevisitDue(m: { lifecycleClass?: string | null; lastRevisitDay?: Day | null }, day: Day): boolean {
  if (!isDayKey(day)) throw new Error(`day ${String(day)} is not a day key`);
  if (!(REVISIT_CLASSES as readonly string[]).includes(m.lifecycleClass ?? '')) return false;
  return !m.lastRevisitDay || m.lastRevisitDay.slice(0, 7) !== day.slice(0, 7);
}
