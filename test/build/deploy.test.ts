import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describePlan, planDeploy, toCloudIndex, validateCloudbaserc } from '../../scripts/deploy';
import { listFunctions, REPO_ROOT } from '../../scripts/build-functions';
import { loadCollections, validateCollections } from '../../local/runtime/collections';

const OUT = join(REPO_ROOT, 'build', `.test-deploy-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('deploy --dry-run', () => {
  it('builds and validates every function, collection, index and rule without a cloud account', async () => {
    const plan = await planDeploy({ outDir: join(OUT, 'functions') });
    expect(plan.problems).toEqual([]);
    expect(plan.functions.map((f) => f.name)).toEqual(listFunctions());
    for (const f of plan.functions) {
      expect(f).toMatchObject({ runtime: 'Nodejs16.13', handler: 'index.main', dependencies: { 'wx-server-sdk': expect.any(String) } });
      expect(f.bytes).toBeGreaterThan(0);
    }
    const declared = loadCollections().collections;
    expect(plan.collections.map((c) => c.name)).toEqual(declared.map((c) => c.name));
    for (const c of plan.collections) expect(c.rule).toEqual({ read: false, write: false });
    const merchants = plan.collections.find((c) => c.name === 'merchants')!;
    expect(merchants.indexes.find((i) => i.IndexName === 'unitPath_1_lifecycleClass_1')).toEqual({
      IndexName: 'unitPath_1_lifecycleClass_1',
      MgoKeySchema: { MgoIndexKeys: [{ Name: 'unitPath', Direction: '1' }, { Name: 'lifecycleClass', Direction: '1' }], MgoIsUnique: false },
    });
    expect(describePlan(plan).join('\n')).toContain(`Functions (${plan.functions.length}):`);
  });

  it('stops on a rule that lets clients in, and names the collection', async () => {
    const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'database', 'collections.json'), 'utf8'));
    spec.collections[0].rule = { read: true, write: false };
    const file = join(OUT, 'open-rule.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(validateCollections(spec)).toEqual([`collections[0] (${spec.collections[0].name}).rule must deny all direct client access`]);
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), build: false, collectionsFile: file });
    expect(plan.problems.join('\n')).toContain('must deny all direct client access');
  });

  it('refuses a bad environment id', async () => {
    const plan = await planDeploy({ outDir: join(OUT, 'functions'), build: false, envId: 'Bad Env!' });
    expect(plan.problems).toContain('envId "Bad Env!" is not a CloudBase environment id');
  });
});

describe('cloudbaserc.json and index checks', () => {
  it('names each wrong function setting and functions missing on either side', () => {
    const rc = {
      version: '2.0',
      envId: '{{env.TCB_ENV_ID}}',
      functionRoot: './build/cloudfunctions',
      functions: [
        { name: 'user', runtime: 'Nodejs8.9', handler: 'main', timeout: 0, memorySize: 100, installDependency: false },
        { name: 'ghost', runtime: 'Nodejs16.13', handler: 'index.main', timeout: 3, installDependency: true },
      ],
    };
    expect(validateCloudbaserc(rc, ['user', 'org'])).toEqual([
      'cloudbaserc.json functions[0] (user): runtime must be one of Nodejs16.13, Nodejs18.15',
      'cloudbaserc.json functions[0] (user): handler must be "index.main"',
      'cloudbaserc.json functions[0] (user): timeout must be 1–900 seconds',
      'cloudbaserc.json functions[0] (user): memorySize must be one of 128, 256, 512, 1024, 2048, 3072',
      'cloudbaserc.json functions[0] (user): installDependency must be true (wx-server-sdk is installed by CloudBase)',
      'cloudbaserc.json functions[1] (ghost): no cloudfunctions/ghost/index.ts',
      'cloudbaserc.json: function org exists but is not declared',
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
