import { setExtraScopeInput } from '../../../shared/contracts/org.contract';
import { defineAction, fieldError, loadUnits, staffView } from '../../../server';
import { changeStaff } from '../org.service';

/** `setExtraScope` (head office): hands a staff member explicit extra units beyond their role's scope (docs/domain.md §2). */
export const setExtraScope = defineAction({
  schema: setExtraScopeInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const unitIds = [...new Set(input.unitIds)];
    const units = await loadUnits(ctx.db, unitIds);
    unitIds.forEach((u, i) => {
      if (!units.has(u)) throw fieldError(`unitIds.${i}`, '单元不存在', 'UNIT.NOT_FOUND');
    });
    const staff = await changeStaff(
      ctx,
      input.staffId,
      'scope',
      'scope-change',
      (s) => ({ patch: { extraUnitIds: unitIds }, before: { extraUnitIds: s.extraUnitIds ?? [] }, after: { extraUnitIds: unitIds } }),
      input.reason,
    );
    return staffView(staff);
  },
});
