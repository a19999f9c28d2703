/** Cloud function `user`: binding, profile, privacy agreement. */
import { createMain } from '../../server';
import { acceptPrivacy } from './actions/accept-privacy.action';
import { bind } from './actions/bind.action';
import { me } from './actions/me.action';

export const main = createMain({ bind, me, acceptPrivacy }, 'user');
