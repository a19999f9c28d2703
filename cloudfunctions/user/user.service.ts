import { ROLE_LABELS } from '../../shared/domain/roles';
import type { MeOutput, UnitRef } from '../../shared/contracts/user.contract';
import { type Caller, type Db, type UnitDoc, iso, loadBankDay, loadSettings, loadUnits } from '../../server';

function ref(u: UnitDoc): UnitRef {
  return { id: u._id, name: u.name, kind: u.kind };
}

/** Builds the caller's profile: role, home unit and its path, assigned grids (names resolved). */
export async function buildProfile(db: Db, caller: Caller, now: Date = new Date()): Promise<MeOutput> {
  const s = caller.staff;
  const [units, day, settings] = await Promise.all([loadUnits(db, [...caller.unitPath, caller.unitId, ...caller.gridIds]), loadBankDay(db, now), loadSettings(db)]);
  const unit = units.get(caller.unitId);
  return {
    staffId: caller.staffId,
    name: caller.name,
    role: caller.role,
    roleLabel: ROLE_LABELS[caller.role],
    mobile: s.mobile?.masked ?? null,
    unit: unit ? ref(unit) : null,
    unitPath: caller.unitPath.map((id) => units.get(id)).filter((u): u is UnitDoc => Boolean(u)).map(ref),
    grids: caller.gridIds.map((id) => units.get(id)).filter((u): u is UnitDoc => Boolean(u)).map(ref),
    scope: caller.scope,
    privacyAcceptedAt: iso(s.privacyAcceptedAt),
    privacyVersion: s.privacyVersion ?? null,
    bankDay: day,
    // Head office's setting, read as revealPi reads it: the screens offer the full view only where it is allowed.
    canRevealPi: settings.piRevealRoles.includes(caller.role),
  };
}
