/**
 * `npm run deploy -- [--dry-run] [--env <envId>]`: puts the backend on a real CloudBase environment.
 * Builds the function bundles, validates everything it would send against CloudBase's documented ranges
 * (bundles loaded as the cloud loads them, package.json, config.json, cloudbaserc.json, collections,
 * indexes, the database and storage rules) and prints the plan. Without --dry-run it then reads what the
 * environment already has and brings it to the plan with @cloudbase/manager-node: functions created or
 * updated in place (code, settings, the `PI_KEY` variable, timer triggers changed only where they
 * differ), collections and indexes created or corrected, each collection admin-only, the storage rule
 * set, and the console (built for CloudBase: web SDK mode, the environment id in its page) uploaded to
 * static hosting under /console/. Running it twice changes nothing the second time but the console's
 * upload. --dry-run needs no network and no account; it builds the console too and plans its upload.
 *
 * Credentials for a real deploy: TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (a CAM key with
 * CloudBase rights); the environment from --env or TCB_ENV_ID. `PI_KEY` (32 bytes, base64) is generated
 * on the first deploy and kept on the functions after that; it is never printed.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildFunctions, BuiltFunction, FUNCTIONS_OUT, listFunctions, REPO_ROOT, TIMEOUT_RANGE_S, triggerProblems, validateFunctionConfig } from './build-functions';
import { CollectionsFile, IndexSpec, isDenyAll, loadCollections, RuleSpec } from '../local/runtime/collections';
import { type StorageRule, validateStorageRule } from '../local/storage/rule';

/**
 * Node runtimes CloudBase offers (https://docs.cloudbase.net/cloud-function/runtime-support: 26.x, 24.11,
 * 22.21, 20.19, 18.15, 16.13), Node 18 or newer: 16 is past Node's end of life and the bundles target 18.
 * The CLI's reference (https://docs.cloudbase.net/cli-v1/functions/configs) recommends Nodejs18.15.
 */
export const RUNTIMES = ['Nodejs18.15', 'Nodejs20.19', 'Nodejs22.21', 'Nodejs24.11'];
/** memorySize, MB: "可选值: 128、256、512、1024、2048" (https://docs.cloudbase.net/cli-v1/functions/configs). */
export const MEMORY_SIZES = [128, 256, 512, 1024, 2048];
/** CloudBase's ceiling for a function's code package. */
const MAX_CODE_BYTES = 50 * 1024 * 1024;
/** The functions' environment variables the deploy sets itself (the CLI would overwrite them, see below). */
const MANAGED_VARIABLES = ['PI_KEY'];
/** A collection denying all client access is CloudBase's simple permission ADMINONLY ("仅管理员可读写"). */
const ADMIN_ONLY = 'ADMINONLY';

export interface TimerTrigger {
  name: string;
  type: string;
  config: string;
}

export interface FunctionPlan {
  name: string;
  bytes: number;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  triggers: TimerTrigger[];
  dependencies: Record<string, string>;
  /** variables the deploy sets on the function (their values never enter the plan) */
  variables: string[];
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
  /** the simple permission that rule is on CloudBase (ModifyDatabaseACL AclTag) */
  aclTag: string;
}

/** The console on CloudBase static hosting: its build for this environment and where it goes. */
export interface HostingPlan {
  /** the built console for CloudBase (web SDK mode, the environment id in the page) */
  localDir: string;
  /** the folder on static hosting (the console is served at https://<hosting domain>/<cloudPath>/) */
  cloudPath: string;
  files: number;
  bytes: number;
  /** the environment id the page's web SDK is initialised with ('' in a dry run without --env) */
  envId: string;
}

export interface DeployPlan {
  envId: string | null;
  functions: FunctionPlan[];
  collections: CollectionPlan[];
  /** the console to upload to static hosting (absent when the plan leaves the console out) */
  hosting?: HostingPlan | null;
  /** the storage security rule for the bucket (database/collections.json `storage.rule`) */
  storageRule: StorageRule | null;
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
  /** false: skip loading each bundle in a fresh process (only for checks that do not concern the code) */
  loadBundles?: boolean;
  /** false: leave the console out of the plan (default: built and planned whenever the bundles are built) */
  console?: boolean;
  /** where the console is built for hosting (default build/console-hosting) */
  consoleOutDir?: string;
}

