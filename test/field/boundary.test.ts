/**
 * Grid boundaries and markets (docs/domain.md §2 "Boundaries", "Markets") through the real functions: head office previews and saves a
 * boundary edit (merchants that change grid are transferred with history, shared points follow), bad
 * boundaries are refused naming the point with nothing written, and branches run their markets.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { BOUNDARY, O, U, counts, seedFixture, uid } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const db = () => local.cloud.database();
const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);
const WRITTEN = ['merchants', 'merchantHistory', 'units', 'markets', 'auditLog', 'tasks'];
const T = new Date('2025-07-01T00:00:00Z');
const PATH = { gr1: [U.bank, U.br1, U.g1, U.gr1], gr2: [U.bank, U.br1, U.g1, U.gr2] };

/** A merchant written straight to the store at a place, in a grid. */
async function merchantAt(grid: 'gr1' | 'gr2', lng: number, lat: number, name = `商户${uid()}`): Promise<string> {
  const id = uid('m');
  await db().collection('merchants').add({
    data: {
      _id: id, name, gridId: U[grid], unitPath: PATH[grid], area: 'city', location: db().Geo.Point(lng, lat),
      isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, createdAt: T, updatedAt: T, createdBy: 'seed', version: 1,
    },
  });
  return id;
}

/** gr1 with its point 3 (index 2, the north-east corner it shares with gr2) moved east into gr2. */
const gr1Moved: [number, number][] = [[119.8, 32.9], [119.85, 32.9], [119.86, 32.95], [119.8, 32.95]];

