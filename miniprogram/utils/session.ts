import { STORAGE_KEYS } from '../config';
import { fetchMe, type Me } from '../api/user.api';
import { ServiceError } from './errors';
import { chinaDay } from '../vendor/shared';

let me: Me | null = null;

/** The signed-in staff member, fetched once per launch; sends unbound users to the binding page. */
export async function requireMe(): Promise<Me> {
  if (me) return me;
  try {
    me = await fetchMe();
    wx.setStorageSync(STORAGE_KEYS.profile, me);
    return me;
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'UNAUTHENTICATED') wx.reLaunch({ url: '/pages/login/index' });
    // Offline in the field: the profile from the last launch is good enough to stamp photos and queue visits.
    const cached = wx.getStorageSync(STORAGE_KEYS.profile) as Me | '';
    if (err instanceof ServiceError && err.code === 'NETWORK' && cached) return (me = cached);
    throw err;
  }
}

/** Replaces the cached profile (after binding). */
export function setMe(value: Me | null): void {
  me = value;
  if (value) wx.setStorageSync(STORAGE_KEYS.profile, value);
  else wx.removeStorageSync(STORAGE_KEYS.profile);
}

/** True for the roles that see dashboards of more than one grid. */
export function isManager(role: Me['role']): boolean {
  return role === 'hq' || role === 'branch' || role === 'leader';
}

/**
 * The day the bank's records run to (`me.bankDay`: today, or a demo bank's fixed as-of day); screens open
 * their periods on it. A profile cached by an older version has none: today then.
 */
export function bankDayOf(value: Pick<Me, 'bankDay'> | null | undefined): string {
  return value?.bankDay && /^\d{4}-\d{2}-\d{2}$/.test(value.bankDay) ? value.bankDay : chinaDay();
}
