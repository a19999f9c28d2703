/**
 * The scope matrix, completed: the six roles × every action of `user`, `metrics`, `lifecycle`, `import` and
 * `export` × a target inside and outside the caller's scope (`org`, `merchant` and `visit` are in
 * test/field/scope-matrix.test.ts, over the same tiny bank). Inside, a call is never refused for scope;
 * outside, nothing is written and nothing of the outside comes back (an error, or a list without it). The
 * last test proves the two matrices together name every action the functions route.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, U, callOutsideScope, seedFixture, uid } from '../field/fixture';
import { listActions } from './actions';

const local = useLocalCloud();
const ROLES = ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'] as const;
const SECRET = 'OUTSIDE秘密';
const ALL = ['merchants', 'merchantHistory', 'visits', 'tasks', 'staff', 'staffHistory', 'units', 'classHistory', 'targets', 'jobs', 'imports', 'rollups', 'auditLog', 'bindAttempts', 'settings'];
const T = new Date('2025-07-01T00:00:00Z');
const db = () => local.cloud.database();
type Side = 'in' | 'out';
const grid = (s: Side) => (s === 'in' ? U.gr1 : U.gr3);
const pathOf = (s: Side) => (s === 'in' ? [U.bank, U.br1, U.g1, U.gr1] : [U.bank, U.br2, U.g2, U.gr3]);

/** A merchant written straight to the store (an outside one carries the secret in its name). */
async function merchantIn(s: Side): Promise<string> {
  const id = uid('m');
  const loc = s === 'in' ? IN.gr1 : IN.gr3;
  await db().collection('merchants').add({
    data: {
      _id: id, name: s === 'out' ? `${SECRET}${id}` : `内部${id}`, gridId: grid(s), unitPath: pathOf(s), area: 'city', location: db().Geo.Point(loc.lng, loc.lat),
      isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, products: [], createdAt: T, updatedAt: T, createdBy: 'seed', version: 1,
    },
  });
  return id;
}

/** An export job requested by someone on that side (head office for inside, the outside branch for outside). */
async function exportJobOf(s: Side): Promise<string> {
  const jobId = uid('job');
  const res = await local.call('export', { action: 'start', jobId, unitId: s === 'in' ? U.br1 : U.br2, period: '2025-07' }, s === 'in' ? O.branch : O.branch2);
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return jobId;
}

/** A fresh console sign-in ticket. */
async function consoleTicket(): Promise<string> {
  return (await local.call('user', { action: 'issueConsoleTicket' })).data.ticket;
}

/** Each action's event for a target on one side (built fresh per call). */
const ACTIONS: Record<string, (s: Side) => Promise<Record<string, unknown>>> = {
  'user.me': async () => ({}),
  'user.acceptPrivacy': async () => ({ version: '2025-07' }),
  // The console's sign-in: a fresh ticket each time; confirming is for head office and branch people only.
  'user.issueConsoleTicket': async () => ({}),
  'user.confirmConsoleTicket': async () => ({ ticket: await consoleTicket() }),
  'user.pollConsoleTicket': async () => ({ ticket: await consoleTicket() }),
  'user.revokeConsoleTicket': async () => ({ ticket: await consoleTicket() }),
  'metrics.dashboard': async (s) => ({ unitId: grid(s), period: '2025-07' }),
  'metrics.workload': async (s) => ({ unitId: grid(s), period: '2025-07' }),
  'metrics.setTarget': async (s) => ({ unitId: grid(s), period: '2025-07', metric: 'acquiring', value: 10 }),
  'metrics.targets': async (s) => ({ unitId: grid(s), period: '2025-07' }),
  'metrics.reconcile': async () => ({ from: '2025-07-01', to: '2025-07-02' }),
  'metrics.rebuild': async () => ({ parts: ['flow'] }),
  'lifecycle.reclassify': async (s) => ({ asOf: '2025-07-31', merchantIds: [await merchantIn(s)] }),
  'lifecycle.list': async (s) => ({ cls: 'to-win', unitId: grid(s) }),
  'lifecycle.history': async (s) => ({ merchantId: await merchantIn(s) }),
  'lifecycle.getSettings': async () => ({}),
  'lifecycle.updateSettings': async () => ({ patch: { visitRadiusM: 200 } }),
  'lifecycle.goMarket': async (s) => ({ merchantId: await merchantIn(s) }),
  'lifecycle.startMarketing': async (s) => ({ merchantId: await merchantIn(s), taskId: uid('t') }),
  'import.start': async () => ({ jobId: uid('imp'), kind: 'deposits', period: '2025-07', fileId: 'cloud://local.bucket/none.csv' }),
  'import.get': async () => ({ jobId: uid('imp') }),
  'import.list': async () => ({}),
  'import.continue': async () => ({ jobId: uid('imp') }),
  'import.discard': async () => ({ jobId: uid('imp') }),
  'lifecycle.job': async () => ({ jobId: uid('job') }),
  'merchant.photoUrls': async (s) => ({ id: await merchantIn(s) }),
  'merchant.qrCode': async (s) => ({ id: await merchantIn(s) }),
  // A scanned code names the merchant by its id: outside scope the refusal says so and names nothing.
  'merchant.resolveScene': async (s) => ({ scene: await merchantIn(s) }),
  // An unknown visit: either side answers NOT_FOUND, never another's photos (storage.test covers a real one).
  'visit.photoUrls': async () => ({ visitId: uid('v') }),
  'export.start': async (s) => ({ jobId: uid('job'), unitId: s === 'in' ? U.br1 : U.br2, period: '2025-07' }),
  'export.get': async (s) => ({ jobId: await exportJobOf(s) }),
  // The caller's own exports: no target of another side.
  'export.list': async () => ({}),
  // The caller's own reminder subscriptions (each role may subscribe).
  'visit.subscribe': async () => ({ accepted: ['task-due'] }),
  // The caller's own day: its tasks and its grids' revisits, from where it stands.
  'visit.route': async () => ({ from: IN.gr1, day: '2025-07-31' }),
  // The caller's own template: the units it may assign (its own scope).
  'org.staffImportTemplate': async () => ({}),
};