/** The folder on static hosting the console goes to. */
export const CONSOLE_HOSTING_PATH = 'console';
export const CONSOLE_HOSTING_OUT = join(REPO_ROOT, 'build', 'console-hosting');

/**
 * Builds the console for CloudBase into `outDir` with `npm run build:console`'s own script, in its cloud mode
 * (CONSOLE_MODE=cloud, CONSOLE_ENV_ID: the page is marked `data-mode="cloud" data-env="<env>"`, from which
 * console/src/api.ts initialises the web SDK). The script writes to its repository's build/console, which
 * the local gateway serves; so it runs from a scratch root beside `outDir` that links the console's sources,
 * and the local build is never touched.
 */
export function buildHostedConsole(envId: string, outDir: string): void {
  const root = join(dirname(outDir), `.console-hosting-root-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'scripts'), { recursive: true });
  try {
    for (const name of ['console', 'shared', 'node_modules', 'tsconfig.json', 'package.json']) symlinkSync(join(REPO_ROOT, name), join(root, name));
    copyFileSync(join(REPO_ROOT, 'scripts', 'build-console.ts'), join(root, 'scripts', 'build-console.ts'));
    const res = spawnSync(process.execPath, [require.resolve('tsx/cli', { paths: [REPO_ROOT] }), join(root, 'scripts', 'build-console.ts')], {
      cwd: root,
      env: { ...process.env, CONSOLE_MODE: 'cloud', CONSOLE_ENV_ID: envId },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (res.status !== 0) throw new Error(`build failed: ${(res.stderr || res.stdout || String(res.error ?? '')).trim().split('\n').slice(-5).join(' | ')}`);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(join(root, 'build', 'console'), outDir);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Every file under `dir`, relative, with `/`. */
function filesUnder(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, base));
    else out.push(relative(base, p).split('\\').join('/'));
  }
  return out.sort();
}

/** Builds the console for hosting and checks the page: cloud mode, this environment's id, the web SDK. */
function planHosting(envId: string | null, outDir: string, problems: string[], warnings: string[]): HostingPlan | null {
  try {
    buildHostedConsole(envId ?? '', outDir);
  } catch (err) {
    problems.push(`console: ${(err as Error).message}`);
    return null;
  }
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) {
    problems.push('console: the build wrote no index.html');
    return null;
  }
  const html = readFileSync(index, 'utf8');
  if (!html.includes('data-mode="cloud"')) problems.push('console: index.html is not marked data-mode="cloud" (the page would call the local gateway)');
  if (envId && !html.includes(`data-env="${envId}"`)) problems.push(`console: index.html does not carry the environment id ${envId}`);
  if (!envId) warnings.push('console: built without an environment id (dry run); a deploy injects the one it deploys to');
  // console/src/api.ts imports @cloudbase/js-sdk in cloud mode; the page preloads its chunk, which must be there.
  const sdk = /<link rel="modulepreload" href="\.\/([^"]+)" data-cloudbase-sdk>/.exec(html);
  if (!sdk) problems.push('console: the page does not load the CloudBase web SDK (no data-cloudbase-sdk chunk); the hosted console could not sign in');
  else if (!existsSync(join(outDir, sdk[1]))) problems.push(`console: the web SDK chunk ${sdk[1]} named by the page is missing`);
  const files = filesUnder(outDir);
  return { localDir: outDir, cloudPath: CONSOLE_HOSTING_PATH, files: files.length, bytes: files.reduce((n, f) => n + statSync(join(outDir, f)).size, 0), envId: envId ?? '' };
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
      // config.json serves WeChat DevTools and the local runtime, cloudbaserc.json the tcb CLI and this script:
      // both must say the same, or the cloud would run differently depending on who deployed it.
      if (config.timeout !== undefined && entry.timeout !== undefined && config.timeout !== entry.timeout) {
        problems.push(`function ${b.name}: timeout ${entry.timeout} in cloudbaserc.json but ${config.timeout} in its config.json`);
      }
      if (JSON.stringify(sortTriggers(config.triggers)) !== JSON.stringify(sortTriggers(entry.triggers))) {
        problems.push(`function ${b.name}: timer triggers differ between cloudbaserc.json and its config.json`);
      }
      functions.push({
        name: b.name,
        bytes: b.bytes,
        runtime: entry.runtime,
        handler: entry.handler,
        timeout: entry.timeout,
        memorySize: entry.memorySize ?? 256,
        triggers: entry.triggers ?? [],
        dependencies: b.dependencies,
        variables: MANAGED_VARIABLES,
      });
    }
    // Load every bundle as the cloud would; only when the rest holds (a failed build has nothing to load).
    if (options.loadBundles !== false && !problems.some((p) => p.startsWith('build:'))) for (const f of functions) problems.push(...loadBundle(join(outDir, f.name), f));
  }

  let spec: (CollectionsFile & { storage?: { rule?: unknown } }) | null = null;
  try {
    spec = loadCollections(options.collectionsFile);
  } catch (err) {
    problems.push(`collections: ${(err as Error).message}`);
  }
  const collections: CollectionPlan[] = [];
  let storageRule: StorageRule | null = null;
  if (spec) {
    for (const c of spec.collections) {
      const rule = c.rule ?? spec.defaultRule;
      if (!isDenyAll(rule)) problems.push(`collection ${c.name}: its rule must deny all direct client access`);
      collections.push({ name: c.name, rule, aclTag: ADMIN_ONLY, indexes: c.indexes.map((ix) => toCloudIndex(c.name, ix, warnings)) });
    }
    const ruleProblems = validateStorageRule(spec.storage?.rule);
    problems.push(...ruleProblems.map((p) => `collections.json ${p}`));
    if (!ruleProblems.length) {
      storageRule = spec.storage!.rule as StorageRule;
      // Every read goes through a function that checks scope; a rule letting clients read would bypass it.
      if (storageRule.read !== false) problems.push('collections.json storage.rule.read must be false: clients read files only through temporary links a function issues');
    }
  }

  const envId = options.envId ?? null;
  const envOk = envId === null || /^[a-z0-9][a-z0-9-]{2,39}$/.test(envId);
  if (!envOk) problems.push(`envId "${envId}" is not a CloudBase environment id`);
  // The console for static hosting, with the environment's id in its page (never a malformed one).
  const withConsole = options.console ?? options.build !== false;
  const hosting = withConsole && envOk ? planHosting(envId, options.consoleOutDir ?? CONSOLE_HOSTING_OUT, problems, warnings) : null;
  return { envId, functions, collections, storageRule, hosting, problems, warnings };
}

function sortTriggers(triggers: unknown): unknown {
  return Array.isArray(triggers) ? [...triggers].sort((a, b) => String(a?.name).localeCompare(String(b?.name))) : [];
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

/**
 * Problems in cloudbaserc.json (the tcb CLI's file, https://docs.cloudbase.net/cli-v1/functions/configs):
 * its shape, each function's settings against CloudBase's documented ranges, and functions missing on
 * either side.
 */
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
    if (!Number.isInteger(f.timeout) || f.timeout < TIMEOUT_RANGE_S.min || f.timeout > TIMEOUT_RANGE_S.max) problems.push(`${at}: timeout must be ${TIMEOUT_RANGE_S.min}–${TIMEOUT_RANGE_S.max} seconds`);
    if (f.memorySize !== undefined && !MEMORY_SIZES.includes(f.memorySize)) problems.push(`${at}: memorySize must be one of ${MEMORY_SIZES.join(', ')}`);
    if (f.installDependency !== true) problems.push(`${at}: installDependency must be true (wx-server-sdk is installed by CloudBase)`);
    if (f.triggers !== undefined) problems.push(...triggerProblems(f.triggers).map((p) => `${at}: ${p}`));
    // "envVariables … 部署时会完全覆盖线上配置" (the same page): a CLI deploy would wipe PI_KEY, which only
    // npm run deploy sets, and every sealed mobile would become unreadable.
    if (f.envVariables !== undefined) problems.push(`${at}: envVariables must not be declared: the CLI replaces the functions' variables with them and PI_KEY would be lost (npm run deploy sets it)`);
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
 * Loads a bundle the way the cloud does: `require('<dir>/index.js')` in a fresh Node process with no
 * project variables, the packages of its package.json resolvable (CloudBase installs them:
 * installDependency) and nothing else outside Node's own modules, then checks the handler's export
 * (`index.main`) is a function. A bundle that throws while loading, requires an undeclared package or
 * exports no main would fail every call on CloudBase.
 */
function loadBundle(dir: string, f: FunctionPlan): string[] {
  const [file, exportName] = f.handler.split('.');
  const probe = `
const Module = require('module');
const file = require('path').join(process.argv[1], process.argv[2] + '.js');
const declared = JSON.parse(process.argv[3]);
const builtins = new Set(Module.builtinModules);
const stray = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (parent && parent.filename === file && !request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:') && !builtins.has(request)) {
    const root = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
    if (!declared.includes(root)) stray.add(request);
  }
  return resolve.call(this, request, parent, ...rest);
};
let out;
try {
  const mod = require(file);
  out = { loaded: true, exportType: typeof mod[process.argv[4]], stray: [...stray] };
} catch (err) {
  out = { loaded: false, error: String((err && err.message) || err).split('\\n')[0], stray: [...stray] };
}
process.stdout.write('\\n' + JSON.stringify(out));
process.exit(0);
`;
  const child = spawnSync(process.execPath, ['-e', probe, dir, file, JSON.stringify(Object.keys(f.dependencies)), exportName], {
    cwd: dir,
    // Only what a CloudBase instance has: no PI_KEY, no local switches; packages from the project's install.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(REPO_ROOT, 'node_modules'), TZ: 'Asia/Shanghai' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const last = (child.stdout ?? '').trim().split('\n').pop() ?? '';
  let res: { loaded: boolean; exportType?: string; error?: string; stray: string[] };
  try {
    res = JSON.parse(last);
  } catch {
    return [`function ${f.name}: loading ${file}.js ended without an answer (${(child.stderr || child.error?.message || `exit ${child.status}`).toString().trim().split('\n')[0]})`];
  }
  const problems: string[] = [];
  if (!res.loaded) problems.push(`function ${f.name}: ${file}.js throws while loading: ${res.error}`);
  else if (res.exportType !== 'function') problems.push(`function ${f.name}: ${file}.js exports no function "${exportName}" (handler ${f.handler})`);
  for (const s of res.stray) problems.push(`function ${f.name}: ${file}.js requires "${s}", which its package.json does not declare (CloudBase installs only those)`);
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
  const lines = [`Deploy plan for ${plan.envId ?? '(no environment: dry run)'}`, '', `Functions (${plan.functions.length}), every bundle loaded and its main found:`];
  for (const f of plan.functions) {
    const triggers = f.triggers.map((t) => `${t.name} "${t.config}"`).join(', ');
    lines.push(`  ${f.name.padEnd(10)} ${(f.bytes / 1024).toFixed(0).padStart(6)} KiB  ${f.runtime}  ${f.memorySize} MB  ${f.timeout} s  env ${f.variables.join(', ')}${triggers ? `  timer: ${triggers}` : ''}`);
  }
  lines.push('', `Collections (${plan.collections.length}), every one ${ADMIN_ONLY} (no client reads or writes):`);
  for (const c of plan.collections) lines.push(`  ${c.name.padEnd(16)} ${c.indexes.length} index(es)${c.indexes.some((i) => i.MgoKeySchema.MgoIsUnique) ? ', unique keys' : ''}`);
  if (plan.storageRule) lines.push('', `Storage rule: ${JSON.stringify(plan.storageRule)}`);
  if (plan.hosting) {
    const h = plan.hosting;
    lines.push(
      '',
      `Static hosting: the console (${h.files} files, ${(h.bytes / 1024).toFixed(1)} KB, web SDK env ${h.envId || '(set on deploy)'})`,
      `  ${relative(REPO_ROOT, h.localDir).split('\\').join('/')}/ -> /${h.cloudPath}/ (chunks first, index.html last)`,
    );
  }
  if (plan.warnings.length) lines.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  if (plan.problems.length) lines.push('', 'Problems (nothing will be sent):', ...plan.problems.map((p) => `  - ${p}`));
  return lines;
}

/** The part of @cloudbase/manager-node's CloudBase instance the deploy uses (a test passes a stand-in). */
export interface ManagerApp {
  functions: {
    getFunctionDetail(name: string): Promise<any>;
    createFunction(param: any): Promise<unknown>;
    updateFunctionCode(param: any): Promise<unknown>;
    updateFunctionConfig(func: any): Promise<unknown>;
    waitFunctionActive(name: string): Promise<void>;
    createFunctionTriggers(name: string, triggers: TimerTrigger[]): Promise<unknown>;
    deleteFunctionTrigger(name: string, triggerName: string): Promise<unknown>;
  };
  database: {
    createCollectionIfNotExists(name: string): Promise<unknown>;
    describeCollection(name: string): Promise<{ Indexes?: { Name: string; Keys?: { Name?: string; Direction?: string }[]; Unique?: boolean }[] }>;
    updateCollection(name: string, info: { CreateIndexes?: CloudIndex[]; DropIndexes?: { IndexName: string }[] }): Promise<unknown>;
  };
  storage: {
    getStorageAcl(options: { withRule: true }): Promise<{ acl: string; rule?: unknown }>;
    setStorageAcl(acl: string, rule?: StorageRule): Promise<unknown>;
  };
  /** manager-node `app.hosting` (HostingService: getInfo, uploadFiles), for a plan with the console */
  hosting?: {
    getInfo(): Promise<{ CdnDomain?: string; Status?: string }[]>;
    uploadFiles(options: { localPath?: string; cloudPath?: string; files: { localPath: string; cloudPath: string }[]; parallel?: number; retryCount?: number }): Promise<unknown>;
  };
  commonService(service?: string, version?: string): { call(options: { Action: string; Param: Record<string, unknown> }): Promise<any> };
}

export interface ApplyOptions {
  outDir: string;
  /** where progress lines go (never a secret) */
  log?: (line: string) => void;
  /** a key to use when no function holds one yet (PI_KEY of the shell, e.g. to keep the key local data was sealed with) */
  piKey?: string;
}

/** The first 8 hex digits of the key's SHA-256: tells keys apart in a log without revealing one. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function isPiKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return /^ResourceNotFound/.test(e?.code ?? '') || /ResourceNotFound|not exist|不存在/i.test(e?.message ?? '');
}

/** A timer trigger's cron as GetFunction reports it: the cron itself, or JSON `{"cron": …}`. */
function cronOf(desc: string | undefined): string {
  if (!desc) return '';
  try {
    const parsed = JSON.parse(desc);
    if (parsed && typeof parsed.cron === 'string') return parsed.cron.trim();
  } catch {
    // the cron text itself
  }
  return desc.trim();
}

/**
 * Brings the environment to the plan. First reads what is there and stops before writing anything if
 * the plan cannot be met in place (a function on another runtime, functions holding different PI_KEYs);
 * then creates what is missing and updates what differs: functions (code, settings, PI_KEY, triggers),
 * collections, indexes, permissions and the storage rule.
 */
export async function applyPlan(plan: DeployPlan, app: ManagerApp, options: ApplyOptions): Promise<void> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!plan.envId) throw new Error('no environment: pass --env <envId> or set TCB_ENV_ID');
  if (plan.problems.length) throw new Error(`the plan has ${plan.problems.length} problem(s); run with --dry-run to see them`);

  // 1. What the environment has.
  const details = new Map<string, any>();
  for (const f of plan.functions) {
    try {
      details.set(f.name, await app.functions.getFunctionDetail(f.name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const wrongRuntime = plan.functions.filter((f) => details.has(f.name) && details.get(f.name).Runtime !== f.runtime);
  if (wrongRuntime.length) {
    // UpdateFunctionConfiguration cannot change a runtime (only CreateFunction sets it).
    throw new Error(
      `runtime cannot change in place: ${wrongRuntime.map((f) => `${f.name} runs ${details.get(f.name).Runtime}, the plan says ${f.runtime}`).join('; ')}. ` +
        'Delete those functions in the CloudBase console (their data stays in the database) and deploy again.',
    );
  }
  const held = new Set<string>();
  for (const d of details.values()) for (const v of d?.Environment?.Variables ?? []) if (v.Key === 'PI_KEY' && v.Value) held.add(v.Value);
  if (held.size > 1) throw new Error('the deployed functions hold different PI_KEYs; make them agree in the console before deploying (see docs/operations.md)');
  let piKey: string;
  if (held.size === 1) {
    piKey = [...held][0];
    if (options.piKey && options.piKey !== piKey) throw new Error('PI_KEY in the shell differs from the key the deployed functions hold; unset it to keep theirs');
    log(`PI_KEY: keeping the key the functions hold (fingerprint ${keyFingerprint(piKey)})`);
  } else if (options.piKey) {
    if (!isPiKey(options.piKey)) throw new Error('PI_KEY in the shell must be 32 bytes, base64');
    piKey = options.piKey;
    log(`PI_KEY: using the key from the shell (fingerprint ${keyFingerprint(piKey)})`);
  } else {
    piKey = randomBytes(32).toString('base64');
    log(`PI_KEY: generated a new key (fingerprint ${keyFingerprint(piKey)}); back it up from the console (docs/operations.md)`);
  }

  // 2. Functions: create what is missing, update the rest in place.
  for (const f of plan.functions) {
    const detail = details.get(f.name);
    const func = { name: f.name, runtime: f.runtime, handler: f.handler, timeout: f.timeout, memorySize: f.memorySize, installDependency: true, ignore: ['node_modules'] };
    if (!detail) {
      await app.functions.createFunction({ func: { ...func, envVariables: { PI_KEY: piKey }, triggers: f.triggers }, functionRootPath: options.outDir, force: false });
      log(`function ${f.name}: created${f.triggers.length ? ` with trigger ${f.triggers.map((t) => t.name).join(', ')}` : ''}`);
      continue;
    }
    await app.functions.updateFunctionCode({ func, functionRootPath: options.outDir });
    await app.functions.waitFunctionActive(f.name);
    // The variables are replaced as a whole: keep any the bank added, set ours.
    const variables: Record<string, string> = {};
    for (const v of detail.Environment?.Variables ?? []) variables[v.Key] = v.Value;
    variables.PI_KEY = piKey;
    await app.functions.updateFunctionConfig({ name: f.name, timeout: f.timeout, memorySize: f.memorySize, installDependency: true, envVariables: variables });
    await app.functions.waitFunctionActive(f.name);
    log(`function ${f.name}: code and settings updated`);

    const existing = ((detail.Triggers ?? []) as { TriggerName?: string; Type?: string; TriggerDesc?: string }[]).filter((t) => t.Type === 'timer');
    const wanted = new Map(f.triggers.map((t) => [t.name, t]));
    const toCreate: TimerTrigger[] = [];
    for (const t of existing) {
      const want = wanted.get(t.TriggerName ?? '');
      if (want && cronOf(t.TriggerDesc) === want.config.trim()) {
        wanted.delete(want.name);
        log(`function ${f.name}: trigger ${want.name} unchanged`);
        continue;
      }
      // A changed or undeclared timer goes; a changed one comes back below with its new cron.
      await app.functions.deleteFunctionTrigger(f.name, t.TriggerName ?? '');
      log(`function ${f.name}: trigger ${t.TriggerName} removed${want ? ' (its schedule changed)' : ''}`);
    }
    toCreate.push(...wanted.values());
    if (toCreate.length) {
      await app.functions.createFunctionTriggers(f.name, toCreate);
      log(`function ${f.name}: trigger ${toCreate.map((t) => t.name).join(', ')} created`);
    }
  }

  // 3. Collections, indexes and permissions.
  const tcb = app.commonService('tcb', '2018-06-08');
  for (const c of plan.collections) {
    await app.database.createCollectionIfNotExists(c.name);
    const present = new Map(((await app.database.describeCollection(c.name)).Indexes ?? []).map((ix) => [ix.Name, ix]));
    const create: CloudIndex[] = [];
    const drop: { IndexName: string }[] = [];
    for (const ix of c.indexes) {
      const have = present.get(ix.IndexName);
      const same =
        have &&
        !!have.Unique === ix.MgoKeySchema.MgoIsUnique &&
        JSON.stringify((have.Keys ?? []).map((k) => [k.Name, String(k.Direction)])) === JSON.stringify(ix.MgoKeySchema.MgoIndexKeys.map((k) => [k.Name, k.Direction]));
      if (same) continue;
      if (have) drop.push({ IndexName: ix.IndexName });
      create.push(ix);
    }
    // An index whose keys changed is dropped first: CloudBase keeps one index per name.
    if (drop.length) await app.database.updateCollection(c.name, { DropIndexes: drop });
    if (create.length) await app.database.updateCollection(c.name, { CreateIndexes: create });
    // Simple permissions through the TCB API ModifyDatabaseACL (https://cloud.tencent.com/document/api/876/34819);
    // manager-node's permission.modifyResourcePermission is marked @deprecated.
    const acl = await tcb.call({ Action: 'DescribeDatabaseACL', Param: { EnvId: plan.envId, CollectionName: c.name } });
    if (acl?.AclTag !== c.aclTag) await tcb.call({ Action: 'ModifyDatabaseACL', Param: { EnvId: plan.envId, CollectionName: c.name, AclTag: c.aclTag } });
    log(`collection ${c.name}: ${create.length ? `${create.length} index(es) ${drop.length ? 'replaced or ' : ''}created` : 'indexes as declared'}, ${acl?.AclTag === c.aclTag ? `${c.aclTag} already` : `set to ${c.aclTag}`}`);
  }

  // 4. The storage rule (manager-node storage.setStorageAcl, TCB ModifyStorageSafeRule).
  if (plan.storageRule) {
    const current = await app.storage.getStorageAcl({ withRule: true });
    if (current.acl === 'CUSTOM' && JSON.stringify(current.rule) === JSON.stringify(plan.storageRule)) log('storage: rule already as declared');
    else {
      await app.storage.setStorageAcl('CUSTOM', plan.storageRule);
      log(`storage: rule set to ${JSON.stringify(plan.storageRule)} (CloudBase applies it within 1–3 minutes)`);
    }
  }

  // 5. The console on static hosting (manager-node hosting.getInfo, hosting.uploadFiles). Hashed chunks go
  // first and the page last, so a browser never loads a page whose chunks are not there yet.
  if (plan.hosting) {
    const h = plan.hosting;
    if (!app.hosting) throw new Error('the manager SDK has no hosting service');
    const info = await app.hosting.getInfo();
    if (!info?.length) throw new Error('static hosting is not enabled in this environment: enable 静态网站托管 in the CloudBase console, then deploy again (docs/operations.md)');
    const files = filesUnder(h.localDir).map((f) => ({ localPath: join(h.localDir, f), cloudPath: `${h.cloudPath}/${f}` }));
    const page = files.filter((f) => f.cloudPath === `${h.cloudPath}/index.html`);
    const rest = files.filter((f) => !page.includes(f));
    if (rest.length) await app.hosting.uploadFiles({ files: rest, parallel: 10, retryCount: 2 });
    await app.hosting.uploadFiles({ files: page, retryCount: 2 });
    log(`hosting: console uploaded (${files.length} files) to ${info[0].CdnDomain ? `https://${info[0].CdnDomain}` : ''}/${h.cloudPath}/`);
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
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) throw new Error('set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (or run with --dry-run)');
  const CloudBase = require('@cloudbase/manager-node');
  const app = new CloudBase({ secretId, secretKey, token: process.env.TENCENTCLOUD_SESSIONTOKEN, envId: plan.envId });
  await applyPlan(plan, app, { outDir: FUNCTIONS_OUT, piKey: process.env.PI_KEY || undefined });
  process.stdout.write('\nDeployed. Run the checks in docs/operations.md, then upload the mini program from WeChat DevTools or miniprogram-ci.\n');
}

if (require.main === module) {
  cli().catch((err) => {
    // Messages name what failed, never a key: no secret is put into one.
    process.stderr.write(`deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
