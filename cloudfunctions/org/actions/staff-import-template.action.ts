import type { StaffImportTemplate } from '../../../shared/contracts/org.contract';
import { staffImportTemplateInput } from '../../../shared/contracts/org.contract';
import { UNIT_KIND_LABELS } from '../../../shared/domain/labels';
import { ROLES, ROLE_LABELS } from '../../../shared/domain/roles';
import { STAFF_IMPORT_COLUMNS } from '../../../shared/domain/staff-import.rules';
import { type UnitDoc, defineAction, getAll, scopeFilter } from '../../../server';

/**
 * `staffImportTemplate` (head office; a branch manager): the XLSX to fill in for `importStaff`: the
 * columns, a sheet of how to fill them, and the units the caller may assign (name, code, kind, branch).
 */
export const staffImportTemplate = defineAction({
  schema: staffImportTemplateInput,
  roles: ['hq', 'branch'],
  async handler(_input, ctx): Promise<StaffImportTemplate> {
    const ExcelJS = require('exceljs');
    const units = (await getAll<UnitDoc>(ctx.db, 'units', scopeFilter(ctx.caller), 20000)).filter((u) => u.kind !== 'bank' || ctx.caller.role === 'hq');
    const names = new Map(units.map((u) => [u._id, u.name]));
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('人员');
    sheet.columns = STAFF_IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.key === 'grids' ? 36 : c.key === 'unit' ? 24 : 16, style: c.key === 'mobile' ? { numFmt: '@' } : {} }));
    sheet.getRow(1).font = { bold: true };
    const help = wb.addWorksheet('填写说明');
    help.columns = [{ header: '列', width: 14 }, { header: '必填', width: 8 }, { header: '说明', width: 60 }];
    for (const c of STAFF_IMPORT_COLUMNS) help.addRow([c.header, c.required ? '是' : '否', c.hint]);
    help.addRow([]);
    help.addRow(['角色', '', ROLES.map((r) => `${ROLE_LABELS[r]}（${r}）`).join('、')]);
    help.addRow(['', '', '每行一人；任何一行有误时整个文件不导入，并逐行列出错误。']);
    const list = wb.addWorksheet('可选单元');
    list.columns = [{ header: '类型', width: 10 }, { header: '名称', width: 24 }, { header: '编码', width: 16 }, { header: '所属支行', width: 20 }];
    const order = { bank: 0, branch: 1, group: 2, grid: 3 } as const;
    units.sort((a, b) => (a.unitPath[1] ?? '').localeCompare(b.unitPath[1] ?? '') || order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
    for (const u of units) list.addRow([UNIT_KIND_LABELS[u.kind], u.name, u.code ?? '', u.unitPath[1] ? (names.get(u.unitPath[1]) ?? '') : '']);
    const buf: Buffer = Buffer.from(await wb.xlsx.writeBuffer());
    return { fileName: '人员导入模板.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: buf.toString('base64') };
  },
});
