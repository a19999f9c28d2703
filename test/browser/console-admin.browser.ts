/**
 * The head-office console's administration screens in Chromium, on a gateway over a copy of the demo bank:
 * onboarding staff from a spreadsheet (an XLSX made here with exceljs, every row checked, the codes shown
 * as a printable sheet), managing a staff member (create, binding code, disable), reading and exporting
 * the audit log, and editing a grid's boundary on the map (drag a point, the preview of the merchants that
 * change grid, save; add a point and restore). Each checks its result against the functions; any page
 * error, console error or failed request fails the test.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { AUDIT_ACTION_LABELS } from '../../shared/domain/audit.rules';
import { MAX_STAFF_IMPORT_BYTES } from '../../shared/domain/staff-import.rules';
import { hasChromium, CHROMIUM } from './driver';
import { pagesPerTest, signInDemo, startConsoleHarness, type ConsoleHarness } from './console-harness';

const enabled = hasChromium();
if (!enabled) process.stdout.write(`console browser tests skipped: no Chromium at ${CHROMIUM}\n`);

type LngLat = [number, number];

/** A mobile number no staff member of the demo bank has (the run's time and a counter). */
let mobileSeq = 0;
function freshMobile(): string {
  mobileSeq += 1;
  return `1390${String((Date.now() + mobileSeq * 7919) % 1e7).padStart(7, '0')}`;
}

