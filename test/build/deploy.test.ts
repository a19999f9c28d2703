import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudIndex, type DeployPlan, type ManagerApp, type TimerTrigger, applyPlan, describePlan, keyFingerprint, planDeploy, toCloudIndex, validateCloudbaserc } from '../../scripts/deploy';
import { listFunctions, REPO_ROOT } from '../../scripts/build-functions';
import { loadCollections, validateCollections } from '../../local/runtime/collections';

const OUT = join(REPO_ROOT, 'build', `.test-deploy-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('deploy --dry-run', () => {
  it('builds, loads every bundle and validates every function, collection, index and rule without a cloud account', async () => {
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), consoleOutDir: join(OUT, 'console') });
    expect(plan.problems).toEqual([]);
    expect(plan.functions.map((f) => f.name)).toEqual(listFunctions());
    for (const f of plan.functions) {
      expect(f).toMatchObject({ runtime: 'Nodejs18.15', handler: 'index.main', variables: ['PI_KEY'], dependencies: { 'wx-server-sdk': expect.any(String) } });
      expect(f.bytes).toBeGreaterThan(0);
      // CloudBase's documented ranges: 1–60 s, 128–2048 MB; the long-running ones at the ceiling.
      // org: 30 s, for a bulk staff import (up to 1000 rows, an XLSX read).
      expect(f.timeout).toBe(['import', 'export', 'metrics', 'lifecycle'].includes(f.name) ? 60 : f.name === 'org' ? 30 : 10);
      expect([256, 512, 1024]).toContain(f.memorySize);
    }
    // Timer triggers are declared for the tcb CLI (cloudbaserc.json) and WeChat DevTools (config.json) alike.
    expect(Object.fromEntries(plan.functions.filter((f) => f.triggers.length).map((f) => [f.name, f.triggers]))).toEqual({
      import: [{ name: 'import-continue', type: 'timer', config: '0 * * * * * *' }],
      lifecycle: [{ name: 'lifecycle-minute', type: 'timer', config: '0 * * * * * *' }],
      export: [{ name: 'jobs-continue', type: 'timer', config: '0 * * * * * *' }],
      metrics: [{ name: 'metrics-minute', type: 'timer', config: '0 * * * * * *' }],
    });
    const declared = loadCollections().collections;
    expect(plan.collections.map((c) => c.name)).toEqual(declared.map((c) => c.name));
    for (const c of plan.collections) expect(c).toMatchObject({ rule: { read: false, write: false }, aclTag: 'ADMINONLY' });
    const merchants = plan.collections.find((c) => c.name === 'merchants')!;
    expect(merchants.indexes.find((i) => i.IndexName === 'unitPath_1_lifecycleClass_1')).toEqual({
      IndexName: 'unitPath_1_lifecycleClass_1',
      MgoKeySchema: { MgoIndexKeys: [{ Name: 'unitPath', Direction: '1' }, { Name: 'lifecycleClass', Direction: '1' }], MgoIsUnique: false },
    });
    expect(plan.storageRule).toEqual({ read: false, write: "(auth.openid != null && resource.openid == auth.openid) || (auth.uid != null && auth.loginType != 'ANONYMOUS' && resource.openid == auth.uid)" });
    const text = describePlan(plan).join('\n');
    expect(text).toContain(`Functions (${plan.functions.length}), every bundle loaded and its main found:`);
    expect(text).toContain('Storage rule: {"read":false');
    // The console is built for static hosting (its page in web SDK mode) and its upload is in the plan.
    expect(plan.hosting).toMatchObject({ localDir: join(OUT, 'console'), cloudPath: 'console', envId: '' });
    expect(plan.hosting!.files).toBeGreaterThan(2);
    expect(readFileSync(join(OUT, 'console', 'index.html'), 'utf8')).toContain('data-mode="cloud"');
    expect(text).toContain(`Static hosting: the console (${plan.hosting!.files} files`);
    expect(text).toContain('-> /console/ (chunks first, index.html last)');
    expect(plan.warnings).toContain('console: built without an environment id (dry run); a deploy injects the one it deploys to');
  }, 240_000);

  it('injects the environment id into the hosted console page, leaving the local console build alone', async () => {
    const local = join(REPO_ROOT, 'build', 'console', 'index.html');
    const before = existsSync(local) ? readFileSync(local, 'utf8') : null;
    const dir = join(OUT, 'console-env');
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, console: true, consoleOutDir: dir, envId: 'bank-prod-1a2b' });
    expect(plan.problems).toEqual([]);
    expect(plan.hosting).toMatchObject({ envId: 'bank-prod-1a2b', cloudPath: 'console' });
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('data-mode="cloud" data-env="bank-prod-1a2b"');
    // The web SDK's chunk is preloaded by the cloud-mode page, and it is @cloudbase/js-sdk's code.
    const sdk = /<link rel="modulepreload" href="\.\/([^"]+)" data-cloudbase-sdk>/.exec(html);
    expect(sdk).not.toBeNull();
    expect(readFileSync(join(dir, sdk![1]), 'utf8')).toMatch(/tcb-api|tcbapi|tencentcloudapi/);
    expect(describePlan(plan).join('\n')).toContain('web SDK env bank-prod-1a2b');
    expect(existsSync(local) ? readFileSync(local, 'utf8') : null).toBe(before);
    expect(readdirSync(OUT).filter((f) => f.startsWith('.console-hosting-root'))).toEqual([]);
  }, 180_000);

  it('loads each bundle as the cloud would: one that throws, lacks main or needs an undeclared package is stopped', async () => {
    const dir = join(OUT, 'broken');
    cpSync(join(OUT, 'functions'), dir, { recursive: true });
    writeFileSync(join(dir, 'user', 'index.js'), "throw new Error('boom at load');\n");
    writeFileSync(join(dir, 'org', 'index.js'), 'exports.handler = async () => ({});\n');
    writeFileSync(join(dir, 'visit', 'index.js'), "require('wx-server-sdk'); require('dayjs'); exports.main = async () => ({});\n");
    const plan = await planDeploy({ outDir: dir, build: false });
    expect(plan.problems).toEqual([
      'function org: index.js exports no function "main" (handler index.main)',
      'function user: index.js throws while loading: boom at load',
      'function visit: index.js requires "dayjs", which its package.json does not declare (CloudBase installs only those)',
    ]);
  });

  it('stops on a rule that lets clients in, and names the collection', async () => {
    const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'database', 'collections.json'), 'utf8'));
    spec.collections[0].rule = { read: true, write: false };
    spec.storage.rule = { read: true, write: 'resource.path == "x"' };
    const file = join(OUT, 'open-rule.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(validateCollections(spec)).toEqual([`collections[0] (${spec.collections[0].name}).rule must deny all direct client access`]);
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, collectionsFile: file });
    expect(plan.problems.join('\n')).toContain('must deny all direct client access');
    spec.collections[0].rule = { read: false, write: false };
    writeFileSync(file, JSON.stringify(spec));
    const storage = await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, collectionsFile: file });
    expect(storage.problems).toEqual([expect.stringMatching(/^collections\.json storage\.rule\.write: rule expression "resource\.path == "x"": unknown name or symbol "resource\.path"/)]);
    spec.storage.rule = { read: true, write: false };
    writeFileSync(file, JSON.stringify(spec));
    expect((await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, collectionsFile: file })).problems).toEqual([
      'collections.json storage.rule.read must be false: clients read files only through temporary links a function issues',
    ]);
  });

  it('refuses a bad environment id, and triggers or timeouts that differ between cloudbaserc.json and config.json', async () => {
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, envId: 'Bad Env!' });
    expect(plan.problems).toContain('envId "Bad Env!" is not a CloudBase environment id');
    const rc = JSON.parse(readFileSync(join(REPO_ROOT, 'cloudbaserc.json'), 'utf8'));
    delete rc.functions.find((f: any) => f.name === 'metrics').triggers;
    rc.functions.find((f: any) => f.name === 'import').timeout = 30;
    const file = join(OUT, 'cloudbaserc.json');
    writeFileSync(file, JSON.stringify(rc));
    const drift = await planDeploy({ outDir: join(OUT, 'functions'), build: false, loadBundles: false, cloudbasercFile: file });
    expect(drift.problems).toEqual([
      'function import: timeout 30 in cloudbaserc.json but 60 in its config.json',
      'function metrics: timer triggers differ between cloudbaserc.json and its config.json',
    ]);
  });
});

describe('cloudbaserc.json and index checks', () => {
  it('names each setting outside CloudBase’s documented ranges and functions missing on either side', () => {
    const rc = {
      version: '2.0',
      envId: '{{env.TCB_ENV_ID}}',
      functionRoot: './build/cloudfunctions',
      functions: [
        { name: 'user', runtime: 'Nodejs16.13', handler: 'main', timeout: 900, memorySize: 3072, installDependency: false },
        { name: 'ghost', runtime: 'Nodejs18.15', handler: 'index.main', timeout: 3, installDependency: true, envVariables: { PI_KEY: '{{env.PI_KEY}}' } },
        { name: 'org', runtime: 'Nodejs20.19', handler: 'index.main', timeout: 0, installDependency: true, triggers: [{ name: 'x', type: 'timer', config: '0 0 3 * * *' }] },
      ],
    };
    expect(validateCloudbaserc(rc, ['user', 'org'])).toEqual([
      'cloudbaserc.json functions[0] (user): runtime must be one of Nodejs18.15, Nodejs20.19, Nodejs22.21, Nodejs24.11',
      'cloudbaserc.json functions[0] (user): handler must be "index.main"',
      'cloudbaserc.json functions[0] (user): timeout must be 1–60 seconds',
      'cloudbaserc.json functions[0] (user): memorySize must be one of 128, 256, 512, 1024, 2048',
      'cloudbaserc.json functions[0] (user): installDependency must be true (wx-server-sdk is installed by CloudBase)',
      'cloudbaserc.json functions[1] (ghost): no cloudfunctions/ghost/index.ts',
      "cloudbaserc.json functions[1] (ghost): envVariables must not be declared: the CLI replaces the functions' variables with them and PI_KEY would be lost (npm run deploy sets it)",
      'cloudbaserc.json functions[2] (org): timeout must be 1–60 seconds',
      'cloudbaserc.json functions[2] (org): triggers[0].config must be a 7-field cron expression (second minute hour day month weekday year), not 6 fields',
    ]);
  });

  it('flags malformed index declarations', () => {
    const spec = {
      version: 1,
      defaultRule: { read: false, write: false },
      collections: [
        { name: 'a', indexes: [{ name: 'x', keys: {} }, { name: 'x', keys: { 'b.$c': 2 } }, { name: 'g', keys: { loc: '2dsphere' }, unique: true }] },
        { name: 'a', indexes: [] },
        { name: '1bad', indexes: [] },
      ],
    };
    expect(validateCollections(spec)).toEqual([
      'collections[0] (a).indexes[0].keys must name at least one field',
      'collections[0] (a).indexes[1]: index name x used twice',
      'collections[0] (a).indexes[1].keys: "b.$c" is not a field path',
      'collections[0] (a).indexes[1].keys.b.$c must be 1, -1 or "2dsphere"',
      'collections[0] (a).indexes[2]: a geo index cannot be unique',
      'collections[1] (a): collection declared twice',
      'collections[2] (1bad).name must match /^[A-Za-z][A-Za-z0-9_-]{0,31}$/',
    ]);
    expect(validateCollections({ defaultRule: { read: 'auth != null', write: false }, collections: [] })).toEqual([
      'defaultRule must deny all direct client access ({"read": false, "write": false})',
      'collections must be a non-empty array',
    ]);
  });

  it('maps a sparse unique index to a plain one on CloudBase, with a warning', () => {
    const warnings: string[] = [];
    expect(toCloudIndex('staff', { name: 'openid_1', keys: { openid: 1 }, unique: true, sparse: true }, warnings).MgoKeySchema.MgoIsUnique).toBe(false);
    expect(toCloudIndex('t', { name: 'k_1', keys: { k: -1 }, unique: true }, warnings).MgoKeySchema).toEqual({ MgoIndexKeys: [{ Name: 'k', Direction: '-1' }], MgoIsUnique: true });
    expect(warnings).toHaveLength(1);
  });
});

/**
 * The environment as @cloudbase/manager-node shows it, in memory, at the SDK boundary: the documented
 * answers and failures of the calls the deploy makes (GetFunction's Runtime, Environment.Variables and
 * Triggers with a timer's TriggerDesc as `{"cron": …}`; ResourceNotFound for a missing function; a trigger
 * or index name that exists refuses a second one; new collections start PRIVATE, the storage bucket
 * READONLY, CloudBase's defaults).
 */
function fakeCloud() {
  const calls: string[] = [];
  const fns = new Map<string, { Runtime: string; Timeout: number; MemorySize: number; Environment: { Variables: { Key: string; Value: string }[] }; Triggers: { TriggerName: string; Type: string; TriggerDesc: string }[]; code: number }>();
  const tables = new Map<string, { acl: string; indexes: Map<string, { Name: string; Keys: { Name: string; Direction: string }[]; Unique: boolean }> }>();
  let storage: { acl: string; rule?: unknown } = { acl: 'READONLY' };
  const fail = (code: string, message: string) => Object.assign(new Error(message), { code });
  const addTriggers = (name: string, triggers: TimerTrigger[]) => {
    const f = fns.get(name)!;
    for (const t of triggers) {
      if (f.Triggers.some((x) => x.TriggerName === t.name)) throw fail('ResourceInUse.Trigger', `trigger ${t.name} exists`);
      f.Triggers.push({ TriggerName: t.name, Type: t.type, TriggerDesc: JSON.stringify({ cron: t.config }) });
    }
  };
  const app: ManagerApp = {
    functions: {
      async getFunctionDetail(name) {
        const f = fns.get(name);
        if (!f) throw fail('ResourceNotFound.Function', `function ${name} does not exist`);
        return structuredClone({ FunctionName: name, ...f });
      },
      async createFunction({ func }) {
        calls.push(`createFunction ${func.name}`);
        if (fns.has(func.name)) throw fail('ResourceInUse.Function', 'exists');
        fns.set(func.name, { Runtime: func.runtime, Timeout: func.timeout, MemorySize: func.memorySize, Environment: { Variables: Object.entries(func.envVariables ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) })) }, Triggers: [], code: 1 });
        addTriggers(func.name, func.triggers ?? []);
      },
      async updateFunctionCode({ func }) {
        calls.push(`updateFunctionCode ${func.name}`);
        fns.get(func.name)!.code += 1;
      },
      async updateFunctionConfig(func) {
        calls.push(`updateFunctionConfig ${func.name}`);
        const f = fns.get(func.name)!;
        Object.assign(f, { Timeout: func.timeout, MemorySize: func.memorySize });
        if (func.envVariables) f.Environment.Variables = Object.entries(func.envVariables).map(([Key, Value]) => ({ Key, Value: String(Value) }));
      },
      async waitFunctionActive() {},
      async createFunctionTriggers(name, triggers) {
        calls.push(`createFunctionTriggers ${name} ${triggers.map((t) => t.name).join(',')}`);
        addTriggers(name, triggers);
      },
      async deleteFunctionTrigger(name, triggerName) {
        calls.push(`deleteFunctionTrigger ${name} ${triggerName}`);
        const f = fns.get(name)!;
        f.Triggers = f.Triggers.filter((t) => t.TriggerName !== triggerName);
      },
    },
    database: {
      async createCollectionIfNotExists(name) {
        if (!tables.has(name)) {
          calls.push(`createCollection ${name}`);
          tables.set(name, { acl: 'PRIVATE', indexes: new Map() });
        }
      },
      async describeCollection(name) {
        return { Indexes: [...tables.get(name)!.indexes.values()].map((ix) => structuredClone(ix)) };
      },
      async updateCollection(name, { CreateIndexes = [], DropIndexes = [] }) {
        const t = tables.get(name)!;
        for (const d of DropIndexes) {
          calls.push(`dropIndex ${name}.${d.IndexName}`);
          t.indexes.delete(d.IndexName);
        }
        for (const c of CreateIndexes as CloudIndex[]) {
          calls.push(`createIndex ${name}.${c.IndexName}`);
          if (t.indexes.has(c.IndexName)) throw fail('ResourceInUse', `index ${c.IndexName} exists`);
          t.indexes.set(c.IndexName, { Name: c.IndexName, Keys: c.MgoKeySchema.MgoIndexKeys.map((k) => ({ ...k })), Unique: c.MgoKeySchema.MgoIsUnique });
        }
      },
    },
    storage: {
      async getStorageAcl() {
        return structuredClone(storage);
      },
      async setStorageAcl(acl, rule) {
        calls.push(`setStorageAcl ${acl}`);
        storage = { acl, rule: structuredClone(rule) };
      },
    },
    commonService() {
      return {
        async call({ Action, Param }) {
          const t = tables.get(Param.CollectionName as string)!;
          if (Action === 'DescribeDatabaseACL') return { AclTag: t.acl, RequestId: 'r' };
          if (Action === 'ModifyDatabaseACL') {
            calls.push(`ModifyDatabaseACL ${Param.CollectionName} ${Param.AclTag}`);
            t.acl = Param.AclTag as string;
            return { RequestId: 'r' };
          }
          throw fail('InvalidAction', Action);
        },
      };
    },
  };
  return { app, calls, fns, tables, get storage() { return storage; } };
}

const PLAN: DeployPlan = {
  envId: 'bank-prod-1a2b',
  functions: [
    { name: 'metrics', bytes: 1, runtime: 'Nodejs18.15', handler: 'index.main', timeout: 60, memorySize: 512, triggers: [{ name: 'reconcile-nightly', type: 'timer', config: '0 30 2 * * * *' }], dependencies: {}, variables: ['PI_KEY'] },
    { name: 'user', bytes: 1, runtime: 'Nodejs18.15', handler: 'index.main', timeout: 10, memorySize: 256, triggers: [], dependencies: {}, variables: ['PI_KEY'] },
  ],
  collections: [
    { name: 'merchants', rule: { read: false, write: false }, aclTag: 'ADMINONLY', indexes: [{ IndexName: 'unitPath_1', MgoKeySchema: { MgoIndexKeys: [{ Name: 'unitPath', Direction: '1' }], MgoIsUnique: false } }] },
  ],
  storageRule: { read: false, write: "(auth.openid != null && resource.openid == auth.openid) || (auth.uid != null && auth.loginType != 'ANONYMOUS' && resource.openid == auth.uid)" },
  problems: [],
  warnings: [],
};

describe('deploy against an environment (manager SDK at the boundary)', () => {
  const deploy = async (cloud: ReturnType<typeof fakeCloud>, plan = PLAN, piKey?: string) => {
    const lines: string[] = [];
    await applyPlan(plan, cloud.app, { outDir: OUT, log: (l) => lines.push(l), piKey });
    return lines;
  };
  const keyOf = (cloud: ReturnType<typeof fakeCloud>, fn: string) => cloud.fns.get(fn)!.Environment.Variables.find((v) => v.Key === 'PI_KEY')?.Value;

  it('creates everything on a first deploy, with one new PI_KEY on every function that is never printed', async () => {
    const cloud = fakeCloud();
    const lines = await deploy(cloud);
    expect(cloud.calls).toEqual([
      'createFunction metrics',
      'createFunction user',
      'createCollection merchants',
      'createIndex merchants.unitPath_1',
      'ModifyDatabaseACL merchants ADMINONLY',
      'setStorageAcl CUSTOM',
    ]);
    const key = keyOf(cloud, 'metrics')!;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(keyOf(cloud, 'user')).toBe(key);
    expect(cloud.fns.get('metrics')!.Triggers).toEqual([{ TriggerName: 'reconcile-nightly', Type: 'timer', TriggerDesc: '{"cron":"0 30 2 * * * *"}' }]);
    expect(cloud.storage).toEqual({ acl: 'CUSTOM', rule: PLAN.storageRule });
    expect(lines.join('\n')).not.toContain(key);
    expect(lines[0]).toBe(`PI_KEY: generated a new key (fingerprint ${keyFingerprint(key)}); back it up from the console (docs/operations.md)`);
  });

  it('changes nothing but the code on a second deploy: the same key, no trigger, index, permission or rule re-created', async () => {
    const cloud = fakeCloud();
    await deploy(cloud);
    const key = keyOf(cloud, 'user');
    cloud.fns.get('user')!.Environment.Variables.push({ Key: 'BANK_NOTE', Value: 'kept' });
    cloud.calls.length = 0;
    const lines = await deploy(cloud);
    expect(cloud.calls).toEqual(['updateFunctionCode metrics', 'updateFunctionConfig metrics', 'updateFunctionCode user', 'updateFunctionConfig user']);
    expect(keyOf(cloud, 'metrics')).toBe(key);
    expect(cloud.fns.get('user')!.Environment.Variables).toEqual([{ Key: 'PI_KEY', Value: key }, { Key: 'BANK_NOTE', Value: 'kept' }]);
    expect(lines).toContain('function metrics: trigger reconcile-nightly unchanged');
    expect(lines).toContain('storage: rule already as declared');
    expect(lines.join('\n')).not.toContain(key as string);
  });

  it('replaces a trigger whose schedule changed, removes an undeclared one and corrects a changed index', async () => {
    const cloud = fakeCloud();
    await deploy(cloud);
    cloud.fns.get('user')!.Triggers.push({ TriggerName: 'old-timer', Type: 'timer', TriggerDesc: '0 0 1 * * * *' });
    cloud.tables.get('merchants')!.indexes.get('unitPath_1')!.Keys[0].Direction = '-1';
    cloud.calls.length = 0;
    const moved = { ...PLAN, functions: [{ ...PLAN.functions[0], triggers: [{ name: 'reconcile-nightly', type: 'timer', config: '0 0 4 * * * *' }] }, PLAN.functions[1]] };
    await deploy(cloud, moved);
    expect(cloud.calls.filter((c) => !c.startsWith('update'))).toEqual([
      'deleteFunctionTrigger metrics reconcile-nightly',
      'createFunctionTriggers metrics reconcile-nightly',
      'deleteFunctionTrigger user old-timer',
      'dropIndex merchants.unitPath_1',
      'createIndex merchants.unitPath_1',
    ]);
    expect(cloud.fns.get('metrics')!.Triggers).toEqual([{ TriggerName: 'reconcile-nightly', Type: 'timer', TriggerDesc: '{"cron":"0 0 4 * * * *"}' }]);
    expect(cloud.fns.get('user')!.Triggers).toEqual([]);
  });

  it('stops before writing anything when a function runs another runtime or the functions hold different keys', async () => {
    const cloud = fakeCloud();
    await deploy(cloud);
    cloud.calls.length = 0;
    cloud.fns.get('user')!.Runtime = 'Nodejs16.13';
    await expect(deploy(cloud)).rejects.toThrow('runtime cannot change in place: user runs Nodejs16.13, the plan says Nodejs18.15');
    cloud.fns.get('user')!.Runtime = 'Nodejs18.15';
    const other = Buffer.alloc(32, 7).toString('base64');
    cloud.fns.get('user')!.Environment.Variables = [{ Key: 'PI_KEY', Value: other }];
    const failure = await deploy(cloud).catch((e: Error) => e);
    expect((failure as Error).message).toBe('the deployed functions hold different PI_KEYs; make them agree in the console before deploying (see docs/operations.md)');
    expect(cloud.calls).toEqual([]);
  });

  it('uploads the console to static hosting, chunks before the page, and stops when hosting is not enabled', async () => {
    const dir = join(OUT, 'hosting-fixture');
    mkdirSync(join(dir, 'chunks'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'main-AAAAAAAA.js'), 'x');
    writeFileSync(join(dir, 'chunks', 'import-BBBBBBBB.js'), 'y');
    const plan: DeployPlan = { ...PLAN, hosting: { localDir: dir, cloudPath: 'console', files: 3, bytes: 18, envId: PLAN.envId! } };
    const cloud = fakeCloud();
    const uploads: { localPath: string; cloudPath: string }[][] = [];
    let enabled = true;
    cloud.app.hosting = {
      async getInfo() {
        return enabled ? [{ CdnDomain: 'bank-prod-1a2b.tcloudbaseapp.com', Status: 'online' }] : [];
      },
      async uploadFiles({ files }) {
        uploads.push(files);
      },
    };
    const lines = await deploy(cloud, plan);
    expect(uploads.map((batch) => batch.map((f) => f.cloudPath).sort())).toEqual([['console/chunks/import-BBBBBBBB.js', 'console/main-AAAAAAAA.js'], ['console/index.html']]);
    expect(uploads[1][0].localPath).toBe(join(dir, 'index.html'));
    expect(lines).toContain('hosting: console uploaded (3 files) to https://bank-prod-1a2b.tcloudbaseapp.com/console/');
    enabled = false;
    await expect(deploy(cloud, plan)).rejects.toThrow('static hosting is not enabled in this environment');
  });

  it('takes a key from the shell only when no function holds one, and never one that differs from theirs', async () => {
    const given = Buffer.alloc(32, 3).toString('base64');
    const cloud = fakeCloud();
    const lines = await deploy(cloud, PLAN, given);
    expect(keyOf(cloud, 'metrics')).toBe(given);
    expect(lines.join('\n')).not.toContain(given);
    await expect(deploy(cloud, PLAN, Buffer.alloc(32, 4).toString('base64'))).rejects.toThrow('PI_KEY in the shell differs from the key the deployed functions hold; unset it to keep theirs');
    await expect(deploy(fakeCloud(), PLAN, 'short')).rejects.toThrow('PI_KEY in the shell must be 32 bytes, base64');
  });
});
