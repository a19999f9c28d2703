/**
 * The seeded demo bank (40,000 merchants) for a benchmark: a copy of the template the tests' demo bank
 * uses (test/helpers/demo-bank.ts), seeded first if no template of the current sources exists yet, or
 * of BENCH_BANK_TEMPLATE (the data folder of a seeded demo bank) when set. Seeding once and copying keeps
 * a benchmark from paying the seed's minute of CPU at every run.
 */
import { constants, cpSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh copy of the demo bank in a new temp folder; sets PI_KEY to the template's key. */
export async function demoBankCopy(prefix: string): Promise<string> {
  const template =
    process.env.BENCH_BANK_TEMPLATE ??
    (await (async () => {
      const { ensureDemoTemplate } = require('../../test/helpers/demo-bank');
      return ensureDemoTemplate((m: string) => console.log(`demo bank: ${m}`));
    })());
  const now = new Date();
  // In use: the tests' pruning leaves a template alone for a while after this.
  utimesSync(join(template, 'seed.json'), now, now);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(template, dir, { recursive: true, mode: constants.COPYFILE_FICLONE });
  // Sealed personal data in the copy opens with the template's key.
  process.env.PI_KEY = readFileSync(join(dir, 'pi.key'), 'utf8').trim();
  return dir;
}
