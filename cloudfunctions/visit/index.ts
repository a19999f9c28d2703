/** Cloud function `visit`: visits, the six checks and tasks (follow-ups, lifecycle and marketing). */
import { createMain } from '../../server';
import { closeTask } from './actions/close-task.action';
import { confirmTask } from './actions/confirm-task.action';
import { get } from './actions/get.action';
import { listByMerchant } from './actions/list-by-merchant.action';
import { photoUrls } from './actions/photo-urls.action';
import { reassignTask } from './actions/reassign-task.action';
import { route } from './actions/route.action';
import { submit } from './actions/submit.action';
import { subscribe } from './actions/subscribe.action';
import { tasks } from './actions/tasks.action';

export const main = createMain({ submit, get, listByMerchant, tasks, closeTask, reassignTask, confirmTask, subscribe, photoUrls, route }, 'visit');
