import { createHash } from 'node:crypto';
import type { StaffImportIssue, StaffImportReport, StaffImportRowInput, StaffImportRowOut } from '../../shared/contracts/org.contract';
import { mobileSchema, text } from '../../shared/contracts/common.contract';
import { maskMobile } from '../../shared/domain/mask.rules';
import type { Role } from '../../shared/domain/roles';
import { MAX_STAFF_IMPORT_BYTES, MAX_STAFF_IMPORT_ROWS, STAFF_IMPORT_COLUMNS, type StaffImportColumn, parseRole, splitList, staffImportColumnOf } from '../../shared/domain/staff-import.rules';
import { isOwnUpload } from '../../shared/domain/storage-path.rules';
import {
  AppError,
  type ActionContext,
  type StaffDoc,
  type UnitDoc,
  auditLog,
  fieldError,
  getAll,
  hashPi,
  inTransaction,
  isDuplicateKey,
  newBindCode,
  recordStaffChange,
} from '../../server';
import { downloadFile } from '../../server/jobs/files';
import { ImportFileError, openTable } from '../../server/jobs/import-file';
import { pool } from '../../server/pool';
import { BIND_PAGE } from '../../server/wxacode';
import { BRANCH_MANAGED_ROLES, HOME_KINDS, assignmentIssues, changeStaff, newStaffDoc } from './org.service';

/** The rows of the request: given as cells, or read from the file (an upload of the caller's, or its bytes). */
export async function staffImportRows(ctx: ActionContext, input: { fileId?: string; file?: string; rows?: StaffImportRowInput[] }): Promise<StaffImportRowInput[]> {
  if (input.rows) {
    const seen = new Set<number>();
    input.rows.forEach((r, i) => {
      if (seen.has(r.row)) throw fieldError(`rows.${i}.row`, `行号 ${r.row} 重复`);
      seen.add(r.row);
    });
    return input.rows;
  }
  let buf: Buffer;
  const field = input.fileId ? 'fileId' : 'file';
  if (input.fileId) {
    if (!isOwnUpload(input.fileId, ctx.caller.staffId, ['imports'])) throw fieldError('fileId', '只能使用本人刚上传的文件', 'FILE.NOT_OWN');
    const got = await downloadFile(input.fileId).catch(() => null);
    if (!got) throw fieldError('fileId', '文件不存在或无法读取', 'IMPORT.FILE_MISSING');
    buf = got;
  } else {
    buf = Buffer.from(input.file ?? '', 'base64');
  }
  if (buf.length === 0) throw fieldError(field, '文件为空', 'IMPORT.EMPTY');
  if (buf.length > MAX_STAFF_IMPORT_BYTES) throw fieldError(field, `文件不能超过 ${MAX_STAFF_IMPORT_BYTES / 1024 / 1024} MB`, 'IMPORT.TOO_MANY_ROWS');
  try {
    return await readStaffTable(buf);
  } catch (err) {
    if (err instanceof ImportFileError) throw fieldError(field, err.message, err.reason);
    throw err;
  }
}

/** Reads the first sheet (or the CSV): the header names the columns, each data row keeps its number. */
async function readStaffTable(buf: Buffer): Promise<StaffImportRowInput[]> {
  const src = await openTable(buf);
  try {
    const at = new Map<StaffImportColumn, number>();
    src.header.forEach((h, i) => {
      const key = staffImportColumnOf(h);
      if (!key) return;
      if (at.has(key)) throw new ImportFileError(`列「${h}」重复`, 'IMPORT.DUPLICATE_COLUMN');
      at.set(key, i);
    });
    const missing = STAFF_IMPORT_COLUMNS.filter((c) => c.required && !at.has(c.key)).map((c) => c.header);
    if (missing.length) throw new ImportFileError(`缺少必需的列：${missing.join('、')}（请使用导入模板）`, 'IMPORT.WRONG_COLUMNS');
    const rows: StaffImportRowInput[] = [];
    for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) {
      if (rows.length >= MAX_STAFF_IMPORT_ROWS) throw new ImportFileError(`最多 ${MAX_STAFF_IMPORT_ROWS} 行人员，请分成几个文件导入`, 'IMPORT.TOO_MANY_ROWS');
      const cell = (k: StaffImportColumn) => (at.has(k) ? (r.value.cells[at.get(k)!] ?? '').trim() : '');
      rows.push({ row: r.value.n, name: cell('name'), mobile: cell('mobile'), role: cell('role'), unit: cell('unit'), grids: cell('grids') });
    }
    if (rows.length === 0) throw new ImportFileError('文件中没有人员行', 'IMPORT.EMPTY');
    return rows;
  } finally {
    src.close();
  }
}

