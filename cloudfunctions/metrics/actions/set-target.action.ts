import { setTargetInput } from '../../../shared/contracts/metrics.contract';
import { RATIO_INDICATORS } from '../../../shared/domain/metrics.rules';
import { type UnitDoc, assertInScope, auditLog, defineAction, fieldError, forbidden, getDoc } from '../../../server';

/**
 * `setTarget`: the target of one indicator for a unit and a day, month or year. Head office sets any unit's;
 * a branch manager splits its branch's target over the groups and grids under it (not its own branch's).
 * For counted indicators (not ratios) the targets of a parent's children together may not exceed the
 * parent's target once it has one. Audited.
 */
export const setTarget = defineAction({
  schema: setTargetInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const unit = await getDoc<UnitDoc>(ctx.db, 'units', input.unitId);
    if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
    assertInScope(ctx.caller, unit.unitPath);
    if (ctx.caller.role === 'branch' && (unit._id === ctx.caller.unitId || !(unit.unitPath ?? []).includes(ctx.caller.unitId))) {
      throw forbidden('支行只能为其下的团队和网格分解目标');
    }
    const _id = `${input.unitId}|${input.period}|${input.metric}`;
    if (unit.parentId && !RATIO_INDICATORS.includes(input.metric)) {
      const parent = await getDoc<{ value: number }>(ctx.db, 'targets', `${unit.parentId}|${input.period}|${input.metric}`);
      if (parent) {
        const _ = ctx.db.command;
        const siblings = (await ctx.db.collection('units').where({ parentId: unit.parentId, _id: _.neq(unit._id) }).limit(1000).get()).data as { _id: string }[];
        const ids = siblings.map((s) => `${s._id}|${input.period}|${input.metric}`);
        const set = ids.length ? ((await ctx.db.collection('targets').where({ _id: _.in(ids) }).limit(1000).get()).data as { value: number }[]) : [];
        const others = set.reduce((a, t) => a + t.value, 0);
        if (others + input.value > parent.value) {
          throw fieldError('value', `超过上级目标：上级 ${parent.value}，其他下级已分 ${others}，最多还可分 ${Math.max(0, parent.value - others)}`, 'TARGET.OVER_PARENT');
        }
      }
    }
    const before = await getDoc<{ value: number }>(ctx.db, 'targets', _id);
    // Setting the same target twice leaves one document: the id is the unit, period and metric.
    await ctx.db.collection('targets').doc(_id).set({
      data: { unitId: input.unitId, period: input.period, metric: input.metric, value: input.value, byStaffId: ctx.caller.staffId, updatedAt: ctx.now },
    });
    if (before?.value !== input.value) {
      await auditLog(ctx.db, ctx.caller, 'target-set', { collection: 'targets', id: _id }, { unitId: input.unitId, period: input.period, metric: input.metric, before: before?.value ?? null, after: input.value }, ctx.now, unit.unitPath);
    }
    return { id: _id, unitId: input.unitId, period: input.period, metric: input.metric, value: input.value };
  },
});
