import { OVERLAP_TOLERANCE_M2, followSharedPoints, overlapArea, overlapProblem, planBoundaryEdit, selfCrossingProblem } from '../../shared/domain/boundary.rules';

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
});
