import { useLocalCloud } from '../helpers/local-cloud';
import { BOUNDARY, IN, O, S, U, counts, seedFixture } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);
const user = (action: string, event: Record<string, unknown>, openid: string) => local.call('user', { action, ...event }, openid);

describe('user', () => {
  it('answers UNAUTHENTICATED to an unbound or anonymous caller, never trusting the event', async () => {
    expect((await user('me', {}, 'o-stranger')).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.NOT_BOUND' });
    expect((await local.call('user', { action: 'me', userInfo: { openId: O.hq } })).error.code).toBe('UNAUTHENTICATED');
    expect((await local.call('merchant', { action: 'list', openid: O.hq, staffId: S.hq }, 'o-stranger')).error.code).toBe('UNAUTHENTICATED');
  });

  it('binds with a one-time code, once, then shows the profile', async () => {
    const created = await org('createStaff', { name: '新员工', role: 'marketing', unitId: U.br1, gridIds: [U.gr1, U.gr2], mobile: '+86 138 0000 9999' });
    expect(created.ok).toBe(true);
    expect(created.data.bindCode).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    expect(created.data.staff).toMatchObject({ mobile: '138****9999', isBound: false, gridIds: [U.gr1, U.gr2] });
    const stored = (await local.cloud.database().collection('staff').doc(created.data.staff.id).get()).data;
    expect(JSON.stringify(stored)).not.toContain(created.data.bindCode);

    const bound = await user('bind', { code: created.data.bindCode.toLowerCase() }, 'o-new-phone');
    expect(bound.data).toMatchObject({ staffId: created.data.staff.id, role: 'marketing', roleLabel: '营销助理' });
    expect(bound.data.grids.map((g: any) => g.id)).toEqual([U.gr1, U.gr2]);
    expect(bound.data.unitPath.map((u: any) => u.id)).toEqual([U.bank, U.br1]);
    const me = await user('me', {}, 'o-new-phone');
    expect(me.data.scope.sort()).toEqual([U.gr1, U.gr2].sort());
    // The code works once.
    expect((await user('bind', { code: created.data.bindCode }, 'o-other-phone')).error.details.issues[0].field).toBe('code');
    // A bound WeChat cannot bind again.
    expect((await user('bind', { code: created.data.bindCode }, 'o-new-phone')).error.reason).toBe('USER.ALREADY_BOUND');
    const accepted = await user('acceptPrivacy', { version: '2025-07' }, 'o-new-phone');
    expect(accepted.data.privacyVersion).toBe('2025-07');
    expect((await user('me', {}, 'o-new-phone')).data.privacyAcceptedAt).toBe(accepted.data.privacyAcceptedAt);
  });

  it('tells the caller whether it may reveal personal data, from head office\'s piRevealRoles, read on each call', async () => {
    const may = async (openid: string) => (await user('me', {}, openid)).data.canRevealPi;
    expect(await may(O.hq)).toBe(true);
    expect(await may(O.leader)).toBe(true);
    expect(await may(O.member)).toBe(true);
    expect(await may(O.marketing)).toBe(false);
    expect(await may(O.maintenance)).toBe(false);
    // Head office narrows the setting: the next call answers it.
    const settings = local.cloud.database().collection('settings');
    const stored = (await settings.doc('global').get().catch(() => ({ data: null }))).data as Record<string, unknown> | null;
    const before = stored ? Object.fromEntries(Object.entries(stored).filter(([k]) => k !== '_id')) : null;
    await settings.doc('global').set({ data: { ...(before ?? {}), piRevealRoles: ['hq', 'marketing'] } });
    try {
      expect(await may(O.member)).toBe(false);
      expect(await may(O.marketing)).toBe(true);
    } finally {
      if (before) await settings.doc('global').set({ data: before });
      else await settings.doc('global').remove();
    }
    expect(await may(O.member)).toBe(true);
  });

  it('locks an OPENID out after five wrong codes, even for a right one', async () => {
    const created = await org('createStaff', { name: '测试员', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: '13800008888' });
    for (let i = 0; i < 5; i++) expect((await user('bind', { code: `WRONG${i}XY` }, 'o-guesser')).error.code).toBe('VALIDATION');
    expect((await user('bind', { code: created.data.bindCode }, 'o-guesser')).error.code).toBe('RATE_LIMITED');
    // Another phone is unaffected.
    expect((await user('bind', { code: created.data.bindCode }, 'o-honest')).ok).toBe(true);
  });

  it('refuses an expired code', async () => {
    const created = await org('createStaff', { name: '过期', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: '13800007777' });
    await local.cloud.database().collection('staff').doc(created.data.staff.id).update({ data: { bindCodeExpiresAt: new Date(Date.now() - 1000) } });
    expect((await user('bind', { code: created.data.bindCode }, 'o-late')).error.reason).toBe('USER.BIND_CODE_INVALID');
  });
});

describe('org: staff management', () => {
  it('keeps every change in staffHistory and the audit log, and only head office or the staff member\'s branch may do it', async () => {
    const created = await org('createStaff', { name: '调动员', role: 'maintenance', unitId: U.br1, gridIds: [U.gr1], mobile: '13800006666' });
    const id = created.data.staff.id;
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr2] }, O.leader)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE.NOT_ALLOWED' });
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr2] }, O.branch2)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr2, U.gr1] })).data.gridIds).toEqual([U.gr2, U.gr1]);
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr3] })).error.details.issues[0].field).toBe('gridIds.0');
    expect((await org('changeRole', { staffId: id, role: 'member' })).data.role).toBe('member');
    expect((await org('changeRole', { staffId: id, role: 'leader' })).error.details.issues[0].field).toBe('unitId');
    expect((await org('moveStaff', { staffId: id, unitId: U.br2 })).data).toMatchObject({ unitId: U.br2, gridIds: [] });
    expect((await org('setExtraScope', { staffId: id, unitIds: [U.gr3] })).data.extraUnitIds).toEqual([U.gr3]);
    const code = await org('issueBindCode', { staffId: id });
    await user('bind', { code: code.data.bindCode }, 'o-moved');
    expect((await org('issueBindCode', { staffId: id })).error.reason).toBe('STAFF.ALREADY_BOUND');
    expect((await org('unbindStaff', { staffId: id, reason: '换手机' })).data.isBound).toBe(false);
    expect((await user('me', {}, 'o-moved')).error.code).toBe('UNAUTHENTICATED');
    expect((await org('disableStaff', { staffId: id })).data.status).toBe('disabled');
    expect((await org('enableStaff', { staffId: id })).data.status).toBe('active');
    const detail = await org('getStaff', { staffId: id });
    expect(detail.data.history.map((h: any) => h.change).reverse()).toEqual(['create', 'grids', 'role', 'move', 'scope', 'bind-code', 'bind', 'unbind', 'disable', 'enable']);
    const audit = await local.cloud.database().collection('auditLog').where({ 'target.id': id }).get();
    expect(audit.data.map((a: any) => a.action)).toEqual(
      expect.arrayContaining(['staff-create', 'grid-change', 'role-change', 'staff-move', 'scope-change', 'bind', 'unbind', 'staff-disable']),
    );
  });

  it('disabled staff can no longer call anything', async () => {
    const created = await org('createStaff', { name: '离职', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: '13800005555' });
    await user('bind', { code: created.data.bindCode }, 'o-leaver');
    await org('disableStaff', { staffId: created.data.staff.id, reason: '离职' });
    expect((await local.call('merchant', { action: 'list' }, 'o-leaver')).error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'USER.DISABLED' });
  });

  it('lists staff in scope with masked mobiles, paged', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await org('listStaff', { limit: 3, ...(cursor ? { cursor } : {}) }, O.branch);
      ids.push(...res.data.items.map((s: any) => s.id));
      for (const s of res.data.items) expect(s.mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
      cursor = res.data.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(expect.arrayContaining([S.branch, S.leader, S.member, S.marketing, S.maintenance]));
    expect(ids).not.toContain(S.branch2);
    expect(ids).not.toContain(S.hq);
    const leader = await org('listStaff', { role: 'maintenance' }, O.leader);
    expect(leader.data.items.map((s: any) => s.id)).toContain(S.maintenance);
    expect((await org('getStaff', { staffId: S.branch2 }, O.branch)).error.code).toBe('FORBIDDEN');
  });

  it('searches staff by the beginning of their name on the name index, in scope only, with the other filters', async () => {
    const names = async (event: Record<string, unknown>, openid: string = O.hq) => (await org('listStaff', event, openid)).data.items.map((s: any) => s.name).sort();
    // 营销 staff in both branches: a branch finds only its own.
    expect(await names({ q: '钱' }, O.branch)).toEqual(['钱营销']);
    expect(await names({ q: '吴' }, O.branch)).toEqual([]);
    expect(await names({ q: '吴' }, O.branch2)).toEqual(['吴营销']);
    // Head office finds any; the whole name finds the one; a name in the middle is not a beginning.
    expect(await names({ q: '孙维护' })).toEqual(['孙维护']);
    expect(await names({ q: '维护' })).toEqual([]);
    expect(await names({ q: '郑', role: 'maintenance', status: 'active' })).toEqual(['郑维护']);
    expect(await names({ q: '郑', role: 'marketing' })).toEqual([]);
    // The read is a range on the name index, not a scan of the staff.
    const plan = local.cloud.engine.explain('staff', { name: { $gte: '钱', $lt: '钱\uffff' } });
    expect(plan.index).toBe('name_1__id_1');
    expect((await org('listStaff', { q: '   ' }, O.branch)).error.code).toBe('VALIDATION');
  });
});

