/**
 * The head-office console's screens for `npm run screenshots`: the console (build/console, built when its
 * sources changed) served by a local gateway over the screenshots' seeded bank (the same data folder as the
 * mini program's screens), photographed in Chromium at a desk's 1440×900: the sign-in screen as a signed-out
 * browser sees it (a live ticket's QR code, the demo list), then every screen of the nav
 * (console/src/screens/index.ts) signed in as the demo head-office account. console-<name>.png each.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, consoleIsStale, describeConsoleBuild } from '../build-console';

export interface ConsoleShotOptions {
  browser: Browser;
  outDir: string;
  /** the seeded local store to serve (seeded here when empty) */
  dataDir: string;
  seed: 'demo' | 'minimal';
  log?: (line: string) => void;
}

/** Waits until the page has had no request in flight for `quietMs` (the sign-in screen polls every second or two). */
async function settled(page: Page, inFlight: () => number, quietMs = 700, maxMs = 30_000): Promise<void> {
  const end = Date.now() + maxMs;
  let quietSince = Date.now();
  while (Date.now() < end) {
    await page.waitForTimeout(100);
    if (inFlight() > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) break;
  }
  await page.evaluate(() => (globalThis as any).document.fonts.ready);
}

/**
 * The screens of the console's nav, in order, read from its registry (console/src/screens/index.ts: one
 * `{ name: '<name>', title: … }` entry each). Read as text: the registry is browser code, lazily importing
 * every screen, which the scripts' type-check and runtime have no business loading.
 */
export function consoleScreens(): string[] {
  const registry = fs.readFileSync(path.resolve(__dirname, '..', '..', 'console', 'src', 'screens', 'index.ts'), 'utf8');
  const list = /export const SCREENS[^=]*=\s*\[([\s\S]*?)\n\];/.exec(registry)?.[1] ?? '';
  const names = [...list.matchAll(/\{\s*name:\s*'([a-z0-9-]+)'/g)].map((m) => m[1]);
  if (!names.length) throw new Error('no screens found in console/src/screens/index.ts');
  return names;
}

/** Photographs the console's screens into `outDir`; answers the files written and any page errors seen. */
export async function photographConsole(options: ConsoleShotOptions): Promise<{ files: string[]; problems: string[] }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (consoleIsStale()) log(describeConsoleBuild(await buildConsole()));
  const { startLocalCloud } = require('../../local/runtime') as typeof import('../../local/runtime');
  const { startGateway } = require('../../local/gateway/server') as typeof import('../../local/gateway/server');
  const { consoleRoutes } = require('../../local/console') as typeof import('../../local/console');
  const { SEEDER } = require('../seed/seeder') as typeof import('../seed/seeder');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const cloud = await startLocalCloud({ dataDir: options.dataDir, seeder: SEEDER, onFunctionError: () => undefined });
  const files: string[] = [];
  const problems: string[] = [];
  try {
    await cloud.seedIfEmpty(options.seed, { onProgress: (m: string) => log(`seed: ${m}`) });
    const gateway = await startGateway({ cloud, mode: 'local', port: 0, host: '127.0.0.1', log: () => undefined });
    gateway.mount(consoleRoutes({ cloud, mode: 'local' }));
    try {
      fs.mkdirSync(options.outDir, { recursive: true });
      const shoot = async (page: Page, inFlight: () => number, name: string) => {
        await settled(page, inFlight);
        const file = path.join(options.outDir, `console-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      };
      const open = async () => {
        const context = await options.browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
        const page = await context.newPage();
        let pending = 0;
        page.on('request', () => {
          pending += 1;
        });
        page.on('requestfinished', () => {
          pending -= 1;
        });
        page.on('requestfailed', () => {
          pending -= 1;
        });
        page.on('pageerror', (e) => problems.push(`${page.url()}: page error: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`${page.url()}: console error: ${m.text()}`);
        });
        return { context, page, inFlight: () => pending };
      };

      // Signed out: the sign-in screen with a fresh ticket's QR code (and the demo list, on here).
      const out = await open();
      await out.page.goto(`${gateway.url}/console/`);
      await shoot(out.page, out.inFlight, 'signin');
      await out.context.close();

      // Signed in as the demo head-office account (the demo list's sign-in), every screen of the nav.
      const hq = await open();
      const signedIn = await hq.context.request.post(`${gateway.url}/console/api/demo`, { data: { openid: 'demo-hq' } });
      const answer = (await signedIn.json()) as { ok: boolean; error?: { message: string } };
      if (!answer.ok) throw new Error(`demo sign-in refused: ${answer.error?.message ?? signedIn.status()}`);
      for (const name of consoleScreens()) {
        await hq.page.goto(`${gateway.url}/console/#/${name}`);
        await shoot(hq.page, hq.inFlight, name);
      }
      await hq.context.close();
    } finally {
      await gateway.close();
    }
  } finally {
    await cloud.close();
  }
  return { files, problems };
}
