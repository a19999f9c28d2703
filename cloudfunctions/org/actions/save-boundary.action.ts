import { type BoundarySaved, boundaryEditInput } from '../../../shared/contracts/org.contract';
import { BOUNDARY_EDITOR_ROLES } from '../../../shared/domain/roles';
import { defineAction } from '../../../server';
import { checkBoundaryEdit, saveBoundaryEdit } from '../boundary.service';

/**
 * `saveBoundary` (head office): checks the new boundary as `previewBoundary` does, transfers the
 * merchants it moves with their history (one transaction each), then writes the boundary. Retrying
 * after a failure part-way finishes the edit without writing anything twice.
 */
export const saveBoundary = defineAction({
  schema: boundaryEditInput,
  roles: BOUNDARY_EDITOR_ROLES,
  async handler(input, ctx): Promise<BoundarySaved> {
    const boundary = input.boundary as [number, number][];
    return saveBoundaryEdit(ctx, await checkBoundaryEdit(ctx, input.unitId, boundary), boundary);
  },
});