/** An XLSX of staff rows under the template's headers. */
async function staffSheet(rows: string[][]): Promise<Buffer> {
  const ExcelJS = require('exceljs') as typeof import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人员');
  ws.addRow(['姓名', '手机号', '角色', '所属单元', '负责网格']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The records of a CSV (quoted fields may hold commas, quotes and line breaks). */
function csvRecords(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) out.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) out.push(row);
  return out;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function center(l: Locator): Promise<{ x: number; y: number }> {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

(enabled ? describe : describe.skip)('the head-office console administration in Chromium', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness('mg-console-admin-');
  }, 40 * 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const pages = pagesPerTest(() => h.browser);
  const newPage = pages.newPage;

  const gridsOf = async (): Promise<any[]> => (await h.asStaff('demo-hq', 'org', { action: 'listUnits', kind: 'grid' })).data.items;
  const staffOfUnit = async (unitId: string): Promise<any[]> => {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await h.asStaff('demo-hq', 'org', { action: 'listStaff', unitId, limit: 50, ...(cursor ? { cursor } : {}) })).data;
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };

  it('onboards staff from a spreadsheet: rows checked, a file with bad rows refused whole, the codes shown as a printable sheet', async () => {
    const grid = (await gridsOf())[7];
    const unitRef = grid.code ?? grid.name;
    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.getByRole('link', { name: '批量入职' }).click();
    const input = page.locator('.screen-staff-import input[type=file]');

    // A file past the limit is refused on the page with the limit and its size, before anything is sent.
    let sent = 0;
    page.on('request', (r) => void (r.url().endsWith('/console/api/call/org') && (r.postData() ?? '').includes('importStaff') && sent++));
    await input.setInputFiles({ name: '人员-太大.xlsx', mimeType: XLSX_TYPE, buffer: Buffer.alloc(MAX_STAFF_IMPORT_BYTES + 1, 1) });
    await page.locator('.screen-staff-import .t-alert', { hasText: '文件不能超过 2 MB（这个文件 2.0 MB），请拆成几个文件分批导入' }).waitFor();
    expect(sent).toBe(0);

    // A file with two bad rows: every row is checked and shown, nothing can be imported.
    const bad = await staffSheet([
      ['周晓测', freshMobile(), '网格员', unitRef, unitRef],
      ['吴晓测', '12345', '网格员', unitRef, unitRef],
      ['郑晓测', freshMobile(), '不存在的角色', unitRef, ''],
    ]);
    await input.setInputFiles({ name: '人员-有误.xlsx', mimeType: XLSX_TYPE, buffer: bad });
    await page.getByText('共 3 行：1 行可导入，2 行有误').waitFor();
    const table = page.locator('.screen-staff-import .t-table');
    await table.locator('tbody tr').nth(2).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await table.locator('.t-tag', { hasText: '有误' }).count()).toBe(2);
    const issues = (await table.textContent()) ?? '';
    expect(issues).toContain('手机号：');
    expect(issues).toContain('角色：');
    expect(await page.getByRole('button', { name: /^导入/ }).count()).toBe(0);
    expect((await staffOfUnit(grid.id)).map((s) => s.name)).not.toContain('周晓测');

    // The corrected file: three rows valid, imported, and a card with each person's code and QR code.
    const names = ['周晓测', '吴晓测', '冯晓测'];
    const good = await staffSheet(names.map((n) => [n, freshMobile(), '网格员', unitRef, unitRef]));
    await input.setInputFiles({ name: '人员.xlsx', mimeType: XLSX_TYPE, buffer: good });
    await page.getByText('共 3 行：3 行可导入，0 行有误').waitFor();
    await page.getByRole('button', { name: '导入 3 人' }).click();
    const cards = page.locator('.code-sheet .code-card');
    await cards.nth(2).waitFor();
    expect(await cards.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const text = (await cards.nth(i).textContent()) ?? '';
      expect(text).toMatch(/周晓测|吴晓测|冯晓测/);
      expect(text).toContain(grid.name);
      expect(await cards.nth(i).locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    }
    const created = (await staffOfUnit(grid.id)).filter((s) => names.includes(s.name));
    expect(created).toHaveLength(3);
    for (const s of created) expect(s).toMatchObject({ role: 'member', status: 'active', isBound: false, gridIds: [grid.id] });
    for (const s of created) expect(s.bindCodeExpiresAt).not.toBeNull();

    // 打印绑定码 opens the browser's print; printed, the page is only the sheet, one card per person.
    await expectPrintsOnlyCards(page, '打印绑定码', names.map((n) => ({ name: n, unit: grid.name })));
  }, 180_000);

  /**
   * Clicks the print button (the browser's print dialog replaced by a counter: headless Chromium has none) and
   * checks the page as printed (print media): only the sheet shows, one card per person, with the name,
   * the unit, the code as text and its QR code; back on screen the sheet is hidden.
   */
  async function expectPrintsOnlyCards(page: Page, button: string, people: { name: string; unit: string; code?: string }[]): Promise<void> {
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__printed = 0;
      w.print = () => void (w.__printed += 1);
    });
    await page.getByRole('button', { name: button }).click();
    expect(await page.evaluate(() => (globalThis as any).__printed)).toBe(1);
    const sheet = page.getByTestId('print-sheet');
    expect(await sheet.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await sheet.isVisible()).toBe(true);
      expect(await page.locator('#root').isVisible()).toBe(false);
      // Nothing else of the page is printed: every visible element with a box is inside the sheet.
      const outside = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        const sheetEl = doc.querySelector('.c-print-sheet');
        return [...doc.body.querySelectorAll('*')].filter((el: any) => !sheetEl.contains(el) && el.getClientRects().length > 0 && (globalThis as any).getComputedStyle(el).visibility !== 'hidden').map((el: any) => el.className || el.tagName);
      });
      expect(outside).toEqual([]);
      const cards = sheet.locator('.c-print-card');
      expect(await cards.count()).toBe(people.length);
      for (const p of people) {
        const card = cards.filter({ hasText: p.name });
        expect(await card.count()).toBe(1);
        const text = (await card.textContent()) ?? '';
        expect(text).toContain(p.unit);
        expect(text).toMatch(/[A-Za-z0-9]{6,}/);
        if (p.code) expect(text).toContain(p.code);
        expect(await card.locator('img').getAttribute('src')).toMatch(/^data:image\//);
        expect(await card.locator('img').isVisible()).toBe(true);
      }
      // Three cards across an A4 page.
      const boxes = await Promise.all((await cards.all()).slice(0, 3).map((c) => c.boundingBox()));
      if (boxes.length === 3) expect(new Set(boxes.map((b) => Math.round(b!.y))).size).toBe(1);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  }

  it('manages a staff member: creates one with a binding code, then disables them', async () => {
    const grid = (await gridsOf())[11];
    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.getByRole('link', { name: '人员管理' }).click();
    await page.locator('.screen-staff .t-table tbody tr').first().waitFor();
    await page.getByRole('button', { name: '新建人员' }).click();
    const dialog = page.locator('.t-dialog', { hasText: '新建人员' });
    await dialog.waitFor();
    const mobile = freshMobile();
    const inputs = dialog.locator('input.t-input__inner');
    await inputs.nth(0).fill('钱晓测');
    await inputs.nth(1).fill(mobile);
    // 所属单元: typed into the filterable select, then picked.
    const unitSelect = dialog.locator('.t-form__item', { hasText: '所属单元' }).locator('.t-select');
    await unitSelect.click();
    await unitSelect.locator('input').fill(grid.name);
    await page.locator('.t-select-option', { hasText: `${grid.name}（网格）` }).first().click();
    await dialog.getByRole('button', { name: '确定' }).click();
    const code = page.locator('.t-dialog', { hasText: '绑定码（只显示这一次）' });
    await code.locator('.bind-code strong').waitFor();
    const shown = ((await code.locator('.bind-code strong').textContent()) ?? '').trim();
    expect(shown.length).toBeGreaterThanOrEqual(6);
    expect(await code.locator('img').getAttribute('src')).toMatch(/^data:image\//);
    const created = (await staffOfUnit(grid.id)).find((s) => s.name === '钱晓测');
    expect(created).toMatchObject({ role: 'member', status: 'active', isBound: false, unitId: grid.id });
    expect(created.mobile).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
    // Printed, the code is a sheet of one card, without the dialog or the page behind it.
    await expectPrintsOnlyCards(page, '打印', [{ name: '钱晓测', unit: grid.name, code: shown }]);
    await code.locator('.t-dialog__close').click();

    // The new person is the table's first row: disable them.
    const row = page.locator('.screen-staff .t-table tbody tr', { hasText: '钱晓测' }).first();
    await row.getByRole('button', { name: '停用' }).click();
    await row.locator('.t-tag', { hasText: '已停用' }).waitFor();
    const after = (await h.asStaff('demo-hq', 'org', { action: 'getStaff', staffId: created.id })).data;
    expect((after.staff ?? after).status).toBe('disabled');
  }, 180_000);

  it('moves a staff member, changes their role and issues them a binding code, each checked with the function', async () => {
    const grids = await gridsOf();
    const [from, to] = [grids[13], grids[14]];
    const name = `孙晓测${Date.now() % 1000}`;
    const made = await h.asStaff('demo-hq', 'org', { action: 'createStaff', id: randomUUID(), name, mobile: freshMobile(), role: 'member', unitId: from.id });
    expect(made.ok).toBe(true);
    const staffId = made.data.staff.id as string;
    const firstExpiry = made.data.bindCodeExpiresAt as string;
    const current = async () => {
      const out = (await h.asStaff('demo-hq', 'org', { action: 'getStaff', staffId })).data;
      return out.staff ?? out;
    };

    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.getByRole('link', { name: '人员管理' }).click();
    await page.locator('.screen-staff .t-table tbody tr').first().waitFor();
    await page.getByPlaceholder('按姓名或手机号后四位查找').fill(name);
    const row = page.locator('.screen-staff .t-table tbody tr', { hasText: name }).first();
    await row.waitFor();

    // 调动: to another grid, with a reason.
    await row.getByRole('button', { name: '调动' }).click();
    const move = page.locator('.t-dialog', { hasText: `调动 ${name}` });
    await move.waitFor();
    const unitSelect = move.locator('.t-form__item', { hasText: '所属单元' }).locator('.t-select');
    await unitSelect.click();
    await unitSelect.locator('input').fill(to.name);
    await page.locator('.t-select-option', { hasText: `${to.name}（网格）` }).first().click();
    await move.locator('.t-form__item', { hasText: '原因' }).locator('input').fill('网格调整');
    await move.getByRole('button', { name: '确定' }).click();
    await row.getByText(to.name).waitFor();
    expect(await current()).toMatchObject({ unitId: to.id, role: 'member' });

    // 改角色: to 营销助理.
    await row.getByRole('button', { name: '改角色' }).click();
    const role = page.locator('.t-dialog', { hasText: `变更 ${name} 的角色` });
    await role.waitFor();
    await role.locator('.t-form__item', { hasText: '角色' }).locator('.t-select').click();
    await page.locator('.t-select-option', { hasText: '营销助理' }).first().click();
    await role.getByRole('button', { name: '确定' }).click();
    await row.getByText('营销助理').waitFor();
    expect(await current()).toMatchObject({ unitId: to.id, role: 'marketing' });

    // 重新签发绑定码: a new code, shown once, valid from now.
    await row.getByRole('button', { name: /签发绑定码/ }).click();
    const code = page.locator('.t-dialog', { hasText: '绑定码（只显示这一次）' });
    await code.locator('.bind-code strong').waitFor();
    const shown = ((await code.locator('.bind-code strong').textContent()) ?? '').trim();
    expect(shown).toMatch(/^[A-Za-z0-9]{6,}$/);
    const after = await current();
    expect(new Date(after.bindCodeExpiresAt).getTime()).toBeGreaterThanOrEqual(new Date(firstExpiry).getTime());
    expect(after).toMatchObject({ unitId: to.id, role: 'marketing', isBound: false, status: 'active' });
    await code.locator('.t-dialog__close').click();
  }, 180_000);

  it('changes a unit\'s target on the settings screen, as the function then answers it', async () => {
    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    const asked = page.waitForRequest((r) => r.url().endsWith('/console/api/call/metrics') && (r.postData() ?? '').includes('"targets"'));
    await page.getByRole('link', { name: '目标与设置' }).click();
    const { unitId, period } = JSON.parse((await asked).postData()!) as { unitId: string; period: string };
    const row = page.locator('.screen-settings .t-table tbody tr', { hasText: '收单商户数' }).first();
    await row.locator('input').waitFor();
    const before = (await h.asStaff('demo-hq', 'metrics', { action: 'targets', unitId, period })).data.items.find((i: any) => i.metric === 'acquiring');
    const value = (before.target ?? 0) + 100 + (Date.now() % 97);
    await row.locator('input').fill(String(value));
    await row.locator('input').press('Tab');
    const saved = page.waitForResponse((r) => r.url().endsWith('/console/api/call/metrics') && (r.request().postData() ?? '').includes('"setTarget"'));
    await page.getByRole('button', { name: '保存目标' }).click();
    expect(((await (await saved).json()) as any).ok).toBe(true);
    await page.getByText('目标已保存').waitFor();
    const answered = (await h.asStaff('demo-hq', 'metrics', { action: 'targets', unitId, period })).data.items.find((i: any) => i.metric === 'acquiring');
    expect(answered.target).toBe(value);
    // The screen reads it back: the target in its field and the completion the function computes.
    await page.waitForFunction((v) => (globalThis as any).document.querySelector('.screen-settings .t-table tbody tr input')?.value !== undefined && [...(globalThis as any).document.querySelectorAll('.screen-settings .t-table tbody tr')].some((tr: any) => tr.textContent.includes('收单商户数') && tr.querySelector('input')?.value === String(v)), value);
    if (answered.ratio !== null) expect((await row.textContent()) ?? '').toContain(`${Math.round(answered.ratio * 1000) / 10}%`);
  }, 180_000);

  it('reads the audit log, filters it and exports it', async () => {
    // An entry of the head office account's own, whatever ran before: a staff member created.
    const me = (await h.asStaff('demo-hq', 'user', { action: 'me' })).data;
    const unit = (await gridsOf())[13];
    const made = await h.asStaff('demo-hq', 'org', { action: 'createStaff', id: randomUUID(), name: '孙晓测', mobile: freshMobile(), role: 'member', unitId: unit.id, gridIds: [] });
    expect(made.ok).toBe(true);
    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.getByRole('link', { name: '审计日志' }).click();
    // Entry rows (the table's empty-state row has a single cell).
    const rows = page.locator('.screen-audit .t-table tbody tr').filter({ has: page.locator('td:nth-child(5)') });
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);

    // Only the entries of one person: the signed-in head office account, newest first.
    await page.getByPlaceholder('操作人编号').fill(me.staffId);
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForFunction((name) => {
      const cells: any[] = [...(globalThis as any).document.querySelectorAll('.screen-audit .t-table tbody tr td:nth-child(2)')];
      return cells.length > 0 && cells.every((td) => td.textContent === name);
    }, me.name);
    const mine = (await h.asStaff('demo-hq', 'org', { action: 'searchAudit', staffId: me.staffId, limit: 50 })).data.items;
    expect(await rows.count()).toBe(mine.length);
    expect(((await rows.first().textContent()) ?? '')).toContain(mine[0].actionLabel);
    expect(mine.some((e: any) => e.action === 'staff-create')).toBe(true);

    // Exported as CSV: the file holds the filtered entries (header and one line each).
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const link = page.locator('.c-audit-export a.c-download');
    await link.waitFor();
    const exportedText = (await page.locator('.c-audit-export').textContent()) ?? '';
    const count = Number(/已导出 (\d+) 条/.exec(exportedText)?.[1]);
    expect(count).toBeGreaterThanOrEqual(mine.length);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const records = csvRecords(csv);
    expect(records.length).toBe(count + 1);
    expect(records.slice(1).every((r) => r.includes(me.name))).toBe(true);
    expect(records.slice(1).some((r) => r.includes(AUDIT_ACTION_LABELS['staff-create']))).toBe(true);
    // The export is itself audited.
    const again = (await h.asStaff('demo-hq', 'org', { action: 'searchAudit', staffId: me.staffId, limit: 5 })).data.items;
    expect(again[0]).toMatchObject({ action: 'export', detail: { kind: 'audit', format: 'csv', rows: count } });
  }, 180_000);

  it('edits a grid boundary on the map: drags a point, previews the merchants that change grid, saves; adds a point and restores', async () => {
    // A grid, one of its points and a neighbour's merchant such that moving the point just past that
    // merchant takes it into the grid (found with the function the screen calls).
    const grids = (await gridsOf()).filter((g) => g.boundary && g.boundary.length >= 4);
    const boxOf = (ring: LngLat[]) => ({ minX: Math.min(...ring.map((p) => p[0])), maxX: Math.max(...ring.map((p) => p[0])), minY: Math.min(...ring.map((p) => p[1])), maxY: Math.max(...ring.map((p) => p[1])) });
    const open = (ring: LngLat[]) => (ring.length > 3 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice());
    let plan: { grid: any; index: number; merchant: any; ring: LngLat[] } | null = null;
    let tries = 0;
    for (const grid of grids.slice(20, 60)) {
      if (plan || tries > 40) break;
      const ring = open(grid.boundary);
      const b = boxOf(ring);
      const dx = (b.maxX - b.minX) * 0.25;
      const dy = (b.maxY - b.minY) * 0.25;
      const neighbours = grids.filter((g) => g.id !== grid.id).filter((g) => {
        const o = boxOf(g.boundary);
        return o.minX <= b.maxX + dx && b.minX - dx <= o.maxX && o.minY <= b.maxY + dy && b.minY - dy <= o.maxY;
      });
      for (const n of neighbours.slice(0, 4)) {
        if (plan || tries > 40) break;
        const near = (await h.asStaff('demo-hq', 'merchant', { action: 'list', gridId: n.id, archived: false, limit: 50 })).data.items.filter((m: any) => m.location);
        for (let index = 0; index < ring.length && !plan && tries <= 40; index++) {
          const v = ring[index];
          const m = near.map((x: any) => ({ x, d: (x.location.lng - v[0]) ** 2 + (x.location.lat - v[1]) ** 2 })).sort((a: any, c: any) => a.d - c.d)[0]?.x;
          if (!m) continue;
          const target: LngLat = [m.location.lng + (m.location.lng - v[0]) * 0.25, m.location.lat + (m.location.lat - v[1]) * 0.25];
          if (target[0] < b.minX - (b.maxX - b.minX) * 0.5 || target[0] > b.maxX + (b.maxX - b.minX) * 0.5 || target[1] < b.minY - (b.maxY - b.minY) * 0.5 || target[1] > b.maxY + (b.maxY - b.minY) * 0.5) continue;
          tries++;
          const next = ring.map((p, k) => (k === index ? [Math.round(target[0] * 1e6) / 1e6, Math.round(target[1] * 1e6) / 1e6] : p));
          const res = await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: next });
          if (res.ok && res.data.moves.some((mv: any) => mv.merchantId === m.id && mv.toGridId === grid.id)) plan = { grid, index, merchant: m, ring };
        }
      }
    }
    expect(plan).not.toBeNull();
    const { grid, index, merchant, ring } = plan!;

    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.goto(`${h.url}/console/#/boundaries?grid=${grid.id}`);
    const map = page.getByTestId('boundary-map');
    await map.waitFor();
    const dot = map.locator(`[data-merchant-id="${merchant.id}"]`);
    await dot.waitFor({ state: 'attached' });
    const points = map.getByTestId('boundary-point');
    expect(await points.count()).toBe(ring.length);
    const domRing = async (): Promise<LngLat[]> => (await points.evaluateAll((els: any[]) => els.map((e) => [Number(e.getAttribute('data-lng')), Number(e.getAttribute('data-lat'))]))) as LngLat[];
    expect(await domRing()).toEqual(ring);

    // Drag the point just past the merchant.
    const from = await center(points.nth(index));
    const at = await center(dot);
    const to = { x: at.x + (at.x - from.x) * 0.25, y: at.y + (at.y - from.y) * 0.25 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    const countEl = page.getByTestId('boundary-moves-count');
    await countEl.waitFor();
    const edited = await domRing();
    expect(edited[index]).not.toEqual(ring[index]);
    edited.forEach((p, k) => k !== index && expect(p).toEqual(ring[k]));
    // What the screen shows is what the function previews for that boundary.
    const preview = (await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: edited })).data;
    expect(Number(await countEl.textContent())).toBe(preview.moves.length);
    expect(preview.moves.find((m: any) => m.merchantId === merchant.id)).toMatchObject({ toGridId: grid.id, toGridName: grid.name });
    const previewText = (await page.getByTestId('boundary-preview').textContent()) ?? '';
    for (const m of preview.moves.slice(0, 20)) {
      expect(previewText).toContain(m.merchantName);
      expect(previewText).toContain(m.fromGridName);
    }

    // Save: the boundary is the edited one and the merchants are in the grid now.
    await page.getByRole('button', { name: '保存边界' }).click();
    const confirm = page.locator('.t-dialog', { hasText: `保存后 ${preview.moves.length} 个商户将移交到新网格` });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: '保存' }).click();
    await page.getByText(`已保存，${preview.moves.length} 个商户已移交到新网格`).waitFor();
    const unit = (await h.asStaff('demo-hq', 'org', { action: 'getUnit', unitId: grid.id })).data.unit;
    expect(open(unit.boundary)).toEqual(edited);
    // Each merchant is in the grid the preview named (points shared with neighbours move there too, so
    // not every move is into this grid); the merchant the point was dragged past is in this grid.
    for (const m of preview.moves.slice(0, 10)) {
      expect((await h.asStaff('demo-hq', 'merchant', { action: 'get', id: m.merchantId })).data.gridId).toBe(m.toGridId);
    }
    expect((await h.asStaff('demo-hq', 'merchant', { action: 'get', id: merchant.id })).data.gridId).toBe(grid.id);
    // Nothing left to save, and the save over (the map takes edits again): TDesign draws a disabled button as
    // a disabled element that is no button, loading while the save reads the units again.
    await page.locator('.c-map-side .t-button.t-is-disabled:not(.t-is-loading)', { hasText: '保存边界' }).waitFor();
    expect(await domRing()).toEqual(edited);

    // Add a point in the middle of the first edge: the shape is the same, so no merchant changes grid.
    await map.locator('[data-testid="boundary-add-point"][data-after="0"]').click();
    await countEl.waitFor();
    expect(await points.count()).toBe(ring.length + 1);
    const added = await domRing();
    expect(added[1]).toEqual([Math.round(((edited[0][0] + edited[1][0]) / 2) * 1e6) / 1e6, Math.round(((edited[0][1] + edited[1][1]) / 2) * 1e6) / 1e6]);
    const addedPreview = (await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: added })).data;
    expect(Number(await countEl.textContent())).toBe(addedPreview.moves.length);
    await page.getByRole('button', { name: '恢复原边界' }).click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid="boundary-point"]').length === n, ring.length);
    expect(await domRing()).toEqual(edited);
    await page.waitForLoadState('networkidle');
  }, 300_000);

  it('removes a boundary point (a refused removal shown as the function refuses it; an added point removed and saved) and creates a market of grids picked on the map', async () => {
    const open = (ring: LngLat[]) => (ring.length > 3 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice());
    const units: any[] = (await h.asStaff('demo-hq', 'org', { action: 'listUnits' })).data.items;
    const grids = units.filter((g) => g.kind === 'grid' && g.boundary && open(g.boundary).length >= 4);
    // A grid and a point whose removal the function refuses (a merchant left outside, a neighbour overlapped).
    let plan: { grid: any; ring: LngLat[]; index: number; message: string } | null = null;
    for (const grid of grids.slice(60, 90)) {
      const ring = open(grid.boundary);
      for (let index = 0; index < ring.length && !plan; index++) {
        const res = await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: ring.filter((_, k) => k !== index) });
        if (!res.ok) plan = { grid, ring, index, message: res.error.details?.issues?.[0]?.message ?? res.error.message };
      }
      if (plan) break;
    }
    expect(plan).not.toBeNull();
    const { grid, ring, index, message } = plan!;

    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.goto(`${h.url}/console/#/boundaries?grid=${grid.id}`);
    const map = page.getByTestId('boundary-map');
    await map.waitFor();
    const points = map.getByTestId('boundary-point');
    await points.first().waitFor();
    const domRing = async (): Promise<LngLat[]> => (await points.evaluateAll((els: any[]) => els.map((e) => [Number(e.getAttribute('data-lng')), Number(e.getAttribute('data-lat'))]))) as LngLat[];
    expect(await domRing()).toEqual(ring);
    const clickPoint = async (i: number) => {
      const c = await center(points.nth(i));
      // The mouse clicks whatever is on top there: wait until that is the point (no toast or dialog over it).
      await page.waitForFunction(([x, y, k]) => (globalThis as any).document.elementFromPoint(x, y)?.getAttribute('data-index') === String(k), [c.x, c.y, i] as const);
      await page.mouse.click(c.x, c.y);
    };

    // Click the point (it is selected, not moved), remove it: refused as the function refuses it, nothing to save.
    await clickPoint(index);
    expect(await domRing()).toEqual(ring);
    await page.getByRole('button', { name: `删除第 ${index + 1} 个点` }).click();
    const error = page.getByTestId('boundary-error');
    await error.waitFor();
    expect((await error.textContent()) ?? '').toContain(message);
    expect(await domRing()).toEqual(ring.filter((_, k) => k !== index));
    await page.locator('.c-map-side .t-button.t-is-disabled', { hasText: '保存边界' }).waitFor();
    await page.getByRole('button', { name: '恢复原边界' }).click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-testid="boundary-point"]').length === n, ring.length);

    // A point added in the middle of the first edge and saved, then removed again: previewed, saved, the
    // unit's boundary back to the ring it had.
    const countEl = page.getByTestId('boundary-moves-count');
    await map.locator('[data-testid="boundary-add-point"][data-after="0"]').click();
    await countEl.waitFor();
    const added = await domRing();
    expect(added).toHaveLength(ring.length + 1);
    const addPreview = (await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: added })).data;
    expect(Number(await countEl.textContent())).toBe(addPreview.moves.length);
    const saveAndWait = async (moves: number) => {
      // Messages of an earlier save may still show: only a new one answers this save.
      await page.evaluate(() => (globalThis as any).document.querySelectorAll('.t-message').forEach((e: any) => e.setAttribute('data-seen', '1')));
      await page.getByRole('button', { name: '保存边界' }).click();
      await page.locator('.t-dialog', { hasText: '保存边界' }).getByRole('button', { name: '保存' }).click();
      await page.locator('.t-message:not([data-seen])', { hasText: moves ? `已保存，${moves} 个商户已移交到新网格` : '已保存，没有商户更换网格' }).waitFor();
      // The save ends after the units and merchants are read again (its button loading until then): a point
      // clicked before that is not selected.
      await page.locator('.c-map-side .t-button.t-is-disabled:not(.t-is-loading)', { hasText: '保存边界' }).waitFor();
      // The dialog's closing animation still covers the map for a moment: a point clicked through the mouse
      // (not a locator, which waits for its target) would land on it.
      await page.locator('.t-dialog', { hasText: '保存边界' }).waitFor({ state: 'hidden' });
    };
    await saveAndWait(addPreview.moves.length);
    expect(open((await h.asStaff('demo-hq', 'org', { action: 'getUnit', unitId: grid.id })).data.unit.boundary)).toEqual(added);

    await clickPoint(1);
    expect(await domRing()).toEqual(added);
    await page.getByRole('button', { name: '删除第 2 个点' }).click();
    await countEl.waitFor();
    const removed = added.filter((_, k) => k !== 1);
    expect(await domRing()).toEqual(removed);
    const preview = (await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: removed })).data;
    expect(Number(await countEl.textContent())).toBe(preview.moves.length);
    await saveAndWait(preview.moves.length);
    const saved = (await h.asStaff('demo-hq', 'org', { action: 'getUnit', unitId: grid.id })).data.unit;
    expect(open(saved.boundary)).toEqual(removed);
    expect(removed).toEqual(open(grid.boundary));
    expect(await domRing()).toEqual(removed);

    // Create a market: a name, the grid's branch (chosen for it), this grid and a visible grid of the same branch.
    const branchId = grid.unitPath.find((id: string) => units.find((u) => u.id === id)?.kind === 'branch');
    const shown: string[] = await map.locator('polygon.c-map-grid').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-grid-id')));
    const sibling = shown.find((id) => id !== grid.id && units.find((u) => u.id === id)?.unitPath.includes(branchId));
    await page.getByRole('button', { name: '新建商圈' }).click();
    const name = `测试商圈${Date.now() % 100000}`;
    await page.getByPlaceholder('商圈名称').fill(name);
    await map.getByTestId('boundary-ring').dispatchEvent('click');
    const picked = sibling ? [grid.id, sibling] : [grid.id];
    if (sibling) await map.locator(`polygon.c-map-grid[data-grid-id="${sibling}"]`).dispatchEvent('click');
    await page.getByText(`已选 ${picked.length} 个`).waitFor();
    await page.getByRole('button', { name: '创建商圈' }).click();
    await page.getByText(`商圈「${name}」已创建，覆盖 ${picked.length} 个网格`).waitFor();
    const markets: any[] = (await h.asStaff('demo-hq', 'org', { action: 'listMarkets' })).data.items;
    const made = markets.find((m) => m.name === name);
    expect(made).toBeDefined();
    expect(made.branchId).toBe(branchId);
    expect([...made.gridIds].sort()).toEqual([...picked].sort());
    await page.locator('.screen-boundaries .t-table tbody tr', { hasText: name }).waitFor();
    await page.waitForLoadState('networkidle');
  }, 300_000);
  it('draws a boundary for a grid that has none: points clicked on the map, an overlap refused as the function refuses it, undone, previewed and saved', async () => {
    const open = (ring: LngLat[]) => (ring.length > 3 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice());
    // A new grid without a boundary, in the group of an existing grid.
    const sibling = (await gridsOf()).find((g) => g.boundary);
    const made = await h.asStaff('demo-hq', 'org', { action: 'createUnit', kind: 'grid', name: `测绘网格${Date.now() % 100000}`, parentId: sibling.parentId });
    expect(made.ok).toBe(true);
    const grid = made.data.unit ?? made.data;
    expect(grid.boundary ?? null).toBeNull();

    const page = await newPage();
    await signInDemo(page, h.url, '总行');
    await page.goto(`${h.url}/console/#/boundaries?grid=${grid.id}`);
    const map = page.locator('[data-testid="boundary-map"][data-drawing="true"]');
    await map.waitFor();
    await page.getByText('本网格还没有边界：在地图上依次点出边界的点（至少 3 个）').waitFor();
    await map.locator('.c-map-grid').first().waitFor();
    const points = map.getByTestId('boundary-point');
    expect(await points.count()).toBe(0);
    const domRing = async (): Promise<LngLat[]> => (await points.evaluateAll((els: any[]) => els.map((e) => [Number(e.getAttribute('data-lng')), Number(e.getAttribute('data-lat'))]))) as LngLat[];

    // Where to click: a square of the map clear of every grid drawn on it (sampled with the polygons' own
    // hit test), and a spot deep inside a neighbour grid; as page coordinates.
    const spots = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const svg = doc.querySelector('[data-testid="boundary-map"]');
      const polys = [...svg.querySelectorAll('polygon.c-map-grid')];
      const vb = svg.viewBox.baseVal;
      const inside = (x: number, y: number) => polys.some((p: any) => p.isPointInFill(new (globalThis as any).DOMPoint(x, y)));
      const d = Math.min(vb.width, vb.height) * 0.04;
      const clear = (cx: number, cy: number, r: number) => {
        for (let i = -4; i <= 4; i++) for (let j = -4; j <= 4; j++) if (inside(cx + (i * r) / 4, cy + (j * r) / 4)) return false;
        return true;
      };
      const deep = (cx: number, cy: number, r: number) => {
        for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) if (!inside(cx + (i * r) / 2, cy + (j * r) / 2)) return false;
        return true;
      };
      let free: [number, number] | null = null;
      let within: [number, number] | null = null;
      for (let fy = 0.1; fy <= 0.9 && !free; fy += 0.02) for (let fx = 0.1; fx <= 0.9 && !free; fx += 0.02) if (clear(vb.x + fx * vb.width, vb.y + fy * vb.height, d * 1.5)) free = [vb.x + fx * vb.width, vb.y + fy * vb.height];
      if (!free) return null;
      // The neighbour spot nearest the free square (a triangle reaching into it overlaps that grid).
      let best = Infinity;
      for (let fy = 0.05; fy <= 0.95; fy += 0.02) {
        for (let fx = 0.05; fx <= 0.95; fx += 0.02) {
          const x = vb.x + fx * vb.width;
          const y = vb.y + fy * vb.height;
          const dist = Math.hypot(x - free[0], y - free[1]);
          if (dist < best && deep(x, y, d * 0.5)) {
            best = dist;
            within = [x, y];
          }
        }
      }
      const ctm = svg.getScreenCTM();
      const page = ([x, y]: [number, number]) => {
        const p = new (globalThis as any).DOMPoint(x, y).matrixTransform(ctm);
        return { x: p.x, y: p.y };
      };
      return {
        triangle: [page([free[0], free[1] - d]), page([free[0] + d, free[1] + d]), page([free[0] - d, free[1] + d])],
        neighbour: within ? page(within) : null,
      };
    });
    expect(spots).not.toBeNull();
    expect(spots!.neighbour).not.toBeNull();
    const [a, b, c] = spots!.triangle;

    // Two points: a line, nothing to preview or save yet.
    await page.mouse.click(a.x, a.y);
    await page.mouse.click(b.x, b.y);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid="boundary-point"]').length === 2);
    await map.getByTestId('boundary-line').waitFor();
    expect(await page.getByTestId('boundary-moves-count').count()).toBe(0);
    expect(await page.locator('.c-map-side .t-button.t-is-disabled', { hasText: '保存边界' }).count()).toBe(1);

    // A third point inside a neighbour grid: refused with the function's own sentence, nothing to save.
    await page.mouse.click(spots!.neighbour!.x, spots!.neighbour!.y);
    await page.getByTestId('boundary-error').waitFor();
    const overlapping = await domRing();
    expect(overlapping).toHaveLength(3);
    const refused = await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: overlapping });
    expect(refused.ok).toBe(false);
    expect((await page.getByTestId('boundary-error').textContent()) ?? '').toContain(refused.error.details?.issues?.[0]?.message ?? refused.error.message);
    expect(await page.locator('.c-map-side .t-button.t-is-disabled', { hasText: '保存边界' }).count()).toBe(1);

    // Undone, and the third point put in the clear square: previewed as the function previews it, saved.
    await page.getByTestId('boundary-undo-point').click();
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid="boundary-point"]').length === 2);
    expect(await page.getByTestId('boundary-error').count()).toBe(0);
    await page.mouse.click(c.x, c.y);
    const countEl = page.getByTestId('boundary-moves-count');
    await countEl.waitFor();
    const drawn = await domRing();
    expect(drawn).toHaveLength(3);
    expect(drawn.slice(0, 2)).toEqual(overlapping.slice(0, 2));
    const preview = await h.asStaff('demo-hq', 'org', { action: 'previewBoundary', unitId: grid.id, boundary: drawn });
    expect(preview.ok).toBe(true);
    expect(Number(await countEl.textContent())).toBe(preview.data.moves.length);
    await page.getByRole('button', { name: '保存边界' }).click();
    const confirm = page.locator('.t-dialog', { hasText: preview.data.moves.length ? `保存后 ${preview.data.moves.length} 个商户将移交到新网格` : '没有商户会因此更换网格' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: '保存' }).click();
    await page.getByText(/^已保存/).first().waitFor();
    const unit = (await h.asStaff('demo-hq', 'org', { action: 'getUnit', unitId: grid.id })).data.unit;
    expect(open(unit.boundary)).toEqual(drawn);
    // Now an ordinary boundary: edited, not drawn.
    await page.locator('[data-testid="boundary-map"]:not([data-drawing])').waitFor();
    await page.getByTestId('boundary-ring').waitFor();
    await page.waitForLoadState('networkidle');
  }, 300_000);
});
