/**
 * The head-office console (控制台) in the browser: who may use it, how long its sign-in ticket and its
 * session last, and how a scanned code is recognised as a console ticket (docs/console.md).
 */
import type { Role } from './roles';

/** Roles that may sign in to the console: head office and branch managers; everyone else works in the mini program. */
export const CONSOLE_ROLES: readonly Role[] = ['hq', 'branch'];

/** Whether a person of `role` may use the console. */
export function mayUseConsole(role: Role): boolean {
  return CONSOLE_ROLES.includes(role);
}

/** Seconds a sign-in ticket (the QR code the console shows) may be scanned and confirmed. */
export const CONSOLE_TICKET_TTL_S = 120;

/**
 * Sign-in tickets one console may take a minute (a page refreshes its code every CONSOLE_TICKET_TTL_S and
 * when it comes back to the sign-in screen: a few a minute at most), and all consoles behind one address
 * (an office behind one gateway). Past either, issuing is refused until the minute ends (CONSOLE.TICKET_RATE).
 */
export const CONSOLE_TICKETS_PER_MINUTE = 10;
export const CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE = 60;

/** Hours a console session lasts after the scan is confirmed; then the console asks for a new scan. */
export const CONSOLE_SESSION_HOURS = 8;

/** The text a console QR code holds: this prefix and the ticket. */
export const CONSOLE_QR_PREFIX = 'mgconsole:';

/** A ticket: 32–64 URL-safe characters (the console's code holds one, random, 192 bits). */
export const CONSOLE_TICKET_PATTERN = /^[A-Za-z0-9_-]{32,64}$/;

/** The text to draw as the console's QR code for `ticket`. */
export function consoleQrText(ticket: string): string {
  return `${CONSOLE_QR_PREFIX}${ticket}`;
}

/** The ticket a scanned code holds when it is a console sign-in code, else null. */
export function consoleTicketOfScan(scan: { result?: string; path?: string }): string | null {
  for (const text of [scan.result, scan.path]) {
    const t = (text ?? '').trim();
    if (!t.startsWith(CONSOLE_QR_PREFIX)) continue;
    const ticket = t.slice(CONSOLE_QR_PREFIX.length);
    if (CONSOLE_TICKET_PATTERN.test(ticket)) return ticket;
  }
  return null;
}

/** Where a ticket stands: waiting for a scan, confirmed on a phone, turned into a session, cancelled, or out of time. */
export type ConsoleTicketStatus = 'pending' | 'confirmed' | 'used' | 'revoked' | 'expired';

/**
 * A stored ticket's status at `now`: a pending or confirmed ticket past its time is expired (a confirmed
 * one is turned into a session by the console's next poll, seconds later, or not at all).
 */
export function consoleTicketStatus(ticket: { status: 'pending' | 'confirmed' | 'used' | 'revoked'; expiresAt: Date | string }, now: Date): ConsoleTicketStatus {
  if ((ticket.status === 'pending' || ticket.status === 'confirmed') && new Date(ticket.expiresAt).getTime() <= now.getTime()) return 'expired';
  return ticket.status;
}

/** When a session started at `now` ends. */
export function consoleSessionEnd(now: Date): Date {
  return new Date(now.getTime() + CONSOLE_SESSION_HOURS * 3600_000);
}
