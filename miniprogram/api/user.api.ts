import { userContract } from '../vendor/shared';
import { callAction } from './transport';
import { parseInput } from './validate';

export type Me = import('../vendor/shared').userContract.MeOutput;

/** Fetches the signed-in staff member (UNAUTHENTICATED when this WeChat user is not bound yet). */
export function fetchMe(): Promise<Me> {
  return callAction<Me>('user', 'me', parseInput(userContract.meInput, {}));
}

/** Binds this WeChat user to the staff record head office created, with its one-time code. */
export function bindAccount(code: string): Promise<Me> {
  return callAction<Me>('user', 'bind', parseInput(userContract.bindInput, { code }));
}

/** Records that the user accepted this version of the privacy agreement. */
export function acceptPrivacy(version: string): Promise<{ privacyAcceptedAt: string; privacyVersion: string }> {
  return callAction('user', 'acceptPrivacy', parseInput(userContract.acceptPrivacyInput, { version }));
}

export type ConsoleTicketState = import('../vendor/shared').userContract.ConsoleTicketState;

/** Confirms, as the signed-in person, the console sign-in whose QR code was scanned (head office and branch only). */
export function confirmConsoleSignIn(ticket: string): Promise<ConsoleTicketState> {
  return callAction('user', 'confirmConsoleTicket', parseInput(userContract.confirmConsoleTicketInput, { ticket }));
}

/** Declines the console sign-in: its code can no longer sign anyone in. */
export function declineConsoleSignIn(ticket: string): Promise<ConsoleTicketState> {
  return callAction('user', 'revokeConsoleTicket', parseInput(userContract.revokeConsoleTicketInput, { ticket }));
}
