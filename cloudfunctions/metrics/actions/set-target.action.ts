import { setTargetInput } from '../../../shared/contracts/metrics.contract';
import { defineAction, fieldError, getDoc } from '../../../server';

/** `setTarget` (head office): the target of one indicator for a unit and a day, month or year. */
export const setTarget = defineAction({
  schema: setTargetInput,
  roles: ['hq'],
  async handler(input, ctx) {
    const unit = await getDoc<any>(ctx.db, 'units', input.unitId);
    if (!unit) throw fieldError('unitId', '单位不存在', 'UNIT.NOT_FOUND');
    const _id = `${input.unitId}|${input.period}|${input.metric}`;
    // Setting the same target twice leaves one document: the id is the unit, period and metric.
    await ctx.db.collection('targets').doc(_id).set({
      data: { unitId: input.unitId, period: input.period, metric: input.metric, value: input.value, byStaffId: ctx.caller.staffId, updatedAt: ctx.now },
    });
    return { id: _id, unitId: input.unitId, period: input.period, metric: input.metric, value: input.value };
  },
});
