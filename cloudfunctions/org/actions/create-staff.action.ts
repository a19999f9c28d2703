import { type BindCodeOutput, createStaffInput } from '../../../shared/contracts/org.contract';
import { AppError, type ActionContext, type StaffDoc, auditLog, defineAction, getDoc, hashPi, inTransaction, newBindCode, newId, recordStaffChange, staffView, writeOnce } from '../../../server';
import { bindCodeQr } from '../../../server/wxacode';
import { assertManages, changeStaff, checkAssignment, newStaffDoc } from '../org.service';

/**
 * `createStaff` (head office; a branch manager within its branch): a staff member with role, home unit and grids, and a one-time binding code
 * returned once (stored only as a keyed hash, expiring after the configured hours). A branch manager
 * creates staff below its own role in its own branch. With the client's `id`, a retry answers the staff
 * member the first call made, with a fresh code (the first answer, and its code, never arrived).
 */
export const createStaff = defineAction({
  schema: createStaffInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    assertManages(ctx, null, input.role);
    if (input.id) {
      const again = await replayOf(ctx, input.id, input.mobile);
      if (again) return again;
    }
    const home = await checkAssignment(ctx, input.role, input.unitId, input.gridIds, input.extraUnitIds);
    const settings = await ctx.settings();
    const mobileHash = hashPi(input.mobile);
    const same = await ctx.db.collection('staff').where({ 'mobile.hash': mobileHash, status: 'active' }).limit(1).get();
    // A racing retry may have written this very record since the replay check above: answer it as a replay.
    if (input.id && same.data[0]?._id === input.id) return (await replayOf(ctx, input.id, input.mobile))!;
    if (same.data.length) throw new AppError('CONFLICT', '该手机号已登记为在职人员', { reason: 'STAFF.MOBILE_TAKEN', details: { issues: [{ field: 'mobile', message: '手机号已被使用' }] } });
    const code = newBindCode();
    const expiresAt = new Date(ctx.now.getTime() + settings.bindCodeTtlHours * 3600000);
    const place = { _id: input.id ?? newId(), name: input.name, role: input.role, unitId: home._id, unitPath: home.unitPath, gridIds: [...new Set(input.gridIds)], extraUnitIds: [...new Set(input.extraUnitIds)] };
    const staff = newStaffDoc(ctx, place, input.mobile, code, expiresAt);
    const write = async (): Promise<BindCodeOutput> => {
      await inTransaction(ctx.db, async (tx) => {
        await tx.collection('staff').add({ data: staff });
        const after = { role: staff.role, unitId: staff.unitId, gridIds: staff.gridIds, extraUnitIds: staff.extraUnitIds };
        await recordStaffChange(tx, { staffId: staff._id, change: 'create', before: null, after, by: ctx.caller, at: ctx.now });
        await auditLog(tx, ctx.caller, 'staff-create', { collection: 'staff', id: staff._id }, after, ctx.now, staff.unitPath);
      });
      return { staff: staffView({ ...staff, openid: null }), bindCode: code, bindCodeExpiresAt: expiresAt.toISOString(), bindCodeQr: await bindCodeQr(code) };
    };
    if (!input.id) return write();
    const id = input.id;
    // Two retries racing: the second add meets the first record and answers it as a replay.
    return writeOnce(write, () => replayOf(ctx, id, input.mobile), () => new AppError('CONFLICT', '该人员编号已被使用', { reason: 'STAFF.ID_TAKEN' }));
  },
});

/** A retry of a create that was written: the same caller and mobile get the record with a fresh code. */
async function replayOf(ctx: ActionContext, id: string, mobile: string): Promise<BindCodeOutput | null> {
  const kept = await getDoc<StaffDoc & { createdBy?: string }>(ctx.db, 'staff', id);
  if (!kept) return null;
  if (kept.createdBy !== ctx.caller.staffId || kept.mobile?.hash !== hashPi(mobile)) throw new AppError('CONFLICT', '该人员编号已被使用', { reason: 'STAFF.ID_TAKEN' });
  if (kept.openid) throw new AppError('CONFLICT', '该人员已绑定微信', { reason: 'STAFF.ALREADY_BOUND' });
  if (kept.status !== 'active') throw new AppError('CONFLICT', '该人员已停用', { reason: 'STAFF.DISABLED' });
  const settings = await ctx.settings();
  const code = newBindCode();
  const expiresAt = new Date(ctx.now.getTime() + settings.bindCodeTtlHours * 3600000);
  const staff = await changeStaff(ctx, id, 'bind-code', 'bind-code-issued', () => ({ patch: { bindCodeHash: hashPi(`bindcode:${code}`), bindCodeExpiresAt: expiresAt }, before: null, after: { expiresAt: expiresAt.toISOString() } }));
  return { staff: staffView(staff), bindCode: code, bindCodeExpiresAt: expiresAt.toISOString(), bindCodeQr: await bindCodeQr(code) };
}
