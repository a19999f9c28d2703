/**
 * The console's sign-in and session as time passes, in Chromium: a code left unscanned past its time, a
 * code cancelled on the phone, a session at its end, and a person disabled or moved out of the console's
 * roles while signed in. The gateway and the functions run in this process over a small fixture bank, so
 * the test moves the clock they read (jest's fake Date; every timer stays real) instead of waiting hours
 * or shortening anything the product uses. Any page error, console error or failed request fails a test,
 * except the one refusal a test expects.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, seedFixture } from '../field/fixture';
import { startGateway, type Gateway } from '../../local/gateway/server';
import { consoleRoutes } from '../../local/console';
import { buildConsole } from '../../scripts/build-console';
import { rebuildRollups } from '../../server/rollup';
import { CONSOLE_SESSION_HOURS, CONSOLE_TICKET_TTL_S } from '../../shared/domain/console.rules';
import { hasChromium, CHROMIUM, launchChromium } from './driver';
import { watch } from './console-harness';

const enabled = hasChromium();
if (!enabled) process.stdout.write(`console browser tests skipped: no Chromium at ${CHROMIUM}\n`);

/** How far this test has moved the clock. */
let shift = 0;
/** Moves the clock the gateway and the functions read by `ms` (only Date is faked; timers, sockets and the page's clock are real). */
function advanceClock(ms: number): void {
  if (!shift) jest.useFakeTimers({ advanceTimers: true, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
  shift += ms;
  jest.setSystemTime(jest.getRealSystemTime() + shift);
}

(enabled ? describe : describe.skip)('the console sign-in and session over time in Chromium', () => {
  const local = useLocalCloud();
  let gateway: Gateway;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let problems: string[] = [];
  /** What a test expects the page to see refused (an HTTP status and the console's line about it). */
  let expected: RegExp | null = null;

  beforeAll(async () => {
    await seedFixture(local);
    await rebuildRollups(local.cloud.database() as any);
    await buildConsole();
    gateway = await startGateway({ cloud: local.cloud, mode: 'local', port: 0, host: '127.0.0.1', log: () => undefined });
    gateway.mount(consoleRoutes({ cloud: local.cloud, mode: 'local' }));
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });
  afterEach(async () => {
    jest.useRealTimers();
    shift = 0;
    await context?.close();
    context = null;
    expect(problems.filter((p) => !(expected && expected.test(p)))).toEqual([]);
    expected = null;
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    problems = watch(page);
    return page;
  }

  /** Opens the sign-in screen and answers the ticket its code holds. */
  async function codeShown(page: Page): Promise<string> {
    const issued = page.waitForResponse((r) => r.url().endsWith('/console/api/call/user') && (r.request().postData() ?? '').includes('issueConsoleTicket'));
    await page.goto(`${gateway.url}/console/`);
    await page.getByTestId('console-qr').locator('svg').waitFor();
    return ((await (await issued).json()) as any).data.ticket as string;
  }

  /** Signs the page in as `openid`: the code scanned and confirmed on that person's phone. */
  async function signIn(page: Page, openid: string): Promise<void> {
    const ticket = await codeShown(page);
    expect((await local.call('user', { action: 'confirmConsoleTicket', ticket }, openid)).ok).toBe(true);
    await page.locator('.c-user-name').waitFor();
    // The dashboard done loading (its trend chart is the last chunk it asks for).
    await page.locator('.c-chart canvas').first().waitFor();
  }

  it('a code left unscanned past its time says it expired, cannot be confirmed, and a fresh one is offered', async () => {
    const page = await newPage();
    const ticket = await codeShown(page);
    advanceClock((CONSOLE_TICKET_TTL_S + 5) * 1000);
    const gone = page.locator('.c-gone');
    await gone.getByText('二维码已过期').waitFor();
    expect(await page.getByTestId('console-qr').count()).toBe(0);
    // The phone that scans it now is refused.
    const late = await local.call('user', { action: 'confirmConsoleTicket', ticket }, O.hq);
    expect(late.ok).toBe(false);
    // 刷新二维码: a new code, a new ticket.
    const reissued = page.waitForResponse((r) => (r.request().postData() ?? '').includes('issueConsoleTicket'));
    await gone.getByRole('button', { name: '刷新二维码' }).click();
    const fresh = ((await (await reissued).json()) as any).data.ticket as string;
    expect(fresh).not.toBe(ticket);
    await page.getByTestId('console-qr').locator('svg').waitFor();
    // And that one signs in.
    expect((await local.call('user', { action: 'confirmConsoleTicket', ticket: fresh }, O.hq)).ok).toBe(true);
    await page.locator('.c-user-name').waitFor();
  }, 120_000);

  it('a code cancelled on the phone says so, and the code can no longer sign in', async () => {
    const page = await newPage();
    const ticket = await codeShown(page);
    // 取消 on the phone's confirmation page.
    expect((await local.call('user', { action: 'revokeConsoleTicket', ticket }, O.hq)).data.status).toBe('revoked');
    await page.locator('.c-gone').getByText('登录已在手机上取消').waitFor();
    expect((await local.call('user', { action: 'confirmConsoleTicket', ticket }, O.hq)).ok).toBe(false);
    await page.locator('.c-gone').getByRole('button', { name: '刷新二维码' }).click();
    await page.getByTestId('console-qr').locator('svg').waitFor();
  }, 120_000);

  it('a session at its end: the next call returns the page to sign-in saying so', async () => {
    const page = await newPage();
    await signIn(page, O.hq);
    await page.locator('.c-user-role', { hasText: '总行' }).waitFor();
    // A minute before its end it still works.
    advanceClock((CONSOLE_SESSION_HOURS * 3600 - 60) * 1000);
    await page.getByRole('link', { name: '报表导出' }).click();
    await page.locator('.c-title', { hasText: '报表导出' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.c-user-name').count()).toBe(1);
    // Past it, the next call (the open screen's own, or the next screen's) finds no session.
    advanceClock(120_000);
    await page.evaluate(() => void ((globalThis as any).location.hash = '#/staff'));
    await page.getByRole('status').filter({ hasText: '登录已过期或已退出，请重新扫码登录。' }).waitFor();
    await page.getByTestId('console-qr').locator('svg').waitFor();
    expect(await page.locator('.c-user-name').count()).toBe(0);
    expect(((await (await page.request.get(`${gateway.url}/console/api/session`)).json()) as any).signedIn).toBe(false);
  }, 120_000);

  it('a branch manager moved to the member role while signed in is signed out on the next call, told why', async () => {
    const page = await newPage();
    await signIn(page, O.branch);
    await page.locator('.c-user-role', { hasText: '支行' }).waitFor();
    const staff = local.cloud.database().collection('staff');
    await staff.doc(S.branch).update({ data: { role: 'member' } });
    expected = /403/;
    try {
      await page.getByRole('link', { name: '人员管理' }).click();
      await page.getByRole('status').filter({ hasText: '你的角色已变更，控制台仅供总行和支行人员使用，已退出登录。' }).waitFor();
      await page.getByTestId('console-qr').locator('svg').waitFor();
      expect(await page.locator('.c-user-name').count()).toBe(0);
    } finally {
      await staff.doc(S.branch).update({ data: { role: 'branch' } });
    }
    // The session is gone, not paused: the role back, a reload is still signed out.
    await page.reload();
    await page.getByTestId('console-qr').locator('svg').waitFor();
    expect(await page.locator('.c-user-name').count()).toBe(0);
  }, 120_000);

  it('a person disabled while signed in is told on reopening the console', async () => {
    const page = await newPage();
    await signIn(page, O.branch);
    expect((await local.call('org', { action: 'disableStaff', staffId: S.branch }, O.hq)).ok).toBe(true);
    try {
      await page.reload();
      await page.getByRole('status').filter({ hasText: '账号已停用，控制台已退出登录。' }).waitFor();
      await page.getByTestId('console-qr').locator('svg').waitFor();
    } finally {
      expect((await local.call('org', { action: 'enableStaff', staffId: S.branch }, O.hq)).ok).toBe(true);
    }
  }, 120_000);
});