describe('boundary edits', () => {
  let near: string;
  let far: string;
  let home: string;
  beforeAll(async () => {
    near = await merchantAt('gr2', 119.855, 32.93, '东边小店');
    far = await merchantAt('gr2', 119.875, 32.925);
    home = await merchantAt('gr1', 119.825, 32.925);
  });

  it('previews the merchants a moved point would move, writing nothing', async () => {
    const before = await counts(local, WRITTEN);
    const res = await org('previewBoundary', { unitId: U.gr1, boundary: gr1Moved });
    expect(res.ok).toBe(true);
    expect(res.data.moves).toEqual([{ merchantId: near, merchantName: '东边小店', fromGridId: U.gr2, fromGridName: '城北2号网格', toGridId: U.gr1, toGridName: '城北1号网格' }]);
    expect(res.data.moves.map((m: any) => m.merchantId)).not.toContain(far);
    expect(res.data.moves.map((m: any) => m.merchantId)).not.toContain(home);
    expect(await counts(local, WRITTEN)).toEqual(before);
  });

  it('is head office\'s: other roles are refused', async () => {
    for (const openid of [O.branch, O.leader, O.member]) {
      expect((await org('previewBoundary', { unitId: U.gr1, boundary: gr1Moved }, openid)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
      expect((await org('saveBoundary', { unitId: U.gr1, boundary: gr1Moved }, openid)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
    }
    expect((await org('previewBoundary', { unitId: U.g1, boundary: gr1Moved })).error.reason).toBe('UNIT.BOUNDARY_GRID_ONLY');
  });

  it('refuses a boundary that crosses itself, naming the point, nothing written', async () => {
    const before = await counts(local, WRITTEN);
    const bowtie = [[119.8, 32.9], [119.85, 32.95], [119.85, 32.9], [119.8, 32.94]];
    const res = await org('saveBoundary', { unitId: U.gr1, boundary: bowtie });
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_SELF_CROSSING' });
    expect(res.error.details).toMatchObject({ pointIndex: 2, issues: [{ field: 'boundary.2' }] });
    expect(res.error.message).toMatch(/第3个点/);
    expect(await counts(local, WRITTEN)).toEqual(before);
  });

  it('refuses a boundary that overlaps another grid, naming the point inside it, nothing written', async () => {
    const before = await counts(local, WRITTEN);
    // A point added inside grid 2 (a new point is not shared, so grid 2 does not follow).
    const res = await org('saveBoundary', { unitId: U.gr1, boundary: [[119.8, 32.9], [119.85, 32.9], [119.86, 32.92], [119.85, 32.95], [119.8, 32.95]] });
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_OVERLAP' });
    expect(res.error.details).toMatchObject({ pointIndex: 2, gridId: U.gr2, issues: [{ field: 'boundary.2' }] });
    expect(res.error.message).toMatch(/城北2号网格.*第3个点/);
    // The same shape through updateUnit is refused the same way.
    expect((await org('updateUnit', { unitId: U.gr1, boundary: [[119.8, 32.9], [119.85, 32.9], [119.86, 32.92], [119.85, 32.95], [119.8, 32.95]] })).error.reason).toBe('UNIT.BOUNDARY_OVERLAP');
    expect(await counts(local, WRITTEN)).toEqual(before);
  });

  it('refuses a boundary that leaves merchants in no grid, naming the point, nothing written', async () => {
    const corner = await merchantAt('gr1', 119.81, 32.945);
    const before = await counts(local, WRITTEN);
    const res = await org('previewBoundary', { unitId: U.gr1, boundary: [[119.8, 32.9], [119.85, 32.9], [119.85, 32.95], [119.82, 32.93]] });
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_LEAVES_MERCHANTS' });
    expect(res.error.details).toMatchObject({ pointIndex: 3, merchantIds: [corner], issues: [{ field: 'boundary.3' }] });
    expect(await counts(local, WRITTEN)).toEqual(before);
    await db().collection('merchants').doc(corner).remove();
  });

  it('saves: the shared point follows in the neighbour, merchants are transferred with history, a retry writes nothing twice', async () => {
    const res = await org('saveBoundary', { unitId: U.gr1, boundary: gr1Moved });
    expect(res.ok).toBe(true);
    expect(res.data.unit.boundary).toEqual(gr1Moved);
    expect(res.data.moves.map((m: any) => m.merchantId)).toEqual([near]);
    const moved = (await db().collection('merchants').doc(near).get()).data;
    expect(moved).toMatchObject({ gridId: U.gr1, unitPath: PATH.gr1 });
    expect((await db().collection('merchants').doc(far).get()).data.gridId).toBe(U.gr2);
    // Grid 2 lost the corner it shared: its point moved with grid 1's, so the two still meet edge to edge.
    const gr2 = (await db().collection('units').doc(U.gr2).get()).data;
    expect(gr2.boundary).toEqual([[119.85, 32.9], [119.9, 32.9], [119.9, 32.95], [119.86, 32.95]]);
    const history = (await db().collection('merchantHistory').where({ merchantId: near }).get()).data;
    expect(history).toEqual([expect.objectContaining({ change: 'transferred', fromGridId: U.gr2, toGridId: U.gr1, reason: '网格边界调整', againstBoundary: false })]);
    const timeline = await local.call('merchant', { action: 'timeline', id: near }, O.leader);
    expect(timeline.data.items.some((e: any) => e.kind === 'transfer')).toBe(true);

    const before = await counts(local, ['merchants', 'merchantHistory', 'tasks']);
    const retry = await org('saveBoundary', { unitId: U.gr1, boundary: gr1Moved });
    expect(retry.ok).toBe(true);
    expect(retry.data.moves).toEqual([]);
    expect(await counts(local, ['merchants', 'merchantHistory', 'tasks'])).toEqual(before);
    // Put it back for the tests after.
    expect((await org('saveBoundary', { unitId: U.gr1, boundary: BOUNDARY.gr1 })).data.moves.map((m: any) => m.merchantId)).toEqual([near]);
  });

  it('moves more merchants than one transaction may write, each with its open tasks (the strict engine refuses over 20 writes)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await merchantAt('gr2', 119.851 + (i % 5) * 0.0005, 32.91 + Math.floor(i / 5) * 0.005));
    for (const merchantId of ids.slice(0, 3)) {
      for (let k = 0; k < 6; k++) {
        await db().collection('tasks').add({ data: { _id: uid('t'), kind: 'marketing', merchantId, gridId: U.gr2, unitPath: PATH.gr2, assigneeId: null, dueDay: '2025-07-10', status: 'open', openedBy: { reason: 'test' }, createdAt: T } });
      }
    }
    const res = await org('saveBoundary', { unitId: U.gr1, boundary: [[119.8, 32.9], [119.86, 32.9], [119.86, 32.95], [119.8, 32.95]] });
    expect(res.ok).toBe(true);
    expect(res.data.moves.length).toBeGreaterThanOrEqual(30);
    const gridOf = await Promise.all(ids.map(async (id) => (await db().collection('merchants').doc(id).get()).data.gridId));
    expect(new Set(gridOf)).toEqual(new Set([U.gr1]));
    const tasks = (await db().collection('tasks').where({ merchantId: db().command.in(ids.slice(0, 3)) }).get()).data;
    expect(tasks).toHaveLength(18);
    expect(tasks.every((t: any) => t.gridId === U.gr1)).toBe(true);
  });
});

/** A grid's boundary as stored now (the tests above leave grids 1 and 2 edited). */
async function boundaryOf(grid: string): Promise<[number, number][]> {
  return (await db().collection('units').doc(grid).get()).data.boundary;
}

describe('drawing, adding and removing points', () => {
  let ring1: [number, number][];
  let ring2: [number, number][];
  beforeAll(async () => {
    ring1 = await boundaryOf(U.gr1);
    ring2 = await boundaryOf(U.gr2);
  });

  it('draws a boundary for a grid without one: refused when it crosses itself or overlaps, else the merchants it now covers move to it; saved', async () => {
    const created = await org('createUnit', { kind: 'grid', name: '城北北网格', parentId: U.g1 });
    expect(created.ok).toBe(true);
    const gridId = created.data.id;
    // North of grids 1 and 2, sharing their north edge.
    const north: [number, number][] = [[119.8, 32.95], [119.9, 32.95], [119.9, 32.97], [119.8, 32.97]];
    // A merchant of grid 1 outside every boundary (filed before the boundaries were drawn).
    const stray = await merchantAt('gr1', 119.82, 32.96, '北边小店');
    const before = await counts(local, WRITTEN);
    const overlapping = await org('previewBoundary', { unitId: gridId, boundary: [[119.8, 32.94], [119.9, 32.94], [119.9, 32.97], [119.8, 32.97]] });
    expect(overlapping.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_OVERLAP', details: { pointIndex: 0 } });
    const crossing = await org('previewBoundary', { unitId: gridId, boundary: [[119.8, 32.95], [119.9, 32.97], [119.9, 32.95], [119.8, 32.965]] });
    expect(crossing.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_SELF_CROSSING', details: { pointIndex: 2 } });
    const preview = await org('previewBoundary', { unitId: gridId, boundary: north });
    expect(preview.data.moves).toEqual([{ merchantId: stray, merchantName: '北边小店', fromGridId: U.gr1, fromGridName: '城北1号网格', toGridId: gridId, toGridName: '城北北网格' }]);
    expect(await counts(local, WRITTEN)).toEqual(before);
    const saved = await org('saveBoundary', { unitId: gridId, boundary: north });
    expect(saved.data.moves.map((m: any) => m.merchantId)).toEqual([stray]);
    expect(await boundaryOf(gridId)).toEqual(north);
    expect((await db().collection('merchants').doc(stray).get()).data.gridId).toBe(gridId);
    // A drawn boundary moves nobody's points: grids 1 and 2 are as they were.
    expect(await boundaryOf(U.gr1)).toEqual(ring1);
    expect(await boundaryOf(U.gr2)).toEqual(ring2);
  });

  it('adds a point: the merchants the larger ring covers move to it; the neighbour does not follow a new point', async () => {
    const west = await merchantAt('gr2', 119.795, 32.925);
    const grown: [number, number][] = [...ring1, [119.79, 32.925]];
    const res = await org('previewBoundary', { unitId: U.gr1, boundary: grown });
    expect(res.data.moves).toEqual([expect.objectContaining({ merchantId: west, fromGridId: U.gr2, toGridId: U.gr1 })]);
    await db().collection('merchants').doc(west).remove();
  });

  it('removes a point: refused when the smaller ring leaves the grid\'s merchants in no grid, naming a point, nothing written', async () => {
    const corner = await merchantAt('gr1', 119.81, 32.94);
    const before = await counts(local, WRITTEN);
    const res = await org('previewBoundary', { unitId: U.gr1, boundary: ring1.slice(0, 3) });
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_LEAVES_MERCHANTS' });
    expect(res.error.details.merchantIds).toContain(corner);
    expect(res.error.details.issues[0].field).toBe(`boundary.${res.error.details.pointIndex}`);
    expect(await counts(local, WRITTEN)).toEqual(before);
    await db().collection('merchants').doc(corner).remove();
  });
});

describe('the instance\'s copy of the grids\' boundaries', () => {
  let ring1: [number, number][];
  let ring2: [number, number][];
  /** Grid 1 with its north-east corner (shared with grid 2) moved east. */
  let moved: [number, number][];
  beforeAll(async () => {
    ring1 = await boundaryOf(U.gr1);
    ring2 = await boundaryOf(U.gr2);
    moved = ring1.map((p, i) => (i === 2 ? [p[0] + 0.01, p[1]] : p));
  });

  it('sees a neighbour\'s boundary written by another instance since the last preview', async () => {
    // A preview fills this instance's copy: grid 2 shares the moved corner and follows.
    expect((await org('previewBoundary', { unitId: U.gr1, boundary: moved })).ok).toBe(true);
    // Another instance moves grid 2's corner a little east (every write of a unit sets updatedAt).
    const shifted = ring2.map((p) => (p[0] === ring1[2][0] && p[1] === ring1[2][1] ? [p[0] + 0.001, p[1]] : p));
    expect(shifted).not.toEqual(ring2);
    await db().collection('units').doc(U.gr2).update({ data: { boundary: shifted, updatedAt: new Date() } });
    try {
      // Grid 2 no longer shares the point, so grid 1's moved corner overlaps it.
      const second = await org('previewBoundary', { unitId: U.gr1, boundary: moved });
      expect(second.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_OVERLAP', details: { gridId: U.gr2 } });
    } finally {
      await db().collection('units').doc(U.gr2).update({ data: { boundary: ring2, updatedAt: new Date() } });
    }
    expect((await org('previewBoundary', { unitId: U.gr1, boundary: moved })).ok).toBe(true);
  });

  it('sees a grid created by another instance', async () => {
    expect((await org('previewBoundary', { unitId: U.gr1, boundary: moved })).ok).toBe(true);
    const id = uid('u');
    const south: [number, number][] = [[119.8, 32.88], [119.9, 32.88], [119.9, 32.9], [119.8, 32.9]];
    await db().collection('units').add({ data: { _id: id, kind: 'grid', name: '城北南网格', parentId: U.g1, unitPath: [U.bank, U.br1, U.g1, id], area: 'city', boundary: south, createdAt: new Date(), updatedAt: new Date() } });
    // Grid 1's south edge pushed into the new grid.
    const southward = ring1.map((p) => (p[1] === 32.9 ? [p[0], 32.89] : p)) as [number, number][];
    const res = await org('previewBoundary', { unitId: U.gr1, boundary: southward });
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'UNIT.BOUNDARY_OVERLAP', details: { gridId: id } });
  });
});

describe('markets of a branch', () => {
  it('a branch creates and edits markets from its own grids; another branch\'s are refused', async () => {
    const created = await org('createMarket', { name: '城北商圈', branchId: U.br1, gridIds: [U.gr1, U.gr2] }, O.branch);
    expect(created.data).toMatchObject({ name: '城北商圈', branchId: U.br1, gridIds: [U.gr1, U.gr2] });
    const updated = await org('updateMarket', { marketId: created.data.id, name: '城北老街商圈', gridIds: [U.gr1] }, O.branch);
    expect(updated.data).toMatchObject({ name: '城北老街商圈', gridIds: [U.gr1] });
    const before = await counts(local, WRITTEN);
    expect((await org('createMarket', { name: '越界', branchId: U.br1, gridIds: [U.gr3] }, O.branch)).error.reason).toBe('MARKET.GRID_OUTSIDE_BRANCH');
    expect((await org('updateMarket', { marketId: created.data.id, name: '别人的' }, O.branch2)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect((await org('createMarket', { name: '别人的', branchId: U.br1 }, O.branch2)).error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await org('createMarket', { name: '组长', branchId: U.br1 }, O.leader)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
    expect(await counts(local, WRITTEN)).toEqual(before);
    const listed = await org('listMarkets', {}, O.branch);
    expect(listed.data.items.map((m: any) => m.id)).toContain(created.data.id);
  });
});
