/**
 * Bulk staff onboarding from a spreadsheet (人员批量导入): the columns of the template, the header names
 * the bank's people write, and how a cell's text becomes a role or a list of grids. The server checks every
 * row with these and the assignment rules of `cloudfunctions/org`; the console shows the same columns.
 */
import { ROLES, ROLE_LABELS, type Role } from './roles';

/** Most data rows one file may carry (a bank's whole staff, with room). */
export const MAX_STAFF_IMPORT_ROWS = 1000;

/**
 * Most bytes of one uploaded file (an XLSX of a thousand rows is a few tens of KB). The console sends the
 * file in the call itself, base64 (4/3 of it, about 2.7 MB at most), which fits a function's event: CloudBase
 * takes up to 6 MB in a synchronous call's event (local/runtime/limits.ts `MAX_EVENT_BYTES`), and the local
 * gateway's console route takes as much.
 */
export const MAX_STAFF_IMPORT_BYTES = 2 * 1024 * 1024;

/** Why a staff file of `bytes` cannot be imported, before it is read or sent (the page's check), else null. */
export function staffImportSizeProblem(bytes: number): string | null {
  if (bytes === 0) return '文件为空';
  if (bytes > MAX_STAFF_IMPORT_BYTES) return `文件不能超过 ${MAX_STAFF_IMPORT_BYTES / 1024 / 1024} MB（这个文件 ${(bytes / 1024 / 1024).toFixed(1)} MB），请拆成几个文件分批导入`;
  return null;
}

export type StaffImportColumn = 'name' | 'mobile' | 'role' | 'unit' | 'grids';

/** The template's columns, in order, with the header written in it. */
export const STAFF_IMPORT_COLUMNS: readonly { key: StaffImportColumn; header: string; required: boolean; hint: string }[] = [
  { key: 'name', header: '姓名', required: true, hint: '不超过20个字' },
  { key: 'mobile', header: '手机号', required: true, hint: '11位手机号，在职人员中不可重复' },
  { key: 'role', header: '角色', required: true, hint: `${ROLES.map((r) => ROLE_LABELS[r]).join('/')}` },
  { key: 'unit', header: '所属单元', required: true, hint: '单元编码或名称（支行、网格组或网格）' },
  { key: 'grids', header: '负责网格', required: false, hint: '网格编码或名称，多个用顿号或逗号分隔' },
];

/** Header cells accepted for each column (the template's own, English keys and common variants). */
export const STAFF_IMPORT_HEADER_ALIASES: Record<string, StaffImportColumn> = {
  姓名: 'name',
  name: 'name',
  手机号: 'mobile',
  手机: 'mobile',
  手机号码: 'mobile',
  mobile: 'mobile',
  角色: 'role',
  岗位: 'role',
  role: 'role',
  所属单元: 'unit',
  单元: 'unit',
  所属机构: 'unit',
  unit: 'unit',
  负责网格: 'grids',
  网格: 'grids',
  grids: 'grids',
};

/** The column of a header cell, or null. */
export function staffImportColumnOf(header: string): StaffImportColumn | null {
  const h = header.trim().replace(/[*＊]/g, '');
  return STAFF_IMPORT_HEADER_ALIASES[h] ?? STAFF_IMPORT_HEADER_ALIASES[h.toLowerCase()] ?? null;
}

/** A role written as its key (`member`) or its label (网格员); null when neither. */
export function parseRole(text: string): Role | null {
  const t = text.trim();
  if ((ROLES as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as Role;
  const hit = ROLES.find((r) => ROLE_LABELS[r] === t);
  return hit ?? null;
}

/** The grids of a cell: codes or names separated by 、 , ， ; ； or line breaks, blanks dropped, repeats once. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[、,，;；\n\r]+/).map((s) => s.trim()).filter(Boolean))];
}
