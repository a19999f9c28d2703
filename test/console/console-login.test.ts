/**
 * The console on CloudBase: its calls come from a web page's CloudBase login, not from the mini program.
 * Against the local engine, each call made as CloudBase hands it to a function (no OPENID; the login's
 * uid, custom-login user id and address as context keys, which node-sdk's `auth().getUserInfo()` and
 * `getClientIP()` read): a custom login made from a confirmed ticket resolves to its staff member with the
 * same scope and role as their OPENID; a disabled, unbound or moved person is refused; anonymous logins
 * are no one. Then the sign-in ticket's rate limit, per console and per address.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, U, seedFixture } from '../field/fixture';
import type { WebLogin } from '../../local/runtime';
import { customUserIdOf } from '../../server/console-login';
import { rebuildRollups } from '../../server/rollup';
import { CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE, CONSOLE_TICKETS_PER_MINUTE } from '../../shared/domain/console.rules';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

/** A call from a web login (the console through CloudBase's web SDK). */
const asWeb = async (fn: string, event: Record<string, unknown>, web: WebLogin): Promise<any> => (await local.cloud.callDetailed(fn, event, { web })).result;
/** The custom login CloudBase makes from the ticket `user.pollConsoleTicket` answers for this person. */
const customLogin = (staffId: string, sourceIp = '198.51.100.7'): WebLogin => ({ uid: `uid-${staffId}`, customUserId: customUserIdOf(staffId), isAnonymous: false, sourceIp });
const anonymous = (uid: string, sourceIp = '198.51.100.7'): WebLogin => ({ uid, isAnonymous: true, sourceIp });
const staff = () => local.cloud.database().collection('staff');

let browsers = 0;
/** Signs a console in by the mini program: a ticket issued to a fresh browser, confirmed by `openid`, polled. */
async function signIn(openid: string): Promise<any> {
  const browser = anonymous(`anon-${++browsers}`, `192.0.2.${browsers}`);
  const t = (await asWeb('user', { action: 'issueConsoleTicket' }, browser)).data.ticket as string;
  expect((await local.call('user', { action: 'confirmConsoleTicket', ticket: t }, openid)).ok).toBe(true);
  return (await asWeb('user', { action: 'pollConsoleTicket', ticket: t }, browser)).data;
}

