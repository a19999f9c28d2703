/**
 * `npm run build`: bundles each cloud function (`cloudfunctions/<name>/index.ts`) with esbuild into
 * `build/cloudfunctions/<name>/index.js` for CloudBase's Nodejs18.15 runtime: `shared/` and `server/`
 * inlined, only wx-server-sdk (and what a function declares in its own package.json) left external,
 * beside a trimmed package.json and the function's config.json (timer triggers, permissions).
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..');
export const FUNCTIONS_SRC = join(REPO_ROOT, 'cloudfunctions');
export const FUNCTIONS_OUT = join(REPO_ROOT, 'build', 'cloudfunctions');
/** CloudBase's runtime for the functions (cloudbaserc.json says Nodejs18.15; scripts/deploy.ts checks it). */
export const NODE_TARGET = 'node18';
/** Always provided by the runtime image and kept external so the function shares its one instance. */
const ALWAYS_EXTERNAL = ['wx-server-sdk'];
/**
 * wx-server-sdk's own dependency, present wherever it is installed: kept external in every bundle, and
 * declared (at the version wx-server-sdk carries, so one copy is installed) by each function whose bundle
 * requires it (the router reads a console's custom login with it, server/console-login.ts).
 */
const NODE_SDK = '@cloudbase/node-sdk';
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
      inputsOf = await bundle(group.map((p) => p.name), root, outDir, [...new Set([...Object.keys(group[0].dependencies), NODE_SDK])]);
    } catch (err) {
      // Bundle one by one to name the function at fault.
      for (const plan of group) {
        try {
          await bundle([plan.name], root, join(outDir, '.probe'), [...new Set([...Object.keys(plan.dependencies), NODE_SDK])]);
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

  const sdkVersion = (): string => {
    try {
      return JSON.parse(readFileSync(require.resolve('wx-server-sdk/package.json', { paths: [REPO_ROOT] }), 'utf8')).dependencies?.[NODE_SDK] ?? versionOf(NODE_SDK);
    } catch {
      return versionOf(NODE_SDK);
    }
  };
  for (const plan of plans) {
    if (plan.dependencies[NODE_SDK] || !readFileSync(plan.outFile, 'utf8').includes(`require("${NODE_SDK}")`)) continue;
    plan.dependencies[NODE_SDK] = sdkVersion();
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

/** A function's timeout, seconds: "取值范围 1-60 秒" (https://docs.cloudbase.net/cli-v1/functions/configs). */
export const TIMEOUT_RANGE_S = { min: 1, max: 60 } as const;

/**
 * Limits of a cloud function's timer triggers, from the timer trigger guide
 * (https://tencentcloudbase.github.io/2019-09-03-cloudfunction-timingtrigger, the WeChat guide's copy):
 * one trigger per function ("目前仅支持一个触发器"), a name of at most 60 letters, digits, - and _ starting
 * with a letter, type "timer", and a cron of seven fields (second minute hour day month weekday year)
 * whose values lie in 0–59, 0–59, 0–23, 1–31, 1–12 or JAN–DEC, 0–6 or MON–SUN, 1970–2099.
 */
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'weekday', min: 0, max: 6, names: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] },
  { name: 'year', min: 1970, max: 2099 },
];

/** Problems in a 7-field CloudBase cron expression, naming the field. */
export function cronProblems(cron: unknown): string[] {
  if (typeof cron !== 'string') return ['must be a 7-field cron expression'];
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 7) return [`must be a 7-field cron expression (second minute hour day month weekday year), not ${fields.length} fields`];
  const problems: string[] = [];
  fields.forEach((field, i) => {
    const spec = CRON_FIELDS[i];
    const value = (v: string): number | null => {
      const named = spec.names?.indexOf(v.toUpperCase()) ?? -1;
      if (named >= 0) return spec.min + named;
      return /^\d+$/.test(v) ? Number(v) : null;
    };
    const ok = field.split(',').every((part) => {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
      if (range === '*') return true;
      const ends = range.split('-');
      if (ends.length > 2) return false;
      const nums = ends.map(value);
      return nums.every((n) => n !== null && n >= spec.min && n <= spec.max) && (nums.length === 1 || (nums[0] as number) <= (nums[1] as number));
    });
    if (!ok) problems.push(`cron ${spec.name} field "${field}" must be *, a value in ${spec.min}–${spec.max}${spec.names ? ` or ${spec.names[0]}–${spec.names[spec.names.length - 1]}` : ''}, a range, a list or a step`);
  });
  return problems;
}

/** Problems in a function's timer triggers (config.json or cloudbaserc.json `triggers`). */
export function triggerProblems(triggers: unknown): string[] {
  if (!Array.isArray(triggers)) return ['triggers must be a list'];
  const problems: string[] = [];
  if (triggers.length > 1) problems.push('triggers: CloudBase takes one timer trigger per function');
  triggers.forEach((t: any, i: number) => {
    if (!t || typeof t.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(t.name)) problems.push(`triggers[${i}].name must be 1–60 letters, digits, - or _, starting with a letter`);
    if (t?.type !== 'timer') problems.push(`triggers[${i}].type must be "timer"`);
    problems.push(...cronProblems(t?.config).map((p) => `triggers[${i}].config ${p}`));
  });
  return problems;
}

/**
 * Problems in a function's config.json (the WeChat DevTools format the local runtime reads too):
 * `permissions.openapi` a list of API names, `triggers` as above, `timeout` within CloudBase's range.
 */
export function validateFunctionConfig(config: unknown): string[] {
  const problems: string[] = [];
  if (!config || typeof config !== 'object' || Array.isArray(config)) return ['must be a JSON object'];
  const c = config as Record<string, any>;
  if (c.permissions !== undefined) {
    const api = c.permissions?.openapi;
    if (!Array.isArray(api) || api.some((a: unknown) => typeof a !== 'string')) problems.push('permissions.openapi must be a list of API names');
  }
  if (c.triggers !== undefined) problems.push(...triggerProblems(c.triggers));
  if (c.timeout !== undefined && (!Number.isInteger(c.timeout) || c.timeout < TIMEOUT_RANGE_S.min || c.timeout > TIMEOUT_RANGE_S.max)) {
    problems.push(`timeout must be ${TIMEOUT_RANGE_S.min}–${TIMEOUT_RANGE_S.max} seconds`);
  }
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
