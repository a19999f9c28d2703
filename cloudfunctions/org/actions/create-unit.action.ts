import { createUnitInput } from '../../../shared/contracts/org.contract';
import { type UnitDoc, auditLog, clearGridCache, defineAction, fieldError, inTransaction, newId } from '../../../server';
import { loadUnitInScope, unitView } from '../org.service';
import { checkNewBoundary, clearBoundaryCache } from '../boundary.service';

/** Which kind of unit may sit under which (bank → branch → group → grid; a township branch may hold grids directly). */
const PARENT_KINDS: Record<'branch' | 'group' | 'grid', UnitDoc['kind'][]> = { branch: ['bank'], group: ['branch'], grid: ['group', 'branch'] };

/** `createUnit` (head office): a branch, a leader's group or a grid, with an optional boundary for a grid. */
export const createUnit = defineAction({
  schema: createUnitInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const parent = await loadUnitInScope(ctx, input.parentId, 'parentId');
    if (!PARENT_KINDS[input.kind].includes(parent.kind)) throw fieldError('parentId', `${input.kind} 不能建在 ${parent.kind} 之下`, 'UNIT.BAD_PARENT');
    if (input.kind === 'branch' && !input.area) throw fieldError('area', '支行需指明城区或乡镇', 'UNIT.AREA_REQUIRED');
    if (input.kind !== 'branch' && input.area && input.area !== parent.area) throw fieldError('area', '区域随所属支行', 'UNIT.AREA_INHERITED');
    if (input.boundary && input.kind !== 'grid') throw fieldError('boundary', '只有网格有边界', 'UNIT.BOUNDARY_GRID_ONLY');
    if (input.boundary) await checkNewBoundary(ctx, input.boundary as [number, number][]);
    const _id = newId();
    const unit: UnitDoc = {
      _id,
      kind: input.kind,
      name: input.name,
      ...(input.code ? { code: input.code } : {}),
      parentId: parent._id,
      unitPath: [...parent.unitPath, _id],
      area: input.kind === 'branch' ? (input.area ?? null) : parent.area,
      ...(input.township ? { township: input.township } : parent.township ? { township: parent.township } : {}),
      ...(input.boundary ? { boundary: input.boundary } : {}),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await inTransaction(ctx.db, async (tx) => {
      await tx.collection('units').add({ data: unit });
      await auditLog(tx, ctx.caller, 'unit-change', { collection: 'units', id: _id }, { change: 'create', kind: unit.kind }, ctx.now, unit.unitPath);
    });
    clearGridCache();
    clearBoundaryCache();
    return unitView(unit);
  },
});
