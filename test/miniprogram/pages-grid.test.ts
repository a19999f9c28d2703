/** @jest-environment jsdom */
import { answerCalls, calls, current, flush, mount, resetApp, tap, type } from './harness';
import { me } from './fixtures';

beforeEach(() => {
  resetApp();
});

const event = (key: string, at: string, kind = 'visit') => ({ key, kind, at, byStaffId: 's-1', byName: '王网格', summary: `摘要${key}`, detail: {} });

describe('grid groups', () => {
  test('lists the groups with their counts; a refused create shows the sentence and keeps the same id for the retry', async () => {
    let creates = 0;
    answerCalls((fn, ev) => {
      if (ev.action === 'listWechatGroups') return { items: [{ id: 'wg-1', name: '一群', gridId: 'g-cb1', unitPath: [], merchantCount: 12 }], ungrouped: 30 };
      if (ev.action === 'createWechatGroup') {
        creates += 1;
        if (creates === 1) throw { code: 'CONFLICT', message: '数据正被他人修改，请重试。', reason: 'DB.CONFLICT' };
        return { id: ev.id, name: ev.name, gridId: 'g-cb1', unitPath: [], merchantCount: 0 };
      }
      return null;
    });
    const page = mount('pages/grid/groups/index', {}, { gridId: 'g-cb1', name: encodeURIComponent('城北一网格') });
    await flush(10);
    expect(page.text()).toContain('12 户商户');
    expect(page.text()).toContain('未入群商户 30 户');
    await type(page, '.new-name', '二群');
    await tap(page, '.create');
    await flush(10);
    expect(page.data.formError).toContain('重试');
    await tap(page, '.create');
    await flush(10);
    const sent = calls().filter((c) => c.action === 'createWechatGroup');
    expect(sent).toHaveLength(2);
    expect(sent[1].event.id).toBe(sent[0].event.id);
    expect(page.data.formError).toBe('');
  });
});

describe('transfer', () => {
  test('a grid other than the boundary’s asks for a reason before sending; a refusal is shown as a sentence', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'get') return { id: 'm-1', name: '张记面馆', gridId: 'g-cb1' };
      if (ev.action === 'suggestGrid') return { merchantId: 'm-1', gridId: 'g-cb1', suggestedGridId: 'g-cb2', suggestedGridName: '城北二网格', suggestedInScope: true };
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid' }, { id: 'g-cb2', name: '城北二网格', kind: 'grid' }, { id: 'g-cb3', name: '城北三网格', kind: 'grid' }] };
      if (ev.action === 'transfer') throw { code: 'FORBIDDEN', message: '无权访问该数据', reason: 'SCOPE.OUTSIDE' };
      return null;
    });
    const page = mount('pages/grid/transfer/index', {}, { id: 'm-1' });
    await flush(10);
    expect(page.text()).toContain('商户位置在「城北二网格」边界内');
    await tap(page, '.use-suggestion');
    expect(page.data.grids[page.data.gridIndex].id).toBe('g-cb2');
    expect(page.data.needsReason).toBe(false);
    page.instance.onGrid({ detail: { value: page.data.grids.findIndex((g: any) => g.id === 'g-cb3') } });
    expect(page.data.needsReason).toBe(true);
    await tap(page, '.submit');
    await flush();
    expect(calls().filter((c) => c.action === 'transfer')).toHaveLength(0);
    expect(page.text()).toContain('请填写原因');
    await type(page, '.reason', '商户要求');
    await tap(page, '.submit');
    await flush(10);
    const sent = calls().filter((c) => c.action === 'transfer');
    expect(sent[0].event).toMatchObject({ id: 'm-1', toGridId: 'g-cb3', reason: '商户要求' });
    expect(sent[0].event.transferId).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.data.submitError).toBeTruthy();
  });
});

describe('timeline', () => {
  test('shows a page and appends the next one from its cursor', async () => {
    answerCalls((fn, ev) => {
      if (!ev.cursor) return { items: [event('a', '2025-07-02T02:00:00.000Z', 'transfer'), event('b', '2025-07-01T02:00:00.000Z')], nextCursor: 'c1' };
      return { items: [event('c', '2024-03-01T02:00:00.000Z', 'filing')], nextCursor: null };
    });
    const page = mount('pages/grid/timeline/index', {}, { id: 'm-1' });
    await flush(10);
    expect(page.text()).toContain('移交网格');
    expect(page.text()).toContain('2025-07-02 10:00');
    await tap(page, '.more');
    await flush(10);
    expect(calls().at(-1)?.event).toMatchObject({ action: 'timeline', id: 'm-1', cursor: 'c1' });
    expect(page.data.events.map((e: any) => e.key)).toEqual(['a', 'b', 'c']);
    expect(page.$('.more')).toBeFalsy();
  });
});

