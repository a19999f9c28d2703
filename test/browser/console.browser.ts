/**
 * The head-office console (/console/) in Chromium, on a gateway over a copy of the demo bank: sign-in by
 * the mini program's scan (the confirmation made by calling `user.confirmConsoleTicket` as the staff
 * member, as the mini program's confirm page does), the dashboard of every grid, an import with bad rows
 * and its error table, an export and its download, sign-out. Any page error, console error or failed
 * request fails the test; the page's Content-Security-Policy with every screen of the nav opened under it,
 * and no zod in the first load. Prints the first screen's time to interactive, the 265-grid table's render
 * time and the bundle sizes (figures, not assertions).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describeConsoleBuild } from '../../scripts/build-console';
import { dropCsv, pagesPerTest, signInDemo as signInDemoAt, startConsoleHarness, type ConsoleHarness } from './console-harness';
import { CHROMIUM, hasChromium } from './driver';

const enabled = hasChromium();
if (!enabled) process.stdout.write(`console browser tests skipped: no Chromium at ${CHROMIUM}\n`);

/** Imports `csv` as `kind` of `month` from the import screen (merged into a month that has figures already); the finished job's row. */
async function importCsv(page: Page, kind: string, month: string, name: string, csv: string) {
  await page.getByRole('link', { name: '数据导入' }).click();
  await page.getByText('把行内系统导出的 CSV 或 Excel 文件拖到这里').waitFor();
  await page.getByText(kind, { exact: true }).click();
  await page.getByLabel('数据月份').fill(month);
  await dropCsv(page, name, csv);
  await page.getByRole('button', { name: '开始导入' }).click();
  const job = page.locator('.c-job', { hasText: `${kind} ${month}` }).first();
  // A month with figures already would ask whether to replace or merge: merge it in.
  await job.locator('.t-tag', { hasText: /待选择导入方式|已完成/ }).waitFor({ timeout: 60_000 });
  if (await job.getByRole('button', { name: '合并' }).count()) await job.getByRole('button', { name: '合并' }).click();
  await job.locator('.t-tag', { hasText: '已完成' }).waitFor({ timeout: 60_000 });
  return job;
}

