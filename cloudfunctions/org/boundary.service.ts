/**
 * A grid's boundary edit (docs/domain.md §2 "Boundaries"): the checks that refuse it (self-crossing,
 * overlap, merchants left in no grid; shared/domain/boundary.rules) and the merchants it moves, for
 * `previewBoundary` and `saveBoundary` (and `updateUnit` with a boundary, which saves the same way).
 */
import type { BoundaryMoveView, BoundarySaved } from '../../shared/contracts/org.contract';
import { type BoundaryMove, type BoundaryProblem, type GridShape, type MerchantSpot, boundaryEditRegion, overlapProblem, planBoundaryEdit, selfCrossingProblem } from '../../shared/domain/boundary.rules';
import type { LngLat } from '../../shared/domain/geo.rules';
import { type ActionContext, type Db, type UnitDoc, auditLog, clearGridCache, fieldError, getAll, getDoc, inTransaction, notFound } from '../../server';
import { type MerchantDoc, pointOut } from '../../server/merchant';
import { moveMerchant } from '../../server/transfer';
import { loadUnitInScope, unitView } from './org.service';

/** Why a boundary edit moves a merchant, in its history. */
export const BOUNDARY_TRANSFER_REASON = '网格边界调整';

const REASONS = {
  'self-crossing': 'UNIT.BOUNDARY_SELF_CROSSING',
  overlap: 'UNIT.BOUNDARY_OVERLAP',
  'leaves-merchants': 'UNIT.BOUNDARY_LEAVES_MERCHANTS',
} as const;

/** A refusal naming the point: field `boundary.<index>`, the point (1-based) in the sentence. */
function refuse(problem: BoundaryProblem): never {
  throw fieldError(`boundary.${problem.pointIndex}`, problem.message, REASONS[problem.kind], {
    pointIndex: problem.pointIndex,
    ...(problem.gridId ? { gridId: problem.gridId } : {}),
    ...(problem.merchantIds ? { merchantIds: problem.merchantIds.slice(0, 20) } : {}),
  });
}

interface Spot extends MerchantSpot {
  name: string;
}

/** The grid's merchants and its neighbours' (grids whose boundary box meets the old or new one), not closed. */
async function candidates(db: Db, gridIds: string[], region: LngLat[][] | null): Promise<Spot[]> {
  const _ = db.command;
  if (region && !region.length) return [];
  // Only merchants where the edit changes anything (boundaryEditRegion), when that is known.
  const where = region ? { gridId: _.in(gridIds), location: _.geoWithin({ geometry: db.Geo.MultiPolygon(region.map((r) => db.Geo.Polygon([db.Geo.LineString(r.map(([x, y]) => db.Geo.Point(x, y)))]))) }) } : { gridId: _.in(gridIds) };
  const out: Spot[] = [];
  for (let skip = 0; ; skip += 1000) {
    const res = await db
      .collection('merchants')
      .where(where)
      .field({ _id: true, name: true, gridId: true, location: true, archived: true })
      .orderBy('_id', 'asc')
      .skip(skip)
      .limit(1000)
      .get();
    for (const m of res.data as Pick<MerchantDoc, '_id' | 'name' | 'gridId' | 'location' | 'archived'>[]) {
      if (m.archived) continue;
      const p = pointOut(m.location);
      out.push({ id: m._id, name: m.name, gridId: m.gridId, location: p ? [p.lng, p.lat] : null });
    }
    if (res.data.length < 1000) break;
  }
  return out;
}

function boxMeets(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): boolean {
  const box = (r: readonly (readonly [number, number])[]) => r.reduce((o, [x, y]) => [Math.min(o[0], x), Math.min(o[1], y), Math.max(o[2], x), Math.max(o[3], y)], [Infinity, Infinity, -Infinity, -Infinity]);
  const [ax0, ay0, ax1, ay1] = box(a);
  const [bx0, by0, bx1, by1] = box(b);
  return ax0 <= bx1 && bx0 <= ax1 && ay0 <= by1 && by0 <= ay1;
}

/**
 * A new grid's boundary (`createUnit`): refused naming the point when it crosses itself or overlaps another
 * grid. Nobody's merchants move: new merchants are placed by it from then on.
 */
