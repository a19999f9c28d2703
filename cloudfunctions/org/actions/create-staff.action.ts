import { createStaffInput } from '../../../shared/contracts/org.contract';
import { maskMobile } from '../../../shared/domain/mask.rules';
import { AppError, type StaffDoc, auditLog, defineAction, hashPi, inTransaction, newBindCode, newId, recordStaffChange, sealPi, staffView } from '../../../server';
import { checkAssignment } from '../org.service';

/**
 * `createStaff` (head office): a staff member with role, home unit and grids, and a one-time binding code
 * returned once (stored only as a keyed hash, expiring after the configured hours).
 */
export const createStaff = defineAction({
  schema: createStaffInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const home = await checkAssignment(ctx, input.role, input.unitId, input.gridIds, input.extraUnitIds);
    const settings = await ctx.settings();
    const mobileHash = hashPi(input.mobile);
    const same = await ctx.db.collection('staff').where({ 'mobile.hash': mobileHash, status: 'active' }).limit(1).get();
    if (same.data.length) throw new AppError('CONFLICT', '该手机号已登记为在职人员', { reason: 'STAFF.MOBILE_TAKEN', details: { issues: [{ field: 'mobile', message: '手机号已被使用' }] } });
    const code = newBindCode();
    const expiresAt = new Date(ctx.now.getTime() + settings.bindCodeTtlHours * 3600000);
    const staff: StaffDoc = {
      _id: newId(),
      name: input.name,
      role: input.role,
      unitId: home._id,
      unitPath: home.unitPath,
      gridIds: [...new Set(input.gridIds)],
      extraUnitIds: [...new Set(input.extraUnitIds)],
      mobile: sealPi(input.mobile, maskMobile),
      // No `openid` field until bound: the unique sparse index on openid skips absent values.
      bindCodeHash: hashPi(`bindcode:${code}`),
      bindCodeExpiresAt: expiresAt,
      status: 'active',
      createdAt: ctx.now,
      updatedAt: ctx.now,
    } as StaffDoc;
    await inTransaction(ctx.db, async (tx) => {
      await tx.collection('staff').add({ data: staff });
      const after = { role: staff.role, unitId: staff.unitId, gridIds: staff.gridIds, extraUnitIds: staff.extraUnitIds };
      await recordStaffChange(tx, { staffId: staff._id, change: 'create', before: null, after, by: ctx.caller, at: ctx.now });
      await auditLog(tx, ctx.caller, 'staff-create', { collection: 'staff', id: staff._id }, after, ctx.now);
    });
    return { staff: staffView({ ...staff, openid: null }), bindCode: code, bindCodeExpiresAt: expiresAt.toISOString() };
  },
});
