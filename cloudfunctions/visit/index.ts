/** Cloud function `visit`: visits, the six checks and follow-up tasks. */
import { createMain } from '../../server';
import { closeTask } from './actions/close-task.action';
import { get } from './actions/get.action';
import { listByMerchant } from './actions/list-by-merchant.action';
import { photoUrls } from './actions/photo-urls.action';
import { submit } from './actions/submit.action';
import { tasks } from './actions/tasks.action';

export const main = createMain({ submit, get, listByMerchant, tasks, closeTask, photoUrls }, 'visit');
