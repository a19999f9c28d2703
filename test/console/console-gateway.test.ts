/**
 * The local gateway's console routes stand in for CloudBase's anonymous web login before sign-in: a browser
 * gets an HttpOnly client cookie on its first call, and its calls reach the function as that login and its
 * address, which the sign-in ticket's rate limit counts (per browser; a new browser is a new count).
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { startGateway, type Gateway } from '../../local/gateway/server';
import { CLIENT_COOKIE, consoleRoutes } from '../../local/console';
import { CONSOLE_SESSION_HOURS, CONSOLE_TICKETS_PER_MINUTE } from '../../shared/domain/console.rules';
import { randomUUID } from 'node:crypto';
import { O, S, seedFixture } from '../field/fixture';
import { MAX_EVENT_BYTES } from '../../local/runtime/limits';
import { MAX_STAFF_IMPORT_BYTES, staffImportSizeProblem } from '../../shared/domain/staff-import.rules';

const local = useLocalCloud();
let gateway: Gateway;
beforeAll(async () => {
  await seedFixture(local);
  gateway = await startGateway({ cloud: local.cloud, mode: 'local', port: 0, host: '127.0.0.1', log: () => undefined });
  gateway.mount(consoleRoutes({ cloud: local.cloud, mode: 'local' }));
});
afterAll(() => gateway?.close());

async function issue(cookie?: string): Promise<{ body: any; setCookie: string | null }> {
  const res = await fetch(`${gateway.url}/console/api/call/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ action: 'issueConsoleTicket' }),
  });
  return { body: await res.json(), setCookie: res.headers.get('set-cookie') };
}

it('gives a browser an HttpOnly client id and counts its tickets; another browser is counted apart', async () => {
  const minuteLeft = 60_000 - (Date.now() % 60_000);
  if (minuteLeft < 10_000) await new Promise((r) => setTimeout(r, minuteLeft + 50));
  const first = await issue();
  expect(first.body.ok).toBe(true);
  expect(first.setCookie).toMatch(new RegExp(`^${CLIENT_COOKIE}=[A-Za-z0-9_-]{22}; Path=/console; HttpOnly; SameSite=Strict$`));
  const cookie = first.setCookie!.split(';')[0];
  for (let i = 1; i < CONSOLE_TICKETS_PER_MINUTE; i++) {
    const again = await issue(cookie);
    expect(again.body.ok).toBe(true);
    expect(again.setCookie).toBeNull();
  }
  const refused = await issue(cookie);
  expect(refused.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', reason: 'CONSOLE.TICKET_RATE' } });
  // A forged client id is not taken: the gateway gives a fresh one.
  const forged = await issue(`${CLIENT_COOKIE}=not valid`);
  expect(forged.body.ok).toBe(true);
  expect(forged.setCookie).toContain(`${CLIENT_COOKIE}=`);
  // Another browser (no cookie) is served.
  expect((await issue()).body.ok).toBe(true);
});

it('refuses a confirmation sent by a console: sign-ins are confirmed on a phone', async () => {
  const res = await fetch(`${gateway.url}/console/api/call/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'confirmConsoleTicket', ticket: 'x'.repeat(32) }),
  });
  expect(await res.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'CONSOLE.SCAN_REQUIRED' } });
});

/** A console signed in through the gateway by the mini program: a ticket issued here, confirmed by `openid` on the phone, polled. */
async function signedInConsole(openid: string): Promise<string> {
  const issued = await issue();
  const client = issued.setCookie!.split(';')[0];
  expect((await local.call('user', { action: 'confirmConsoleTicket', ticket: issued.body.data.ticket }, openid)).ok).toBe(true);
  const polled = await fetch(`${gateway.url}/console/api/call/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: client },
    body: JSON.stringify({ action: 'pollConsoleTicket', ticket: issued.body.data.ticket }),
  });
  expect(((await polled.json()) as any).data.session).toBeTruthy();
  const session = polled.headers.get('set-cookie')!.split(';')[0];
  expect(session).toMatch(/^mg_console=/);
  return `${client}; ${session}`;
}

async function consoleCall(cookie: string, fn: string, event: Record<string, unknown>): Promise<{ status: number; body: any; setCookie: string | null }> {
  const res = await fetch(`${gateway.url}/console/api/call/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(event) });
  return { status: res.status, body: await res.json(), setCookie: res.headers.get('set-cookie') };
}

const staffDocs = () => local.cloud.database().collection('staff');

