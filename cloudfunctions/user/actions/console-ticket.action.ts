import { randomBytes } from 'node:crypto';
import {
  confirmConsoleTicketInput,
  issueConsoleTicketInput,
  pollConsoleTicketInput,
  revokeConsoleTicketInput,
  type ConsolePerson,
  type ConsoleTicketState,
  type ConsoleTicketView,
} from '../../../shared/contracts/user.contract';
import {
  CONSOLE_TICKET_TTL_S,
  CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE,
  CONSOLE_TICKETS_PER_MINUTE,
  consoleQrText,
  consoleSessionEnd,
  consoleTicketStatus,
  mayUseConsole,
} from '../../../shared/domain/console.rules';
import { ROLE_LABELS } from '../../../shared/domain/roles';
import { AppError, type Db, type StaffDoc, type Tx, auditLog, defineAction, definePublicAction, getDoc, hashPi, inTransaction } from '../../../server';
import { cloudLoginTicket, customUserIdOf, webCaller } from '../../../server/console-login';
import { takeMinuteQuota } from '../../../server/quota';

/** A stored ticket (collection `consoleTickets`, `_id` the keyed hash of the ticket). */
interface ConsoleTicketDoc {
  _id: string;
  status: 'pending' | 'confirmed' | 'used' | 'revoked';
  createdAt: Date;
  expiresAt: Date;
  staffId: string | null;
  confirmedAt: Date | null;
  usedAt: Date | null;
  revokedAt: Date | null;
}

const TICKETS = 'consoleTickets';
const iso = (d: Date | string) => new Date(d).toISOString();
const idOf = (ticket: string) => hashPi(`console-ticket:${ticket}`);

async function loadTicket(db: Db | Tx, ticket: string): Promise<ConsoleTicketDoc> {
  const doc = await getDoc<ConsoleTicketDoc>(db, TICKETS, idOf(ticket));
  if (!doc) throw new AppError('NOT_FOUND', '二维码无效，请在电脑上刷新二维码', { reason: 'CONSOLE.TICKET_NOT_FOUND' });
  return doc;
}

async function personOf(db: Db | Tx, staffId: string | null): Promise<ConsolePerson | null> {
  if (!staffId) return null;
  const s = await getDoc<StaffDoc>(db, 'staff', staffId);
  return s ? { staffId: s._id, name: s.name, role: s.role, roleLabel: ROLE_LABELS[s.role] } : null;
}

/** Refuses a ticket that can no longer be confirmed, with the sentence its state calls for. */
function assertConfirmable(doc: ConsoleTicketDoc, now: Date): void {
  const status = consoleTicketStatus(doc, now);
  if (status === 'expired') throw new AppError('CONFLICT', '二维码已过期，请在电脑上刷新二维码后重新扫码', { reason: 'CONSOLE.TICKET_EXPIRED' });
  if (status === 'revoked') throw new AppError('CONFLICT', '该登录请求已取消，请在电脑上刷新二维码', { reason: 'CONSOLE.TICKET_REVOKED' });
  if (status === 'confirmed' || status === 'used') throw new AppError('CONFLICT', '该二维码已用于登录，不能再次使用', { reason: 'CONSOLE.TICKET_USED' });
}

/**
 * Who asks for a ticket, as the platform tells it (never the event): the mini program's OPENID; else the
 * web login's user id (on CloudBase the console signs in anonymously before it has a person, one login per
 * browser; locally the gateway's client cookie stands for it); else the client's address. The address is
 * also counted for every console behind it. A call naming no client at all is not a client's (CloudBase's
 * web SDK calls only with a login, anonymous at least): another function, or a script on the local engine.
 */
function ticketRequesters(openid: string): { id: string; limit: number }[] {
  if (openid) return [{ id: `openid:${openid}`, limit: CONSOLE_TICKETS_PER_MINUTE }];
  const web = webCaller();
  const out: { id: string; limit: number }[] = [];
  if (web.uid) out.push({ id: `uid:${web.uid}`, limit: CONSOLE_TICKETS_PER_MINUTE });
  if (web.sourceIp) out.push({ id: `ip:${web.sourceIp}`, limit: web.uid ? CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE : CONSOLE_TICKETS_PER_MINUTE });
  return out;
}

