/**
 * Runs the automator journeys in WeChat DevTools. DevTools is not available everywhere (it needs a desktop
 * and a WeChat login), so without WECHAT_DEVTOOLS_CLI this reports the journeys as not run, with the reason,
 * and exits 0. Usage: WECHAT_DEVTOOLS_CLI=/path/to/cli npx tsx e2e/automator/run.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { JOURNEYS } from './journeys.spec';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<number> {
  const cli = process.env.WECHAT_DEVTOOLS_CLI;
  if (!cli || !fs.existsSync(cli)) {
    for (const j of JOURNEYS) console.log(`- ${j.name}: not run: WeChat DevTools not installed (set WECHAT_DEVTOOLS_CLI)`);
    return 0;
  }
  const automator = require('miniprogram-automator');
  const mp = await automator.launch({ cliPath: cli, projectPath: ROOT });
  const state: Record<string, string> = {};
  let failed = 0;
  try {
    for (const j of JOURNEYS) {
      try {
        await j.run(mp, state);
        console.log(`✓ ${j.name}`);
      } catch (err) {
        failed++;
        console.log(`✗ ${j.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    await mp.close();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
