import { type BoundaryPreview, boundaryEditInput } from '../../../shared/contracts/org.contract';
import { BOUNDARY_EDITOR_ROLES } from '../../../shared/domain/roles';
import { defineAction } from '../../../server';
import { checkBoundaryEdit } from '../boundary.service';

/**
 * `previewBoundary` (head office): the merchants a new boundary of a grid would move (merchant, from
 * grid, to grid), nothing written; a boundary that crosses itself, overlaps another grid or leaves
 * merchants in no grid is refused naming the point (`boundary.<index>`).
 */
export const previewBoundary = defineAction({
  schema: boundaryEditInput,
  roles: BOUNDARY_EDITOR_ROLES,
  async handler(input, ctx): Promise<BoundaryPreview> {
    const edit = await checkBoundaryEdit(ctx, input.unitId, input.boundary as [number, number][]);
    return { unitId: edit.grid._id, moves: edit.views };
  },
});
