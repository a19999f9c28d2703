/**
 * Drives the browser preview (/preview/) the way a person does: taps on what the page shows, typing
 * into its fields, WeChat's sheets for pickers and the camera. Collects every page error, console
 * error and failed or refused request, which the tests require to stay empty.
 */
import fs from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const WAIT_MS = 30_000;

export class PreviewDriver {
  readonly problems: string[] = [];

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => {
      // A download the page hands to the browser ends its request early; that is not a failure.
      if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.url().includes('/storage/')) return;
      this.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) this.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
  }

  /** Opens the preview as `openid`; resolves with the ms until the first page shows its data. */
  async open(openid: string, ready: string): Promise<number> {
    const t0 = Date.now();
    await this.page.goto(`${this.baseUrl}/preview/?as=${encodeURIComponent(openid)}`);
    await this.text(ready).waitFor();
    return Date.now() - t0;
  }

  /** The page on top of the stack. */
  top(): Locator {
    return this.page.locator('#phone .wxp-page-wrap:not([hidden])');
  }

  /** Elements of the top page with class `name` in the page's WXML (classes carry the page's prefix). */
  cls(name: string): Locator {
    return this.top().locator(`:is([class$="--${name}"], [class*="--${name} "])`);
  }

  text(text: string | RegExp): Locator {
    return this.top().getByText(text).first();
  }

  async tap(text: string | RegExp): Promise<void> {
    await this.text(text).click();
  }

  async title(): Promise<string> {
    return (await this.page.locator('#phone .wxp-title').textContent()) ?? '';
  }

  /** Waits for the top page's navigation bar to say `title`. */
  async onPage(title: string): Promise<void> {
    await this.page.locator('#phone .wxp-title', { hasText: title }).waitFor();
  }

  async fill(field: string, value: string): Promise<void> {
    await this.cls(field).locator('input, textarea').first().fill(value);
  }

  /** Taps the picker showing `shown`, chooses `option` in WeChat's sheet and confirms. */
  async pick(shown: string, option: string | RegExp): Promise<void> {
    await this.tap(shown);
    await this.page.locator('.wxp-picker-opt', { hasText: option }).first().click();
    await this.page.locator('.wxp-picker-ok').click();
    await this.page.locator('.wxp-picker').waitFor({ state: 'detached' });
  }

  /** Agrees in the mini program's privacy popup when it shows. */
  async agreePrivacyIfAsked(): Promise<void> {
    const agree = this.top().getByText('同意并继续');
    await agree.waitFor({ timeout: 5000 }).then(
      () => agree.click(),
      () => undefined,
    );
  }

  /** The camera: WeChat's sheet, then a photo from the file picker. */
  async takePhotoFromFile(file: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.locator('.wxp-sheet-item', { hasText: '从文件选择' }).click();
    await (await chooser).setFiles(file);
  }

  /**
   * Taps the tab `text` and waits for its page. Returns the ms from the tap's input event to the frame
   * showing the page, as the page measured it, and the driver's own round trip (its checks before
   * clicking and its polling after: what a person does not wait for).
   */
  async switchTab(text: string): Promise<{ tapMs: number | null; driverMs: number }> {
    const t0 = Date.now();
    const before = await this.page.evaluate(() => (globalThis as any).__mpPreview.shell.timings.length as number);
    // The tab already shown: a tap on it does nothing (as in WeChat).
    const shown = await this.page.locator('#phone .wxp-tab.on', { hasText: text }).count();
    await this.page.locator('#phone .wxp-tab', { hasText: text }).click();
    await this.page.locator('#phone .wxp-tab.on', { hasText: text }).waitFor();
    const driverMs = Date.now() - t0;
    if (shown) return { tapMs: null, driverMs };
    const handle = await this.page.waitForFunction(
      (n) => (globalThis as any).__mpPreview.shell.timings.slice(n).find((t: { tapMs?: number }) => t.tapMs !== undefined)?.tapMs as number | undefined,
      before,
    );
    return { tapMs: Math.round((await handle.jsonValue()) as number), driverMs };
  }

  /** Pulls the top page down with the mouse, as a finger would, far enough to refresh. */
  async pullDown(): Promise<void> {
    const box = (await this.top().boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + 30;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    for (let i = 1; i <= 10; i++) await this.page.mouse.move(x, y + i * 16);
    await this.page.mouse.up();
  }

  /** How many calls of `fn.action` the pages have made so far. */
  async calls(fnAction: string): Promise<number> {
    return this.page.evaluate((k) => (globalThis as any).__mpPreview.calls.filter((c: string) => c === k).length, fnAction);
  }

  /** Polls `check` until it holds (what the page shows changes after its calls answer). */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = WAIT_MS): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await this.page.waitForTimeout(100);
    }
  }

  async back(): Promise<void> {
    await this.page.locator('#phone .wxp-back').click();
  }

  /** The number a dashboard card shows under `label`. */
  async cardValue(label: string): Promise<number> {
    const card = this.cls('metric').filter({ hasText: label }).first();
    const text = (await card.locator(':is([class$="--m-value"], [class*="--m-value "])').textContent()) ?? '';
    return Number(text.replace(/[^\d.]/g, ''));
  }
}
