import { type RouteOutput, type RouteStopOut, routeInput } from '../../../shared/contracts/visit.contract';
import { AppError, defineAction, isInScope, loadBankDay } from '../../../server';
import { type MerchantDoc, pointOut } from '../../../server/merchant';
import type { LngLat } from '../../../shared/domain/geo.rules';
import { hasRole } from '../../../shared/domain/roles';
import { toDay } from '../../../shared/domain/period.rules';
import { REVISIT_CLASSES, ROUTE_ROLES, isRevisitDue, planRoute, walkingMeters } from '../../../shared/domain/route.rules';
import { isOverdue } from '../../../shared/domain/visit.rules';
import type { TaskDoc } from '../visit.service';

/** Roles that do revisits (docs/domain.md §5) and so get the merchants due one on their route. */
const REVISIT_ROLES = ['member', 'maintenance'];

/**
 * `route`: the caller's due stops for a day as a walk from where they stand (unplanned when no start is given). Reads: open tasks assigned to
 * the caller due by the day (index assigneeId/status/dueDay/_id), those tasks' merchants by id, and the
 * acquiring merchants of the caller's grids (index gridId/lifecycleClass) not revisited this month; each
 * read bounded by `limit`. Every stop is in the caller's scope; closed or moved merchants are left out.
 */
export const route = defineAction({
  schema: routeInput,
  async handler(input, ctx): Promise<RouteOutput> {
    const { db, caller } = ctx;
    const _ = db.command;
    if (!hasRole(caller.role, ROUTE_ROLES)) throw new AppError('FORBIDDEN', '只有网格员和助理有走访路线', { reason: 'ROLE.NOT_ALLOWED' });
    // The day planned, when none is asked, is the bank's day (today, or a demo bank's fixed as-of day): due
    // tasks, overdue marks and this month's revisits all count from it, not from the server's clock.
    const day = input.day ?? (await loadBankDay(db, ctx.now));
    const limit = input.limit ?? 60;

    const taskRes = await db
      .collection('tasks')
      .where({ assigneeId: caller.staffId, status: 'open', dueDay: _.lte(day) })
      .orderBy('dueDay', 'asc')
      .orderBy('_id', 'asc')
      .limit(limit + 1)
      .get();
    const tasks = (taskRes.data as TaskDoc[]).filter((t) => isInScope(caller, t.unitPath));
    let truncated = taskRes.data.length > limit;

    // One stop per merchant, in the order first found: tasks by due day, then revisits.
    const stops = new Map<string, RouteStopOut>();
    const merchantIds = [...new Set(tasks.slice(0, limit).map((t) => t.merchantId))];
    const byId = new Map<string, MerchantDoc>();
    if (merchantIds.length) {
      const res = await db.collection('merchants').where({ _id: _.in(merchantIds) }).limit(merchantIds.length).get();
      for (const m of res.data as MerchantDoc[]) byId.set(m._id, m);
    }
    const addStop = (m: MerchantDoc): RouteStopOut | null => {
      if (m.archived || !isInScope(caller, m.unitPath)) return null;
      let s = stops.get(m._id);
      if (!s) {
        s = { merchantId: m._id, name: m.name, gridId: m.gridId, address: m.address?.text ?? null, location: pointOut(m.location), tasks: [], revisitDue: false, legM: null };
        stops.set(m._id, s);
      }
      return s;
    };
    for (const t of tasks.slice(0, limit)) {
      const m = byId.get(t.merchantId);
      const s = m ? addStop(m) : null;
      s?.tasks.push({ id: t._id, kind: t.kind, check: t.check ?? null, dueDay: t.dueDay, isOverdue: isOverdue(t.dueDay, day) });
    }

    if (REVISIT_ROLES.includes(caller.role) && caller.gridIds.length) {
      const monthStart = new Date(`${day.slice(0, 7)}-01T00:00:00+08:00`);
      // The task stops may come back among them, so read past them: at most 2 × limit + 1 documents.
      const res = await db
        .collection('merchants')
        .where(_.and([
          { gridId: _.in(caller.gridIds), lifecycleClass: _.in([...REVISIT_CLASSES]) },
          _.or([{ lastRevisitAt: _.lt(monthStart) }, { lastRevisitAt: _.exists(false) }]),
        ]))
        .limit(limit + stops.size + 1)
        .get();
      for (const m of res.data as MerchantDoc[]) {
        if (!isRevisitDue({ lifecycleClass: m.lifecycleClass, lastRevisitDay: toDay(m.lastRevisitAt as Date | undefined) }, day)) continue;
        if (!stops.has(m._id) && stops.size >= limit) {
          truncated = true;
          break;
        }
        const s = addStop(m);
        if (s) s.revisitDue = true;
      }
    }

    const all = [...stops.values()];
    const placed = all.filter((s) => s.location);
    const unlocated = all.filter((s) => !s.location);
    // No start (the caller's location refused): the day's stops still, in the order found, unplanned.
    if (!input.from) return { day, from: null, stops: placed, unlocated, distanceM: null, naiveDistanceM: null, truncated };
    const from: LngLat = [input.from.lng, input.from.lat];
    const points = placed.map((s): LngLat => [s.location!.lng, s.location!.lat]);
    const plan = planRoute(from, points);
    let at = from;
    const ordered = plan.order.map((i) => {
      const leg = Math.round(walkingMeters(at, points[i]));
      at = points[i];
      return { ...placed[i], legM: leg };
    });
    return {
      day,
      from: { lng: input.from.lng, lat: input.from.lat },
      stops: ordered,
      unlocated,
      distanceM: Math.round(plan.distanceM),
      naiveDistanceM: Math.round(plan.naiveDistanceM),
      truncated,
    };
  },
});
