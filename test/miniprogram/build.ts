/** Builds the mini program's generated parts before a test needs them (shared by every mini program test). */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const MP_ROOT = path.resolve(__dirname, '../../miniprogram');
const ROOT = path.resolve(__dirname, '../..');

/** Builds miniprogram_npm and the vendor bundles when missing or older than their sources. */
export function ensureMiniprogramBuilt(): void {
  const outputs = [path.join(MP_ROOT, 'vendor/shared.js'), path.join(MP_ROOT, 'miniprogram_npm/tdesign-miniprogram/common/config.js'), path.join(MP_ROOT, 'pages/metrics/vendor/echarts.js')];
  const newestSource = Math.max(
    ...[path.join(ROOT, 'shared'), path.join(ROOT, 'scripts/miniprogram')].flatMap((d) => listFiles(d).map((f) => fs.statSync(f).mtimeMs)),
    ...listFiles(MP_ROOT).filter((f) => f.endsWith('.json') && !f.includes('miniprogram_npm')).map((f) => fs.statSync(f).mtimeMs),
  );
  const fresh = outputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= newestSource);
  if (fresh) return;
  // Test files run in parallel workers: one builds, the others wait for its lock to go.
  const lock = path.join(ROOT, 'build', '.miniprogram-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  try {
    fs.mkdirSync(lock);
  } catch {
    const until = Date.now() + 60000;
    while (fs.existsSync(lock) && Date.now() < until) execFileSync('sleep', ['0.2']);
    return;
  }
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/build-miniprogram.ts'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    fs.rmdirSync(lock);
  }
}

function listFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'miniprogram_npm' || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(full, out);
    else out.push(full);
  }
  return out;
}

ensureMiniprogramBuilt();