describe('timeline edits', () => {
  test('an edit lists each changed field with before and after; an older entry shows its summary', async () => {
    answerCalls(() => ({
      items: [
        { ...event('e2', '2025-07-02T02:00:00.000Z', 'edit'), summary: '行业类别：餐饮业 → 零售业；经营者手机号：139****5678 → 137****0000', detail: { change: 'updated', changes: [{ field: 'industry', label: '行业类别', from: '餐饮业', to: '零售业' }, { field: 'operator.mobile', label: '经营者手机号', from: '139****5678', to: '137****0000' }, { field: 'licenceCode', label: '统一社会信用代码', from: null, to: '91321281MA1XXXXX0X' }] } },
        { ...event('e1', '2025-07-01T02:00:00.000Z', 'edit'), summary: '修改：行业类别、微信群', detail: { change: 'updated', fields: ['industry', 'wechatGroupId'] } },
      ],
      nextCursor: null,
    }));
    const page = mount('pages/grid/timeline/index', {}, { id: 'm-1' });
    await flush(10);
    const rows = page.$$('.sv >>> .event');
    expect(rows).toHaveLength(2);
    const first = rows[0].dom.textContent.replace(/\s+/g, ' ');
    expect(first).toContain('行业类别 餐饮业 → 零售业');
    expect(first).toContain('经营者手机号 139****5678 → 137****0000');
    expect(first).toContain('统一社会信用代码 空 → 91321281MA1XXXXX0X');
    expect(first).toContain('王网格');
    expect(rows[1].dom.textContent).toContain('修改：行业类别、微信群');
  });
});

describe('notices', () => {
  test('opening an unread notice shows it and marks it read once; staff cannot post', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member');
      if (ev.action === 'myNotices') return { items: [{ id: 'n-1', unitId: 'g-cb1', unitName: '城北一网格', unitKind: 'grid', title: '回访安排', body: '周五前完成', postedBy: 's-b', postedByName: '李行长', postedAt: '2025-07-01T02:00:00.000Z', isRead: false }], nextCursor: null };
      if (ev.action === 'readNotice') return { id: 'n-1', isRead: true };
      return null;
    });
    const page = mount('pages/grid/notices/index', {}, {});
    await flush(10);
    expect(page.text()).toContain('未读');
    expect(page.$('.post')).toBeFalsy();
    await tap(page, '.notice');
    await flush(10);
    expect(page.text()).toContain('周五前完成');
    expect(page.data.notices[0].isRead).toBe(true);
    await tap(page, '.notice');
    await flush(5);
    expect(calls().filter((c) => c.action === 'readNotice')).toHaveLength(1);
  });

  test('posting names a bad field by the field', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('branch', { unit: { id: 'b-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid' }] };
      if (ev.action === 'sentNotices') return { items: [], nextCursor: null };
      return null;
    });
    const page = mount('pages/grid/notice-post/index', {}, {});
    await flush(10);
    expect(page.data.units.map((u: any) => u.id)).toEqual(['b-cb', 'g-cb1']);
    await type(page, '.body', '正文');
    await tap(page, '.submit');
    await flush(10);
    // The contract refuses an empty title before anything is sent.
    expect(page.data.errors.title).toBeTruthy();
    expect(calls().filter((c) => c.action === 'postNotice')).toHaveLength(0);
    expect(page.text()).toContain('尚未发布通知');
  });
});