describe('a console session re-checks its person on every call, as CloudBase checks a custom login', () => {
  it('a branch manager moved to the member role since the scan is refused (CONSOLE.ROLE_NOT_ALLOWED) and the session ends', async () => {
    const cookie = await signedInConsole(O.branch);
    const before = await consoleCall(cookie, 'user', { action: 'me' });
    expect(before.body.data).toMatchObject({ staffId: S.branch, role: 'branch' });
    await staffDocs().doc(S.branch).update({ data: { role: 'member' } });
    try {
      const refused = await consoleCall(cookie, 'user', { action: 'me' });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ ok: false, error: { code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED', message: expect.stringContaining('控制台仅供总行和支行人员使用') } });
      expect(refused.setCookie).toMatch(/^mg_console=; .*Max-Age=0/);
      // The session is gone: moved back, the same cookie is no one (a new scan is needed).
      await staffDocs().doc(S.branch).update({ data: { role: 'branch' } });
      expect((await consoleCall(cookie, 'user', { action: 'me' })).body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await (await fetch(`${gateway.url}/console/api/session`, { headers: { cookie } })).json()).toMatchObject({ signedIn: false });
    } finally {
      await staffDocs().doc(S.branch).update({ data: { role: 'branch' } });
    }
  });

  it('a person disabled since is refused (USER.DISABLED); the session page says why once', async () => {
    const cookie = await signedInConsole(O.branch);
    expect((await local.call('org', { action: 'disableStaff', staffId: S.branch }, O.hq)).ok).toBe(true);
    try {
      const session = await (await fetch(`${gateway.url}/console/api/session`, { headers: { cookie } })).json();
      expect(session).toMatchObject({ signedIn: false, ended: { code: 'UNAUTHENTICATED', reason: 'USER.DISABLED' } });
      const refused = await consoleCall(cookie, 'metrics', { action: 'dashboard', period: '2025-07' });
      expect(refused.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      // Uploads are refused as well.
      const upload = await fetch(`${gateway.url}/console/api/upload?cloudPath=imports/x.csv`, { method: 'POST', headers: { cookie }, body: 'a,b\n' });
      expect(upload.status).toBe(401);
    } finally {
      expect((await local.call('org', { action: 'enableStaff', staffId: S.branch }, O.hq)).ok).toBe(true);
    }
  });

  it('a person unbound since is refused (USER.NOT_BOUND) on the next call, upload included', async () => {
    const cookie = await signedInConsole(O.hq);
    expect((await consoleCall(cookie, 'user', { action: 'me' })).body.ok).toBe(true);
    const _ = local.cloud.database().command;
    await staffDocs().doc(S.hq).update({ data: { openid: _.remove() } });
    try {
      const upload = await fetch(`${gateway.url}/console/api/upload?cloudPath=imports/x.csv`, { method: 'POST', headers: { cookie }, body: 'a,b\n' });
      expect(upload.status).toBe(401);
      expect(((await upload.json()) as any).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.NOT_BOUND' });
      expect((await consoleCall(cookie, 'user', { action: 'me' })).body.error.code).toBe('UNAUTHENTICATED');
    } finally {
      await staffDocs().doc(S.hq).update({ data: { openid: O.hq } });
    }
  });
});

it('ends a session at its end: a call after it is the anonymous caller and the session answers signed out', async () => {
  const cookie = await signedInConsole(O.hq);
  expect((await consoleCall(cookie, 'user', { action: 'me' })).body.data.role).toBe('hq');
  // Only the clock moves (timers, the database's and the sockets' own stay real).
  jest.useFakeTimers({ advanceTimers: true, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
  try {
    jest.setSystemTime(Date.now() + (CONSOLE_SESSION_HOURS * 3600 - 60) * 1000);
    expect((await consoleCall(cookie, 'user', { action: 'me' })).body.data.role).toBe('hq');
    jest.setSystemTime(Date.now() + 120_000);
    expect((await consoleCall(cookie, 'user', { action: 'me' })).body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await (await fetch(`${gateway.url}/console/api/session`, { headers: { cookie } })).json()).toMatchObject({ signedIn: false });
  } finally {
    jest.useRealTimers();
  }
});

it('refuses a POST from another origin, signed in or not, before calling anything', async () => {
  const cookie = await signedInConsole(O.hq);
  for (const route of ['call/user', 'upload?cloudPath=imports/x.csv', 'signout', 'demo']) {
    const res = await fetch(`${gateway.url}/console/api/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: 'https://elsewhere.example' },
      body: JSON.stringify({ action: 'me', openid: 'demo-hq' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'cross-site request refused' } });
  }
  // The refused sign-out ended nothing; the page's own origin is served.
  const own = await fetch(`${gateway.url}/console/api/call/user`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: gateway.url }, body: '{"action":"me"}' });
  expect(((await own.json()) as any).data.staffId).toBe(S.hq);
});

describe('a staff spreadsheet sent in the call (base64), up to what the function takes', () => {
  const importStaff = (cookie: string, bytes: number) => consoleCall(cookie, 'org', { action: 'importStaff', requestId: randomUUID(), dryRun: true, file: Buffer.alloc(bytes, 7).toString('base64') });

  it('a file of 1.5 MB (2 MB in base64, over the old 1 MB body) reaches the function, which reads it', async () => {
    const cookie = await signedInConsole(O.hq);
    const out = await importStaff(cookie, 1.5 * 1024 * 1024);
    expect(out.status).toBe(200);
    // Not a spreadsheet: the function's own refusal, naming the field.
    expect(out.body.error).toMatchObject({ code: 'VALIDATION' });
    expect(out.body.error.details.issues[0].field).toBe('file');
  });

  it('a file just past MAX_STAFF_IMPORT_BYTES is refused by the function with its sentence; a body past the 6 MB event by the gateway', async () => {
    const cookie = await signedInConsole(O.hq);
    const over = await importStaff(cookie, MAX_STAFF_IMPORT_BYTES + 1);
    expect(over.status).toBe(200);
    expect(JSON.stringify(over.body.error)).toContain('文件不能超过 2 MB');
    expect(staffImportSizeProblem(MAX_STAFF_IMPORT_BYTES + 1)).toContain('文件不能超过 2 MB');
    expect(staffImportSizeProblem(MAX_STAFF_IMPORT_BYTES)).toBeNull();
    // The largest file the page lets through, in base64 and JSON, is well inside a function's event.
    expect(Math.ceil((MAX_STAFF_IMPORT_BYTES * 4) / 3) + 200).toBeLessThan(MAX_EVENT_BYTES);
    const huge = await fetch(`${gateway.url}/console/api/call/org`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ action: 'importStaff', file: 'A'.repeat(MAX_EVENT_BYTES) }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('6 MB') });
  });
});
