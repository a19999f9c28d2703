import { polygonTester } from '../../shared/domain/geo.rules';
import { OVERLAP_TOLERANCE_M2, boundaryEditRegion, followSharedPoints, overlapArea, overlapProblem, planBoundaryEdit, selfCrossingProblem } from '../../shared/domain/boundary.rules';

type Ring = [number, number][];
const A: Ring = [[119.8, 32.9], [119.85, 32.9], [119.85, 32.95], [119.8, 32.95]];
const B: Ring = [[119.85, 32.9], [119.9, 32.9], [119.9, 32.95], [119.85, 32.95]];
const grids = [{ id: 'a', boundary: A }, { id: 'b', boundary: B }];

describe('boundary rules', () => {
  it('finds a self-crossing and names the first point of the later crossing edge', () => {
    expect(selfCrossingProblem(A)).toBeNull();
    const p = selfCrossingProblem([[119.8, 32.9], [119.85, 32.95], [119.85, 32.9], [119.8, 32.94]]);
    expect(p).toMatchObject({ kind: 'self-crossing', pointIndex: 2 });
    expect(p?.message).toContain('第3个点');
  });

  it('counts grids that only share an edge as not overlapping, and an overlap beyond the tolerance as one', () => {
    expect(overlapArea(A, B)).toBeLessThanOrEqual(OVERLAP_TOLERANCE_M2);
    expect(overlapProblem('a', A, grids)).toBeNull();
    const into: Ring = [[119.8, 32.9], [119.85, 32.9], [119.86, 32.92], [119.85, 32.95], [119.8, 32.95]];
    expect(overlapArea(into, B)).toBeGreaterThan(1000);
    expect(overlapProblem('a', into, grids, { b: '二号' })).toMatchObject({ kind: 'overlap', pointIndex: 2, gridId: 'b' });
  });

  it('moves a shared point in the neighbour too, only when the ring keeps its points', () => {
    const moved: Ring = [A[0], A[1], [119.86, 32.95], A[3]];
    expect(followSharedPoints('a', moved, grids)).toEqual([{ gridId: 'b', boundary: [B[0], B[1], B[2], [119.86, 32.95]], pointIndex: 2 }]);
    expect(followSharedPoints('a', [...moved, [119.8, 32.92]], grids)).toEqual([]);
  });

  it('plans the moves: a merchant follows the polygon, one placed against it stays, one left nowhere refuses', () => {
    const moved: Ring = [A[0], A[1], [119.86, 32.95], A[3]];
    const merchants = [
      { id: 'near', gridId: 'b', location: [119.855, 32.93] as [number, number] },
      { id: 'far', gridId: 'b', location: [119.875, 32.925] as [number, number] },
      { id: 'placed-by-hand', gridId: 'c', location: [119.855, 32.935] as [number, number] },
      { id: 'no-fix', gridId: 'b', location: null },
    ];
    const plan = planBoundaryEdit('a', moved, grids, merchants);
    expect(plan.problem).toBeNull();
    expect(plan.moves).toEqual([{ merchantId: 'near', fromGridId: 'b', toGridId: 'a' }]);
    expect(plan.boundaries.map((b) => b.gridId)).toEqual(['a', 'b']);

    const shrunk: Ring = [A[0], A[1], A[2], [119.82, 32.93]];
    const refused = planBoundaryEdit('a', shrunk, grids, [{ id: 'corner', gridId: 'a', location: [119.81, 32.945] }]);
    expect(refused.problem).toMatchObject({ kind: 'leaves-merchants', pointIndex: 3, merchantIds: ['corner'] });
    expect(refused.moves).toEqual([]);
  });

  it('the edit region holds every merchant the edit can move or strand: the plan on the merchants inside it equals the plan on all', () => {
    // A 3 × 3 lattice of 0.01° cells; each edit moves one point of the middle cell (shared by up to four cells).
    const x0 = 119.8;
    const y0 = 32.9;
    const d = 0.01;
    const cell = (c: number, r: number): Ring => [[x0 + c * d, y0 + r * d], [x0 + (c + 1) * d, y0 + r * d], [x0 + (c + 1) * d, y0 + (r + 1) * d], [x0 + c * d, y0 + (r + 1) * d]];
    const lattice = Array.from({ length: 9 }, (_, k) => ({ id: `g${k}`, boundary: cell(k % 3, Math.floor(k / 3)) }));
    let seed = 16;
    // mulberry32: the same merchants and edits on every run.
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const round = (v: number) => Math.round(v * 1e6) / 1e6;
    // Merchants anywhere over the lattice and a little beyond, on the lattice's points and edges too, in their
    // grid, placed against the polygon in a neighbour, or outside every boundary.
    const spots: { id: string; gridId: string; location: [number, number] | null }[] = [];
    for (let i = 0; i < 400; i++) {
      const onLine = i % 5 === 0;
      const x = onLine ? x0 + Math.floor(rand() * 4) * d : round(x0 - d / 2 + rand() * 4 * d);
      const y = onLine ? round(y0 + rand() * 3 * d) : round(y0 - d / 2 + rand() * 4 * d);
      const home = lattice.find((g) => x >= g.boundary[0][0] && x <= g.boundary[1][0] && y >= g.boundary[0][1] && y <= g.boundary[2][1]);
      spots.push({ id: `m${i}`, gridId: i % 7 === 0 || !home ? `g${Math.floor(rand() * 9)}` : home.id, location: i % 50 === 0 ? null : [x, y] });
    }
    // As the database's geoWithin reads them: inside one of the region's rings, its edges included.
    const inRegion = (p: [number, number], rings: [number, number][][]) => rings.some((r) => polygonTester(r)(p));
    let compared = 0;
    for (let k = 0; k < 60; k++) {
      const point = k % 4;
      const shift: [number, number] = [round((rand() - 0.5) * d), round((rand() - 0.5) * d)];
      const moved = lattice[4].boundary.map((p, i) => (i === point ? ([round(p[0] + shift[0]), round(p[1] + shift[1])] as [number, number]) : p));
      const region = boundaryEditRegion('g4', moved, lattice);
      expect(region).not.toBeNull();
      const all = planBoundaryEdit('g4', moved, lattice, spots);
      const inside = planBoundaryEdit('g4', moved, lattice, spots.filter((m) => m.location && inRegion(m.location, region!)));
      expect(inside.problem?.kind ?? null).toBe(all.problem?.kind ?? null);
      expect(inside.problem?.merchantIds ?? []).toEqual(all.problem?.merchantIds ?? []);
      expect(inside.moves).toEqual(all.moves);
      if (all.moves.length || all.problem) compared++;
      // The region is the changed edges' neighbourhood: far smaller than the cells around the point.
      const looked = spots.filter((m) => m.location && inRegion(m.location, region!)).length;
      expect(looked).toBeLessThan(spots.length / 3);
    }
    // The edits moved or stranded merchants often enough for the comparison to mean something.
    expect(compared).toBeGreaterThan(10);
  });
});