/** The staff id a row of a request gets: the same request and mobile always give the same id. */
export function importedStaffId(requestId: string, mobileHash: string): string {
  return `imp-${createHash('sha256').update(`${requestId}|${mobileHash}`).digest('hex').slice(0, 40)}`;
}

/** A row being checked: the report's row and what a write needs. */
interface Checked {
  out: StaffImportRowOut;
  mobile: string | null;
  mobileHash: string | null;
  /** the home unit's path */
  unitPath: string[];
  forbidden: boolean;
}

const nameSchema = text(20, '姓名');

/** Finds units by id, code or name (a name only when it names one unit; the caller's own scope first). */
class UnitFinder {
  private byId = new Map<string, UnitDoc>();
  private byCode = new Map<string, UnitDoc[]>();
  private byName = new Map<string, UnitDoc[]>();

  constructor(
    units: UnitDoc[],
    private readonly mine: (u: UnitDoc) => boolean,
  ) {
    for (const u of units) {
      this.byId.set(u._id, u);
      if (u.code) this.byCode.set(u.code, [...(this.byCode.get(u.code) ?? []), u]);
      this.byName.set(u.name, [...(this.byName.get(u.name) ?? []), u]);
    }
  }

  get all(): ReadonlyMap<string, UnitDoc> {
    return this.byId;
  }

  /** The unit a cell names, or why none. `kinds` narrows a name shared by units of other kinds. */
  find(textValue: string, kinds?: readonly UnitDoc['kind'][]): UnitDoc | string {
    const t = textValue.trim();
    const direct = this.byId.get(t);
    if (direct) return direct;
    for (const list of [this.byCode.get(t), this.byName.get(t)]) {
      if (!list?.length) continue;
      let hits = kinds ? list.filter((u) => kinds.includes(u.kind)) : list;
      if (hits.length === 0) hits = list;
      if (hits.length > 1) {
        const own = hits.filter(this.mine);
        if (own.length === 1) return own[0];
        return `「${t}」对应多个单元，请填写单元编码`;
      }
      return hits[0];
    }
    return `找不到单元「${t}」`;
  }
}

/**
 * Checks every row: each cell (name, mobile, role, unit, grids), the assignment rules of `createStaff`
 * (scope, role below a branch manager's own, the unit's kind, grids of the branch), a mobile repeated in
 * the file or already an active staff member's. A row created by an earlier call of the same request is
 * `existing`, not a repeat.
 */
