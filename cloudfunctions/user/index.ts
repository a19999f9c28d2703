/** Cloud function `user`: binding, profile, privacy agreement, the console's sign-in by the mini program. */
import { createMain } from '../../server';
import { acceptPrivacy } from './actions/accept-privacy.action';
import { bind } from './actions/bind.action';
import { confirmConsoleTicket, issueConsoleTicket, pollConsoleTicket, revokeConsoleTicket } from './actions/console-ticket.action';
import { me } from './actions/me.action';

export const main = createMain({ bind, me, acceptPrivacy, issueConsoleTicket, confirmConsoleTicket, pollConsoleTicket, revokeConsoleTicket }, 'user');
