/**
 * Running a grid (docs/domain.md §2: transfers and notices; docs/api.md: groups and the timeline) through the real functions: a grid's WeChat groups and their counts,
 * transfers suggested by the boundaries, the merchant's timeline, and notices with their read counts.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { compareTimeline } from '../../shared/domain/timeline.rules';
import { industryLabel } from '../../shared/domain/industry.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, seedFixture, uid } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const db = () => local.cloud.database();
const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);
const merchant = (action: string, event: Record<string, unknown>, openid: string = O.leader) => local.call('merchant', { action, ...event }, openid);
const WRITTEN = ['merchants', 'merchantHistory', 'wechatGroups', 'auditLog', 'notices', 'noticeReads', 'tasks'];

async function newMerchant(over: Record<string, unknown> = {}): Promise<string> {
  const file = completeFile(S.marketing, over);
  const res = await local.call('merchant', { action: 'create', ...file }, O.marketing);
  expect(res.ok).toBe(true);
  return res.data.merchant.id;
}

describe('WeChat groups of a grid', () => {
  it('creates once per client id, renames, and counts members on the grid page', async () => {
    const id = uid('wg');
    const first = await org('createWechatGroup', { id, name: '城北1号一群', gridId: U.gr1 }, O.member);
    expect(first.data).toMatchObject({ id, name: '城北1号一群', gridId: U.gr1, merchantCount: 0 });
    const before = await counts(local, WRITTEN);
    const retry = await org('createWechatGroup', { id, name: '城北1号一群', gridId: U.gr1 }, O.member);
    expect(retry.data).toMatchObject({ id, name: '城北1号一群' });
    expect(await counts(local, WRITTEN)).toEqual(before);
    // Someone else's id is refused, nothing written.
    expect((await org('createWechatGroup', { id, name: '别人的群', gridId: U.gr1 }, O.leader)).error).toMatchObject({ code: 'CONFLICT', reason: 'WECHAT_GROUP.ID_TAKEN' });

    const renamed = await org('renameWechatGroup', { groupId: id, name: '城北1号商户群' }, O.leader);
    expect(renamed.data).toMatchObject({ id, name: '城北1号商户群' });

    const a = await newMerchant();
    const b = await newMerchant();
    expect((await merchant('assign', { id: a, wechatGroupId: id }, O.member)).data.merchant.wechatGroupId).toBe(id);
    // The same assignment again (a retry) writes no second history entry.
    const hist = await counts(local, ['merchantHistory']);
    expect((await merchant('assign', { id: a, wechatGroupId: id }, O.member)).ok).toBe(true);
    expect(await counts(local, ['merchantHistory'])).toEqual(hist);

    const list = await org('listWechatGroups', { gridId: U.gr1 }, O.member);
    const total = (await db().collection('merchants').where({ gridId: U.gr1 }).count()).total;
    expect(list.data.items.find((g: any) => g.id === id)).toMatchObject({ name: '城北1号商户群', merchantCount: 1 });
    expect(list.data.ungrouped).toBe(total - list.data.items.reduce((s: number, g: any) => s + g.merchantCount, 0));
    const page = await org('getUnit', { unitId: U.gr1 }, O.member);
    expect(page.data.wechatGroups.find((g: any) => g.id === id).merchantCount).toBe(1);
    expect(page.data.ungrouped).toBe(list.data.ungrouped);

    // Moving b into the group and a out of it moves the counts.
    await merchant('assign', { id: b, wechatGroupId: id }, O.member);
    await merchant('assign', { id: a, wechatGroupId: null }, O.member);
    const after = await org('listWechatGroups', { gridId: U.gr1 }, O.member);
    expect(after.data.items.find((g: any) => g.id === id).merchantCount).toBe(1);
    expect(after.data.ungrouped).toBe(list.data.ungrouped);
  });

  it('refuses bad input naming the field and groups outside scope, writing nothing', async () => {
    const before = await counts(local, WRITTEN);
    expect((await org('createWechatGroup', { name: '  ', gridId: U.gr1 }, O.member)).error.details.issues[0].field).toBe('name');
    expect((await org('createWechatGroup', { name: '群', gridId: U.gr1, id: 'short' }, O.member)).error.details.issues[0].field).toBe('id');
    expect((await org('createWechatGroup', { name: '群', gridId: U.g1 }, O.leader)).error.details.issues[0].field).toBe('gridId');
    expect((await org('createWechatGroup', { name: '群', gridId: U.gr3 }, O.member)).error.code).toBe('FORBIDDEN');
    const theirs = (await org('createWechatGroup', { name: '戴南群', gridId: U.gr3 }, O.branch2)).data.id;
    const mid = await counts(local, WRITTEN);
    expect((await org('renameWechatGroup', { groupId: theirs, name: '改名' }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('renameWechatGroup', { groupId: 'nope', name: '改名' }, O.branch)).error.reason).toBe('WECHAT_GROUP.NOT_FOUND');
    expect((await org('renameWechatGroup', { groupId: theirs, name: '改名' }, O.marketing)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await org('listWechatGroups', { gridId: U.gr3 }, O.member)).error.code).toBe('FORBIDDEN');
    expect(await counts(local, WRITTEN)).toEqual(mid);
    expect(mid.wechatGroups).toBe(before.wechatGroups + 1);
  });
});

describe('transfers', () => {
  it('suggests the grid of the boundary; a move against it needs a reason; audited, with history', async () => {
    const id = await newMerchant();
    expect((await merchant('suggestGrid', { id })).data).toMatchObject({ gridId: U.gr1, suggestedGridId: U.gr1, suggestedGridName: '城北1号网格', suggestedInScope: true });

    const before = await counts(local, WRITTEN);
    const bare = await merchant('transfer', { id, toGridId: U.gr2 });
    expect(bare.error).toMatchObject({ code: 'VALIDATION', reason: 'MERCHANT.TRANSFER_REASON_REQUIRED' });
    expect(bare.error.details.issues[0].field).toBe('reason');
    expect(await counts(local, WRITTEN)).toEqual(before);

    const moved = await merchant('transfer', { id, toGridId: U.gr2, reason: '经营者搬到隔壁网格管理' });
    expect(moved.data.merchant).toMatchObject({ gridId: U.gr2, wechatGroupId: null });
    // Back to the grid its location lies in: no reason needed.
    const back = await merchant('transfer', { id, toGridId: U.gr1 });
    expect(back.data.merchant.gridId).toBe(U.gr1);

    const hist = await merchant('history', { id });
    expect(hist.data.items.filter((h: any) => h.change === 'transferred').map((h: any) => [h.fromGridId, h.toGridId, h.reason])).toEqual([
      [U.gr2, U.gr1, null],
      [U.gr1, U.gr2, '经营者搬到隔壁网格管理'],
    ]);
    const audit = (await db().collection('auditLog').where({ action: 'merchant-transfer', 'target.id': id }).get()).data;
    expect(audit.map((a: any) => a.detail.againstBoundary).sort()).toEqual([false, true]);
    expect(audit.every((a: any) => a.staffId === S.leader)).toBe(true);
  });

  it('a retried transfer answers the first and writes nothing twice; someone else’s id is refused', async () => {
    const id = await newMerchant();
    const transferId = uid('tr');
    const first = await merchant('transfer', { id, toGridId: U.gr2, reason: '调整', transferId });
    expect(first.data).toMatchObject({ isReplay: false, merchant: { gridId: U.gr2 } });
    const before = await counts(local, WRITTEN);
    const again = await merchant('transfer', { id, toGridId: U.gr2, reason: '调整', transferId });
    expect(again.data).toMatchObject({ isReplay: true, merchant: { gridId: U.gr2 } });
    expect(await counts(local, WRITTEN)).toEqual(before);
    // Racing retries: one transfer.
    const other = await newMerchant();
    const raceId = uid('tr');
    const raced = await Promise.all([1, 2, 3].map(() => merchant('transfer', { id: other, toGridId: U.gr2, reason: '调整', transferId: raceId })));
    expect(raced.every((r) => r.ok && r.data.merchant.gridId === U.gr2)).toBe(true);
    expect((await db().collection('merchantHistory').where({ merchantId: other, change: 'transferred' }).count()).total).toBe(1);
    const mid = await counts(local, WRITTEN);
    expect((await merchant('transfer', { id, toGridId: U.gr1, transferId }, O.branch)).error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.TRANSFER_ID_TAKEN' });
    expect(await counts(local, WRITTEN)).toEqual(mid);
  });

  it('refuses transfers out of scope, by other roles and with bad input, writing nothing', async () => {
    const id = await newMerchant();
    const before = await counts(local, WRITTEN);
    expect((await merchant('transfer', { id, toGridId: U.gr3, reason: '跨支行' })).error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await merchant('transfer', { id, toGridId: U.gr2, reason: '调整' }, O.member)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await merchant('transfer', { id, toGridId: U.gr2, reason: '调整' }, O.branch2)).error.code).toBe('FORBIDDEN');
    expect((await merchant('suggestGrid', { id }, O.branch2)).error.code).toBe('FORBIDDEN');
    expect((await merchant('transfer', { id, toGridId: U.gr1 })).error.reason).toBe('MERCHANT.SAME_GRID');
    expect((await merchant('transfer', { id, toGridId: 'u-none', reason: 'x' })).error.details.issues[0].field).toBe('toGridId');
    expect((await merchant('transfer', { id, toGridId: U.gr2, reason: 'x'.repeat(201) })).error.details.issues[0].field).toBe('reason');
    expect((await merchant('transfer', { id, toGridId: U.gr2, reason: 'x', transferId: 'bad id!' })).error.details.issues[0].field).toBe('transferId');
    expect(await counts(local, WRITTEN)).toEqual(before);
  });
});

describe('the merchant timeline', () => {
  it('shows every event newest first, paged without gaps or repeats', async () => {
    const id = await newMerchant();
    await merchant('update', { id, industry: '52' }, O.marketing);
    await merchant('updateProducts', { id, products: [{ product: 'deposit', bank: 'ours', status: 'active', since: '2025-01-01' }] }, O.marketing);
    const failing = CHECK_ITEMS.map((item) => ({ item, result: item === 'app' ? 'fail' : 'pass' }));
    const v1 = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: id, type: 'revisit', location: IN.gr1, checks: failing }, O.maintenance);
    expect(v1.data.openedTaskIds).toHaveLength(1);
    const passing = CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));
    const v2 = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: id, type: 'revisit', location: IN.gr1, checks: passing }, O.maintenance);
    expect(v2.data.closedTaskIds).toEqual(v1.data.openedTaskIds);
    await merchant('transfer', { id, toGridId: U.gr2, reason: '调整' });
    // A class change and an import as the lifecycle job and the import write them.
    const later = new Date(Date.now() + 1000);
    await db().collection('classHistory').add({ data: { _id: `${id}|2025-07-31|qualified`, merchantId: id, from: 'to-win', to: 'qualified', reason: 'volume', day: '2025-07-31', at: later, unitPath: [U.bank, U.br1, U.g1, U.gr2] } });
    const job = uid('imp');
    await db().collection('imports').add({ data: { _id: job, kind: 'transactions', period: '2025-07', status: 'done', byStaffId: S.hq, createdAt: new Date(later.getTime() + 1000), finishedAt: new Date(later.getTime() + 2000) } });
    await db().collection('transactions').add({ data: { _id: `${id}:2025-07:${job}`, merchantId: id, month: '2025-07', version: job, importId: job, row: 2, count: 40, amountFen: 100, unitPath: [U.bank, U.br1, U.g1, U.gr2] } });

    const whole = await merchant('timeline', { id, limit: 50 });
    expect(whole.data.nextCursor).toBeNull();
    const kinds = whole.data.items.map((e: any) => e.kind);
    for (const k of ['filing', 'completed', 'edit', 'products', 'visit', 'task-opened', 'task-closed', 'transfer', 'class', 'import']) expect(kinds).toContain(k);
    expect(kinds.filter((k: string) => k === 'visit')).toHaveLength(2);
    expect(kinds[0]).toBe('import');
    expect(kinds[1]).toBe('class');
    const edit = whole.data.items.find((e: any) => e.kind === 'edit');
    expect(edit).toMatchObject({ byStaffId: S.marketing, byName: '钱营销', detail: { fields: expect.arrayContaining(['industry']) } });
    const transfer = whole.data.items.find((e: any) => e.kind === 'transfer');
    expect(transfer).toMatchObject({ byName: '张组长', detail: { fromGridName: '城北1号网格', toGridName: '城北2号网格', reason: '调整' } });
    // Newest first, ties in a fixed order.
    const pos = whole.data.items.map((e: any) => ({ at: Date.parse(e.at), key: e.key }));
    for (let i = 1; i < pos.length; i++) expect(compareTimeline(pos[i - 1], pos[i])).toBeLessThan(0);

    // Paged three at a time: the same events in the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await merchant('timeline', { id, limit: 3, ...(cursor ? { cursor } : {}) });
      expect(res.data.items.length).toBeLessThanOrEqual(3);
      paged.push(...res.data.items.map((e: any) => e.key));
      cursor = res.data.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.data.items.map((e: any) => e.key));

    // The marketing assistant of grid 1 no longer sees it; a tampered cursor names the field.
    expect((await merchant('timeline', { id }, O.marketing)).error.code).toBe('FORBIDDEN');
    expect((await merchant('timeline', { id, cursor: 'garbage' })).error.details.issues[0].field).toBe('cursor');
    expect((await merchant('timeline', { id, limit: 51 })).error.details.issues[0].field).toBe('limit');
  });
});

describe('the merchant timeline: what an edit changed', () => {
  it('keeps each changed field with its values before and after, named and with personal data masked', async () => {
    const id = await newMerchant();
    const group = (await org('createWechatGroup', { id: uid('wg'), name: '城北1号美食群', gridId: U.gr1 }, O.member)).data.id;
    const newMobile = '13912345678';
    const idNumber = '11010519491231002X';
    const edited = await merchant('update', { id, industry: '52', operator: { mobile: newMobile, idNumber }, wechatGroupId: group, force: true }, O.marketing);
    expect(edited.error).toBeUndefined();
    // The name is given again unchanged: it is not a change.
    await merchant('update', { id, name: edited.data.merchant.name, address: { doorPlate: '20号' } }, O.marketing);

    // Stored: values as display text, personal data only as its mask.
    const stored = (await db().collection('merchantHistory').where({ merchantId: id, change: 'updated' }).get()).data;
    expect(JSON.stringify(stored)).not.toContain(newMobile);
    expect(JSON.stringify(stored)).not.toContain(idNumber);

    const { data } = await merchant('timeline', { id, limit: 50 });
    expect(JSON.stringify(data)).not.toContain(newMobile);
    expect(JSON.stringify(data)).not.toContain(idNumber);
    const edits = data.items.filter((e: any) => e.kind === 'edit');
    expect(edits).toHaveLength(2);
    const [second, first] = edits;
    expect(first).toMatchObject({ byStaffId: S.marketing, byName: '钱营销' });
    const changes = Object.fromEntries(first.detail.changes.map((c: any) => [c.field, c]));
    expect(changes.industry).toMatchObject({ label: '行业类别', from: industryLabel('62'), to: industryLabel('52') });
    expect(changes.wechatGroupId).toMatchObject({ label: '微信群', from: null, to: '城北1号美食群' });
    expect(changes['operator.mobile']).toMatchObject({ label: '经营者手机号', to: '139****5678' });
    expect(changes['operator.mobile'].from).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(changes['operator.idNumber'].to).toContain('*');
    expect(first.summary).toContain(`行业类别：${industryLabel('62')} → ${industryLabel('52')}`);
    expect(first.summary).toContain('微信群：空 → 城北1号美食群');
    expect(second.detail.changes.map((c: any) => c.field).sort()).toEqual(['address.doorPlate']);
    expect(second.summary).toBe('门牌号：18号 → 20号');

    // Moving it out of the group (assign) tells the group by name too.
    await merchant('assign', { id, wechatGroupId: null }, O.member);
    const assigned = (await merchant('timeline', { id, limit: 1 })).data.items[0];
    expect(assigned).toMatchObject({ kind: 'assigned', summary: '微信群：城北1号美食群 → 空' });

    // An entry written before values were kept still reads, its fields by their names.
    await db().collection('merchantHistory').add({ data: { _id: uid('h'), merchantId: id, change: 'updated', byStaffId: S.marketing, at: new Date(Date.now() + 5000), fields: ['industry', 'wechatGroupId'] } });
    const old = (await merchant('timeline', { id, limit: 1 })).data.items[0];
    expect(old).toMatchObject({ kind: 'edit', summary: '修改：行业类别、微信群', byName: '钱营销' });
  });
});

describe('notices', () => {
  it('a notice to a grid reaches its staff until read; read counts are exact whatever the retries', async () => {
    const id = uid('n');
    const posted = await org('postNotice', { id, unitId: U.gr1, title: '七月走访安排', body: '本周完成城北1号网格回访。' });
    // Staff working grid 1: its member, marketing and maintenance assistants.
    expect(posted.data).toMatchObject({ id, unitId: U.gr1, unitKind: 'grid', postedBy: S.hq, audience: 3, readCount: 0, isReplay: false });
    const before = await counts(local, WRITTEN);
    expect((await org('postNotice', { id, unitId: U.gr1, title: '七月走访安排', body: '本周完成城北1号网格回访。' })).data.isReplay).toBe(true);
    expect(await counts(local, WRITTEN)).toEqual(before);
    expect((await org('postNotice', { id, unitId: U.br1, title: '别人的', body: '正文' }, O.branch)).error.reason).toBe('NOTICE.ID_TAKEN');

    for (const who of [O.member, O.marketing, O.maintenance]) {
      expect((await org('myNotices', { unread: true }, who)).data.items.map((n: any) => n.id)).toContain(id);
    }
    for (const who of [O.leader, O.branch, O.branch2, O.marketing2]) {
      expect((await org('myNotices', {}, who)).data.items.map((n: any) => n.id)).not.toContain(id);
    }
    expect((await org('readNotice', { noticeId: id }, O.member)).data).toMatchObject({ id, isRead: true });
    expect((await org('readNotice', { noticeId: id }, O.member)).ok).toBe(true);
    await Promise.all([1, 2, 3].map(() => org('readNotice', { noticeId: id }, O.marketing)));
    expect((await org('myNotices', { unread: true }, O.member)).data.items.map((n: any) => n.id)).not.toContain(id);
    expect((await org('myNotices', {}, O.member)).data.items.find((n: any) => n.id === id).isRead).toBe(true);
    expect((await org('myNotices', { unread: true }, O.maintenance)).data.items.map((n: any) => n.id)).toContain(id);

    const sent = await org('sentNotices', { unitId: U.br1 }, O.branch);
    expect(sent.data.items.find((n: any) => n.id === id)).toMatchObject({ audience: 3, readCount: 2 });
    // Someone it does not reach cannot mark it read.
    expect((await org('readNotice', { noticeId: id }, O.branch2)).error.reason).toBe('NOTICE.NOT_FOUND');
  });

  it('branches post inside their branch only; other roles and bad input are refused, nothing written', async () => {
    const ok = await org('postNotice', { id: uid('n'), unitId: U.br1, title: '支行通知', body: '周五例会' }, O.branch);
    // Everyone whose home unit lies in branch 1: its manager, leader, member and two assistants.
    expect(ok.data.audience).toBe(5);
    expect((await org('myNotices', { unread: true }, O.leader)).data.items.map((n: any) => n.id)).toContain(ok.data.id);
    const before = await counts(local, WRITTEN);
    expect((await org('postNotice', { id: uid('n'), unitId: U.bank, title: '全行', body: '正文' }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('postNotice', { id: uid('n'), unitId: U.gr3, title: '戴南', body: '正文' }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('postNotice', { id: uid('n'), unitId: U.gr1, title: '网格', body: '正文' }, O.leader)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await org('postNotice', { id: uid('n'), unitId: U.gr1, title: '', body: '正文' })).error.details.issues[0].field).toBe('title');
    expect((await org('postNotice', { id: uid('n'), unitId: U.gr1, title: '标题', body: 'x'.repeat(2001) })).error.details.issues[0].field).toBe('body');
    expect((await org('postNotice', { id: uid('n'), unitId: 'u-none', title: '标题', body: '正文' })).error.details.issues[0].field).toBe('unitId');
    expect((await org('postNotice', { unitId: U.gr1, title: '标题', body: '正文' })).error.details.issues[0].field).toBe('id');
    expect((await org('sentNotices', { unitId: U.br2 }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('sentNotices', {}, O.member)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect(await counts(local, WRITTEN)).toEqual(before);
  });

  it('pages the bank-wide list newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = uid('n');
      ids.push(id);
      await org('postNotice', { id, unitId: U.bank, title: `全行通知${i}`, body: '正文' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await org('myNotices', { limit: 2, ...(cursor ? { cursor } : {}) }, O.branch2);
      seen.push(...res.data.items.map((n: any) => n.id));
      cursor = res.data.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
