/**
 * `npm run build`: bundles each cloud function (`cloudfunctions/<name>/index.ts`) with esbuild into
 * `build/cloudfunctions/<name>/index.js` for CloudBase's Nodejs16.13 runtime: `shared/` and `server/`
 * inlined, only wx-server-sdk (and what a function declares in its own package.json) left external,
 * beside a trimmed package.json and the function's config.json (timer triggers, permissions).
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..');
export const FUNCTIONS_SRC = join(REPO_ROOT, 'cloudfunctions');
export const FUNCTIONS_OUT = join(REPO_ROOT, 'build', 'cloudfunctions');
/** CloudBase's runtime for the functions (cloudbaserc.json says the same). */
export const NODE_TARGET = 'node16';
/** Always provided by the runtime image and kept external so the function shares its one instance. */
const ALWAYS_EXTERNAL = ['wx-server-sdk'];
/** Local-only code that must never reach a deployed function. */
const FORBIDDEN_INPUTS = ['local/', 'node_modules/better-sqlite3/', 'node_modules/mingo/'];

export interface BuildOptions {
  /** folder with one folder per function (default cloudfunctions/) */
  root?: string;
  /** output folder (default build/cloudfunctions/) */
  outDir?: string;
  /** only these functions (default: every folder with an index.ts) */
  names?: string[];
}

export interface BuiltFunction {
  name: string;
  outFile: string;
  bytes: number;
  dependencies: Record<string, string>;
  hasConfig: boolean;
}

