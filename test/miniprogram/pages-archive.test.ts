/** @jest-environment jsdom */
/**
 * Closed and moved merchants on the screens (docs/domain.md §3): the detail page's archive and reopen
 * actions with a reason and day pickers (leaders and above), the state shown to everyone, field refusals
 * marked on their field, and the merchant list's filter and mark.
 */
import { answerCalls, calls, find, fire, flush, mount, resetApp, tap, type } from './harness';
import { me, merchantOut, merchantRow } from './fixtures';

const ARCHIVED = { reason: 'moved-away', day: '2025-07-15', note: '搬到泰州', byStaffId: 's-leader', at: '2025-07-16T02:00:00.000Z' };

beforeEach(() => {
  resetApp();
});

function serve(role: string, over: Record<string, unknown> = {}, refuse: unknown = null) {
  let merchant: Record<string, unknown> = merchantOut({ createdAt: '2025-03-01T02:00:00.000Z', archived: null, closures: [], ...over });
  answerCalls((fn, ev) => {
    if (ev.action === 'me') return me(role);
    if (fn === 'merchant' && ev.action === 'get') return merchant;
    if (fn === 'merchant' && (ev.action === 'archive' || ev.action === 'reopen')) {
      if (refuse) throw refuse;
      merchant =
        ev.action === 'archive'
          ? { ...merchant, archived: { reason: ev.reason, day: ev.day, note: ev.note ?? null, byStaffId: 's-leader', at: null }, closures: [{ from: ev.day, to: null }] }
          : { ...merchant, archived: null, closures: [{ from: '2025-07-15', to: ev.day }] };
      return { merchant, isReplay: false, tasksClosed: ev.action === 'archive' ? 1 : 0 };
    }
    if (ev.action === 'listByMerchant' || ev.action === 'tasks') return { items: [], nextCursor: null };
    if (fn === 'lifecycle' && ev.action === 'history') return { items: [] };
    if (fn === 'merchant' && ev.action === 'list') return { items: [merchantRow(1, { archived: { reason: 'closed', day: '2025-07-15' } })], nextCursor: null };
    throw { code: 'NOT_FOUND', message: 'x' };
  });
}

describe('merchant detail: closed or moved', () => {
  test('a grid leader archives with a reason, a day and a note; the page then shows it archived with a reopen action', async () => {
    serve('leader');
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).not.toContain('已停业/迁出');
    await tap(page, '.ma >>> .ma-open');
    await fire(page, '.ma >>> .ma-reason', 'change', { value: 1 });
    await fire(page, '.ma >>> .ma-day', 'change', { value: '2025-07-15' });
    await type(page, '.ma >>> .ma-note', '搬到泰州');
    await tap(page, '.ma >>> .ma-submit');
    expect(calls().find((c) => c.action === 'archive')!.event).toEqual({ action: 'archive', id: 'm-1', reason: 'moved-away', day: '2025-07-15', note: '搬到泰州' });
    // Reloaded from the function.
    expect(calls().filter((c) => c.action === 'get')).toHaveLength(2);
    expect(page.text()).toContain('已停业/迁出');
    expect(page.text()).toContain('2025-07-15 起 · 已迁出本行区域');
    expect(page.text()).toContain('恢复营业');
  });

  test('reopening sends the chosen day', async () => {
    serve('branch', { archived: ARCHIVED, closures: [{ from: '2025-07-15', to: null }] });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('搬到泰州');
    await tap(page, '.ma >>> .ma-open');
    await fire(page, '.ma >>> .ma-day', 'change', { value: '2025-09-01' });
    await tap(page, '.ma >>> .ma-submit');
    expect(calls().find((c) => c.action === 'reopen')!.event).toEqual({ action: 'reopen', id: 'm-1', day: '2025-09-01' });
    expect(page.text()).not.toContain('已停业/迁出');
  });

  test('without a reason the form marks the reason field and sends nothing; a refusal of the day is marked on the day', async () => {
    serve('leader', {}, { code: 'VALIDATION', message: 'day: 停业/迁出日期不能早于建档日期 2025-03-01', reason: 'MERCHANT.ARCHIVE_DAY', details: { issues: [{ field: 'day', message: '停业/迁出日期不能早于建档日期 2025-03-01' }] } });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    await tap(page, '.ma >>> .ma-open');
    await tap(page, '.ma >>> .ma-submit');
    expect(calls().find((c) => c.action === 'archive')).toBeUndefined();
    expect(page.text()).toContain('请选择停业/迁出原因');
    await fire(page, '.ma >>> .ma-reason', 'change', { value: 0 });
    await fire(page, '.ma >>> .ma-day', 'change', { value: '2025-02-01' });
    await tap(page, '.ma >>> .ma-submit');
    expect(page.text()).toContain('停业/迁出日期不能早于建档日期 2025-03-01');
  });

  test('a grid member sees the state but is offered no action', async () => {
    serve('member', { archived: ARCHIVED, closures: [{ from: '2025-07-15', to: null }] });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(page.text()).toContain('2025-07-15 起 · 已迁出本行区域');
    expect(find(page, '.ma >>> .ma-open')).toHaveLength(0);
  });
});

describe('merchant detail: no visit or marketing for an archived merchant', () => {
  test('the 回访签到 / 去营销 bar gives way to a line saying it is archived; reopening brings the bar back', async () => {
    serve('branch', { archived: ARCHIVED, closures: [{ from: '2025-07-15', to: null }] });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(find(page, '.bottom-bar')).toHaveLength(0);
    expect(page.text()).not.toContain('回访签到');
    expect(page.text()).not.toContain('去营销');
    expect(page.text()).toContain('该商户已停业/迁出归档，不再回访或营销；恢复营业后可继续。');
    await tap(page, '.ma >>> .ma-open');
    await fire(page, '.ma >>> .ma-day', 'change', { value: '2025-09-01' });
    await tap(page, '.ma >>> .ma-submit');
    expect(find(page, '.archived-line')).toHaveLength(0);
    expect(page.text()).toContain('回访签到');
  });

  test('a member sees the archived line without the reopen hint', async () => {
    serve('member', { archived: ARCHIVED, closures: [{ from: '2025-07-15', to: null }] });
    const page = mount('pages/merchant/detail/index', {}, { id: 'm-1' });
    await flush();
    expect(find(page, '.bottom-bar')).toHaveLength(0);
    expect(page.text()).toContain('该商户已停业/迁出归档，不再回访或营销。');
  });
});

describe('merchant list: closed or moved', () => {
  test('filters to archived merchants and marks them', async () => {
    serve('member');
    const page = mount('pages/merchants/index');
    await flush();
    await tap(page, '.archived-filter');
    expect(calls().filter((c) => c.action === 'list').at(-1)!.event).toMatchObject({ action: 'list', archived: true });
    expect(page.text()).toContain('2025-07-15 停业/迁出');
  });
});
