/**
 * The console's sign-in by the mini program (`user.issueConsoleTicket`, `confirmConsoleTicket`,
 * `pollConsoleTicket`, `revokeConsoleTicket`) against the local engine: a ticket signs in once, only head
 * office and branch people may confirm one, an expired or revoked ticket signs no one in.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, seedFixture } from '../field/fixture';
import { CONSOLE_TICKET_TTL_S, consoleTicketOfScan } from '../../shared/domain/console.rules';
import { hashPi } from '../../server/pi';
import { rebuildRollups } from '../../server/rollup';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const user = (action: string, event: Record<string, unknown> = {}, openid?: string) => local.call('user', { action, ...event }, openid);
const issue = async () => (await user('issueConsoleTicket')).data as { ticket: string; qrText: string; expiresAt: string; ttlS: number };
const tickets = () => local.cloud.database().collection('consoleTickets');

describe('console sign-in tickets', () => {
  it('issues a ticket to anyone, stores only its hash, and the QR text reads back as the ticket', async () => {
    const t = await issue();
    expect(t.ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(t.ttlS).toBe(CONSOLE_TICKET_TTL_S);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(CONSOLE_TICKET_TTL_S * 1000);
    expect(consoleTicketOfScan({ result: t.qrText })).toBe(t.ticket);
    expect(consoleTicketOfScan({ result: 'pages/merchant/detail/index?scene=m1' })).toBeNull();
    const { data } = await tickets().where({}).limit(1000).get();
    expect(JSON.stringify(data)).not.toContain(t.ticket);
    expect((await user('pollConsoleTicket', { ticket: t.ticket })).data).toMatchObject({ status: 'pending', person: null, session: null });
  });

  it('confirmed by head office, the first poll answers the session once and the ticket is used', async () => {
    const t = await issue();
    const confirmed = await user('confirmConsoleTicket', { ticket: t.ticket }, O.hq);
    expect(confirmed.data).toMatchObject({ status: 'confirmed', person: { staffId: S.hq, role: 'hq', roleLabel: '总行' } });
    const first = await user('pollConsoleTicket', { ticket: t.ticket });
    expect(first.data).toMatchObject({ status: 'used', person: { staffId: S.hq, role: 'hq' }, session: { loginTicket: null } });
    const hours = (new Date(first.data.session.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
    // Single use: a second poll signs no one in, a second confirmation is refused.
    expect((await user('pollConsoleTicket', { ticket: t.ticket })).data).toMatchObject({ status: 'used', person: null, session: null });
    expect((await user('confirmConsoleTicket', { ticket: t.ticket }, O.branch)).error).toMatchObject({ code: 'CONFLICT', reason: 'CONSOLE.TICKET_USED' });
    // Both steps are in the audit log.
    const audit = await local.cloud.database().collection('auditLog').where({ action: 'console-sign-in', staffId: S.hq }).get();
    expect(audit.data.map((a: any) => a.detail.step).sort()).toEqual(['confirmed', 'session']);
  });

  it('a branch manager may confirm; two phones racing on one code confirm once', async () => {
    const t = await issue();
    const results = await Promise.all([user('confirmConsoleTicket', { ticket: t.ticket }, O.branch), user('confirmConsoleTicket', { ticket: t.ticket }, O.hq)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)!.error.reason).toBe('CONSOLE.TICKET_USED');
  });

  it.each(['leader', 'member', 'marketing', 'maintenance'] as const)('refuses a %s with the reason, and the ticket stays pending', async (role) => {
    const t = await issue();
    const res = await user('confirmConsoleTicket', { ticket: t.ticket }, O[role]);
    expect(res.error).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED' });
    expect(res.error.message).toContain('控制台仅供总行和支行人员使用');
    expect((await user('pollConsoleTicket', { ticket: t.ticket })).data.status).toBe('pending');
  });

  it('refuses an unbound WeChat user and an unknown ticket', async () => {
    const t = await issue();
    expect((await user('confirmConsoleTicket', { ticket: t.ticket }, 'o-stranger')).error.code).toBe('UNAUTHENTICATED');
    expect((await user('confirmConsoleTicket', { ticket: 'x'.repeat(32) }, O.hq)).error).toMatchObject({ code: 'NOT_FOUND', reason: 'CONSOLE.TICKET_NOT_FOUND' });
    expect((await user('pollConsoleTicket', { ticket: 'short' })).error.code).toBe('VALIDATION');
  });

  it('an expired ticket cannot be confirmed, and a confirmed one that expires before the poll opens no session', async () => {
    const t = await issue();
    const past = new Date(Date.now() - 1000);
    await tickets().doc(hashPi(`console-ticket:${t.ticket}`)).update({ data: { expiresAt: past } });
    expect((await user('pollConsoleTicket', { ticket: t.ticket })).data.status).toBe('expired');
    expect((await user('confirmConsoleTicket', { ticket: t.ticket }, O.hq)).error).toMatchObject({ code: 'CONFLICT', reason: 'CONSOLE.TICKET_EXPIRED' });

    const u = await issue();
    await user('confirmConsoleTicket', { ticket: u.ticket }, O.hq);
    await tickets().doc(hashPi(`console-ticket:${u.ticket}`)).update({ data: { expiresAt: past } });
    expect((await user('pollConsoleTicket', { ticket: u.ticket })).data).toMatchObject({ status: 'expired', session: null });
  });

  it('a revoked ticket cannot be confirmed or polled into a session; revoking is idempotent', async () => {
    const t = await issue();
    expect((await user('revokeConsoleTicket', { ticket: t.ticket })).data.status).toBe('revoked');
    expect((await user('revokeConsoleTicket', { ticket: t.ticket })).data.status).toBe('revoked');
    expect((await user('confirmConsoleTicket', { ticket: t.ticket }, O.hq)).error).toMatchObject({ code: 'CONFLICT', reason: 'CONSOLE.TICKET_REVOKED' });
    expect((await user('pollConsoleTicket', { ticket: t.ticket })).data).toMatchObject({ status: 'revoked', session: null });

    // Declined on the phone after confirming (or cancelled on the console): still no session.
    const u = await issue();
    await user('confirmConsoleTicket', { ticket: u.ticket }, O.hq);
    await user('revokeConsoleTicket', { ticket: u.ticket });
    expect((await user('pollConsoleTicket', { ticket: u.ticket })).data).toMatchObject({ status: 'revoked', session: null });
  });

  it('a person disabled between the scan and the poll gets no session', async () => {
    const t = await issue();
    await user('confirmConsoleTicket', { ticket: t.ticket }, O.branch);
    await local.cloud.database().collection('staff').doc(S.branch).update({ data: { status: 'disabled' } });
    try {
      expect((await user('pollConsoleTicket', { ticket: t.ticket })).data).toMatchObject({ status: 'revoked', session: null });
    } finally {
      await local.cloud.database().collection('staff').doc(S.branch).update({ data: { status: 'active' } });
    }
  });
});

describe('export history', () => {
  it("lists the caller's own exports, newest first, with unit and period", async () => {
    const start = (jobId: string, openid: string) => local.call('export', { action: 'start', jobId, period: '2025-07' }, openid);
    expect((await start('console-exp-1', O.branch)).ok).toBe(true);
    expect((await start('console-exp-2', O.hq)).ok).toBe(true);
    const mine = (await local.call('export', { action: 'list' }, O.branch)).data.items;
    expect(mine.map((j: any) => j.id)).toEqual(['console-exp-1']);
    expect(mine[0]).toMatchObject({ period: '2025-07', status: 'done' });
    expect((await local.call('export', { action: 'list' }, O.member)).error.reason).toBe('ROLE.NOT_ALLOWED');
  });
});

describe('the dashboard of every grid', () => {
  it('answers each grid under the unit with its branch and group, the same figures as the grid’s own dashboard', async () => {
    await rebuildRollups(local.cloud.database() as any);
    const bank = (await local.call('metrics', { action: 'dashboard', period: '2025-07', sections: ['grids'] }, O.hq)).data;
    expect(bank.grids.length).toBeGreaterThan(1);
    const one = bank.grids[0];
    expect(one.within.map((u: any) => u.kind)).toEqual(['branch', 'group']);
    const own = (await local.call('metrics', { action: 'dashboard', unitId: one.id, period: '2025-07', sections: [] }, O.hq)).data;
    expect(one.figures).toEqual(own.figures);
    // Not asked for, not computed (the mini program's dashboards stay as they were).
    expect((await local.call('metrics', { action: 'dashboard', period: '2025-07' }, O.hq)).data.grids).toBeUndefined();
    // A branch sees only its own grids.
    const branch = (await local.call('metrics', { action: 'dashboard', period: '2025-07', sections: ['grids'] }, O.branch)).data;
    expect(branch.grids.every((g: any) => g.within.length === 1 && g.within[0].kind === 'group')).toBe(true);
  });
});
