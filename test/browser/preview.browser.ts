/**
 * The mini program's journeys in Chromium through the browser preview (/preview/), on a gateway over
 * the demo bank: the real pages, the real functions, a person's taps. `npm run test:browser`.
 * Any page error, console error or failed request fails the test. Prints the first page's time to
 * interactive and the tab switch times (figures, not assertions: speed belongs to measurements).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildFunctions, isStale, listFunctions } from '../../scripts/build-functions';
import { buildPreview, previewIsStale } from '../../scripts/build-preview';
import { ensureDemoTemplate, type DemoSeedRecord } from '../helpers/demo-bank';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';
import { chinaDay, periodLabel } from '../../shared/domain/period.rules';
import { CHROMIUM, hasChromium, launchChromium, PreviewDriver } from './driver';

const ROOT = path.resolve(__dirname, '..', '..');
const PHOTO = path.join(ROOT, 'miniprogram/assets/tabbar/merchants-active.png');

/**
 * The gateway as `npm start` runs it: its own process (a function's work never stalls the browser's
 * driver), the function bundles, on a copy of the demo bank.
 */
async function startGatewayProcess(dataDir: string): Promise<{ url: string; proc: ChildProcess; exited: Promise<unknown> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local/gateway/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED: 'none', SEEDER: path.join(ROOT, 'scripts/seed'), TIMERS: 'off', MODE: 'local', PI_KEY: readFileSync(path.join(dataDir, 'pi.key'), 'utf8').trim() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((done) => proc.once('exit', done));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out = (out + b.toString()).slice(-20_000);
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    exited.then(() => reject(new Error(`the gateway exited:\n${out}`)));
  });
  return { url, proc, exited };
}

