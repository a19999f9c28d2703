import { importStaffInput } from '../../../shared/contracts/org.contract';
import { defineAction } from '../../../server';
import { checkStaffRows, checkedReport, refusal, staffImportRows, writeStaffRows } from '../staff-import.service';

/**
 * `importStaff` (head office; a branch manager within its branch): onboards the staff of a spreadsheet.
 * Every row is checked first (name, mobile, role, unit, grids, scope, the assignment rules of
 * `createStaff`); a file with any bad row is refused whole, naming each row and column, and nothing is
 * written. Otherwise each row is created with a one-time binding code, returned once. The client's
 * `requestId` keys the file: a retry (the answer lost, or the call cut short) creates only the rows not yet
 * created and answers the others as `existing`, with a fresh code while they are unbound.
 */
export const importStaff = defineAction({
  schema: importStaffInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx) {
    const rows = await staffImportRows(ctx, input);
    const checked = await checkStaffRows(ctx, input.requestId, rows);
    const report = checkedReport(input.requestId, checked, input.dryRun);
    if (input.dryRun) return report;
    if (report.invalid > 0) throw refusal(report, checked);
    return writeStaffRows(ctx, input.requestId, checked);
  },
});
