/** Cloud function `import` (head office): acquiring transactions, credit and deposit balances from the bank's systems. */
import { createMain } from '../../server';
import { get, list } from './actions/get.action';
import { start } from './actions/start.action';

export const main = createMain({ start, get, list }, 'import');
