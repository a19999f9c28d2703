/** `npm run bench -- <suite>`: runs scripts/bench/<suite>.ts (engine, field, metrics); no name runs them all. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const dir = join(__dirname, 'bench');
  const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const suites = wanted.length ? wanted : all;
  for (const name of suites) {
    if (!all.includes(name)) throw new Error(`unknown bench suite "${name}"; have: ${all.join(', ')}`);
    console.log(`\n=== bench: ${name} ===`);
    const mod = await import(join(dir, `${name}.bench.ts`));
    await mod.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