describe('reaching the grid screens (我的, workbench)', () => {
  const ROLES = ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'] as const;
  const GROUP_ROLES = ['hq', 'branch', 'leader', 'member'];
  const POSTERS = ['hq', 'branch'];

  test.each(ROLES)('我的 of %s: 商户微信群 for the roles that run groups, 通知 for all, 发布通知 for posters', async (role) => {
    answerCalls(() => me(role));
    const page = mount('pages/mine/index');
    await flush();
    expect(Boolean(page.$('.sv >>> .wechat-groups'))).toBe(GROUP_ROLES.includes(role));
    expect(page.$('.sv >>> .notices')).toBeTruthy();
    expect(Boolean(page.$('.sv >>> .notice-post'))).toBe(POSTERS.includes(role));
    await tap(page, '.notices');
    expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/grid/notices/index' });
    if (GROUP_ROLES.includes(role)) {
      await tap(page, '.wechat-groups');
      expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/grid/groups/index' });
    }
  });

  test.each(ROLES)('workbench of %s: the notices card is there with nothing unread; 今日路线 only for the roles with a route', async (role) => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me(role);
      return { items: [], nextCursor: null };
    });
    const page = mount('pages/workbench/index');
    await flush();
    expect(page.$('.notices')).toBeTruthy();
    expect(page.text()).toContain('没有未读通知');
    await tap(page, '.notices');
    expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/grid/notices/index' });
    expect(Boolean(page.$('.route-link'))).toBe(['member', 'marketing', 'maintenance'].includes(role));
  });

  test('opened from 我的 without a grid, a branch manager (no grids of its own) sees the first grid in scope and can switch', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('branch', { grids: [], unit: { id: 'b-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb1', name: '城北一网格', kind: 'grid' }, { id: 'g-cb2', name: '城北二网格', kind: 'grid' }] };
      if (ev.action === 'listWechatGroups') return { items: [{ id: `wg-${ev.gridId}`, name: `${ev.gridId}一群`, gridId: ev.gridId, unitPath: [], merchantCount: 3 }], ungrouped: 1 };
      return null;
    });
    const page = mount('pages/grid/groups/index', {}, {});
    await flush(10);
    expect(calls().find((c) => c.action === 'listUnits')?.event).toMatchObject({ kind: 'grid' });
    expect(page.data.gridId).toBe('g-cb1');
    expect(page.text()).toContain('城北一网格');
    expect(page.text()).toContain('g-cb1一群');
    page.instance.onGrid({ detail: { value: 1 } });
    await flush(10);
    expect(calls().filter((c) => c.action === 'listWechatGroups').at(-1)?.event).toMatchObject({ gridId: 'g-cb2' });
    expect(page.text()).toContain('g-cb2一群');
    await type(page, '.new-name', '二群');
    await tap(page, '.create');
    await flush(10);
    expect(calls().filter((c) => c.action === 'createWechatGroup')[0].event).toMatchObject({ gridId: 'g-cb2', name: '二群' });
  });

  test('a member opening 商户微信群 from 我的 starts on its own grid', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('member', { grids: [{ id: 'g-cb3', name: '城北三网格', kind: 'grid' }] });
      if (ev.action === 'listUnits') return { items: [{ id: 'g-cb3', name: '城北三网格', kind: 'grid' }] };
      if (ev.action === 'listWechatGroups') return { items: [], ungrouped: 7 };
      return null;
    });
    const page = mount('pages/grid/groups/index', {}, {});
    await flush(10);
    expect(calls().find((c) => c.action === 'listWechatGroups')?.event).toMatchObject({ gridId: 'g-cb3' });
    expect(page.text()).toContain('还没有商户微信群');
    expect(page.$('.create')).toBeTruthy();
  });

  test('head office may post to the bank, a branch, a group or a grid; the picker lists them in that order', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('hq');
      if (ev.action === 'listUnits') {
        const all = [
          { id: 'g-cb1', name: '城北一网格', kind: 'grid' },
          { id: 'grp-1', name: '城北一组', kind: 'group' },
          { id: 'b-cb', name: '城北支行', kind: 'branch' },
        ];
        return { items: all.filter((u) => u.kind === ev.kind) };
      }
      if (ev.action === 'sentNotices') return { items: [], nextCursor: null };
      if (ev.action === 'postNotice') return { id: ev.id, unitId: ev.unitId, unitName: '城北一组', unitKind: 'group', title: ev.title, body: ev.body, postedBy: 's-hq', postedByName: '周总', postedAt: '2025-07-01T02:00:00.000Z', audience: 4, readCount: 0 };
      return null;
    });
    const page = mount('pages/grid/notice-post/index', {}, {});
    await flush(10);
    expect(page.data.units.map((u: any) => u.id)).toEqual(['bank', 'b-cb', 'grp-1', 'g-cb1']);
    expect(page.data.units[2].label).toBe('城北一组（网格组）');
    page.instance.onUnit({ detail: { value: 2 } });
    await type(page, '.title', '周例会');
    await type(page, '.body', '周五下午');
    await tap(page, '.submit');
    await flush(10);
    expect(calls().find((c) => c.action === 'postNotice')?.event).toMatchObject({ unitId: 'grp-1', title: '周例会' });
  });

  test('a branch manager posts to its branch, its groups and grids (not another branch)', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('branch', { unit: { id: 'b-cb', name: '城北支行', kind: 'branch' } });
      if (ev.action === 'listUnits') return { items: ev.kind === 'group' ? [{ id: 'grp-1', name: '城北一组', kind: 'group' }] : [{ id: 'g-cb1', name: '城北一网格', kind: 'grid' }] };
      if (ev.action === 'sentNotices') return { items: [], nextCursor: null };
      return null;
    });
    const page = mount('pages/grid/notice-post/index', {}, {});
    await flush(10);
    expect(calls().filter((c) => c.action === 'listUnits').map((c) => c.event.kind)).toEqual(['group', 'grid']);
    expect(page.data.units.map((u: any) => u.id)).toEqual(['b-cb', 'grp-1', 'g-cb1']);
  });

  test('a read notice stays listed (read), and head office goes on to posting from it', async () => {
    answerCalls((fn, ev) => {
      if (ev.action === 'me') return me('hq');
      if (ev.action === 'myNotices') return { items: [{ id: 'n-1', unitId: 'bank', unitName: '兴化农商银行', unitKind: 'bank', title: '年终总结', body: '…', postedBy: 's-hq', postedByName: '周总', postedAt: '2025-07-01T02:00:00.000Z', isRead: true }], nextCursor: null };
      return null;
    });
    const page = mount('pages/grid/notices/index', {}, {});
    await flush(10);
    expect(page.text()).toContain('年终总结');
    expect(page.$('.sv >>> .unread-chip')).toBeFalsy();
    await tap(page, '.post');
    expect(current.fake.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/grid/notice-post/index' });
  });
});