/** Waits out the end of the current minute when fewer than `ms` are left (the rate limit counts per minute). */
async function clearOfMinuteEnd(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

describe('a custom-login caller', () => {
  it('is the staff member its ticket was made for, with the same caller as their OPENID', async () => {
    const polled = await signIn(O.hq);
    expect(polled).toMatchObject({ status: 'used', person: { staffId: S.hq }, session: { loginTicket: null } });
    // The id CloudBase will carry is within its documented form (4–32 of letters, digits, `_-…`) and kept on the person.
    const id = customUserIdOf(S.hq);
    expect(id).toMatch(/^[A-Za-z0-9_-]{4,32}$/);
    expect(customUserIdOf(S.branch)).not.toBe(id);
    expect((await staff().doc(S.hq).get()).data.consoleUserId).toBe(id);

    const byLogin = await asWeb('user', { action: 'me' }, customLogin(S.hq));
    const byOpenid = await local.call('user', { action: 'me' }, O.hq);
    expect(byLogin.ok).toBe(true);
    expect(byLogin.data).toEqual(byOpenid.data);
    expect(byLogin.data).toMatchObject({ staffId: S.hq, role: 'hq' });
  });

  it('a branch manager sees through the console exactly their own scope', async () => {
    await rebuildRollups(local.cloud.database() as any);
    await signIn(O.branch);
    const event = { action: 'dashboard', period: '2025-07', sections: ['grids'] };
    const byLogin = await asWeb('metrics', event, customLogin(S.branch));
    const byOpenid = await local.call('metrics', event, O.branch);
    expect(byLogin.ok).toBe(true);
    expect(byLogin.data.scope).toEqual(byOpenid.data.scope);
    expect(byLogin.data.figures).toEqual(byOpenid.data.figures);
    expect(byLogin.data.grids.length).toBeGreaterThan(0);
    expect(byLogin.data.grids).toEqual(byOpenid.data.grids);
    // Out of scope is refused as it is in the mini program.
    const outside = await asWeb('metrics', { action: 'dashboard', unitId: U.br2, period: '2025-07' }, customLogin(S.branch));
    expect(outside.ok).toBe(false);
    expect(outside.error).toEqual((await local.call('metrics', { action: 'dashboard', unitId: U.br2, period: '2025-07' }, O.branch)).error);
    // Head-office actions stay head office's.
    expect((await asWeb('import', { action: 'list' }, customLogin(S.branch))).error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
  });

  it('cannot confirm another browser’s ticket: a sign-in is confirmed on a phone only', async () => {
    await signIn(O.hq);
    const other = anonymous('anon-second-browser', '192.0.2.200');
    const t = (await asWeb('user', { action: 'issueConsoleTicket' }, other)).data.ticket as string;
    expect((await asWeb('user', { action: 'confirmConsoleTicket', ticket: t }, customLogin(S.hq))).error).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSOLE.SCAN_REQUIRED' });
    expect((await asWeb('user', { action: 'pollConsoleTicket', ticket: t }, other)).data).toMatchObject({ status: 'pending', session: null });
  });

  it('a person disabled since the sign-in is refused, and served again once enabled', async () => {
    await signIn(O.branch);
    await staff().doc(S.branch).update({ data: { status: 'disabled' } });
    try {
      expect((await asWeb('user', { action: 'me' }, customLogin(S.branch))).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.DISABLED' });
      expect((await asWeb('export', { action: 'list' }, customLogin(S.branch))).error.code).toBe('UNAUTHENTICATED');
    } finally {
      await staff().doc(S.branch).update({ data: { status: 'active' } });
    }
    expect((await asWeb('user', { action: 'me' }, customLogin(S.branch))).data.staffId).toBe(S.branch);
  });

  it('a person moved to a role the console does not serve (a member) is refused, as is one unbound since', async () => {
    await signIn(O.branch2);
    await staff().doc(S.branch2).update({ data: { role: 'member' } });
    try {
      const res = await asWeb('user', { action: 'me' }, customLogin(S.branch2));
      expect(res.error).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED' });
      expect(res.error.message).toContain('控制台仅供总行和支行人员使用');
    } finally {
      await staff().doc(S.branch2).update({ data: { role: 'branch' } });
    }
    const _ = local.cloud.database().command;
    await staff().doc(S.branch2).update({ data: { openid: _.remove() } });
    try {
      expect((await asWeb('user', { action: 'me' }, customLogin(S.branch2))).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.NOT_BOUND' });
    } finally {
      await staff().doc(S.branch2).update({ data: { openid: O.branch2 } });
    }
  });

  it('a member who never signed in has no custom login that names them', async () => {
    // The id is derivable, but no ticket was ever made for it: nothing maps it to the member.
    expect((await asWeb('user', { action: 'me' }, customLogin(S.member))).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.NOT_BOUND' });
    expect((await staff().doc(S.member).get()).data.consoleUserId).toBeUndefined();
  });

  it('an anonymous login, or an identity written into the event, is no one', async () => {
    expect((await asWeb('user', { action: 'me' }, anonymous('anon-x'))).error.code).toBe('UNAUTHENTICATED');
    const forged = { action: 'me', userInfo: { customUserId: customUserIdOf(S.hq), openId: O.hq }, customUserId: customUserIdOf(S.hq) };
    const res = await asWeb('user', forged, anonymous('anon-y'));
    expect(res.ok).toBe(false);
    expect(['UNAUTHENTICATED', 'VALIDATION']).toContain(res.error.code);
    expect((await asWeb('user', { action: 'me', userInfo: { customUserId: customUserIdOf(S.hq) } }, anonymous('anon-z'))).error.code).toBe('UNAUTHENTICATED');
    // The public sign-in actions still answer an anonymous login.
    expect((await asWeb('user', { action: 'issueConsoleTicket' }, anonymous('anon-x'))).ok).toBe(true);
  });
});

describe('the sign-in ticket rate limit', () => {
  it(`refuses a console past ${CONSOLE_TICKETS_PER_MINUTE} tickets a minute with a clear error; other consoles and phones are not held`, async () => {
    await clearOfMinuteEnd(10_000);
    const browser = anonymous('anon-rate-1', '203.0.113.10');
    for (let i = 0; i < CONSOLE_TICKETS_PER_MINUTE; i++) expect((await asWeb('user', { action: 'issueConsoleTicket' }, browser)).ok).toBe(true);
    const refused = await asWeb('user', { action: 'issueConsoleTicket' }, browser);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONSOLE.TICKET_RATE', details: { limit: CONSOLE_TICKETS_PER_MINUTE } });
    expect(refused.error.message).toContain('过于频繁');
    const retryAfter = new Date(refused.error.details.retryAfter).getTime();
    expect(retryAfter % 60_000).toBe(0);
    expect(retryAfter).toBeGreaterThan(Date.now());
    expect(retryAfter - Date.now()).toBeLessThanOrEqual(60_000);
    // Another console behind the same address, and a phone, still get tickets.
    expect((await asWeb('user', { action: 'issueConsoleTicket' }, anonymous('anon-rate-2', '203.0.113.10'))).ok).toBe(true);
    expect((await local.call('user', { action: 'issueConsoleTicket' }, O.hq)).ok).toBe(true);
    // The other ticket actions are not counted: the refused console may still poll and revoke what it has.
    const counters = await local.cloud.database().collection('quotas').where({ kind: 'console-ticket' }).get();
    expect(JSON.stringify(counters.data)).not.toContain('anon-rate-1');
    expect(JSON.stringify(counters.data)).not.toContain('203.0.113.10');

    // The next minute the console is served again.
    for (const c of counters.data) await local.cloud.database().collection('quotas').doc(c._id).update({ data: { minute: c.minute - 1 } });
    expect((await asWeb('user', { action: 'issueConsoleTicket' }, browser)).ok).toBe(true);
  });

  it(`refuses an address past ${CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE} a minute however many logins it opens`, async () => {
    await clearOfMinuteEnd(20_000);
    const ip = '203.0.113.99';
    for (let i = 0; i < CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE; i++) {
      expect((await asWeb('user', { action: 'issueConsoleTicket' }, anonymous(`anon-flood-${i}`, ip))).ok).toBe(true);
    }
    const refused = await asWeb('user', { action: 'issueConsoleTicket' }, anonymous('anon-flood-new', ip));
    expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONSOLE.TICKET_RATE', details: { limit: CONSOLE_TICKETS_PER_ADDRESS_PER_MINUTE } });
    expect((await asWeb('user', { action: 'issueConsoleTicket' }, anonymous('anon-elsewhere', '203.0.113.100'))).ok).toBe(true);
  });
});
