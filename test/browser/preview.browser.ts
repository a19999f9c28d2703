/**
 * The mini program's journeys in Chromium through the browser preview (/preview/), on a gateway over
 * the demo bank: the real pages, the real functions, a person's taps. `npm run test:browser`.
 * Any page error, console error or failed request fails the test. Prints the first page's time to
 * interactive and the tab switch times (figures, not assertions: speed belongs to measurements).
 */
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { startGateway, type Gateway } from '../../local/gateway/server';
import { previewRoutes } from '../../local/preview';
import { buildPreview, previewIsStale } from '../../scripts/build-preview';
import { useDemoBank } from '../helpers/demo-bank';
import { CHROMIUM, hasChromium, launchChromium, PreviewDriver } from './driver';

const PHOTO = path.resolve(__dirname, '../../miniprogram/assets/tabbar/merchants-active.png');
const enabled = hasChromium();
if (!enabled) process.stdout.write(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM)\n`);

(enabled ? describe : describe.skip)('the mini program in Chromium, through the preview', () => {
  const bank = useDemoBank();
  let gateway: Gateway;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let driver: PreviewDriver;
  const figures: string[] = [];
  const name = `浏览器测试面馆${Date.now().toString(36).slice(-4)}`;

  beforeAll(async () => {
    if (previewIsStale()) await buildPreview();
    gateway = await startGateway({ cloud: bank.cloud, port: 0, log: () => undefined, mounts: [previewRoutes({ cloud: bank.cloud })] });
    // A gateway that has served before: the functions the first page calls are loaded.
    await bank.call('user', { action: 'me' }, 'demo-branch');
    await bank.call('visit', { action: 'tasks', status: 'open' }, 'demo-branch');
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (figures.length) process.stdout.write(`\nbrowser preview figures (demo bank):\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
  });

  async function as(): Promise<PreviewDriver> {
    context = await browser.newContext({ viewport: { width: 900, height: 900 }, acceptDownloads: true });
    driver = new PreviewDriver(await context.newPage(), gateway.url);
    return driver;
  }

  afterEach(async () => {
    const problems = driver?.problems ?? [];
    await context?.close();
    context = null;
    expect(problems).toEqual([]);
  });

  const staffName = (openid: string) => bank.seed.accounts.find((a) => a.openid === openid)!.name;

  it('the home page lists the demo accounts by role and opens the preview as one of them', async () => {
    const d = await as();
    await d.page.goto(`${gateway.url}/`);
    for (const role of ['总行', '支行', '网格长', '网格员', '营销助理', '维护助理']) await d.page.getByRole('cell', { name: role, exact: true }).waitFor();
    await d.page.getByText(staffName('demo-member')).first().waitFor();
    await d.page.getByRole('link', { name: '以网格员身份打开' }).first().click();
    await d.onPage('工作台');
    await d.text(staffName('demo-member')).waitFor();
  });

  it('a grid member files a merchant with a photo from a file', async () => {
    const d = await as();
    const ms = await d.open('demo-member', staffName('demo-member'));
    await d.text(/今天没有待办任务|到期|逾期/).waitFor();
    figures.push(`first page interactive (工作台 with the member's tasks): ${ms} ms (target ≤ 2000)`);
    // The banner says what this is, and the package sizes as WeChat counts them.
    await d.page.locator('.wxp-banner', { hasText: '浏览器预览' }).waitFor();
    await d.page.locator('.wxp-sizes', { hasText: '主包' }).waitFor();

    await d.tap('商户建档');
    await d.onPage('商户建档');
    await d.tap('+ 拍照');
    await d.agreePrivacyIfAsked();
    await d.takePhotoFromFile(PHOTO);
    await d.cls('photo').locator('img[src^="blob:"]').first().waitFor();
    await d.top().locator('wx-map .wxp-pin').first().waitFor();
    await d.fill('f-name', name);
    await d.pick('请选择乡镇或街道', /./);
    await d.fill('f-street', '英武中路');
    await d.fill('f-door', '18号');
    await d.pick('请选择行业', /./);
    await d.fill('f-op-name', '陈浏览');
    await d.fill('f-op-mobile', '13700004321');
    await d.tap('提交建档');
    await d.onPage('商户详情');
    await d.text(name).waitFor();
  });

  it('the member revisits it with one failed check, sees the task on the workbench and the visit on the dashboard', async () => {
    const d = await as();
    await d.open('demo-member', staffName('demo-member'));
    await d.switchTab('看板');
    await d.cls('metric').first().waitFor();
    const before = await d.cardValue('走访次数');

    await d.switchTab('商户');
    await d.top().locator('wx-input input').first().fill(name);
    await d.top().locator('wx-input input').first().press('Enter');
    await d.cls('merchant').filter({ hasText: name }).first().click();
    await d.onPage('商户详情');
    await d.tap('回访签到');
    await d.onPage('回访签到');
    await d.text(name).waitFor();
    await d.tap(/^签到$/);
    await d.agreePrivacyIfAsked();
    await d.text(/距商户 \d+ 米/).waitFor();
    const checks = d.cls('check');
    for (let i = 0; i < 5; i++) await checks.nth(i).getByText('通过', { exact: true }).click();
    await checks.nth(5).getByText('未通过', { exact: true }).click();
    await checks.nth(5).locator('wx-input input').fill('喇叭不响');
    await d.tap('提交走访');
    await d.text(/已生成整改任务/).waitFor();

    await d.switchTab('工作台');
    await d.pullDown();
    await d.text(name).waitFor();
    await d.switchTab('看板');
    await d.pullDown();
    await d.until('the dashboard counts the visit', async () => (await d.cardValue('走访次数')) > before);
    expect(await d.cardValue('走访次数')).toBe(before + 1);
  });

  it('a grid leader drills from the group to one of its grids', async () => {
    const d = await as();
    await d.open('demo-leader', staffName('demo-leader'));
    await d.switchTab('看板');
    await d.text('下级分布').waitFor();
    const unit = (await d.cls('unit').first().textContent())?.trim();
    const row = d.top().locator('[data-kind="grid"]').first();
    const grid = (await row.locator(':is([class$="--c1"], [class*="--c1 "])').textContent())?.trim();
    await row.click();
    await d.cls('crumb').nth(1).waitFor();
    expect(await d.cls('crumbs').textContent()).toContain(`${unit} › ${grid}`);
    await d.until('the dashboard shows the grid', async () => ((await d.cls('unit').first().textContent()) ?? '').includes(grid!));
  });

  it('head office requests an export, watches it finish and opens the file', async () => {
    const d = await as();
    await d.open('demo-hq', staffName('demo-hq'));
    await d.switchTab('我的');
    await d.tap('报表导出');
    await d.onPage('报表导出');
    await d.tap('生成报表');
    await d.text('打开文件').waitFor({ timeout: 120_000 });
    const download = d.page.waitForEvent('download');
    await d.tap('打开文件');
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
  });

  it('tabs switch, the merchant list pages on reaching the bottom and refreshes on a pull', async () => {
    const d = await as();
    await d.open('demo-member', staffName('demo-member'));
    const first = await d.switchTab('商户');
    await d.cls('merchant').first().waitFor();
    const back = await d.switchTab('工作台');
    const again = await d.switchTab('商户');
    figures.push(`tab switch: 商户 first time ${first} ms, back to 工作台 ${back} ms, 商户 again ${again} ms (target ≤ 300)`);
    const rows = d.cls('merchant');
    const n = await rows.count();
    await d.top().evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await d.until('the next page of merchants arrives', async () => (await rows.count()) > n);
    const before = await d.calls('merchant.list');
    await d.top().evaluate((el) => el.scrollTo(0, 0));
    await d.pullDown();
    await d.until('the pull reloads the list', async () => (await d.calls('merchant.list')) > before);
    await d.page.locator('#phone .wxp-page-wrap.refreshing').waitFor({ state: 'detached' });
  });
});
