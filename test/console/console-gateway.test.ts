/**
 * The local gateway's console routes stand in for CloudBase's anonymous web login before sign-in: a browser
 * gets an HttpOnly client cookie on its first call, and its calls reach the function as that login and its
 * address, which the sign-in ticket's rate limit counts (per browser; a new browser is a new count).
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { startGateway, type Gateway } from '../../local/gateway/server';
import { CLIENT_COOKIE, consoleRoutes } from '../../local/console';
import { CONSOLE_TICKETS_PER_MINUTE } from '../../shared/domain/console.rules';

const local = useLocalCloud();
let gateway: Gateway;
beforeAll(async () => {
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
