/**
 * `npm start`: builds the function bundles that are missing or stale, starts the local gateway over
 * DATA_DIR (default .data/), seeds the demo bank on first start (SEED=demo|minimal|none), and prints
 * the URL and one demo account per role. The port listens first, so /healthz answers within seconds;
 * function calls answer 503 while bundles are built and the first-start seed is written.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS_OUT, buildFunctions, isStale, listFunctions } from './build-functions';
import { buildMiniprogram } from './build-miniprogram';
import { buildPreview, previewIsStale } from './build-preview';
import { buildConsole, consoleIsStale, describeConsoleBuild } from './build-console';
import { optionsFromEnv, runGateway, stopOnSignals } from '../local/gateway/main';
import { startTimers } from '../local/gateway/timers';
import { SEEDER } from './seed/seeder';
import { SeedInterruptedError, type DemoAccount, type SeedKind } from '../local/runtime';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/** The bound demo staff of an already seeded store, found by their fixed openids. */
async function findDemoAccounts(db: any): Promise<DemoAccount[]> {
  const { DEMO_ACCOUNTS } = require('./seed');
  const openids: string[] = DEMO_ACCOUNTS.map((a: { openid: string }) => a.openid);
  const { data: staff } = await db.collection('staff').where({ openid: db.command.in(openids) }).limit(100).get();
  const unitIds = [...new Set(staff.map((s: any) => s.unitId))];
  const { data: units } = unitIds.length ? await db.collection('units').where({ _id: db.command.in(unitIds) }).limit(100).get() : { data: [] };
  const unitName = new Map(units.map((u: any) => [u._id, u.name]));
  return DEMO_ACCOUNTS.map(({ role, openid }: { role: string; openid: string }) => {
    const s = staff.find((x: any) => x.openid === openid);
    return { role, openid, name: s?.name ?? '(not found)', unit: (s && (unitName.get(s.unitId) as string)) ?? '' };
  });
}

function printAccounts(url: string, accounts: DemoAccount[]): void {
  say();
  say(`  Demo accounts (send the openid as the X-WX-OPENID header, local mode only):`);
  for (const a of accounts) say(`    ${a.role.padEnd(12)} ${a.openid.padEnd(18)} ${a.name}  ${a.unit}`);
  say();
  say(`  Try:  curl -s -X POST ${url}/functions/user -H 'content-type: application/json' \\`);
  say(`          -H 'x-wx-openid: ${accounts[0]?.openid ?? 'demo-hq'}' -d '{"action":"me"}'`);
  say();
}

async function main(): Promise<void> {
  const options = optionsFromEnv();
  const seed = (process.env.SEED ?? 'demo') as SeedKind;
  if (!['none', 'minimal', 'demo'].includes(seed)) throw new Error(`SEED must be none, minimal or demo, not "${seed}"`);

  // A stale bundle is set aside before the runtime checks the functions' configured limits, so the check
  // reads the config.json of the build made below, not the stale one.
  const stale = options.functionsFrom === 'build' && !options.functionsRoot ? listFunctions().filter((name) => isStale(name)) : [];
  for (const name of stale) rmSync(join(FUNCTIONS_OUT, name), { recursive: true, force: true });

  // Listen first, so /healthz answers within seconds; calls wait (503) while we build and seed. The
  // timer triggers start once the store is written (fired during the seed, they meet a locked database).
  const running = await runGateway({ ...options, seed: 'none', timers: false, seeder: SEEDER });
  stopOnSignals(running);
  const { gateway, cloud } = running;
  say(`merchant grid platform (${gateway.mode} mode) listening on ${gateway.url}`);

  if (stale.length) {
    gateway.setBusy(`building ${stale.join(', ')}`);
    const t0 = Date.now();
    const built = await buildFunctions({ names: stale });
    say(`built ${built.map((b) => b.name).join(', ')} in ${Date.now() - t0} ms`);
  }
  // The mini program's generated parts (npm components, shared bundle, charts) for DevTools in local mode,
  // and its browser preview (/preview/) when the mini program changed since it was built.
  if (process.env.MINIPROGRAM_BUILD !== 'off') say(`mini program: ${previewIsStale() ? await buildPreview() : buildMiniprogram()}`);
  // The head-office console (/console/) when its sources changed since it was built.
  if (process.env.CONSOLE_BUILD !== 'off' && consoleIsStale()) say(describeConsoleBuild(await buildConsole()));
  say(`  data folder ${cloud.dataDir}; functions: ${cloud.functionNames().join(', ') || '(none)'}`);

  if (seed !== 'none') {
    gateway.setBusy(`seeding the ${seed} bank`);
    const t0 = Date.now();
    const result = await cloud.seedIfEmpty(seed, { inWorker: true, onProgress: (m) => say(`  seed: ${m}`) });
    if (result) say(`seeded the ${seed} bank in ${Date.now() - t0} ms`);
    gateway.setBusy(null);
    printAccounts(gateway.url, result?.accounts ?? (await findDemoAccounts(cloud.database())));
  }
  // Files written before `searchKeys` existed get their keys once (server/search-keys.ts; a seed writes them).
  {
    const { backfillSearchKeys } = require('../server/search-keys');
    gateway.setBusy('backfilling search keys');
    const b = await backfillSearchKeys(cloud.database());
    if (!b.skipped) say(`search keys: ${b.written} of ${b.read} merchant files written`);
  }
  gateway.setBusy(null);
  if (options.timers !== false) {
    const timers = startTimers(cloud);
    const stop = running.stop;
    running.stop = () => (timers.stop(), stop());
  }
  if (gateway.mode === 'local') say(`open ${gateway.url}/ in a browser: the demo accounts, and the mini program at ${gateway.url}/preview/`);
  say(`head-office console: ${gateway.url}/console/`);
  say(`ready: ${gateway.url}/healthz`);
}

main().catch((err) => {
  // Ctrl-C during the first-start seed: the signal handler is already stopping and exits.
  if (err instanceof SeedInterruptedError) return;
  const detail = err instanceof Error ? (process.env.DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`npm start failed: ${detail}\n`);
  process.exit(1);
});
