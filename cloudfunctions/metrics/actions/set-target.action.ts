import { setTargetInput } from '../../../shared/contracts/metrics.contract';
import { RATIO_INDICATORS } from '../../../shared/domain/metrics.rules';
import { type UnitDoc, assertInScope, auditLog, defineAction, fieldError, forbidden, getDoc, inTransaction } from '../../../server';

interface TargetDoc {
  value: number;
  /** bumped by every split of this target over its unit's children (see below) */
  splitRev?: number;
}

/**
 * `setTarget`: the target of one indicator for a unit and a day, month or year. Head office sets any unit's;
 * a branch manager splits its branch's target over the groups and grids under it (not its own branch's).
 * For counted indicators (not ratios) the targets of a parent's children together may not exceed the
 * parent's target once it has one. The check and the write are one transaction that also writes the
 * parent's target (`splitRev`): two splits saved at once under the same parent both write it, so one of
 * them conflicts and is retried from its first read, where it sees the other's share (snapshot reads
 * alone would let both pass). Audited.
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
    const _ = ctx.db.command;
    const key = (unitId: string) => `${unitId}|${input.period}|${input.metric}`;
    const _id = key(input.unitId);
    const capped = Boolean(unit.parentId) && !RATIO_INDICATORS.includes(input.metric);
    // The siblings change with the unit tree, not with targets: read before the transaction (which reads documents only).
    const siblings = capped ? ((await ctx.db.collection('units').where({ parentId: unit.parentId, _id: _.neq(unit._id) }).field({ _id: true }).limit(1000).get()).data as { _id: string }[]) : [];
    await inTransaction(ctx.db, async (tx) => {
      if (capped) {
        const parentId = key(unit.parentId as string);
        const parent = await getDoc<TargetDoc>(tx, 'targets', parentId);
        if (parent) {
          const set = await Promise.all(siblings.map((s) => getDoc<TargetDoc>(tx, 'targets', key(s._id))));
          const others = set.reduce((a, t) => a + (t?.value ?? 0), 0);
          if (others + input.value > parent.value) {
            throw fieldError('value', `超过上级目标：上级 ${parent.value}，其他下级已分 ${others}，最多还可分 ${Math.max(0, parent.value - others)}`, 'TARGET.OVER_PARENT');
          }
          await tx.collection('targets').doc(parentId).update({ data: { splitRev: _.inc(1) } });
        }
      }
      const prior = await getDoc<TargetDoc>(tx, 'targets', _id);
      // Setting the same target twice leaves one document: the id is the unit, period and metric.
      await tx.collection('targets').doc(_id).set({
        data: { unitId: input.unitId, period: input.period, metric: input.metric, value: input.value, byStaffId: ctx.caller.staffId, updatedAt: ctx.now, ...(prior?.splitRev ? { splitRev: prior.splitRev } : {}) },
      });
      if (prior?.value !== input.value) {
        await auditLog(tx, ctx.caller, 'target-set', { collection: 'targets', id: _id }, { unitId: input.unitId, period: input.period, metric: input.metric, before: prior?.value ?? null, after: input.value }, ctx.now, unit.unitPath);
      }
    });
    return { id: _id, unitId: input.unitId, period: input.period, metric: input.metric, value: input.value };
  },
});