/** Refuses a ticket past CONSOLE_TICKETS_PER_MINUTE for this console, or the address's share (counters keyed by hash). */
async function takeTicketQuota(db: Db, openid: string, now: Date): Promise<void> {
  for (const r of ticketRequesters(openid)) {
    const retryAfter = await takeMinuteQuota(db, `console-ticket:${hashPi(`console-ticket:${r.id}`)}`, 'console-ticket', r.limit, now);
    if (retryAfter) {
      throw new AppError('RATE_LIMITED', `刷新登录二维码过于频繁（每分钟最多 ${r.limit} 次），请稍等一分钟再试`, {
        reason: 'CONSOLE.TICKET_RATE',
        details: { limit: r.limit, retryAfter: retryAfter.toISOString() },
      });
    }
  }
}

/**
 * `issueConsoleTicket` (public: the console before anyone is signed in): a fresh ticket of 192 random bits
 * that lives CONSOLE_TICKET_TTL_S seconds. Only its keyed hash is stored, so the database cannot sign anyone in.
 * At most CONSOLE_TICKETS_PER_MINUTE a minute per console (and CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE per
 * address): past that, RATE_LIMITED with CONSOLE.TICKET_RATE and when to try again (`details.retryAfter`).
 */
export const issueConsoleTicket = definePublicAction({
  schema: issueConsoleTicketInput,
  async handler(_input, ctx): Promise<ConsoleTicketView> {
    await takeTicketQuota(ctx.db, ctx.openid, ctx.now);
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = new Date(ctx.now.getTime() + CONSOLE_TICKET_TTL_S * 1000);
    const doc: ConsoleTicketDoc = { _id: idOf(ticket), status: 'pending', createdAt: ctx.now, expiresAt, staffId: null, confirmedAt: null, usedAt: null, revokedAt: null };
    await ctx.db.collection(TICKETS).add({ data: doc });
    return { ticket, qrText: consoleQrText(ticket), expiresAt: expiresAt.toISOString(), ttlS: CONSOLE_TICKET_TTL_S };
  },
});

/**
 * `confirmConsoleTicket` (a bound person, in the mini program after scanning the console's code): signs the
 * console in as the caller. Only head office and branch roles may (CONSOLE.ROLE_NOT_ALLOWED, before the
 * ticket is read); the ticket must be pending and in time, and is confirmed once (inside a transaction, so
 * two phones racing on one code confirm one of them).
 */
export const confirmConsoleTicket = defineAction({
  schema: confirmConsoleTicketInput,
  async handler(input, ctx): Promise<ConsoleTicketState> {
    // Confirmed on a phone only: a console's own login (no OPENID) cannot sign in another browser, so a
    // session never outlives its 8 hours by minting the next one.
    if (!ctx.openid) throw new AppError('FORBIDDEN', '请用小程序扫码确认登录', { reason: 'CONSOLE.SCAN_REQUIRED' });
    if (!mayUseConsole(ctx.caller.role)) {
      throw new AppError('FORBIDDEN', `控制台仅供总行和支行人员使用，${ROLE_LABELS[ctx.caller.role]}请在小程序里办理`, { reason: 'CONSOLE.ROLE_NOT_ALLOWED' });
    }
    const confirmed = await inTransaction(ctx.db, async (tx) => {
      const doc = await loadTicket(tx, input.ticket);
      assertConfirmable(doc, ctx.now);
      await tx.collection(TICKETS).doc(doc._id).update({ data: { status: 'confirmed', staffId: ctx.caller.staffId, confirmedAt: ctx.now } });
      await auditLog(tx, ctx.caller, 'console-sign-in', { collection: TICKETS, id: doc._id }, { step: 'confirmed' }, ctx.now);
      return { ...doc, status: 'confirmed' as const, staffId: ctx.caller.staffId };
    });
    return {
      status: 'confirmed',
      expiresAt: iso(confirmed.expiresAt),
      person: { staffId: ctx.caller.staffId, name: ctx.caller.name, role: ctx.caller.role, roleLabel: ROLE_LABELS[ctx.caller.role] },
      session: null,
    };
  },
});

