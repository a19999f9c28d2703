/**
 * What the console's browser test files share: a gateway over a copy of the demo bank serving a fresh
 * build of the console, Chromium, pages that record every page error, console error and failed or refused
 * request (each test requires none), calls to a function as a staff member (as the mini program makes
 * them), and the demo sign-in.
 */
import { constants, cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildFunctions, isStale, listFunctions } from '../../scripts/build-functions';
import { buildConsole, type ConsoleBuild } from '../../scripts/build-console';
import { ensureDemoTemplate, type DemoSeedRecord } from '../helpers/demo-bank';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';
import { launchChromium } from './driver';

const ROOT = path.resolve(__dirname, '..', '..');
export const WAIT_MS = 30_000;

/** Records every page error, console error and failed or refused request of the page. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // A download handed to the browser ends its request early; that is not a failure.
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.url().includes('/storage/')) return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

export interface ConsoleHarness {
  url: string;
  seed: DemoSeedRecord;
  browser: Browser;
  built: ConsoleBuild;
  /** Calls a function as a staff member, as the mini program does (the development header, local mode). */
  asStaff(openid: string, fn: string, event: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

/** Starts a gateway over a copy of the demo bank, with the console freshly built, and Chromium. */
export async function startConsoleHarness(prefix: string): Promise<ConsoleHarness> {
  const template = await ensureDemoTemplate();
  const dataDir = makeDataDir(prefix);
  cpSync(template, dataDir, { recursive: true, mode: constants.COPYFILE_FICLONE });
  const seed = JSON.parse(readFileSync(path.join(dataDir, 'seed.json'), 'utf8')) as DemoSeedRecord;
  const stale = listFunctions().filter((name) => isStale(name));
  if (stale.length) await buildFunctions({ names: stale });
  const built = await buildConsole();
  let gateway: GatewayProcess | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    if (gateway) {
      gateway.proc.kill('SIGTERM');
      await gateway.exited;
    }
    removeDataDir(dataDir);
  };
  try {
    gateway = await startGatewayProcess(dataDir, {
      env: { FUNCTIONS_FROM: 'build', SEED: 'none', SEEDER: path.join(ROOT, 'scripts/seed'), TIMERS: 'off', PI_KEY: readFileSync(path.join(dataDir, 'pi.key'), 'utf8').trim() },
    });
    const url = gateway.url;
    const asStaff = async (openid: string, fn: string, event: Record<string, unknown>) => {
      const res = await fetch(`${url}/functions/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
      return res.json();
    };
    // A gateway that has served before: the functions the first screens call are loaded.
    await asStaff('demo-hq', 'user', { action: 'me' });
    await asStaff('demo-hq', 'metrics', { action: 'dashboard', period: '2025-07', sections: ['grids'] });
    browser = await launchChromium();
    return { url, seed, browser, built, asStaff, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A fresh browser context (its own cookies) and a watched page in it. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  return { context, page, problems: watch(page) };
}

/**
 * A test file's pages (call it in the describe): each test's page opens in a fresh context, which is closed
 * after the test; the test fails on any problem the page recorded.
 */
export function pagesPerTest(browser: () => Browser): { newPage: () => Promise<Page>; context: () => BrowserContext | null } {
  let context: BrowserContext | null = null;
  let problems: string[] = [];
  afterEach(async () => {
    await context?.close();
    context = null;
    expect(problems).toEqual([]);
  });
  return {
    newPage: async () => {
      const opened = await openPage(browser());
      context = opened.context;
      problems = opened.problems;
      return opened.page;
    },
    context: () => context,
  };
}

/** Signs in with the demo list (the gateway has it on: local mode over the demo bank). */
export async function signInDemo(page: Page, url: string, role: '总行' | '支行'): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByRole('button', { name: new RegExp(`^以${role}`) }).click();
  await page.locator('.c-user-name').waitFor();
}

/** Drops a CSV file named `name` holding `text` on the import screen's drop zone, as a user drags it from the desktop. */
export async function dropCsv(page: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([body, file]) => {
      const g = globalThis as any;
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([body], file, { type: 'text/csv' }));
      return dt;
    },
    [text, name] as const,
  );
  await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer });
  await page.getByText(`已选择 ${name}`).waitFor();
}
