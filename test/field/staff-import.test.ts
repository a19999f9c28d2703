/**
 * Bulk staff onboarding from a spreadsheet (docs/api.md "Bulk onboarding"): a good file creates everyone with a code shown once,
 * a file with bad rows is refused naming each row and column, a row outside the caller's branch or role
 * refuses the file with nothing written, and a retry of the same request creates no one twice.
 * Through the real `org` function on the local engine.
 */
import ExcelJS from 'exceljs';
import { storagePath } from '../../shared/domain/storage-path.rules';
import { O, S, U, counts, mobile, seedFixture, uid } from './fixture';
import { useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);
const db = () => local.cloud.database();
const WRITTEN = ['staff', 'staffHistory', 'auditLog'];

/** An XLSX of the template's columns with these rows (name, mobile, role, unit, grids). */
async function xlsx(rows: string[][], header = ['姓名', '手机号', '角色', '所属单元', '负责网格']): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('人员');
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('importStaff', () => {
  it('offers a template with the columns and the units the caller may assign', async () => {
    const res = await org('staffImportTemplate', {}, O.branch);
    expect(res.ok).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(res.data.base64, 'base64') as any);
    expect(wb.getWorksheet('人员')!.getRow(1).values).toEqual([undefined, '姓名', '手机号', '角色', '所属单元', '负责网格']);
    const units = wb.getWorksheet('可选单元')!.getColumn(2).values.slice(2);
    expect(units).toEqual(expect.arrayContaining(['城北支行', '城北一组', '城北1号网格', '城北2号网格']));
    expect(units).not.toContain('戴南1号网格');
  });

  it('onboards a good file uploaded to storage: everyone created with a code returned once, audited', async () => {
    const m = [mobile(), mobile(), mobile()];
    const file = await xlsx([
      ['陈一', m[0], '网格员', '城北1号网格', '城北1号网格'],
      ['陈二', m[1], 'marketing', '城北支行', '城北1号网格、城北2号网格'],
      ['陈三', m[2], '网格长', '城北一组', ''],
    ]);
    const fileId = local.cloud.storage.upload(storagePath('imports', S.hq, 'xlsx', uid('f')), file);
    const requestId = uid('req');
    const before = await counts(local, WRITTEN);
    const res = await org('importStaff', { requestId, fileId });
    expect(res.ok).toBe(true);
    expect(res.data).toMatchObject({ total: 3, valid: 3, invalid: 0, created: 3, existing: 0 });
    expect(res.data.rows.map((r: any) => [r.row, r.status, r.role, r.unitName, r.gridNames])).toEqual([
      [2, 'created', 'member', '城北1号网格', ['城北1号网格']],
      [3, 'created', 'marketing', '城北支行', ['城北1号网格', '城北2号网格']],
      [4, 'created', 'leader', '城北一组', []],
    ]);
    for (const r of res.data.rows) {
      expect(r.bindCode).toMatch(/^[A-Z0-9]{8}$/);
      expect(r.bindUrl).toBe(`pages/login/index?code=${r.bindCode}`);
      expect(r.mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
      // The stored record keeps only the hash of the code, and the mobile sealed.
      const stored = JSON.stringify((await db().collection('staff').doc(r.staffId).get()).data);
      expect(stored).not.toContain(r.bindCode);
    }
    // Three records, three history entries, three staff-create entries and one for the file.
    expect(await counts(local, WRITTEN)).toEqual({ staff: before.staff + 3, staffHistory: before.staffHistory + 3, auditLog: before.auditLog + 4 });
    const audit = (await db().collection('auditLog').where({ action: 'staff-import', 'target.id': requestId }).get()).data;
    expect(audit).toEqual([expect.objectContaining({ staffId: S.hq, detail: expect.objectContaining({ created: 3, rows: 3 }) })]);
    // A code from the sheet binds the new person.
    expect((await local.call('user', { action: 'bind', code: res.data.rows[0].bindCode }, 'o-import-1')).ok).toBe(true);
  });

  it('refuses a file with bad rows, naming every row and column, and writes nothing', async () => {
    const taken = mobile();
    await org('createStaff', { name: '已在职', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: taken });
    const same = mobile();
    const file = await xlsx([
      ['好人', mobile(), '网格员', '城北1号网格', '城北1号网格'],
      ['', '123', '网格员', '城北1号网格', ''],
      ['无角色', mobile(), '队长', '城北1号网格', ''],
      ['错单元', mobile(), '网格员', '不存在的网格', ''],
      ['错网格', mobile(), '网格员', '城北支行', '城北1号网格、戴南1号网格'],
      ['重复甲', same, '网格员', '城北1号网格', ''],
      ['重复乙', same, '网格员', '城北1号网格', ''],
      ['已占用', taken, '网格员', '城北1号网格', ''],
      ['错级别', mobile(), '网格长', '城北1号网格', ''],
    ]);
    const before = await counts(local, WRITTEN);
    const res = await org('importStaff', { requestId: uid('req'), file: file.toString('base64') });
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('VALIDATION');
    const issues = res.error.details.report.issues.map((i: any) => `${i.row}.${i.field}`);
    expect(issues).toEqual(['3.name', '3.mobile', '4.role', '5.unit', '6.grids', '8.mobile', '9.mobile', '10.unit']);
    expect(res.error.details.issues.map((i: any) => i.field)).toContain('rows.6.grids');
    expect(res.error.details.report.rows[0]).toMatchObject({ row: 2, status: 'ready', issues: [] });
    expect(await counts(local, WRITTEN)).toEqual(before);
    // A dry run answers the same report as data, writing nothing either.
    const dry = await org('importStaff', { requestId: uid('req'), file: file.toString('base64'), dryRun: true });
    expect(dry.data).toMatchObject({ dryRun: true, total: 9, valid: 2, invalid: 7 });
    expect(await counts(local, WRITTEN)).toEqual(before);
  });

  it('refuses a file with missing columns or no rows', async () => {
    const noRole = await org('importStaff', { requestId: uid('req'), file: (await xlsx([['甲', mobile(), '城北1号网格']], ['姓名', '手机号', '所属单元'])).toString('base64') });
    expect(noRole.error).toMatchObject({ code: 'VALIDATION', reason: 'IMPORT.WRONG_COLUMNS' });
    expect(noRole.error.details.issues[0].field).toBe('file');
    expect((await org('importStaff', { requestId: uid('req'), file: (await xlsx([])).toString('base64') })).error.reason).toBe('IMPORT.EMPTY');
    // Someone else's upload is not read.
    const other = local.cloud.storage.upload(storagePath('imports', S.branch, 'xlsx', uid('f')), await xlsx([['甲', mobile(), '网格员', '城北1号网格', '']]));
    expect((await org('importStaff', { requestId: uid('req'), fileId: other })).error.reason).toBe('FILE.NOT_OWN');
  });

  it('lets a branch manager onboard only below its role and inside its branch; out of scope writes nothing', async () => {
    const before = await counts(local, WRITTEN);
    const outside = await org('importStaff', { requestId: uid('req'), rows: [
      { row: 2, name: '本支行', mobile: mobile(), role: '网格员', unit: '城北1号网格', grids: '城北1号网格' },
      { row: 3, name: '他支行', mobile: mobile(), role: '网格员', unit: '戴南1号网格', grids: '戴南1号网格' },
    ] }, O.branch);
    expect(outside.error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect(outside.error.details.report.issues.map((i: any) => `${i.row}.${i.field}`)).toEqual(['3.unit', '3.grids']);
    const above = await org('importStaff', { requestId: uid('req'), rows: [{ row: 2, name: '越级', mobile: mobile(), role: '支行', unit: '城北支行', grids: '' }] }, O.branch);
    expect(above.error).toMatchObject({ code: 'FORBIDDEN', reason: 'STAFF.ROLE_ABOVE_OWN' });
    expect((await org('importStaff', { requestId: uid('req'), rows: [{ row: 2, name: '组长', mobile: mobile(), role: '网格员', unit: '城北1号网格', grids: '' }] }, O.leader)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect(await counts(local, WRITTEN)).toEqual(before);
    const inside = await org('importStaff', { requestId: uid('req'), rows: [{ row: 2, name: '本支行', mobile: mobile(), role: '营销助理', unit: '城北支行', grids: '城北2号网格' }] }, O.branch);
    expect(inside.data).toMatchObject({ created: 1 });
  });

  it('never creates anyone twice on a retry: the rows already made come back with fresh codes', async () => {
    const requestId = uid('req');
    const rows = [
      { row: 2, name: '重试甲', mobile: mobile(), role: 'member', unit: U.gr1, grids: U.gr1 },
      { row: 3, name: '重试乙', mobile: mobile(), role: 'member', unit: U.gr2, grids: U.gr2 },
    ];
    const first = await org('importStaff', { requestId, rows }, O.branch);
    expect(first.data.created).toBe(2);
    const before = await counts(local, ['staff', 'staffHistory']);
    const again = await org('importStaff', { requestId, rows }, O.branch);
    expect(again.data).toMatchObject({ created: 0, existing: 2 });
    expect(again.data.rows.map((r: any) => r.staffId)).toEqual(first.data.rows.map((r: any) => r.staffId));
    expect(again.data.rows[0].bindCode).not.toBe(first.data.rows[0].bindCode);
    expect((await counts(local, ['staff'])).staff).toBe(before.staff);
    // The first answer's code stopped working when the retry issued a new one.
    expect((await local.call('user', { action: 'bind', code: first.data.rows[0].bindCode }, 'o-import-old')).ok).toBe(false);
    // A retry with one more row creates only that row; a retry by someone else is refused.
    const more = await org('importStaff', { requestId, rows: [...rows, { row: 4, name: '重试丙', mobile: mobile(), role: 'member', unit: U.gr1, grids: '' }] }, O.branch);
    expect(more.data).toMatchObject({ created: 1, existing: 2 });
    expect((await counts(local, ['staff'])).staff).toBe(before.staff + 1);
    const stolen = await org('importStaff', { requestId, rows }, O.hq);
    expect(stolen.error.details.report.issues.map((i: any) => `${i.row}.${i.field}`)).toEqual(['2.mobile', '3.mobile']);
    // Two copies of the same request racing create each person once.
    const raceId = uid('req');
    const raceRows = [{ row: 2, name: '并发', mobile: mobile(), role: 'member', unit: U.gr1, grids: '' }];
    const n = (await counts(local, ['staff'])).staff;
    const both = await Promise.all([org('importStaff', { requestId: raceId, rows: raceRows }, O.branch), org('importStaff', { requestId: raceId, rows: raceRows }, O.branch)]);
    expect(both.every((r) => r.ok)).toBe(true);
    expect((await counts(local, ['staff'])).staff).toBe(n + 1);
  });
});
