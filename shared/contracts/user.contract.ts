/** Contract of the `user` function: binding a WeChat user to a staff record, the profile, the privacy agreement. */
import { z } from 'zod';
import type { Role } from '../domain/roles';
import { CONSOLE_TICKET_PATTERN, type ConsoleTicketStatus } from '../domain/console.rules';
import { text } from './common.contract';

export const bindInput = z.strictObject({
  /** The one-time binding code head office handed out (8 characters; case and spaces ignored). */
  code: z
    .string({ error: '需要绑定码' })
    .max(32, '绑定码过长')
    .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9]{6,16}$/, '绑定码应为 6–16 位字母或数字')),
});

export const meInput = z.strictObject({});

export const acceptPrivacyInput = z.strictObject({
  /** Version of the privacy agreement the user accepted. */
  version: text(32, '协议版本'),
});

export interface UnitRef {
  id: string;
  name: string;
  kind: 'bank' | 'branch' | 'group' | 'grid';
}

/** `me`: who the caller is and what they may see. */
export interface MeOutput {
  staffId: string;
  name: string;
  role: Role;
  roleLabel: string;
  mobile: string | null;
  unit: UnitRef | null;
  /** The home unit's path from the bank down. */
  unitPath: UnitRef[];
  grids: UnitRef[];
  /** 'all' (head office) or the unit ids whose subtrees the caller may see. */
  scope: 'all' | string[];
  privacyAcceptedAt: string | null;
  privacyVersion: string | null;
  /** The day the bank's records run to (today, or a demo bank's fixed as-of day): the screens' periods open on it. */
  bankDay: string;
  /** Whether the caller may ask for an operator's full personal data (head office's `piRevealRoles`; revealPi decides and audits). */
  canRevealPi: boolean;
}

export type BindOutput = MeOutput;

export interface AcceptPrivacyOutput {
  privacyAcceptedAt: string;
  privacyVersion: string;
}

/* ── The console's sign-in by the mini program (docs/console.md) ───────────────────────────── */

/** A console sign-in ticket as the QR code carries it. */
export const consoleTicketSchema = z
  .string({ error: '需要登录票据' })
  .regex(CONSOLE_TICKET_PATTERN, '登录票据格式不对');

/** `issueConsoleTicket` (anyone, the console before sign-in): a fresh one-time ticket to show as a QR code. */
export const issueConsoleTicketInput = z.strictObject({});
/** `confirmConsoleTicket` (a bound head-office or branch person, in the mini program after the scan). */
export const confirmConsoleTicketInput = z.strictObject({ ticket: consoleTicketSchema });
/** `pollConsoleTicket` (the console holding the ticket): where it stands; once confirmed, the sign-in, once. */
export const pollConsoleTicketInput = z.strictObject({ ticket: consoleTicketSchema });
/** `revokeConsoleTicket` (the console, or the phone declining): the ticket can no longer sign anyone in. */
export const revokeConsoleTicketInput = z.strictObject({ ticket: consoleTicketSchema });

export interface ConsoleTicketView {
  /** the secret the QR code holds; only its keyed hash is stored */
  ticket: string;
  /** the text to draw as the QR code (`mgconsole:<ticket>`) */
  qrText: string;
  expiresAt: string;
  ttlS: number;
}

/** The person a confirmed ticket signs in, as the console and the confirm page show them. */
export interface ConsolePerson {
  staffId: string;
  name: string;
  role: Role;
  roleLabel: string;
}

export interface ConsoleTicketState {
  status: ConsoleTicketStatus;
  expiresAt: string;
  /** who confirmed it (confirmed, and the poll that turns it into a session) */
  person: ConsolePerson | null;
  /**
   * Answered once, to the poll that finds the ticket confirmed (the ticket is then `used`): when the
   * session ends and, on CloudBase, the custom-login ticket the web SDK signs in with
   * (`auth().signInWithTicket`); null locally, where the gateway issues the session itself.
   */
  session: { expiresAt: string; loginTicket: string | null } | null;
}