/** The functions under `root`: every folder holding an index.ts. */
export function listFunctions(root = FUNCTIONS_SRC): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Bundles the functions and writes their package.json and config.json; throws naming the function that failed. */
export async function buildFunctions(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  const root = resolve(options.root ?? FUNCTIONS_SRC);
  const outDir = resolve(options.outDir ?? FUNCTIONS_OUT);
  const names = options.names ?? listFunctions(root);
  const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const versionOf = (dep: string): string => rootPkg.dependencies?.[dep] ?? rootPkg.devDependencies?.[dep] ?? '*';

  // Check every input first, so a bad config.json fails the build before anything is written.
  const plans = names.map((name) => {
    const src = join(root, name);
    if (!existsSync(join(src, 'index.ts'))) throw new Error(`function ${name}: ${relative(REPO_ROOT, src)}/index.ts not found`);
    // A function may declare extra runtime dependencies (kept external, installed by CloudBase).
    const own = existsSync(join(src, 'package.json')) ? JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')) : {};
    const dependencies: Record<string, string> = {};
    for (const dep of [...ALWAYS_EXTERNAL, ...Object.keys(own.dependencies ?? {})]) dependencies[dep] = own.dependencies?.[dep] ?? versionOf(dep);
    const hasConfig = existsSync(join(src, 'config.json'));
    if (hasConfig) {
      let config: unknown;
      try {
        config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
      } catch {
        throw new Error(`function ${name}: config.json is not valid JSON`);
      }
      const problems = validateFunctionConfig(config);
      if (problems.length) throw new Error(`function ${name}: config.json is invalid: ${problems.join('; ')}`);
    }
    return { name, src, dependencies, hasConfig, outFile: join(outDir, name, 'index.js') };
  });
  for (const plan of plans) rmSync(join(outDir, plan.name), { recursive: true, force: true });

  // Functions with the same externals bundle in one esbuild run, which parses shared code once.
  const groups = new Map<string, typeof plans>();
  for (const plan of plans) {
    const key = Object.keys(plan.dependencies).sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  for (const group of groups.values()) {
    let inputsOf: Map<string, string[]>;
    try {
      inputsOf = await bundle(group.map((p) => p.name), root, outDir, Object.keys(group[0].dependencies));
    } catch (err) {
      // Bundle one by one to name the function at fault.
      for (const plan of group) {
        try {
          await bundle([plan.name], root, join(outDir, '.probe'), Object.keys(plan.dependencies));
        } catch (one) {
          rmSync(join(outDir, '.probe'), { recursive: true, force: true });
          throw new Error(`function ${plan.name}: bundling failed\n${(one as Error).message}`);
        }
      }
      rmSync(join(outDir, '.probe'), { recursive: true, force: true });
      throw new Error(`bundling failed\n${(err as Error).message}`);
    }
    for (const plan of group) {
      const leaked = (inputsOf.get(plan.name) ?? []).filter((input) => FORBIDDEN_INPUTS.some((f) => toPosix(relative(REPO_ROOT, resolve(REPO_ROOT, input))).startsWith(f)));
      if (leaked.length) {
        rmSync(join(outDir, plan.name), { recursive: true, force: true });
        throw new Error(`function ${plan.name}: bundles local-only code (${leaked.slice(0, 3).join(', ')}); functions must not import local/`);
      }
    }
  }

  return plans.map((plan) => {
    const out = join(outDir, plan.name);
    const pkg = { name: plan.name, version: '1.0.0', private: true, description: `Cloud function ${plan.name} (bundled)`, main: 'index.js', dependencies: plan.dependencies };
    writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    if (plan.hasConfig) copyFileSync(join(plan.src, 'config.json'), join(out, 'config.json'));
    return { name: plan.name, outFile: plan.outFile, bytes: statSync(plan.outFile).size, dependencies: plan.dependencies, hasConfig: plan.hasConfig };
  });
}

/** One esbuild run writing `<outDir>/<name>/index.js` for each name; returns each bundle's inputs. */
async function bundle(names: string[], root: string, outDir: string, external: string[]): Promise<Map<string, string[]>> {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/index`, join(root, name, 'index.ts')])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    external,
    metafile: true,
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
    legalComments: 'none',
    banner: { js: '/* Generated by scripts/build-functions.ts from cloudfunctions/; do not edit. */' },
  });
  const inputsOf = new Map<string, string[]>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const name = toPosix(relative(outDir, resolve(REPO_ROOT, file))).split('/')[0];
    inputsOf.set(name, Object.keys(output.inputs));
  }
  return inputsOf;
}

/**
 * Problems in a function's config.json (CloudBase's format): `permissions.openapi` a list of API names,
 * `triggers` a list of `{ name, type: 'timer', config: '<7-field cron>' }`, `timeout` 1–900 s.
 */
export function validateFunctionConfig(config: unknown): string[] {
  const problems: string[] = [];
  if (!config || typeof config !== 'object' || Array.isArray(config)) return ['must be a JSON object'];
  const c = config as Record<string, any>;
  if (c.permissions !== undefined) {
    const api = c.permissions?.openapi;
    if (!Array.isArray(api) || api.some((a: unknown) => typeof a !== 'string')) problems.push('permissions.openapi must be a list of API names');
  }
  if (c.triggers !== undefined) {
    if (!Array.isArray(c.triggers)) problems.push('triggers must be a list');
    else
      c.triggers.forEach((t: any, i: number) => {
        if (!t || typeof t.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(t.name)) problems.push(`triggers[${i}].name must be a trigger name`);
        if (t?.type !== 'timer') problems.push(`triggers[${i}].type must be "timer"`);
        // CloudBase timer triggers take a 7-field cron: second minute hour day month weekday year.
        if (typeof t?.config !== 'string' || t.config.trim().split(/\s+/).length !== 7) problems.push(`triggers[${i}].config must be a 7-field cron expression`);
      });
  }
  if (c.timeout !== undefined && (!Number.isInteger(c.timeout) || c.timeout < 1 || c.timeout > 900)) problems.push('timeout must be 1–900 seconds');
  return problems;
}

/** Whether a function's bundle is missing or older than any of its inputs (its folder, shared/, server/, package.json). */
export function isStale(name: string, root = FUNCTIONS_SRC, outDir = FUNCTIONS_OUT): boolean {
  const bundle = join(outDir, name, 'index.js');
  if (!existsSync(bundle)) return true;
  const builtAt = statSync(bundle).mtimeMs;
  const inputs = [join(root, name), join(REPO_ROOT, 'shared'), join(REPO_ROOT, 'server'), join(REPO_ROOT, 'package.json')];
  return inputs.some((p) => newestMtime(p) > builtAt);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

async function cli(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const t0 = Date.now();
  const built = await buildFunctions({ names: wanted.length ? wanted : undefined });
  for (const f of built) console.log(`  ${f.name.padEnd(12)} ${(f.bytes / 1024).toFixed(0).padStart(6)} KiB  ${relative(REPO_ROOT, f.outFile)}${f.hasConfig ? '  + config.json' : ''}`);
  console.log(`built ${built.length} function(s) in ${Date.now() - t0} ms`);
}

if (require.main === module) {
  cli().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
