import { listUnitsInput } from '../../../shared/contracts/org.contract';
import { type UnitDoc, defineAction, getAll, scopeFilter } from '../../../server';
import { unitView } from '../org.service';

/** `listUnits`: the units in the caller's scope (flat, with parentId for the tree), optionally one level or kind. */
export const listUnits = defineAction({
  schema: listUnitsInput,
  async handler(input, ctx) {
    const where: Record<string, unknown> = { ...scopeFilter(ctx.caller) };
    if (input.parentId) where.parentId = input.parentId;
    if (input.kind) where.kind = input.kind;
    const units = await getAll<UnitDoc>(ctx.db, 'units', where, 5000);
    return { items: units.map(unitView) };
  },
});