(enabled ? describe : describe.skip)('the head-office console in Chromium', () => {
  let h: ConsoleHarness;
  const figures: string[] = [];

  beforeAll(async () => {
    h = await startConsoleHarness('mg-console-');
    figures.push(...describeConsoleBuild(h.built).split('\n'));
  }, 40 * 60_000);

  afterAll(async () => {
    await h?.close();
    if (figures.length) process.stdout.write(`\nconsole figures (demo bank):\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
  });

  const pages = pagesPerTest(() => h.browser);
  const newPage = pages.newPage;

  const asStaff = (openid: string, fn: string, event: Record<string, unknown>): Promise<any> => h.asStaff(openid, fn, event);
  const signInDemo = (page: Page, role: '总行' | '支行') => signInDemoAt(page, h.url, role);

  const hqName = () => h.seed.accounts.find((a) => a.openid === 'demo-hq')!.name;
  const timing = (page: Page, name: string) => page.evaluate((n) => (globalThis as any).__consoleTimings?.[n] as number | undefined, name);

  it('signs in by scanning the QR code in the mini program, shows every grid, and signs out', async () => {
    const page = await newPage();
    const issued = page.waitForResponse((r) => r.url().endsWith('/console/api/call/user') && (r.request().postData() ?? '').includes('issueConsoleTicket'));
    const t0 = Date.now();
    await page.goto(`${h.url}/console/`);
    await page.getByTestId('console-qr').locator('svg').waitFor();
    const pageMs = Math.round(await page.evaluate(() => performance.now()));
    // The page's own clock at the frame after the code was drawn; the driver's figures add its polling under load.
    await page.waitForFunction(() => (globalThis as any).__consoleTimings?.signInShownAt);
    const shownAt = Math.round((await timing(page, 'signInShownAt')) ?? NaN);
    expect(shownAt).toBeGreaterThan(0);
    figures.push(`first screen interactive (sign-in QR code shown): ${shownAt} ms from navigation by the page's clock (target ≤ 1500); the driver saw it at ${Date.now() - t0} ms (${pageMs} ms page time when its wait returned)`);
    // Where that time went: when each request of the page ended, from navigation.
    const ends: { name: string; end: number }[] = await page.evaluate(() =>
      (globalThis as any).performance.getEntriesByType('resource').map((e: any) => ({ name: String(e.name).replace(/^.*\/console\//, ''), end: Math.round(e.responseEnd) })),
    );
    const lastEnd = (re: RegExp) => Math.max(0, ...ends.filter((e) => re.test(e.name)).map((e) => e.end));
    figures.push(
      `  of which: scripts and styles loaded by ${lastEnd(/\.(js|css)$/)} ms, session answered at ${lastEnd(/api\/session$/)} ms, ticket answered at ${lastEnd(/api\/call\/user$/)} ms`,
    );
    const { data: ticket } = await (await issued).json();
    expect(ticket.qrText).toBe(`mgconsole:${ticket.ticket}`);

    // A grid member scanning it is refused with the reason; the code still waits for a scan.
    const member = await asStaff('demo-member', 'user', { action: 'confirmConsoleTicket', ticket: ticket.ticket });
    expect(member.error).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED' });
    // Head office confirms on the phone: the console signs in as that person.
    const confirmed = await asStaff('demo-hq', 'user', { action: 'confirmConsoleTicket', ticket: ticket.ticket });
    expect(confirmed.data).toMatchObject({ status: 'confirmed', person: { role: 'hq' } });
    await page.locator('.c-user-name', { hasText: hqName() }).waitFor();
    await page.locator('.c-user-role', { hasText: '总行' }).waitFor();
    // The session is an HttpOnly cookie: no script of the page sees it.
    const cookie = (await pages.context()!.cookies()).find((c) => c.name === 'mg_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(await page.evaluate(() => (globalThis as any).document.cookie as string)).not.toContain('mg_console');
    // The ticket signed in once: scanning it again is refused.
    expect((await asStaff('demo-branch', 'user', { action: 'confirmConsoleTicket', ticket: ticket.ticket })).error.reason).toBe('CONSOLE.TICKET_USED');

    // The dashboard: every grid of the bank, the same figures as the function answers the mini program.
    const rows = page.locator('.t-table__body > tr, .t-table tbody tr');
    await page.getByRole('tab', { name: /全部网格（265）/ }).waitFor();
    await page.getByText('显示 265 / 265 个网格').waitFor();
    await rows.first().waitFor();
    const tableMs = await timing(page, 'gridTableRenderMs');
    const paintMs = await timing(page, 'gridTablePaintMs');
    figures.push(`dashboard table of 265 grids: ${tableMs} ms to render, ${paintMs} ms to the next frame (target ≤ 300)`);
    const month = (await asStaff('demo-hq', 'user', { action: 'me' })).data.bankDay.slice(0, 7);
    const view = (await asStaff('demo-hq', 'metrics', { action: 'dashboard', period: month, sections: ['grids'] })).data;
    const acquiring = await page.locator('[data-metric="acquiring"] .c-card-value').textContent();
    expect(acquiring).toBe(view.figures.acquiring.toLocaleString('zh-CN'));
    // Filtering by a grid's name leaves it alone; sorting puts the largest first.
    const one = view.grids[100];
    await page.getByPlaceholder('按支行、网格组或网格名称筛选').fill(one.name);
    await page.getByText(/显示 \d+ \/ 265 个网格/).waitFor();
    expect(await rows.first().textContent()).toContain(one.name);
    await page.getByPlaceholder('按支行、网格组或网格名称筛选').fill('');
    await page.locator('.c-chart canvas').first().waitFor();

    // Reopened while signed in: the dashboard is the first screen.
    const t1 = Date.now();
    await page.reload();
    await page.getByText('显示 265 / 265 个网格').waitFor();
    await rows.first().waitFor();
    const reloadMs = Math.round(await page.evaluate(() => performance.now()));
    await page.waitForFunction(() => (globalThis as any).__consoleTimings?.gridTableShownAt);
    const tableAt = Math.round((await timing(page, 'gridTableShownAt')) ?? NaN);
    figures.push(`first screen interactive when signed in (dashboard of 265 grids): ${tableAt} ms from navigation by the page's clock (target ≤ 1500); the driver saw it at ${Date.now() - t1} ms (${reloadMs} ms page time when its wait returned)`);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByTestId('console-qr').locator('svg').waitFor();
    const session: any = await page.evaluate(() => fetch('/console/api/session').then((r) => r.json()));
    expect(session.signedIn).toBe(false);
    // Signed out, a call is the anonymous caller's.
    const after: any = await page.evaluate(() => fetch('/console/api/call/user', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"me"}' }).then((r) => r.json()));
    expect(after.error.code).toBe('UNAUTHENTICATED');
  }, 180_000);

  it('a header claiming an identity signs nothing in', async () => {
    const page = await newPage();
    await page.goto(`${h.url}/console/`);
    await page.getByTestId('console-qr').locator('svg').waitFor();
    const res: any = await page.evaluate(() => fetch('/console/api/call/user', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': 'demo-hq' }, body: '{"action":"me"}' }).then((r) => r.json()));
    expect(res.error.code).toBe('UNAUTHENTICATED');
  });

  it('imports a deposits file with bad rows dropped on the page and shows the error report as a table', async () => {
    const page = await newPage();
    await signInDemo(page, '总行');
    const good = Array.from({ length: 12 }, (_, i) => `898321281${String(i + 1).padStart(6, '0')},${(i + 1) * 1000}.50`);
    const csv = ['收单商户号,月末存款余额', ...good, '898321281000013,不是数字', ',500', '898321281999999,100'].join('\n');
    const job = await importCsv(page, '存款余额', '2024-03', '存款-坏行.csv', csv);
    const line = (await job.textContent()) ?? '';
    expect(line).toMatch(/有误 [1-9]/);
    await job.getByRole('button', { name: '查看错误报告' }).click();
    const report = job.getByLabel('错误报告');
    await report.locator('tbody tr').first().waitFor();
    const text = (await report.textContent()) ?? '';
    expect(text).toContain('行号');
    expect(await report.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/存款余额|balance|数字|金额/);
  }, 180_000);

  it('imports a transactions file with bad rows dropped on the page: the good rows applied, the bad ones in the error report table', async () => {
    const page = await newPage();
    await signInDemo(page, '总行');
    const good = Array.from({ length: 12 }, (_, i) => `898321281${String(i + 1).padStart(6, '0')},${i + 3},${(i + 3) * 150}.25,2024-04-2${i % 9}`);
    const bad = [
      '898321281000013,很多,100.00,2024-04-20', // count not a number
      '898321281000014,0,88.00,2024-04-20', // an amount without a transaction
      ',5,500.00,2024-04-21', // no merchant named
      '898321281000015,4,-12.00,2024-04-22', // a negative amount
    ];
    const csv = ['收单商户号,交易笔数,交易金额,最后交易日', ...good, ...bad].join('\n');
    const job = await importCsv(page, '收单交易', '2024-04', '交易-坏行.csv', csv);
    const line = (await job.textContent()) ?? '';
    expect(line).toMatch(/有误 [1-9]/);
    await job.getByRole('button', { name: '查看错误报告' }).click();
    const report = job.getByLabel('错误报告');
    await report.locator('tbody tr').nth(2).waitFor();
    const text = (await report.textContent()) ?? '';
    expect(text).toContain('行号');
    expect(await report.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    // Each bad row named with its reason (the file's rows 14, 15, 16, 17 after the header).
    expect(text).toContain('交易笔数应为不小于 0 的整数');
    expect(text).toContain('交易笔数为 0 时金额应为 0');
    expect(text).toContain('应为不小于 0 的金额');
    // The same job as the function lists it: the bad rows counted, the good ones applied.
    const listed = (await asStaff('demo-hq', 'import', { action: 'list', limit: 5 })).data.items.find((j: any) => j.kind === 'transactions' && j.period === '2024-04');
    expect(listed).toMatchObject({ status: 'done', total: 16 });
    expect(listed.rejected).toBeGreaterThanOrEqual(3);
    expect(listed.applied).toBeGreaterThan(0);
    expect(listed.applied + listed.rejected).toBeLessThanOrEqual(16);
    expect(line).toContain(`导入 ${listed.applied.toLocaleString('zh-CN')} · 有误 ${listed.rejected}`);
  }, 180_000);

  it('exports the grid report, lists it in the history and downloads it', async () => {
    const page = await newPage();
    await signInDemo(page, '支行');
    await page.getByRole('link', { name: '报表导出' }).click();
    await page.getByRole('button', { name: '导出网格报表' }).click();
    const link = page.locator('.c-job').first().getByRole('link', { name: '下载' });
    await link.waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^网格报表-\d{4}-\d{2}\.xlsx$/);
    const file = await download.path();
    const bytes = readFileSync(file!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // The history survives a reload (it is the function's, not the page's).
    await page.reload();
    await page.locator('.c-job').first().getByRole('link', { name: '下载' }).waitFor();
  }, 240_000);

  it('serves the page under a strict Content-Security-Policy, without the validation library in its first load', async () => {
    // The metafile: neither the page's own code nor the sign-in or dashboard screen brings zod.
    expect(h.built.firstLoadHasZod).toBe(false);
    for (const name of ['signin', 'dashboard']) expect(h.built.screens.find((s) => s.name === name)).toMatchObject({ hasZod: false });
    const res = await fetch(`${h.url}/console/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    // Under that policy the console signs in and opens every screen of the nav without a violation
    // (a violation is a console error, which fails the test).
    const page = await newPage();
    const violations: string[] = [];
    await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => (globalThis as any).document.addEventListener('securitypolicyviolation', (e: any) => (globalThis as any).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
    await signInDemo(page, '总行');
    for (const link of await page.locator('.c-nav-item').all()) {
      const title = ((await link.textContent()) ?? '').trim();
      await link.click();
      await page.locator('.c-title', { hasText: title }).waitFor();
      await page.locator('.c-content .c-loading').waitFor({ state: 'detached' });
    }
    await page.waitForLoadState('networkidle');
    expect(violations).toEqual([]);
  }, 180_000);
});
