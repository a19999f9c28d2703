/**
 * `npm run deploy -- [--dry-run] [--env <envId>]`: puts the backend on a real CloudBase environment.
 * Builds the function bundles, validates everything it would send (bundles, package.json, config.json,
 * cloudbaserc.json, collections, indexes, security rules) and prints the plan. Without --dry-run it
 * then applies the plan with @cloudbase/manager-node: functions (code, runtime settings, timer
 * triggers), collections, indexes and the deny-all rules. --dry-run needs no network and no account.
 *
 * Credentials for a real deploy: TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (a CAM key with
 * CloudBase rights); the environment from --env or TCB_ENV_ID.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildFunctions, BuiltFunction, FUNCTIONS_OUT, listFunctions, REPO_ROOT, validateFunctionConfig } from './build-functions';
import { CollectionsFile, IndexSpec, isDenyAll, loadCollections, RuleSpec } from '../local/runtime/collections';

/** Runtimes CloudBase offers for Node functions that this code targets (esbuild target node16). */
const RUNTIMES = ['Nodejs16.13', 'Nodejs18.15'];
const MEMORY_SIZES = [128, 256, 512, 1024, 2048, 3072];
/** CloudBase's ceiling for a function's code package. */
const MAX_CODE_BYTES = 50 * 1024 * 1024;

export interface FunctionPlan {
  name: string;
  bytes: number;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  triggers: { name: string; type: string; config: string }[];
  dependencies: Record<string, string>;
}

/** CloudBase's index form (TCB UpdateTable CreateIndexes). */
export interface CloudIndex {
  IndexName: string;
  MgoKeySchema: { MgoIndexKeys: { Name: string; Direction: string }[]; MgoIsUnique: boolean };
}

export interface CollectionPlan {
  name: string;
  indexes: CloudIndex[];
  rule: RuleSpec;
}

export interface DeployPlan {
  envId: string | null;
  functions: FunctionPlan[];
  collections: CollectionPlan[];
  /** things that would make the deploy wrong: any one stops it */
  problems: string[];
  /** things to know that do not stop it */
  warnings: string[];
}

export interface PlanOptions {
  envId?: string | null;
  /** where the bundles are built (default build/cloudfunctions) */
  outDir?: string;
  cloudbasercFile?: string;
  collectionsFile?: string;
  /** false: check the bundles already in outDir instead of building them again */
  build?: boolean;
}

/** Builds the bundles and checks every artifact a deploy would send; never touches the network. */
export async function planDeploy(options: PlanOptions = {}): Promise<DeployPlan> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const outDir = options.outDir ?? FUNCTIONS_OUT;

  let built: BuiltFunction[] = [];
  try {
    built = options.build === false ? existingBundles(outDir) : await buildFunctions({ outDir });
  } catch (err) {
    problems.push(`build: ${(err as Error).message}`);
  }

  const rcFile = options.cloudbasercFile ?? join(REPO_ROOT, 'cloudbaserc.json');
  let rc: any = null;
  try {
    rc = JSON.parse(readFileSync(rcFile, 'utf8'));
  } catch (err) {
    problems.push(`cloudbaserc.json: ${(err as Error).message}`);
  }
  const functions: FunctionPlan[] = [];
  if (rc) {
    problems.push(...validateCloudbaserc(rc, listFunctions()));
    for (const b of built) {
      const entry = (rc.functions ?? []).find((f: any) => f?.name === b.name);
      if (!entry) continue;
      problems.push(...checkBundle(b, outDir));
      const config = b.hasConfig ? JSON.parse(readFileSync(join(outDir, b.name, 'config.json'), 'utf8')) : {};
      if (config.timeout !== undefined && entry.timeout !== undefined && config.timeout !== entry.timeout) {
        problems.push(`function ${b.name}: timeout ${entry.timeout} in cloudbaserc.json but ${config.timeout} in its config.json`);
      }
      functions.push({
        name: b.name,
        bytes: b.bytes,
        runtime: entry.runtime,
        handler: entry.handler,
        timeout: entry.timeout ?? config.timeout ?? 3,
        memorySize: entry.memorySize ?? 256,
        triggers: config.triggers ?? [],
        dependencies: b.dependencies,
      });
    }
  }

  let spec: CollectionsFile | null = null;
  try {
    spec = loadCollections(options.collectionsFile);
  } catch (err) {
    problems.push(`collections: ${(err as Error).message}`);
  }
  const collections: CollectionPlan[] = [];
  if (spec) {
    for (const c of spec.collections) {
      const rule = c.rule ?? spec.defaultRule;
      if (!isDenyAll(rule)) problems.push(`collection ${c.name}: its rule must deny all direct client access`);
      collections.push({ name: c.name, rule, indexes: c.indexes.map((ix) => toCloudIndex(c.name, ix, warnings)) });
    }
  }

  const envId = options.envId ?? null;
  if (envId !== null && !/^[a-z0-9][a-z0-9-]{2,39}$/.test(envId)) problems.push(`envId "${envId}" is not a CloudBase environment id`);
  return { envId, functions, collections, problems, warnings };
}

