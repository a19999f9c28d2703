import type { AuditExportOut } from '../../../shared/contracts/org.contract';
import { exportAuditInput } from '../../../shared/contracts/org.contract';
import { MAX_AUDIT_EXPORT_ROWS } from '../../../shared/domain/audit.rules';
import { chinaTime } from '../../../shared/domain/period.rules';
import { auditLog, defineAction, newId } from '../../../server';
import { serverFilePath, tempUrl, uploadFile } from '../../../server/jobs/files';
import { AUDIT_EXPORT_HEADER, type AuditDoc, auditCells, auditPage, auditViews, csvCell } from '../audit.service';

/**
 * `exportAudit` (head office; a branch manager within its scope): the entries a search finds, newest
 * first, at most MAX_AUDIT_EXPORT_ROWS, as a CSV (UTF-8 with BOM, opens in Excel) or an XLSX in storage,
 * with a temporary link. The export itself is audited.
 */
export const exportAudit = defineAction({
  schema: exportAuditInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx): Promise<AuditExportOut> {
    const rows: AuditDoc[] = [];
    let cursor: string | undefined;
    let truncated = false;
    for (;;) {
      const page = await auditPage(ctx, input, 1000, cursor);
      rows.push(...page.rows);
      if (!page.nextCursor) break;
      if (rows.length >= MAX_AUDIT_EXPORT_ROWS) {
        truncated = true;
        break;
      }
      cursor = page.nextCursor;
    }
    rows.length = Math.min(rows.length, MAX_AUDIT_EXPORT_ROWS);
    const entries = [];
    for (let i = 0; i < rows.length; i += 1000) entries.push(...(await auditViews(ctx, rows.slice(i, i + 1000))));
    const jobId = newId();
    let content: Buffer;
    if (input.format === 'xlsx') {
      const ExcelJS = require('exceljs');
      const wb = new ExcelJS.Workbook();
      const sheet = wb.addWorksheet('审计日志');
      sheet.addRow(AUDIT_EXPORT_HEADER);
      sheet.getRow(1).font = { bold: true };
      for (const e of entries) sheet.addRow(auditCells(e));
      content = Buffer.from(await wb.xlsx.writeBuffer());
    } else {
      const lines = [AUDIT_EXPORT_HEADER, ...entries.map(auditCells)].map((cells) => cells.map(csvCell).join(','));
      content = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
    }
    const fileName = `审计日志-${chinaTime(ctx.now, 'YYYYMMDD-HHmm')}.${input.format}`;
    const fileId = await uploadFile(serverFilePath('reports', jobId, input.format, 'audit', ctx.now), content);
    const { format, ...filters } = input;
    await auditLog(ctx.db, ctx.caller, 'export', { collection: 'auditLog', id: jobId }, { kind: 'audit', format, filters, rows: entries.length, truncated, fileId }, ctx.now);
    return { fileId, url: await tempUrl(fileId), fileName, rows: entries.length, truncated };
  },
});
