import type { Caller } from './caller';
import { forbidden } from './errors';
import { type Db, getAll, getDb } from './db';

/** True when a document at `unitPath` lies inside the caller's scope (its path crosses a scope unit). */
export function isInScope(caller: Pick<Caller, 'scope'>, unitPath: readonly string[] | undefined | null): boolean {
  if (caller.scope === 'all') return true;
  if (!unitPath || unitPath.length === 0) return false;
  const scope = caller.scope;
  return unitPath.some((u) => scope.includes(u));
}

/** Throws FORBIDDEN unless `unitPath` is inside the caller's scope. */
export function assertInScope(caller: Pick<Caller, 'scope'>, unitPath: readonly string[] | undefined | null): void {
  if (!isInScope(caller, unitPath)) throw forbidden();
}

/**
 * The where-clause restricting a list to the caller's scope: `{}` for head office, otherwise
 * `{ [field]: in(scope units) }`, which on the `unitPath` array matches any document under a scope unit.
 */
export function scopeFilter(caller: Pick<Caller, 'scope'>, field = 'unitPath'): Record<string, unknown> {
  if (caller.scope === 'all') return {};
  return { [field]: getDb().command.in(caller.scope) };
}

/**
 * The grids inside the caller's scope ('all' for head office): the scope's units that are grids and every
 * grid under a scope unit. Used where a record names grids rather than carrying a unit path (a staff
 * member's assigned grids, a market's grids).
 */
export async function scopeGridIds(db: Db, caller: Pick<Caller, 'scope'>): Promise<'all' | string[]> {
  if (caller.scope === 'all') return 'all';
  const grids = await getAll<{ _id: string }>(db, 'units', { unitPath: db.command.in(caller.scope), kind: 'grid' }, 10000);
  return [...new Set([...grids.map((g) => g._id)])];
}
