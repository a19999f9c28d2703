import { bindInput } from '../../../shared/contracts/user.contract';
import {
  AppError,
  type StaffDoc,
  auditLog,
  callerFromStaff,
  definePublicAction,
  fieldError,
  getDb,
  getDoc,
  hashPi,
  isDuplicateKey,
  inTransaction,
  recordStaffChange,
} from '../../../server';
import { buildProfile } from '../user.service';

interface BindAttempts {
  _id: string;
  count: number;
  firstAt: Date;
  lockedUntil: Date | null;
}

/**
 * `bind`: the first call from WeChat with a one-time code binds the caller's OPENID to that staff record.
 * The code is stored only as a keyed hash, expires, works once. Guessing is bounded twice: five wrong codes
 * lock the OPENID out for a while, and wrong codes bank-wide are counted per hour, so rotating OPENIDs
 * (every new WeChat account is a new one) cannot try more than `bindMaxWrongPerHour` codes an hour in all.
 * Either lock refuses a right code too (RATE_LIMITED), so a locked caller learns nothing from an answer.
 */
export const bind = definePublicAction({
  schema: bindInput,
  async handler(input, ctx) {
    const { db, openid, now } = ctx;
    if (!openid) throw new AppError('UNAUTHENTICATED', '无法识别微信身份', { reason: 'USER.NO_OPENID' });
    if (ctx.caller) throw new AppError('CONFLICT', '该微信已绑定员工账号，如需更换请联系总行解绑', { reason: 'USER.ALREADY_BOUND' });
    const settings = await ctx.settings();
    const attemptsId = hashPi(`bind:${openid}`);
    const hourId = wrongHourId(now);
    const [attempts, hour] = await Promise.all([getDoc<BindAttempts>(db, 'bindAttempts', attemptsId), getDoc<{ count: number }>(db, 'bindAttempts', hourId)]);
    if (attempts?.lockedUntil && new Date(attempts.lockedUntil).getTime() > now.getTime()) {
      throw new AppError('RATE_LIMITED', '绑定码错误次数过多，请稍后再试', {
        reason: 'USER.BIND_LOCKED',
        details: { retryAfter: new Date(attempts.lockedUntil).toISOString() },
      });
    }
    if ((hour?.count ?? 0) >= settings.bindMaxWrongPerHour) {
      throw new AppError('RATE_LIMITED', '绑定请求过多，请稍后再试', {
        reason: 'USER.BIND_BUSY',
        details: { retryAfter: new Date(Math.floor(now.getTime() / 3600000) * 3600000 + 3600000).toISOString() },
      });
    }

    const codeHash = hashPi(`bindcode:${input.code}`);
    const found = await db.collection('staff').where({ bindCodeHash: codeHash }).limit(1).get();
    const staff = found.data[0] as StaffDoc | undefined;
    const usable =
      staff && staff.status === 'active' && !staff.openid && staff.bindCodeExpiresAt && new Date(staff.bindCodeExpiresAt).getTime() > now.getTime();
    if (!usable) {
      await countWrongTry(ctx.db, attemptsId, attempts, now, settings.bindMaxWrongTries, settings.bindLockMinutes);
      await countWrongHour(ctx.db, hourId, now);
      throw fieldError('code', '绑定码无效或已过期', 'USER.BIND_CODE_INVALID');
    }

    const bound = await inTransaction(db, async (tx) => {
      const current = await getDoc<StaffDoc>(tx, 'staff', staff._id);
      // Re-checked inside the transaction: two phones racing with one code bind once.
      if (!current || current.bindCodeHash !== codeHash || current.openid || current.status !== 'active') {
        throw fieldError('code', '绑定码已被使用', 'USER.BIND_CODE_USED');
      }
      await tx.collection('staff').doc(current._id).update({ data: { openid, bindCodeHash: null, bindCodeExpiresAt: null, updatedAt: now } });
      await recordStaffChange(tx, { staffId: current._id, change: 'bind', before: { isBound: false }, after: { isBound: true }, by: { staffId: current._id }, at: now });
      await auditLog(tx, { staffId: current._id, unitPath: current.unitPath }, 'bind', { collection: 'staff', id: current._id }, {}, now);
      return { ...current, openid, bindCodeHash: null, bindCodeExpiresAt: null, updatedAt: now };
    });
    if (attempts) await db.collection('bindAttempts').doc(attemptsId).remove();
    return buildProfile(db, await callerFromStaff(db, bound, openid));
  },
});

/** Counts a wrong code; the `max`-th within the window locks the OPENID for `lockMinutes`. */
async function countWrongTry(
  db: Parameters<typeof getDoc>[0],
  id: string,
  prev: BindAttempts | null,
  now: Date,
  max: number,
  lockMinutes: number,
): Promise<void> {
  const windowMs = lockMinutes * 60000;
  const fresh = !prev || now.getTime() - new Date(prev.firstAt).getTime() > windowMs;
  const count = fresh ? 1 : prev.count + 1;
  const doc = {
    count,
    firstAt: fresh ? now : prev.firstAt,
    lockedUntil: count >= max ? new Date(now.getTime() + windowMs) : null,
  };
  await db.collection('bindAttempts').doc(id).set({ data: doc });
}

/** The bank-wide counter of wrong codes in the hour of `now` (UTC hours; written only by wrong codes). */
function wrongHourId(now: Date): string {
  return `wrong:${now.toISOString().slice(0, 13)}`;
}

/** Counts one wrong code bank-wide in this hour: an atomic increment, the document made by the first. */
async function countWrongHour(db: Parameters<typeof getDoc>[0], id: string, now: Date): Promise<void> {
  const _ = getDb().command;
  const res = await db.collection('bindAttempts').doc(id).update({ data: { count: _.inc(1) } });
  if (res.stats.updated === 0) {
    try {
      await db.collection('bindAttempts').add({ data: { _id: id, count: 1, hour: now.toISOString().slice(0, 13) } });
    } catch (err) {
      // Another wrong code made it first: count on it.
      if (!isDuplicateKey(err)) throw err;
      await db.collection('bindAttempts').doc(id).update({ data: { count: _.inc(1) } });
    }
  }
}
