/** Cloud function `merchant`: the merchant file (建档), lists, duplicates, transfers and their suggestion, products, markets and groups, the timeline, closed and moved merchants. */
import { createMain } from '../../server';
import { archive } from './actions/archive.action';
import { assign } from './actions/assign.action';
import { checkDuplicate } from './actions/check-duplicate.action';
import { create } from './actions/create.action';
import { get } from './actions/get.action';
import { history } from './actions/history.action';
import { list } from './actions/list.action';
import { placements } from './actions/placements.action';
import { photoUrls } from './actions/photo-urls.action';
import { qrCode } from './actions/qr-code.action';
import { reopen } from './actions/reopen.action';
import { resolveScene } from './actions/resolve-scene.action';
import { reviewPlacement } from './actions/review-placement.action';
import { revealPi } from './actions/reveal-pi.action';
import { suggestGrid } from './actions/suggest-grid.action';
import { timeline } from './actions/timeline.action';
import { transfer } from './actions/transfer.action';
import { update } from './actions/update.action';
import { updateProducts } from './actions/update-products.action';

export const main = createMain({ create, update, get, revealPi, list, checkDuplicate, transfer, updateProducts, assign, history, photoUrls, qrCode, resolveScene, archive, reopen, suggestGrid, timeline, placements, reviewPlacement }, 'merchant');