export async function checkNewBoundary(ctx: ActionContext, boundary: LngLat[]): Promise<void> {
  const crossing = selfCrossingProblem(boundary);
  if (crossing) refuse(crossing);
  const grids = await getAll<UnitDoc>(ctx.db, 'units', { kind: 'grid', boundary: ctx.db.command.exists(true) }, 10000);
  const overlap = overlapProblem('', boundary, grids.map((g) => ({ id: g._id, boundary: g.boundary })), Object.fromEntries(grids.map((g) => [g._id, g.name])));
  if (overlap) refuse(overlap);
}

export interface CheckedEdit {
  grid: UnitDoc;
  moves: BoundaryMove[];
  views: BoundaryMoveView[];
  /** the boundaries to write: the grid's, then its neighbours' that share a moved point */
  boundaries: { gridId: string; boundary: LngLat[] }[];
}

/**
 * The bank's grids with a boundary, kept per function instance (boundaries change rarely, a preview is
 * asked at every moved point). Each use checks the copy with one small read made beside the caller's own
 * (recentGridStamps, in parallel, so no extra round trip): every write of a unit sets its `updatedAt`, so
 * any grid created or changed since the copy was read shows among the most recently updated ones. A save
 * in this instance drops the copy; STAMP_TTL_MS bounds its age whatever happens.
 */
interface GridCopy {
  stamp: string;
  at: number;
  grids: Pick<UnitDoc, '_id' | 'name' | 'boundary'>[];
}
let gridCopy: GridCopy | null = null;
const STAMP_SIZE = 5;
const STAMP_TTL_MS = 10 * 60_000;

/** Forgets the instance's copy of the grids' boundaries (after this instance writes one). */
export function clearBoundaryCache(): void {
  gridCopy = null;
}

/** The most recently updated grids (id and `updatedAt`), as one string: it changes when any grid is written. */
async function recentGridStamps(db: Db): Promise<string> {
  const res = await db.collection('units').where({ kind: 'grid' }).orderBy('updatedAt', 'desc').orderBy('_id', 'desc').limit(STAMP_SIZE).field({ _id: true, updatedAt: true }).get();
  return (res.data as Pick<UnitDoc, '_id' | 'updatedAt'>[]).map((u) => `${u._id}@${u.updatedAt ? new Date(u.updatedAt).getTime() : ''}`).join(',');
}

/** Every grid with a boundary, in placement order (by id): the instance's copy when the stamp still matches. */
async function gridsWithBoundary(db: Db, stamp: string, now: number): Promise<GridCopy['grids']> {
  if (gridCopy && gridCopy.stamp === stamp && now - gridCopy.at < STAMP_TTL_MS) return gridCopy.grids;
  // Read after the stamp: a write in between leaves a stamp older than the copy, so the next call reads again.
  const grids = (await getAll<UnitDoc>(db, 'units', { kind: 'grid', boundary: db.command.exists(true) }, 10000)).map((g) => ({ _id: g._id, name: g.name, boundary: g.boundary }));
  gridCopy = { stamp, at: now, grids };
  return grids;
}

