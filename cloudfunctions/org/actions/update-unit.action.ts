import { updateUnitInput } from '../../../shared/contracts/org.contract';
import { type UnitDoc, auditLog, clearGridCache, defineAction, fieldError, getDoc, inTransaction, notFound } from '../../../server';
import { checkBoundaryEdit, clearBoundaryCache, saveBoundaryEdit } from '../boundary.service';
import { loadUnitInScope, unitView } from '../org.service';

/** `updateUnit` (head office): rename, recode, set or clear a grid's boundary polygon (GCJ-02; checked as by `saveBoundary`). */
export const updateUnit = defineAction({
  schema: updateUnitInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const unit = await loadUnitInScope(ctx, input.unitId);
    if (input.boundary !== undefined && unit.kind !== 'grid') throw fieldError('boundary', '只有网格有边界', 'UNIT.BOUNDARY_GRID_ONLY');
    const _ = ctx.db.command;
    const patch: Record<string, unknown> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.code !== undefined) patch.code = input.code;
    if (input.township !== undefined) patch.township = input.township;
    if (input.boundary !== undefined) patch.boundary = input.boundary === null ? _.remove() : input.boundary;
    if (Object.keys(patch).length === 0) return unitView(unit);
    // A new boundary is checked and saved exactly as by `saveBoundary` (merchants and shared points follow).
    if (input.boundary) {
      const boundary = input.boundary as [number, number][];
      await saveBoundaryEdit(ctx, await checkBoundaryEdit(ctx, unit._id, boundary), boundary);
      delete patch.boundary;
      if (Object.keys(patch).length === 0) return unitView((await getDoc<UnitDoc>(ctx.db, 'units', unit._id)) ?? unit);
    }
    const updated = await inTransaction(ctx.db, async (tx) => {
      const current = await getDoc<UnitDoc>(tx, 'units', unit._id);
      if (!current) throw notFound('单元', 'UNIT.NOT_FOUND');
      await tx.collection('units').doc(unit._id).update({ data: { ...patch, updatedAt: ctx.now } });
      await auditLog(tx, ctx.caller, 'unit-change', { collection: 'units', id: unit._id }, { change: 'update', fields: Object.keys(patch) }, ctx.now, current.unitPath);
      const next: UnitDoc = { ...current, ...patch, updatedAt: ctx.now } as UnitDoc;
      if (input.boundary === null) delete next.boundary;
      return next;
    });
    clearGridCache();
    clearBoundaryCache();
    return unitView(updated);
  },
});
