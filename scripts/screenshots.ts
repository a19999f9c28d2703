/**
 * `npm run screenshots`: a PNG of every mini program screen with demo data, 375 px wide (at 2× pixels),
 * into screenshots/ (git-ignored), so anyone can look at the product without WeChat DevTools.
 *
 * 1. builds the mini program's generated parts (scripts/build-miniprogram.ts);
 * 2. renders each screen (scripts/screens/render.screens.ts under jest + jsdom, the real pages against
 *    the local cloud seeded with the demo bank in build/screenshots-data/) to HTML in build/screens/;
 * 3. photographs each HTML page in Chromium (Debian's /usr/bin/chromium with fonts-noto-cjk): <name>.png;
 *    the same page in WeChat's dark mode (Chromium's prefers-color-scheme: dark), <name>.dark.png; and the
 *    page with its large text on (1.3×, rendered as <name>.large.html), <name>.large.png.
 *
 * 4. the head-office console's screens (scripts/screens/console.screens.ts): the built console served by a
 *    local gateway over the same seeded bank, photographed at 1440×900: console-signin.png and
 *    console-<screen>.png for every screen of its nav, signed in as the demo head-office account.
 *
 * `npm run screenshots -- console` (or `-- miniprogram`) takes only that part (SCREENSHOTS=console alike).
 * SCREENSHOT_VARIANTS=plain skips the dark and large-text pictures.
 * Env: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_SEED=minimal for a quick run on the small bank.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { buildMiniprogram } from './build-miniprogram';

const ROOT = path.resolve(__dirname, '..');
const HTML_DIR = path.join(ROOT, 'build', 'screens');
const OUT = path.join(ROOT, 'screenshots');
const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VARIANTS = process.env.SCREENSHOT_VARIANTS !== 'plain';
const DATA_DIR = process.env.SCREENSHOT_DATA_DIR ?? path.join(ROOT, 'build', 'screenshots-data');
const SEED = (process.env.SCREENSHOT_SEED ?? 'demo') as 'demo' | 'minimal';
const PARTS = ['miniprogram', 'console'] as const;
type Part = (typeof PARTS)[number];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The parts asked for: the command's arguments or SCREENSHOTS (comma-separated), else every part. */
function partsAsked(): Part[] {
  const asked = [...process.argv.slice(2), ...(process.env.SCREENSHOTS ?? '').split(',')].map((a) => a.trim()).filter(Boolean);
  const unknown = asked.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}: choose from ${PARTS.join(', ')}`);
  return asked.length ? PARTS.filter((p) => asked.includes(p)) : [...PARTS];
}

function renderHtml(): void {
  fs.rmSync(HTML_DIR, { recursive: true, force: true });
  const config = {
    rootDir: ROOT,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2021' } }] },
    testMatch: ['**/scripts/screens/render.screens.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/build/'],
    moduleFileExtensions: ['ts', 'js', 'json'],
  };
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(config), '--runInBand'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('rendering the screens failed');
}

async function photograph(): Promise<string[]> {
  if (!fs.existsSync(EXECUTABLE)) throw new Error(`${EXECUTABLE} not found: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM)`);
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: EXECUTABLE, args: CHROMIUM_ARGS });
  const written: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 });
    const shoot = async (file: string, png: string, colorScheme: 'light' | 'dark') => {
      await page.emulateMedia({ colorScheme });
      await page.goto(`file://${path.join(HTML_DIR, file)}`);
      await page.evaluate(() => (globalThis as any).document.fonts.ready);
      await page.screenshot({ path: path.join(OUT, png), fullPage: true });
      written.push(path.join(OUT, png));
    };
    const files = fs.readdirSync(HTML_DIR).filter((f) => f.endsWith('.html')).sort();
    for (const file of files.filter((f) => !f.endsWith('.large.html'))) {
      const name = file.replace(/\.html$/, '');
      await shoot(file, `${name}.png`, 'light');
      if (!VARIANTS) continue;
      await shoot(file, `${name}.dark.png`, 'dark');
      if (files.includes(`${name}.large.html`)) await shoot(`${name}.large.html`, `${name}.large.png`, 'light');
    }
  } finally {
    await browser.close();
  }
  return written;
}

async function photographConsoleScreens(): Promise<string[]> {
  if (!fs.existsSync(EXECUTABLE)) throw new Error(`${EXECUTABLE} not found: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM)`);
  const { photographConsole } = require('./screens/console.screens') as typeof import('./screens/console.screens');
  const browser = await chromium.launch({ executablePath: EXECUTABLE, args: CHROMIUM_ARGS });
  try {
    const { files, problems } = await photographConsole({ browser, outDir: OUT, dataDir: DATA_DIR, seed: SEED });
    for (const p of problems) console.warn(`console: ${p}`);
    return files;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const parts = partsAsked();
  const files: string[] = [];
  if (parts.includes('miniprogram')) {
    console.log(buildMiniprogram());
    renderHtml();
    files.push(...(await photograph()));
  }
  if (parts.includes('console')) files.push(...(await photographConsoleScreens()));
  for (const f of files) console.log(`${path.relative(ROOT, f)}`);
  console.log(`${files.length} screenshots in ${path.relative(ROOT, OUT)}/`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
