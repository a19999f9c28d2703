/**
 * The audit log (docs/security.md "Audit log"): searched by who, what, which record and which days, newest first and paged by
 * cursor over an index; head office reads the bank, a branch manager its branch; who saw which personal
 * data; exported as CSV or XLSX, the export itself audited. Through the real `org` function.
 */
import ExcelJS from 'exceljs';
import { chinaDay } from '../../shared/domain/period.rules';
import { csvCell } from '../../cloudfunctions/org/audit.service';
import { IN, O, S, U, completeFile, mobile, photo, seedFixture } from './fixture';
import { useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud();
const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);

let shop1 = '';
let shop2 = '';
let staff1 = '';
let staff2 = '';
beforeAll(async () => {
  await seedFixture(local);
  // A merchant in each branch, its operator's personal data seen by a branch manager and by head office.
  const m1 = completeFile(S.marketing, { operator: { name: '刘', mobile: '13700001111' } });
  const made1 = await local.call('merchant', { action: 'create', ...m1 }, O.marketing);
  expect(made1.ok).toBe(true);
  shop1 = m1.id;
  const m2 = completeFile(S.marketing2, { gridId: U.gr3, location: IN.gr3, photos: [photo(S.marketing2, IN.gr3)] });
  const made2 = await local.call('merchant', { action: 'create', ...m2 }, O.marketing2);
  expect(made2.ok).toBe(true);
  shop2 = m2.id as string;
  const r1 = await local.call('merchant', { action: 'revealPi', id: shop1 }, O.branch);
  expect(r1.error ?? null).toBeNull();
  expect((await local.call('merchant', { action: 'revealPi', id: shop1 }, O.hq)).ok).toBe(true);
  expect((await local.call('merchant', { action: 'revealPi', id: shop2 }, O.hq)).ok).toBe(true);
  staff1 = (await org('createStaff', { name: '一支行新人', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: mobile() }, O.branch)).data.staff.id;
  staff2 = (await org('createStaff', { name: '二支行新人', role: 'member', unitId: U.gr3, gridIds: [U.gr3], mobile: mobile() }, O.branch2)).data.staff.id;
});

/** Every entry a search finds, page by page. */
async function all(filter: Record<string, unknown>, openid: string = O.hq, limit = 2): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await org('searchAudit', { ...filter, limit, ...(cursor ? { cursor } : {}) }, openid);
    expect(res.ok).toBe(true);
    out.push(...res.data.items);
    cursor = res.data.nextCursor;
  } while (cursor);
  return out;
}

describe('searchAudit', () => {
  it('shows who saw which personal data, newest first, with names', async () => {
    const seen = await all({ actions: ['view-pi'] });
    expect(seen.map((e) => [e.staffId, e.target.id])).toEqual([
      [S.hq, shop2],
      [S.hq, shop1],
      [S.branch, shop1],
    ]);
    expect(seen[2]).toMatchObject({ actionLabel: '查看完整个人信息', staffName: '李行长', target: { collection: 'merchants', name: expect.any(String) }, detail: { fields: expect.arrayContaining(['operator.mobile']) } });
    expect(seen.map((e) => e.at)).toEqual([...seen.map((e) => e.at)].sort().reverse());
  });

  it('filters by who, which record and which days, paging without repeats or gaps', async () => {
    const everything = await all({}, O.hq, 50);
    const paged = await all({}, O.hq, 3);
    expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    expect(new Set(paged.map((e) => e.id)).size).toBe(paged.length);
    expect((await all({ staffId: S.branch })).every((e) => e.staffId === S.branch)).toBe(true);
    // The merchant's filing looked its operator up by mobile (a duplicate check) before the two views.
    expect((await all({ targetId: shop1 })).map((e) => e.action)).toEqual(['view-pi', 'view-pi', 'pi-probe']);
    const today = chinaDay(new Date());
    expect((await all({ from: today, to: today })).length).toBe(everything.length);
    expect(await all({ from: '2020-01-01', to: '2020-01-31' })).toEqual([]);
  });

  it('shows a branch manager the entries of its people and records only; head office everything', async () => {
    const branch = await all({}, O.branch, 50);
    const targets = new Set(branch.map((e) => e.target.id));
    expect(targets.has(shop1) && targets.has(staff1)).toBe(true);
    expect(targets.has(shop2) || targets.has(staff2)).toBe(false);
    // Head office's look at branch 1's merchant is branch 1's business; its look at branch 2's is not.
    expect(branch.filter((e) => e.action === 'view-pi').map((e) => e.staffId)).toEqual([S.hq, S.branch]);
    const hq = await all({ unitId: U.br2 }, O.hq, 50);
    expect(hq.map((e) => e.target.id)).toEqual(expect.arrayContaining([shop2, staff2]));
    // Others may not read it; a unit outside scope is refused.
    expect((await org('searchAudit', {}, O.leader)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await org('searchAudit', { unitId: U.br2 }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('searchAudit', { from: '2025-01-01', to: '2024-01-01' })).error.details.issues[0].field).toBe('to');
    expect((await org('searchAudit', { actions: ['peek'] })).error.details.issues[0].field).toBe('actions.0');
  });

  it('reads an index in order for each filter', async () => {
    const engine = local.cloud.engine;
    const order: [string, 1 | -1][] = [['at', -1], ['_id', -1]];
    for (const [criteria, index] of [
      [{}, 'at_-1__id_-1'],
      [{ unitPath: U.br1 }, 'unitPath_1_at_-1__id_-1'],
      [{ unitPath: U.br1, action: 'view-pi' }, 'unitPath_1_at_-1__id_-1'],
      [{ action: 'view-pi' }, 'action_1_at_-1__id_-1'],
      [{ staffId: S.hq }, 'staffId_1_at_-1__id_-1'],
      [{ 'target.id': 'x' }, 'target.id_1_at_-1__id_-1'],
    ] as const) {
      const plan = engine.explain('auditLog', criteria, order);
      expect([plan.index, plan.ordered]).toEqual([index, true]);
    }
  });
});

describe('exportAudit', () => {
  it('exports what a search finds as CSV and XLSX, and audits the export', async () => {
    const csv = await org('exportAudit', { actions: ['view-pi'] });
    expect(csv.data).toMatchObject({ rows: 3, truncated: false, fileName: expect.stringMatching(/\.csv$/) });
    const text = (await local.cloud.storage.download(csv.data.fileId)).toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('"时间","操作","操作代码","操作人","操作人编号","对象类型","对象编号","对象名称","详情"');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('"李行长"');
    expect(text).not.toContain('13700001111');
    // A cell a spreadsheet would run as a formula is written as text.
    expect([csvCell('=HYPERLINK("x")'), csvCell('-1'), csvCell('王')]).toEqual(['"\'=HYPERLINK(""x"")"', '"\'-1"', '"王"']);
    const exported = await all({ actions: ['export'] });
    expect(exported[0]).toMatchObject({ staffId: S.hq, target: { collection: 'auditLog' }, detail: { kind: 'audit', rows: 3 } });
    const xlsx = await org('exportAudit', { staffId: S.branch, format: 'xlsx' }, O.branch);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await local.cloud.storage.download(xlsx.data.fileId)) as any);
    const sheet = wb.getWorksheet('审计日志')!;
    expect(sheet.rowCount).toBe(xlsx.data.rows + 1);
    expect(xlsx.data.rows).toBeGreaterThan(0);
  });
});
