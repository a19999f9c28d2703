import fc from 'fast-check';
import type { LngLat } from '../../shared/domain/geo.rules';
import {
  WALKING_FACTOR,
  isRevisitDue,
  naiveOrder,
  nearestNeighbourOrder,
  planRoute,
  routeLength,
  twoOpt,
  walkingMeters,
} from '../../shared/domain/route.rules';

/** Points within a few kilometres of 兴化, as a day's stops are. */
const point = fc.tuple(fc.double({ min: 119.8, max: 119.9, noNaN: true }), fc.double({ min: 32.9, max: 32.96, noNaN: true })).map((p) => p as LngLat);
const stops = fc.array(point, { minLength: 0, maxLength: 40 });
const sorted = (a: number[]) => a.slice().sort((x, y) => x - y);

describe('the day\'s route', () => {
  it('walking distance is the straight line × the walking factor', () => {
    const a: LngLat = [119.825, 32.925];
    const b: LngLat = [119.835, 32.925];
    // 0.01° of longitude at 32.925° N ≈ 934 m straight, ≈ 1214 m walking.
    expect(walkingMeters(a, b)).toBeGreaterThan(1200);
    expect(walkingMeters(a, b)).toBeLessThan(1230);
    expect(WALKING_FACTOR).toBe(1.3);
  });

  it('every tour visits each stop exactly once', () => {
    fc.assert(
      fc.property(point, stops, (start, pts) => {
        const nn = nearestNeighbourOrder(start, pts);
        const planned = planRoute(start, pts).order;
        expect(sorted(nn)).toEqual(naiveOrder(pts.length));
        expect(sorted(planned)).toEqual(naiveOrder(pts.length));
      }),
    );
  });

  it('2-opt is never longer than the order it improves, and the plan never longer than nearest-neighbour', () => {
    fc.assert(
      fc.property(point, stops, fc.infiniteStream(fc.nat()), (start, pts, rand) => {
        // any order, not only nearest-neighbour's
        const shuffled = naiveOrder(pts.length);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rand.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const improved = twoOpt(start, pts, shuffled);
        expect(routeLength(start, pts, shuffled) - routeLength(start, pts, improved)).toBeGreaterThanOrEqual(-1e-6);
        const nn = nearestNeighbourOrder(start, pts);
        const plan = planRoute(start, pts);
        expect(routeLength(start, pts, nn) - plan.distanceM).toBeGreaterThanOrEqual(-1e-6);
        expect(plan.distanceM).toBeCloseTo(routeLength(start, pts, plan.order), 6);
        expect(plan.naiveDistanceM).toBeCloseTo(routeLength(start, pts, naiveOrder(pts.length)), 6);
      }),
    );
  });

  it('untangles a crossing: stops on a line given out of order are walked along the line', () => {
    const start: LngLat = [119.8, 32.9];
    const pts: LngLat[] = [4, 1, 3, 0, 2].map((k) => [119.8 + 0.002 * (k + 1), 32.9]);
    const plan = planRoute(start, pts);
    expect(plan.order).toEqual([3, 1, 4, 2, 0]);
    expect(plan.distanceM).toBeLessThan(plan.naiveDistanceM);
  });

  it('an empty day and a single stop', () => {
    expect(planRoute([119.8, 32.9], [])).toEqual({ order: [], distanceM: 0, naiveDistanceM: 0 });
    expect(planRoute([119.8, 32.9], [[119.8, 32.9]])).toEqual({ order: [0], distanceM: 0, naiveDistanceM: 0 });
  });

  it('60 stops: the plan against the naive order (figures printed, no time asserted)', () => {
    const rng = fc.sample(fc.array(point, { minLength: 60, maxLength: 60 }), { numRuns: 1, seed: 42 })[0];
    const start: LngLat = [119.85, 32.93];
    const plan = planRoute(start, rng);
    const nn = routeLength(start, rng, nearestNeighbourOrder(start, rng));
    console.log(`route of 60 stops: naive ${Math.round(plan.naiveDistanceM)} m, nearest-neighbour ${Math.round(nn)} m, with 2-opt ${Math.round(plan.distanceM)} m`);
    expect(plan.distanceM).toBeLessThan(plan.naiveDistanceM / 2);
  });
});

describe('isRevisitDue', () => {
  it('an acquiring merchant not revisited this month is due; others are not', () => {
    expect(isRevisitDue({ lifecycleClass: 'qualified', lastRevisitDay: null }, '2025-08-05')).toBe(true);
    expect(isRevisitDue({ lifecycleClass: 'premium', lastRevisitDay: '2025-07-31' }, '2025-08-05')).toBe(true);
    expect(isRevisitDue({ lifecycleClass: 'abnormal', lastRevisitDay: '2025-08-01' }, '2025-08-05')).toBe(false);
    expect(isRevisitDue({ lifecycleClass: 'to-win', lastRevisitDay: null }, '2025-08-05')).toBe(false);
    expect(isRevisitDue({ lifecycleClass: 'lost' }, '2025-08-05')).toBe(false);
    expect(() => isRevisitDue({ lifecycleClass: 'qualified' }, '2025-13-01')).toThrow('day key');
  });
});