const enabled = hasChromium();
if (!enabled) process.stdout.write(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM)\n`);

(enabled ? describe : describe.skip)('the mini program in Chromium, through the preview', () => {
  let gateway: { url: string; proc: ChildProcess; exited: Promise<unknown> };
  let dataDir = '';
  let seed: DemoSeedRecord;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let driver: PreviewDriver;
  const figures: string[] = [];
  const name = `浏览器测试面馆${Date.now().toString(36).slice(-4)}`;

  beforeAll(async () => {
    const template = await ensureDemoTemplate();
    dataDir = makeDataDir('mg-browser-');
    cpSync(template, dataDir, { recursive: true, mode: constants.COPYFILE_FICLONE });
    seed = JSON.parse(readFileSync(path.join(dataDir, 'seed.json'), 'utf8')) as DemoSeedRecord;
    const stale = listFunctions().filter((name) => isStale(name));
    if (stale.length) await buildFunctions({ names: stale });
    if (previewIsStale()) await buildPreview();
    gateway = await startGatewayProcess(dataDir);
    // A gateway that has served before: the functions the first page calls are loaded.
    for (const [fn, body] of [['user', { action: 'me' }], ['visit', { action: 'tasks', status: 'open' }]] as const) {
      await fetch(`${gateway.url}/functions/${fn}`, { method: 'POST', headers: { 'x-wx-openid': 'demo-branch' }, body: JSON.stringify(body) });
    }
    browser = await launchChromium();
  }, 40 * 60_000);

  afterAll(async () => {
    await browser?.close();
    if (gateway) {
      gateway.proc.kill('SIGTERM');
      await gateway.exited;
    }
    if (dataDir) removeDataDir(dataDir);
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

  const staffName = (openid: string) => seed.accounts.find((a) => a.openid === openid)!.name;

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
    const timeline = (await d.page.evaluate(() => (globalThis as any).__mpPreview.timeline)) as { at: number; what: string; ms?: number }[];
    figures.push(`  of which, from the page's start: ${timeline.map((t) => `${t.what} at ${t.at} ms${t.ms === undefined ? '' : ` (${t.ms} ms)`}`).join('; ')}`);
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
  }, 180_000);

  it('the member revisits it with one failed check, finds the follow-up task on the merchant, and the dashboard counts the visit', async () => {
    const d = await as();
    await d.open('demo-member', staffName('demo-member'));
    await d.switchTab('看板');
    await d.cls('metric').first().waitFor();
    // The demo bank opens on its last day of data (31 July 2025); the visit is made today.
    await d.tap(/^今天$/);
    const month = periodLabel(chinaDay().slice(0, 7));
    await d.until('the dashboard shows this month', async () => (await d.text(month).count()) > 0 && (await d.cls('metric').count()) > 0);
    const before = await d.cardValue('走访次数');

    await d.switchTab('商户');
    const search = d.top().locator('wx-input input').first();
    await search.fill(name);
    await search.press('Enter');
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

    // The follow-up task is on the merchant (opened again: its page loads its tasks when opened).
    await d.back();
    await d.back();
    await d.cls('merchant').filter({ hasText: name }).first().click();
    await d.onPage('商户详情');
    await d.tap(/^任务$/);
    await d.text('喇叭').waitFor();
    await d.back();

    // The dashboard refreshes on a pull, as on a phone.
    await d.switchTab('看板');
    await d.pullDown();
    await d.text(month).first().waitFor();
    await d.until('the dashboard counts the visit', async () => (await d.cardValue('走访次数')) > before);
    expect(await d.cardValue('走访次数')).toBe(before + 1);
  }, 300_000);

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

  it('a branch manager requests an export of the branch, watches it finish and opens the file', async () => {
    const d = await as();
    await d.open('demo-branch', staffName('demo-branch'));
    await d.switchTab('我的');
    await d.tap('报表导出');
    await d.onPage('报表导出');
    await d.tap('生成报表');
    await d.text('打开文件').waitFor({ timeout: 360_000 });
    const download = d.page.waitForEvent('download');
    await d.tap('打开文件');
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
  }, 480_000);

  it('offline, a revisit waits on the phone and is sent when the network comes back', async () => {
    const d = await as();
    await d.open('demo-member', staffName('demo-member'));
    await d.switchTab('商户');
    const first = d.cls('merchant').first();
    const shop = ((await first.locator(':is([class$="--name"], [class*="--name "])').first().textContent()) ?? '').trim();
    await first.click();
    await d.onPage('商户详情');
    await d.tap('回访签到');
    await d.onPage('回访签到');
    await d.text(shop).waitFor();
    await d.page.locator('#wxp-online').uncheck();
    await d.tap(/^签到$/);
    await d.agreePrivacyIfAsked();
    await d.text(/距商户 \d+ 米/).waitFor();
    const checks = d.cls('check');
    for (let i = 0; i < 6; i++) await checks.nth(i).getByText('通过', { exact: true }).click();
    await d.tap('提交走访');
    await d.text('已保存在手机上，联网后自动提交').waitFor();
    await d.back();
    await d.back();
    await d.switchTab('工作台');
    await d.text('离线，联网后自动发送').waitFor();
    await d.text(new RegExp(`· ${shop.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)).waitFor();
    const sent = await d.calls('visit.submit');
    await d.page.locator('#wxp-online').check();
    await d.text('所有建档和走访都已同步').waitFor();
    expect(await d.calls('visit.submit')).toBe(sent + 1);
  }, 180_000);

  it('tabs switch, the merchant list pages on reaching the bottom and refreshes on a pull', async () => {
    const d = await as();
    await d.open('demo-member', staffName('demo-member'));
    const first = await d.switchTab('商户');
    await d.cls('merchant').first().waitFor();
    const back = await d.switchTab('工作台');
    const again = await d.switchTab('商户');
    const fmt = (t: { tapMs: number | null; driverMs: number }) => `${t.tapMs} ms (driver ${t.driverMs} ms)`;
    figures.push(`tab switch, tap to the page shown: 商户 first time ${fmt(first)}, back to 工作台 ${fmt(back)}, 商户 again ${fmt(again)} (target ≤ 300)`);
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
