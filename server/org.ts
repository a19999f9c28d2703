import { type Caller, type StaffDoc, staffPlace } from './caller';
import type { StaffOut } from '../shared/contracts/org.contract';
import { type Db, type Tx, getDb } from './db';
import { newId } from './ids';

/** A unit document (bank → branch → group → grid). */
export interface UnitDoc {
  _id: string;
  kind: 'bank' | 'branch' | 'group' | 'grid';
  name: string;
  code?: string;
  parentId: string | null;
  unitPath: string[];
  area: 'city' | 'township' | null;
  township?: string;
  boundary?: [number, number][] | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Loads units by id (missing ones are absent from the map). */
export async function loadUnits(db: Db, ids: readonly string[]): Promise<Map<string, UnitDoc>> {
  const unique = [...new Set(ids)].filter(Boolean);
  const out = new Map<string, UnitDoc>();
  for (let i = 0; i < unique.length; i += 100) {
    const slice = unique.slice(i, i + 100);
    const res = await db.collection('units').where({ _id: getDb().command.in(slice) }).limit(1000).get();
    for (const u of res.data as UnitDoc[]) out.set(u._id, u);
  }
  return out;
}

/** The bank's root unit (head office's default scope), or null before the bank is set up. */
export async function bankUnit(db: Db): Promise<UnitDoc | null> {
  const res = await db.collection('units').where({ kind: 'bank' }).limit(1).get();
  return ((res.data as UnitDoc[])[0] ?? null);
}

/** The staff record as clients see it (the contract's StaffOut): personal information masked, no binding secrets. */
export type StaffView = StaffOut;

/** Masks a staff record for display. */
export function staffView(s: StaffDoc): StaffView {
  return {
    id: s._id,
    ...staffPlace(s),
    mobile: s.mobile?.masked ?? null,
    isBound: Boolean(s.openid),
    status: s.status,
    bindCodeExpiresAt: s.bindCodeHash && s.bindCodeExpiresAt ? iso(s.bindCodeExpiresAt) : null,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** ISO text of a stored Date (or null). */
export function iso(d: unknown): string | null {
  if (d instanceof Date) return d.toISOString();
  if (typeof d === 'string' || typeof d === 'number') {
    const t = new Date(d);
    return Number.isNaN(t.getTime()) ? null : t.toISOString();
  }
  return null;
}

export type StaffChange = 'create' | 'bind' | 'unbind' | 'bind-code' | 'move' | 'grids' | 'role' | 'scope' | 'disable' | 'enable';

/** Appends one entry to `staffHistory` (inside the transaction of the change). */
export async function recordStaffChange(
  tx: Tx,
  entry: { staffId: string; change: StaffChange; before: unknown; after: unknown; by: Pick<Caller, 'staffId'> | null; at: Date; reason?: string },
): Promise<void> {
  await tx.collection('staffHistory').add({
    data: {
      _id: newId(),
      staffId: entry.staffId,
      change: entry.change,
      before: entry.before ?? null,
      after: entry.after ?? null,
      byStaffId: entry.by?.staffId ?? null,
      at: entry.at,
      ...(entry.reason ? { reason: entry.reason } : {}),
    },
  });
}
