/** @jest-environment jsdom */
/**
 * 扫码 of the head-office console's sign-in code: the scan opens the confirm page, which confirms the sign-in
 * as the person (head office, branch) or declines it; other roles are told the console is not for them.
 */
import { answerCalls, calls, flush, mount, resetApp, tap } from './harness';
import { me } from './fixtures';

let h: ReturnType<typeof resetApp>;
beforeEach(() => {
  h = resetApp();
});

const TICKET = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

describe('console sign-in by 扫码', () => {
  test('the workbench opens the confirm page for a console code', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('hq') : { items: [], nextCursor: null }));
    const page = mount('pages/workbench/index');
    await flush();
    h.fake.scanResult = `mgconsole:${TICKET}`;
    await tap(page, '.action', 2);
    await flush();
    expect(h.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: `/pages/console/confirm/index?ticket=${TICKET}` });
  });

  test('head office confirms; the function is called with the ticket', async () => {
    answerCalls((fn, ev) => (ev.action === 'me' ? me('hq') : { status: 'confirmed', expiresAt: '', person: null, session: null }));
    const page = mount('pages/console/confirm/index', {}, { ticket: TICKET });
    await flush();
    expect(page.text()).toContain('8 小时内有效');
    await tap(page, '.btn');
    await flush();
    expect(calls().find((c) => c.action === 'confirmConsoleTicket')?.event.ticket).toBe(TICKET);
    expect(page.text()).toContain('已确认');
  });

  test('a grid member is told the console is for head office and branches, and nothing is confirmed', async () => {
    answerCalls(() => me('member'));
    const page = mount('pages/console/confirm/index', {}, { ticket: TICKET });
    await flush();
    expect(page.text()).toContain('控制台仅供总行和支行人员使用');
    expect(calls().some((c) => c.action === 'confirmConsoleTicket')).toBe(false);
  });
});