/** Actions on the caller's own record or the whole bank: no outside target, so only the role decides. */
const NO_TARGET = new Set(['user.me', 'user.acceptPrivacy', 'user.issueConsoleTicket', 'user.confirmConsoleTicket', 'user.pollConsoleTicket', 'user.revokeConsoleTicket', 'export.list', 'visit.subscribe', 'visit.route', 'metrics.reconcile', 'metrics.rebuild', 'lifecycle.getSettings', 'lifecycle.updateSettings', 'import.start', 'import.get', 'import.list', 'import.continue', 'import.discard', 'lifecycle.job', 'org.staffImportTemplate']);

beforeAll(async () => {
  await seedFixture(local);
  await merchantIn('out');
}, 60000);

describe.each(ROLES)('as %s', (role) => {
  it.each(Object.keys(ACTIONS))('%s inside scope is not refused for scope', async (name) => {
    const [fn, action] = name.split('.');
    const res = await local.call(fn, { action, ...(await ACTIONS[name]('in')) }, O[role]);
    expect(res.ok || res.error.code !== 'INTERNAL').toBe(true);
    if (!res.ok) expect(res.error.reason).not.toBe('SCOPE.OUTSIDE');
    if (!res.ok && res.error.code === 'FORBIDDEN') expect(['ROLE.NOT_ALLOWED', 'CONSOLE.ROLE_NOT_ALLOWED']).toContain(res.error.reason);
    expect(JSON.stringify(res)).not.toContain(SECRET);
  });

  if (role === 'hq') return;
  it.each(Object.keys(ACTIONS).filter((n) => !NO_TARGET.has(n)))('%s outside scope reads and writes nothing', async (name) => {
    const event = await ACTIONS[name]('out');
    const res = await callOutsideScope(local, name, event, O[role], ALL, SECRET);
    if (res.ok) {
      // Only lists may answer, and only without the outside records.
      expect(res.data.items).toEqual([]);
    } else {
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(res.error.code);
    }
  });
});

it('the two matrices name every action the functions route', () => {
  const field = readFileSync(resolve(__dirname, '..', 'field', 'scope-matrix.test.ts'), 'utf8');
  const named = new Set([...Object.keys(ACTIONS), ...[...field.matchAll(/^\s*'([a-z]+\.[A-Za-z]+)':/gm)].map((m) => m[1])]);
  // Binding is the one public action: a bound caller of any role is refused (ALREADY_BOUND), tested in user-org.
  const missing = listActions().map((a) => `${a.fn}.${a.action}`).filter((n) => n !== 'user.bind' && !named.has(n));
  expect(missing).toEqual([]);
});

it('hq-only and branch actions refuse other roles by role, before any read', async () => {
  for (const [name, allowed] of [['metrics.reconcile', ['hq']], ['import.list', ['hq']], ['export.start', ['hq', 'branch']]] as const) {
    const [fn, action] = name.split('.');
    for (const role of ROLES) {
      const res = await local.call(fn, { action, ...(await ACTIONS[name]('in')) }, O[role]);
      if ((allowed as readonly string[]).includes(role)) expect(res.ok || res.error.reason !== 'ROLE.NOT_ALLOWED').toBe(true);
      else expect(res.error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
    }
  }
});