describe('org: units, markets, groups', () => {
  it('lists the unit tree in scope', async () => {
    const all = await org('listUnits', {});
    expect(all.data.items.length).toBeGreaterThanOrEqual(8);
    const branch = await org('listUnits', {}, O.branch);
    expect(branch.data.items.map((u: any) => u.id).sort()).toEqual([U.br1, U.g1, U.gr1, U.gr2].sort());
    const member = await org('listUnits', { kind: 'grid' }, O.member);
    expect(member.data.items.map((u: any) => u.id)).toEqual([U.gr1]);
    const unit = await org('getUnit', { unitId: U.g1 }, O.leader);
    expect(unit.data.children.map((u: any) => u.id).sort()).toEqual([U.gr1, U.gr2]);
    expect((await org('getUnit', { unitId: U.gr3 }, O.leader)).error.code).toBe('FORBIDDEN');
  });

  it('creates a grid with a boundary that then places merchants, and validates polygons', async () => {
    const bad = await org('createUnit', { kind: 'grid', name: '坏网格', parentId: U.g2, boundary: [[119.9, 32.96], [119.91, 32.96]] });
    expect(bad.error.details.issues[0].field).toBe('boundary');
    const line = await org('createUnit', { kind: 'grid', name: '线网格', parentId: U.g2, boundary: [[119.9, 32.96], [119.91, 32.96], [119.92, 32.96]] });
    expect(line.error.details.issues[0].field).toBe('boundary');
    const outside = await org('createUnit', { kind: 'grid', name: '国外', parentId: U.g2, boundary: [[2.3, 48.8], [2.4, 48.8], [2.4, 48.9]] });
    expect(outside.error.details.issues[0].field).toMatch(/^boundary\.0/);
    const ring: [number, number][] = [[119.9, 32.96], [119.95, 32.96], [119.95, 33.0], [119.9, 33.0]];
    const grid = await org('createUnit', { kind: 'grid', name: '戴南2号网格', parentId: U.g2, boundary: ring });
    expect(grid.data).toMatchObject({ kind: 'grid', area: 'township', unitPath: [U.bank, U.br2, U.g2, grid.data.id] });
    const placed = await local.call('merchant', { action: 'create', id: 'm-placed-0001', name: '新网格小店', location: { lng: 119.925, lat: 32.98 } }, O.hq);
    expect(placed.data.merchant.gridId).toBe(grid.data.id);
    const cleared = await org('updateUnit', { unitId: grid.data.id, boundary: null, name: '戴南2号' });
    expect(cleared.data).toMatchObject({ boundary: null, name: '戴南2号' });
    expect((await org('updateUnit', { unitId: U.g1, boundary: BOUNDARY.gr1 })).error.details.issues[0].field).toBe('boundary');
    expect((await org('createUnit', { kind: 'grid', name: 'x', parentId: U.g1 }, O.branch)).error.code).toBe('FORBIDDEN');
  });

  it('manages markets of a branch and WeChat groups of a grid in scope', async () => {
    const before = await counts(local, ['markets']);
    expect((await org('createMarket', { name: '越界商圈', branchId: U.br1, gridIds: [U.gr3] }, O.branch)).error.details.issues[0].field).toBe('gridIds.0');
    expect((await org('createMarket', { name: '他行商圈', branchId: U.br2, gridIds: [] }, O.branch)).error.code).toBe('FORBIDDEN');
    expect(await counts(local, ['markets'])).toEqual(before);
    const m = await org('createMarket', { name: '城北菜场', branchId: U.br1, gridIds: [U.gr1] }, O.branch);
    expect((await org('updateMarket', { marketId: m.data.id, gridIds: [U.gr1, U.gr2] }, O.branch)).data.gridIds).toEqual([U.gr1, U.gr2]);
    expect((await org('listMarkets', {}, O.member)).data.items.map((x: any) => x.id)).toContain(m.data.id);
    // The member sees the names of the market's grids, the one outside its scope too (not bare ids).
    const names = await Promise.all([U.gr1, U.gr2].map(async (id) => (await org('getUnit', { unitId: id })).data.unit.name));
    expect((await org('listMarkets', {}, O.member)).data.items.find((x: any) => x.id === m.data.id).gridNames).toEqual(names);
    expect((await org('getUnit', { unitId: U.gr2 }, O.member)).error.code).toBe('FORBIDDEN');
    expect((await org('listMarkets', {}, O.branch2)).data.items.map((x: any) => x.id)).not.toContain(m.data.id);
    const g = await org('createWechatGroup', { name: '城北1号群', gridId: U.gr1 }, O.member);
    expect((await org('listWechatGroups', { gridId: U.gr1 }, O.marketing)).data.items.map((x: any) => x.id)).toContain(g.data.id);
    expect((await org('createWechatGroup', { name: 'x', gridId: U.gr3 }, O.member)).error.code).toBe('FORBIDDEN');
    expect((await org('createWechatGroup', { name: 'x', gridId: U.gr1 }, O.marketing)).error.code).toBe('FORBIDDEN');
    expect(IN.gr1).toBeDefined();
  });
});