export async function checkStaffRows(ctx: ActionContext, requestId: string, rows: StaffImportRowInput[]): Promise<Checked[]> {
  const units = await getAll<UnitDoc>(ctx.db, 'units', {}, 20000);
  const caller = ctx.caller;
  const mine = (u: UnitDoc) => caller.role === 'hq' || (u.unitPath ?? []).includes(caller.unitId);
  const finder = new UnitFinder(units, mine);
  const firstRowOf = new Map<string, number>();
  const checked: Checked[] = rows.map((r) => {
    const issues: StaffImportIssue[] = [];
    let forbidden = false;
    const add = (field: StaffImportIssue['field'], message: string) => issues.push({ row: r.row, field, message });
    const name = nameSchema.safeParse(r.name);
    if (!name.success) add('name', name.error.issues[0]?.message ?? '姓名无效');
    const mobile = mobileSchema.safeParse(r.mobile);
    if (!mobile.success) add('mobile', mobile.error.issues[0]?.message ?? '手机号无效');
    else if (firstRowOf.has(mobile.data)) add('mobile', `与第 ${firstRowOf.get(mobile.data)} 行的手机号重复`);
    else firstRowOf.set(mobile.data, r.row);
    let role: Role | null = null;
    if (!r.role.trim()) add('role', '请填写角色');
    else if (!(role = parseRole(r.role))) add('role', `角色「${r.role}」不存在（总行/支行/网格长/网格员/营销助理/维护助理）`);
    else if (caller.role !== 'hq' && !BRANCH_MANAGED_ROLES.includes(role)) {
      add('role', '支行只能设置网格长及以下的角色');
      forbidden = true;
    }
    let home: UnitDoc | null = null;
    if (!r.unit.trim()) add('unit', '请填写所属单元');
    else {
      const found = finder.find(r.unit, role ? HOME_KINDS[role] : undefined);
      if (typeof found === 'string') add('unit', found);
      else home = found;
    }
    const gridTexts = splitList(r.grids);
    const grids: UnitDoc[] = [];
    if (gridTexts.length > 50) add('grids', '最多 50 个网格');
    for (const g of gridTexts.slice(0, 50)) {
      const found = finder.find(g, ['grid']);
      if (typeof found === 'string') add('grids', found);
      else grids.push(found);
    }
    if (role && home && grids.length === gridTexts.length) {
      for (const issue of assignmentIssues(caller, role, home._id, grids.map((g) => g._id), finder.all)) {
        const i = issue.field.startsWith('gridIds.') ? Number(issue.field.slice('gridIds.'.length)) : -1;
        add(issue.field === 'unitId' ? 'unit' : 'grids', i >= 0 ? `「${gridTexts[i]}」${issue.message}` : issue.message);
        forbidden ||= issue.forbidden;
      }
    }
    const out: StaffImportRowOut = {
      row: r.row,
      name: name.success ? name.data : r.name.trim(),
      mobile: mobile.success ? maskMobile(mobile.data) : null,
      role,
      unitId: home?._id ?? null,
      unitName: home?.name ?? null,
      gridIds: grids.map((g) => g._id),
      gridNames: grids.map((g) => g.name),
      issues,
      status: issues.length ? 'invalid' : 'ready',
      staffId: null,
      bindCode: null,
      bindCodeExpiresAt: null,
      bindUrl: null,
    };
    return { out, mobile: mobile.success ? mobile.data : null, mobileHash: mobile.success ? hashPi(mobile.data) : null, unitPath: home?.unitPath ?? [], forbidden };
  });
  // Rows an earlier call of this request created, and mobiles of active staff (other than those rows).
  const withMobile = checked.filter((c) => c.mobileHash);
  for (const c of withMobile) c.out.staffId = importedStaffId(requestId, c.mobileHash!);
  const _ = ctx.db.command;
  const kept = new Map<string, StaffDoc & { createdBy?: string }>();
  const taken = new Set<string>();
  for (let i = 0; i < withMobile.length; i += 100) {
    const slice = withMobile.slice(i, i + 100);
    const [ids, mobiles] = await Promise.all([
      ctx.db.collection('staff').where({ _id: _.in(slice.map((c) => c.out.staffId!)) }).limit(1000).get(),
      ctx.db.collection('staff').where({ 'mobile.hash': _.in(slice.map((c) => c.mobileHash!)), status: 'active' }).limit(1000).get(),
    ]);
    for (const s of ids.data as (StaffDoc & { createdBy?: string })[]) kept.set(s._id, s);
    for (const s of mobiles.data as StaffDoc[]) if (s.mobile && !slice.some((c) => c.out.staffId === s._id)) taken.add(s.mobile.hash);
  }
  for (const c of withMobile) {
    const prior = kept.get(c.out.staffId!);
    if (prior) {
      if (prior.createdBy !== caller.staffId) c.out.issues.push({ row: c.out.row, field: 'mobile', message: '该行对应的人员编号已被他人使用' });
      else c.out.status = c.out.issues.length ? 'invalid' : 'existing';
    } else if (taken.has(c.mobileHash!)) {
      c.out.issues.push({ row: c.out.row, field: 'mobile', message: '手机号已登记为在职人员' });
    }
    if (c.out.issues.length) c.out.status = 'invalid';
  }
  for (const c of checked) if (c.out.status === 'invalid') c.out.staffId = null;
  return checked;
}

/**
 * Writes the checked rows of a file with no invalid row: each new row in a transaction of its own (the
 * staff record, its history entry and its audit entry; a CloudBase transaction holds at most 20 writes), a
 * few at a time; each row an earlier call created gets a fresh code while still unbound. Returns the report.
 */