/**
 * `pollConsoleTicket` (public: the console holding the ticket, every second or two): where the ticket
 * stands. The first poll that finds it confirmed turns it into a session (the ticket becomes `used`) and
 * is the only answer carrying `session`; every later poll answers `used` without it. The person is checked
 * again here: disabled, or moved to a role the console does not serve, since the scan, and no session is made.
 */
export const pollConsoleTicket = definePublicAction({
  schema: pollConsoleTicketInput,
  async handler(input, ctx): Promise<ConsoleTicketState> {
    const doc = await loadTicket(ctx.db, input.ticket);
    const status = consoleTicketStatus(doc, ctx.now);
    if (status !== 'confirmed') return { status, expiresAt: iso(doc.expiresAt), person: null, session: null };
    const sessionEnd = consoleSessionEnd(ctx.now);
    const taken = await inTransaction(ctx.db, async (tx) => {
      const current = await getDoc<ConsoleTicketDoc>(tx, TICKETS, doc._id);
      if (!current || consoleTicketStatus(current, ctx.now) !== 'confirmed') return null;
      const staff = current.staffId ? await getDoc<StaffDoc>(tx, 'staff', current.staffId) : null;
      const usable = !!staff && staff.status === 'active' && !!staff.openid && mayUseConsole(staff.role);
      await tx.collection(TICKETS).doc(doc._id).update({ data: usable ? { status: 'used', usedAt: ctx.now } : { status: 'revoked', revokedAt: ctx.now } });
      if (!usable) return null;
      // The custom login this session gets on CloudBase names the person by this id (server/console-login.ts);
      // the router finds them by it. Deterministic, so written once per person.
      const consoleUserId = customUserIdOf(staff._id);
      if (staff.consoleUserId !== consoleUserId) await tx.collection('staff').doc(staff._id).update({ data: { consoleUserId } });
      await auditLog(tx, { staffId: staff._id }, 'console-sign-in', { collection: TICKETS, id: doc._id }, { step: 'session', until: sessionEnd.toISOString() }, ctx.now);
      return staff;
    });
    if (!taken) {
      const again = await loadTicket(ctx.db, input.ticket);
      return { status: consoleTicketStatus(again, ctx.now), expiresAt: iso(again.expiresAt), person: null, session: null };
    }
    return {
      status: 'used',
      expiresAt: iso(doc.expiresAt),
      person: await personOf(ctx.db, taken._id),
      session: { expiresAt: sessionEnd.toISOString(), loginTicket: await cloudLoginTicket(taken._id, sessionEnd, ctx.now) },
    };
  },
});

/**
 * `revokeConsoleTicket` (public: the console leaving the sign-in screen or refreshing its code, or the
 * phone declining): a pending or confirmed ticket can no longer sign anyone in. A used ticket stays used
 * (its session ends by signing out); revoking twice answers the same.
 */
export const revokeConsoleTicket = definePublicAction({
  schema: revokeConsoleTicketInput,
  async handler(input, ctx): Promise<ConsoleTicketState> {
    const doc = await loadTicket(ctx.db, input.ticket);
    const status = consoleTicketStatus(doc, ctx.now);
    if (status === 'pending' || status === 'confirmed') {
      await ctx.db.collection(TICKETS).doc(doc._id).update({ data: { status: 'revoked', revokedAt: ctx.now } });
      return { status: 'revoked', expiresAt: iso(doc.expiresAt), person: null, session: null };
    }
    return { status, expiresAt: iso(doc.expiresAt), person: null, session: null };
  },
});