/** Loads the grid in scope, refuses a bad boundary naming the point, and lists the merchants it moves. */
export async function checkBoundaryEdit(ctx: ActionContext, unitId: string, boundary: LngLat[]): Promise<CheckedEdit> {
  // The grid and the grids' stamp in one round trip; a refusal of the shape needs neither.
  const [grid, stamp] = await Promise.all([loadUnitInScope(ctx, unitId), recentGridStamps(ctx.db)]);
  if (grid.kind !== 'grid') throw fieldError('boundary', '只有网格有边界', 'UNIT.BOUNDARY_GRID_ONLY');
  const crossing = selfCrossingProblem(boundary);
  if (crossing) refuse(crossing);
  // Every grid with a boundary, in placement order (server/placement: by id), the edited one as stored now.
  const grids = (await gridsWithBoundary(ctx.db, stamp, Date.now())).map((g) => (g._id === grid._id ? { _id: grid._id, name: grid.name, boundary: grid.boundary } : g)).filter((g) => g.boundary);
  if (grid.boundary && !grids.some((g) => g._id === grid._id)) grids.push({ _id: grid._id, name: grid.name, boundary: grid.boundary });
  grids.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const names: Record<string, string> = Object.fromEntries(grids.map((g) => [g._id, g.name]));
  names[grid._id] = grid.name;
  const shapes: GridShape[] = grids.map((g) => ({ id: g._id, boundary: g.boundary }));
  const near = grids.filter((g) => g._id !== grid._id && g.boundary && (boxMeets(g.boundary, boundary) || (grid.boundary && boxMeets(g.boundary, grid.boundary))));
  const spots = await candidates(ctx.db, [grid._id, ...near.map((g) => g._id)], boundaryEditRegion(grid._id, boundary, shapes));
  const plan = planBoundaryEdit(grid._id, boundary, shapes, spots, names);
  if (plan.problem) refuse(plan.problem);
  const byId = new Map(spots.map((s) => [s.id, s]));
  const views = plan.moves.map((m) => ({
    merchantId: m.merchantId,
    merchantName: byId.get(m.merchantId)?.name ?? '',
    fromGridId: m.fromGridId,
    fromGridName: names[m.fromGridId] ?? '',
    toGridId: m.toGridId,
    toGridName: names[m.toGridId] ?? '',
  }));
  return { grid, moves: plan.moves, views, boundaries: plan.boundaries };
}

/**
 * Saves a checked edit: each merchant is transferred in its own transaction with its history and tasks
 * (server/transfer: at most about twenty written documents, CloudBase's limit), then the boundary is written.
 * A retry after a failure part-way recomputes the moves: merchants already moved are in their new grid
 * and are skipped, so nothing is written twice; the boundary comes last so the recomputation still sees
 * the old one.
 */
export async function saveBoundaryEdit(ctx: ActionContext, edit: CheckedEdit, boundary: LngLat[]): Promise<BoundarySaved> {
  await transferMoves(ctx, edit);
  const updated = await writeBoundaries(ctx, edit);
  clearGridCache();
  clearBoundaryCache();
  return { unit: unitView(updated ?? { ...edit.grid, boundary }), moves: edit.views };
}

/**
 * Writes the grid's boundary and its neighbours' that followed a shared point, audited, in one
 * transaction (two writes a grid: a point is shared by a handful of grids at most).
 */
async function writeBoundaries(ctx: ActionContext, edit: CheckedEdit): Promise<UnitDoc | null> {
  return inTransaction(ctx.db, async (tx) => {
    let edited: UnitDoc | null = null;
    for (const b of edit.boundaries) {
      const current = await getDoc<UnitDoc>(tx, 'units', b.gridId);
      if (!current) throw notFound('单元', 'UNIT.NOT_FOUND');
      await tx.collection('units').doc(current._id).update({ data: { boundary: b.boundary, updatedAt: ctx.now } });
      const detail = b.gridId === edit.grid._id ? { change: 'boundary', fields: ['boundary'], moved: edit.moves.length } : { change: 'boundary', fields: ['boundary'], followed: edit.grid._id };
      await auditLog(tx, ctx.caller, 'unit-change', { collection: 'units', id: current._id }, detail, ctx.now);
      if (b.gridId === edit.grid._id) edited = { ...current, boundary: b.boundary, updatedAt: ctx.now } as UnitDoc;
    }
    return edited;
  });
}

/** Transfers the merchants of a checked edit, one transaction each, skipping those already moved. */
export async function transferMoves(ctx: ActionContext, edit: CheckedEdit): Promise<void> {
  const units = new Map<string, UnitDoc>();
  for (const move of edit.moves) {
    let to = units.get(move.toGridId);
    if (!to) {
      to = (await getDoc<UnitDoc>(ctx.db, 'units', move.toGridId)) ?? undefined;
      if (!to) throw notFound('网格', 'UNIT.NOT_FOUND');
      units.set(to._id, to);
    }
    const m = await getDoc<MerchantDoc>(ctx.db, 'merchants', move.merchantId);
    if (!m || m.gridId === to._id) continue;
    await moveMerchant(ctx, m, to, { reason: BOUNDARY_TRANSFER_REASON, suggested: to._id });
  }
}