/** The bundles already built in `outDir`, one per function source. */
function existingBundles(outDir: string): BuiltFunction[] {
  return listFunctions().map((name) => {
    const outFile = join(outDir, name, 'index.js');
    if (!existsSync(outFile)) throw new Error(`function ${name}: no bundle in ${relative(REPO_ROOT, outDir)}; run npm run build`);
    const pkg = JSON.parse(readFileSync(join(outDir, name, 'package.json'), 'utf8'));
    return { name, outFile, bytes: statSync(outFile).size, dependencies: pkg.dependencies ?? {}, hasConfig: existsSync(join(outDir, name, 'config.json')) };
  });
}

/** Problems in cloudbaserc.json: its shape, each function's settings, and functions missing on either side. */
export function validateCloudbaserc(rc: any, functionNames: string[]): string[] {
  const problems: string[] = [];
  if (!rc || typeof rc !== 'object') return ['cloudbaserc.json must hold a JSON object'];
  if (rc.version !== '2.0') problems.push('cloudbaserc.json: version must be "2.0"');
  if (typeof rc.envId !== 'string' || !rc.envId) problems.push('cloudbaserc.json: envId must be set (e.g. "{{env.TCB_ENV_ID}}")');
  if (rc.functionRoot !== './build/cloudfunctions') problems.push('cloudbaserc.json: functionRoot must be "./build/cloudfunctions" (the bundles)');
  if (!Array.isArray(rc.functions)) return [...problems, 'cloudbaserc.json: functions must be a list'];
  const seen = new Set<string>();
  rc.functions.forEach((f: any, i: number) => {
    const at = `cloudbaserc.json functions[${i}]${f?.name ? ` (${f.name})` : ''}`;
    if (!f || typeof f.name !== 'string') return void problems.push(`${at}: name is required`);
    if (seen.has(f.name)) problems.push(`${at}: declared twice`);
    seen.add(f.name);
    if (!functionNames.includes(f.name)) problems.push(`${at}: no cloudfunctions/${f.name}/index.ts`);
    if (!RUNTIMES.includes(f.runtime)) problems.push(`${at}: runtime must be one of ${RUNTIMES.join(', ')}`);
    if (f.handler !== 'index.main') problems.push(`${at}: handler must be "index.main"`);
    if (!Number.isInteger(f.timeout) || f.timeout < 1 || f.timeout > 900) problems.push(`${at}: timeout must be 1–900 seconds`);
    if (f.memorySize !== undefined && !MEMORY_SIZES.includes(f.memorySize)) problems.push(`${at}: memorySize must be one of ${MEMORY_SIZES.join(', ')}`);
    if (f.installDependency !== true) problems.push(`${at}: installDependency must be true (wx-server-sdk is installed by CloudBase)`);
    if (f.triggers !== undefined) problems.push(`${at}: declare triggers in cloudfunctions/${f.name}/config.json, not here`);
  });
  for (const name of functionNames) if (!seen.has(name)) problems.push(`cloudbaserc.json: function ${name} exists but is not declared`);
  return problems;
}

/** Problems in a built bundle folder: the code, its package.json and its config.json. */
function checkBundle(b: BuiltFunction, outDir: string): string[] {
  const problems: string[] = [];
  const dir = join(outDir, b.name);
  if (!existsSync(join(dir, 'index.js'))) problems.push(`function ${b.name}: ${relative(REPO_ROOT, dir)}/index.js is missing`);
  if (b.bytes > MAX_CODE_BYTES) problems.push(`function ${b.name}: bundle of ${b.bytes} bytes exceeds CloudBase's 50 MB`);
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.name !== b.name) problems.push(`function ${b.name}: package.json name is "${pkg.name}"`);
    if (pkg.main !== 'index.js') problems.push(`function ${b.name}: package.json main must be index.js`);
    if (!pkg.dependencies?.['wx-server-sdk']) problems.push(`function ${b.name}: package.json must depend on wx-server-sdk`);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (typeof range !== 'string' || !/^[\^~]?\d+(\.\d+){0,2}$|^latest$/.test(range)) problems.push(`function ${b.name}: dependency ${dep} has no installable version ("${range}")`);
    }
  } catch (err) {
    problems.push(`function ${b.name}: package.json unreadable: ${(err as Error).message}`);
  }
  if (b.hasConfig) {
    const issues = validateFunctionConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    problems.push(...issues.map((i) => `function ${b.name}: config.json ${i}`));
  }
  return problems;
}

