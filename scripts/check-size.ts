/**
 * Package size check: the main package must stay ≤ 1.5 MB and every subpackage ≤ 1.8 MB (WeChat's
 * hard limits are 2 MB each; the margin leaves room to grow). Measures what DevTools uploads: the
 * compiled build/miniprogram (js, json, wxml, wxss, wxs, images), built first when missing.
 * Then the head-office console's first load (docs/console.md "First screen"): the console is built and
 * the gzipped bytes every visit pays before its first screen are held to a budget a little above today's.
 * Prints each size; exits 1 when one is over its limit.
 * Usage: tsx scripts/check-size.ts [--no-build]
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildMiniprogram } from './build-miniprogram';
import type { ConsoleBuild } from './build-console';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'miniprogram');
export const MAIN_LIMIT = 1.5 * 1024 * 1024;
export const SUB_LIMIT = 1.8 * 1024 * 1024;
const UPLOADED = /\.(js|json|wxml|wxss|wxs|png|jpg|jpeg|gif|svg|webp)$/;

export interface PackageSize {
  name: string;
  root: string;
  bytes: number;
  limit: number;
}

function sizeOf(dir: string, skip: string[] = []): number {
  let total = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (skip.some((s) => full === s)) continue;
    if (e.isDirectory()) total += sizeOf(full, skip);
    else if (UPLOADED.test(e.name) && e.name !== 'project.config.json' && e.name !== 'tsconfig.json') total += fs.statSync(full).size;
  }
  return total;
}

/** Sizes of the main package and each subpackage of a built mini program folder. */
export function measurePackages(dir = OUT): PackageSize[] {
  const app = JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')) as { subPackages?: { root: string; name?: string }[] };
  const subs = (app.subPackages ?? []).map((s) => ({ name: s.name ?? s.root, root: path.join(dir, s.root) }));
  const main = sizeOf(dir, subs.map((s) => s.root));
  return [
    { name: 'main', root: '/', bytes: main, limit: MAIN_LIMIT },
    ...subs.map((s) => ({ name: s.name, root: path.relative(dir, s.root), bytes: sizeOf(s.root), limit: SUB_LIMIT })),
  ];
}

/**
 * The console's budget, gzipped: the page's own load (entry, its static imports, stylesheets; 87.3 KB when
 * set) and the sign-in screen's first screen on top of it (98.3 KB). A little room to grow; a regression
 * (a library pulled into the entry, zod back in the first load) goes over.
 */
export const CONSOLE_FIRST_LOAD_LIMIT = 92 * 1024;
export const CONSOLE_SIGNIN_LIMIT = 104 * 1024;

/** The console's sizes against its budget. */
export function consoleBudget(b: Pick<ConsoleBuild, 'firstLoadGzip' | 'screens'>): { name: string; bytes: number; limit: number }[] {
  const signin = b.screens.find((s) => s.name === 'signin')?.gzip ?? 0;
  return [
    { name: 'console first load', bytes: b.firstLoadGzip, limit: CONSOLE_FIRST_LOAD_LIMIT },
    { name: 'console sign-in screen', bytes: b.firstLoadGzip + signin, limit: CONSOLE_SIGNIN_LIMIT },
  ];
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build') || !fs.existsSync(path.join(OUT, 'app.json'))) buildMiniprogram();
  const sizes = measurePackages();
  let over = false;
  for (const p of sizes) {
    const bad = p.bytes > p.limit;
    over ||= bad;
    console.log(`${bad ? 'OVER' : 'ok  '} ${p.name.padEnd(10)} ${(p.bytes / 1024).toFixed(1).padStart(8)} KB  (limit ${(p.limit / 1024).toFixed(0)} KB)`);
  }
  const total = sizes.reduce((s, p) => s + p.bytes, 0);
  console.log(`total ${(total / 1024).toFixed(1)} KB`);
  // The console's figures come from its build's metafile: built here (a few seconds), loaded only now.
  const { buildConsole } = require('./build-console') as typeof import('./build-console');
  for (const c of consoleBudget(await buildConsole())) {
    const bad = c.bytes > c.limit;
    over ||= bad;
    console.log(`${bad ? 'OVER' : 'ok  '} ${c.name.padEnd(22)} ${(c.bytes / 1024).toFixed(1).padStart(8)} KB gzipped  (limit ${(c.limit / 1024).toFixed(0)} KB)`);
  }
  if (over) process.exit(1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
