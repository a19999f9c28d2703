/** Cloud function `report`: the grid report exported as XLSX (head office; a branch for its own scope). */
import { createMain } from '../../server';
import { exportReport, getReport } from './actions/export.action';

export const main = createMain({ export: exportReport, get: getReport }, 'report');