/**
 * An index of collections.json in CloudBase's form. CloudBase's index API has no sparse option, so a
 * sparse unique index (e.g. staff.openid, null until bound) is created non-unique there, and the
 * action that sets the field keeps it unique (the bind action checks inside a transaction).
 */
export function toCloudIndex(collection: string, ix: IndexSpec, warnings: string[]): CloudIndex {
  let unique = !!ix.unique;
  if (unique && ix.sparse) {
    warnings.push(`${collection}.${ix.name}: CloudBase cannot make a sparse index unique; created non-unique, uniqueness is kept by the code that writes it`);
    unique = false;
  }
  return {
    IndexName: ix.name,
    MgoKeySchema: { MgoIndexKeys: Object.entries(ix.keys).map(([Name, d]) => ({ Name, Direction: String(d) })), MgoIsUnique: unique },
  };
}

/** The plan as the lines printed before anything is sent. */
export function describePlan(plan: DeployPlan): string[] {
  const lines = [`Deploy plan for ${plan.envId ?? '(no environment: dry run)'}`, '', `Functions (${plan.functions.length}):`];
  for (const f of plan.functions) {
    const triggers = f.triggers.map((t) => `${t.name} "${t.config}"`).join(', ');
    lines.push(`  ${f.name.padEnd(10)} ${(f.bytes / 1024).toFixed(0).padStart(6)} KiB  ${f.runtime}  ${f.memorySize} MB  ${f.timeout} s${triggers ? `  timer: ${triggers}` : ''}`);
  }
  lines.push('', `Collections (${plan.collections.length}), every one with the rule {"read": false, "write": false}:`);
  for (const c of plan.collections) lines.push(`  ${c.name.padEnd(16)} ${c.indexes.length} index(es)${c.indexes.some((i) => i.MgoKeySchema.MgoIsUnique) ? ', unique keys' : ''}`);
  if (plan.warnings.length) lines.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  if (plan.problems.length) lines.push('', 'Problems (nothing will be sent):', ...plan.problems.map((p) => `  - ${p}`));
  return lines;
}

/** Applies a checked plan to the environment through @cloudbase/manager-node. */
async function applyPlan(plan: DeployPlan, outDir: string): Promise<void> {
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) throw new Error('set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or run with --dry-run)');
  const CloudBase = require('@cloudbase/manager-node');
  const app = new CloudBase({ secretId, secretKey, token: process.env.TENCENTCLOUD_SESSIONTOKEN, envId: plan.envId });

  for (const f of plan.functions) {
    process.stdout.write(`function ${f.name}: uploading\n`);
    await app.functions.createFunction({
      func: { name: f.name, runtime: f.runtime, handler: f.handler, timeout: f.timeout, memorySize: f.memorySize, installDependency: true, ignore: ['node_modules'] },
      functionRootPath: outDir,
      force: true,
    });
    if (f.triggers.length) await app.functions.createFunctionTriggers(f.name, f.triggers);
  }
  for (const c of plan.collections) {
    process.stdout.write(`collection ${c.name}: ensuring it, its indexes and its rule\n`);
    await app.database.createCollectionIfNotExists(c.name);
    const missing: CloudIndex[] = [];
    for (const ix of c.indexes) if (!(await app.database.checkIndexExists(c.name, ix.IndexName)).Exists) missing.push(ix);
    if (missing.length) await app.database.updateCollection(c.name, { CreateIndexes: missing });
    await app.permission.modifyResourcePermission({ resourceType: 'collection', resource: c.name, permission: 'CUSTOM', securityRule: JSON.stringify(c.rule) });
  }
}

async function cli(): Promise<void> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const envFlag = args.indexOf('--env');
  const envId = envFlag >= 0 ? (args[envFlag + 1] ?? null) : (process.env.TCB_ENV_ID ?? null);
  const plan = await planDeploy({ envId });
  for (const line of describePlan(plan)) process.stdout.write(`${line}\n`);
  if (plan.problems.length) {
    process.stdout.write(`\n${plan.problems.length} problem(s); fix them and run again.\n`);
    process.exit(1);
  }
  if (dryRun) {
    process.stdout.write('\nDry run: everything above is valid; nothing was sent.\n');
    return;
  }
  if (!plan.envId) throw new Error('no environment: pass --env <envId> or set TCB_ENV_ID (or run with --dry-run)');
  await applyPlan(plan, FUNCTIONS_OUT);
  process.stdout.write('\nDeployed. Upload the mini program from WeChat DevTools or miniprogram-ci (see docs/operations.md).\n');
}

if (require.main === module) {
  cli().catch((err) => {
    process.stderr.write(`deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
