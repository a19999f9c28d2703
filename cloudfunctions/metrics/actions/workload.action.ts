import { type WorkloadRow, type WorkloadView, workloadInput } from '../../../shared/contracts/metrics.contract';
import { VISIT_TYPES } from '../../../shared/domain/visit.rules';
import { addDays, daysBetween, monthEnd, monthsOf } from '../../../shared/domain/period.rules';
import { defineAction, fieldError, forbidden, getDoc, isInScope } from '../../../server';
import { type OwnerDocs, dayMonthsFor, flowOver, loadOwnerDocs, staffOwner } from '../../../server/rollup';
import { resolveTarget } from '../metrics.service';

function rowFrom(key: string, flow: Record<string, number>): WorkloadRow {
  const byType = Object.fromEntries(VISIT_TYPES.map((t) => [t, { total: flow[`v_${t}`] ?? 0, flagged: flow[`vf_${t}`] ?? 0 }])) as WorkloadRow['byType'];
  return { key, byType, total: VISIT_TYPES.reduce((a, t) => a + byType[t].total, 0), flagged: VISIT_TYPES.reduce((a, t) => a + byType[t].flagged, 0) };
}

/**
 * `workload`: visits per day, month or year by type, flagged ones apart, for one staff member (default the
 * caller), or for every staff member of a unit (the grid leader's team view). From the roll-ups only.
 */
export const workload = defineAction({
  schema: workloadInput,
  async handler(input, ctx): Promise<WorkloadView> {
    const p = input.period;
    const minYear = p.start.slice(0, 4);
    if (input.unitId && !input.staffId) {
      const target = await resolveTarget(ctx, { unitId: input.unitId });
      const docs = await loadOwnerDocs(ctx.db, { ownerType: 'staff', path: target.ref.id }, minYear, dayMonthsFor([], [p]));
      const rows = [...docs.values()]
        .map((o) => ({ ...rowFrom(o.meta.ownerId, flowOver(o, p.start, p.end)), staffId: o.meta.ownerId, name: o.meta.name, role: o.meta.kind }))
        .sort((a, b) => b.total - a.total);
      return { period: p, team: { unitId: target.ref.id, rows } };
    }
    const staffId = input.staffId ?? ctx.caller.staffId;
    const staff = await getDoc<any>(ctx.db, 'staff', staffId);
    if (!staff) throw fieldError('staffId', '员工不存在', 'STAFF.NOT_FOUND');
    // Anyone may see their own workload; others only within their scope (home unit or assigned grids).
    if (staffId !== ctx.caller.staffId && !isInScope(ctx.caller, staff.unitPath) && !isInScope(ctx.caller, staff.gridIds)) throw forbidden();
    const len = daysBetween(p.start, p.end) + 1;
    const grain: 'day' | 'month' | 'year' = len <= 62 ? 'day' : len <= 1100 ? 'month' : 'year';
    const docs = await loadOwnerDocs(ctx.db, { owner: staffOwner(staffId) }, minYear, grain === 'day' ? monthsOf(p) : dayMonthsFor([], [p]));
    const o: OwnerDocs | undefined = docs.get(staffOwner(staffId));
    const rows: WorkloadRow[] = [];
    const flowOf = (from: string, to: string) => (o ? flowOver(o, from, to) : {});
    if (grain === 'day') for (let d = p.start; d <= p.end; d = addDays(d, 1)) rows.push(rowFrom(d, flowOf(d, d)));
    else if (grain === 'month') {
      for (const m of monthsOf(p)) {
        const from = `${m}-01` < p.start ? p.start : `${m}-01`;
        const to = monthEnd(m) > p.end ? p.end : monthEnd(m);
        rows.push(rowFrom(m, flowOf(from, to)));
      }
    } else {
      for (let y = Number(p.start.slice(0, 4)); y <= Number(p.end.slice(0, 4)); y++) {
        const from = `${y}-01-01` < p.start ? p.start : `${y}-01-01`;
        const to = `${y}-12-31` > p.end ? p.end : `${y}-12-31`;
        rows.push(rowFrom(String(y), flowOf(from, to)));
      }
    }
    return {
      period: p,
      staff: { id: staffId, name: staff.name, role: staff.role, grain, rows, totals: rowFrom('total', flowOf(p.start, p.end)) },
    };
  },
});