export async function writeStaffRows(ctx: ActionContext, requestId: string, checked: Checked[]): Promise<StaffImportReport> {
  const settings = await ctx.settings();
  const expiresAt = new Date(ctx.now.getTime() + settings.bindCodeTtlHours * 3600000);
  const issue = (c: Checked, code: string) => {
    c.out.bindCode = code;
    c.out.bindCodeExpiresAt = expiresAt.toISOString();
    c.out.bindUrl = `${BIND_PAGE}?code=${code}`;
  };
  const reissue = async (c: Checked) => {
    const code = newBindCode();
    const staff = await changeStaff(ctx, c.out.staffId!, 'bind-code', 'bind-code-issued', (s) =>
      s.openid || s.status !== 'active' ? null : { patch: { bindCodeHash: hashPi(`bindcode:${code}`), bindCodeExpiresAt: expiresAt }, before: null, after: { expiresAt: expiresAt.toISOString(), importId: requestId } },
    );
    c.out.status = 'existing';
    if (!staff.openid && staff.status === 'active') issue(c, code);
  };
  let created = 0;
  await pool(checked, 8, async (c) => {
    if (c.out.status === 'existing') return reissue(c);
    const code = newBindCode();
    const place = { _id: c.out.staffId!, name: c.out.name, role: c.out.role!, unitId: c.out.unitId!, unitPath: c.unitPath, gridIds: c.out.gridIds, extraUnitIds: [] as string[] };
    const staff = { ...newStaffDoc(ctx, place, c.mobile!, code, expiresAt), importId: requestId };
    try {
      await inTransaction(ctx.db, async (tx) => {
        await tx.collection('staff').add({ data: staff });
        const after = { role: staff.role, unitId: staff.unitId, gridIds: staff.gridIds, extraUnitIds: [] };
        await recordStaffChange(tx, { staffId: staff._id, change: 'create', before: null, after, by: ctx.caller, at: ctx.now });
        await auditLog(tx, ctx.caller, 'staff-create', { collection: 'staff', id: staff._id }, { ...after, importId: requestId, row: c.out.row }, ctx.now, staff.unitPath);
      });
      created++;
      c.out.status = 'created';
      issue(c, code);
    } catch (err) {
      // A retry racing this call wrote the row first: it is the same person, answered with a fresh code.
      if (!isDuplicateKey(err)) throw err;
      await reissue(c);
    }
  });
  const rows = checked.map((c) => c.out);
  const existing = rows.filter((r) => r.status === 'existing').length;
  if (created > 0) {
    await auditLog(ctx.db, ctx.caller, 'staff-import', { collection: 'staff', id: requestId }, { requestId, rows: rows.length, created, existing, staffIds: rows.filter((r) => r.status === 'created').map((r) => r.staffId) }, ctx.now);
  }
  return { requestId, dryRun: false, total: rows.length, valid: rows.length, invalid: 0, created, existing, rows, issues: [] };
}

/** The report of a checked file (a dry run, or a refusal's details). */
export function checkedReport(requestId: string, checked: Checked[], dryRun: boolean): StaffImportReport {
  const rows = checked.map((c) => c.out);
  const invalid = rows.filter((r) => r.status === 'invalid').length;
  return {
    requestId,
    dryRun,
    total: rows.length,
    valid: rows.length - invalid,
    invalid,
    created: 0,
    existing: rows.filter((r) => r.status === 'existing').length,
    rows,
    issues: rows.flatMap((r) => r.issues),
  };
}

/** The refusal of a file with invalid rows: FORBIDDEN when any row is outside the caller's reach, else VALIDATION. */
export function refusal(report: StaffImportReport, checked: Checked[]): AppError {
  const forbidden = checked.some((c) => c.forbidden);
  const first = report.issues[0];
  const message = `${report.invalid} 行有误，未导入任何人员${first ? `（第 ${first.row} 行 ${first.field}：${first.message}）` : ''}`;
  return new AppError(forbidden ? 'FORBIDDEN' : 'VALIDATION', message, {
    reason: forbidden ? (checked.some((c) => c.forbidden && c.out.issues.some((i) => i.field === 'role')) ? 'STAFF.ROLE_ABOVE_OWN' : 'SCOPE.OUTSIDE') : undefined,
    details: { issues: report.issues.map((i) => ({ field: `rows.${i.row}.${i.field}`, message: i.message })), report },
  });
}

export type { Checked };
