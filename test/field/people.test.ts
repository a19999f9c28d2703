/**
 * People (docs/api.md "org", note ¹): head office for the bank, a branch manager for its own branch, every change audited,
 * bad input refused naming the field, a retry writing nothing twice. Through the real `org` function.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, U, counts, mobile, seedFixture, uid } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const org = (action: string, event: Record<string, unknown>, openid: string = O.hq) => local.call('org', { action, ...event }, openid);
const user = (action: string, event: Record<string, unknown>, openid: string) => local.call('user', { action, ...event }, openid);
const db = () => local.cloud.database();
const ALL = ['staff', 'staffHistory', 'auditLog'];
const auditOf = async (id: string) => (await db().collection('auditLog').where({ 'target.id': id }).get()).data.map((a: any) => a.action);

/** A member of grid 1 (branch 1) created by head office. */
async function member(): Promise<string> {
  const res = await org('createStaff', { name: '组员', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: mobile() });
  return res.data.staff.id;
}

describe('a branch manager runs the people of its own branch', () => {
  it('creates staff below its role in its branch, with a code shown as text and QR, audited', async () => {
    const res = await org('createStaff', { name: '支行新人', role: 'member', unitId: U.gr1, gridIds: [U.gr1, U.gr2], mobile: mobile() }, O.branch);
    expect(res.ok).toBe(true);
    expect(res.data.bindCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(res.data.bindCodeQr).toMatch(/^data:image\/png;base64,/);
    expect(await auditOf(res.data.staff.id)).toEqual(['staff-create']);
    // The stored record keeps only the hash of the code.
    expect(JSON.stringify((await db().collection('staff').doc(res.data.staff.id).get()).data)).not.toContain(res.data.bindCode);
  });

  it('cannot create head-office or branch roles, nor staff outside its branch', async () => {
    const before = await counts(local, ALL);
    const hq = await org('createStaff', { name: '越权', role: 'hq', unitId: U.bank, mobile: mobile() }, O.branch);
    expect(hq.error).toMatchObject({ code: 'VALIDATION', reason: 'STAFF.ROLE_ABOVE_OWN' });
    expect(hq.error.details.issues[0].field).toBe('role');
    expect((await org('createStaff', { name: '越权', role: 'branch', unitId: U.br1, mobile: mobile() }, O.branch)).error.reason).toBe('STAFF.ROLE_ABOVE_OWN');
    expect((await org('createStaff', { name: '越界', role: 'member', unitId: U.gr3, gridIds: [U.gr3], mobile: mobile() }, O.branch)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect((await org('createStaff', { name: '越界', role: 'member', unitId: U.gr1, gridIds: [U.gr3], mobile: mobile() }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('createStaff', { name: '组长', role: 'member', unitId: U.gr1, mobile: mobile() }, O.leader)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect(await counts(local, ALL)).toEqual(before);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const before = await counts(local, ALL);
    const cases: [string, Record<string, unknown>, string][] = [
      ['createStaff', { name: '', role: 'member', unitId: U.gr1, mobile: mobile() }, 'name'],
      ['createStaff', { name: '甲', role: 'boss', unitId: U.gr1, mobile: mobile() }, 'role'],
      ['createStaff', { name: '甲', role: 'member', unitId: U.gr1, mobile: '123' }, 'mobile'],
      ['createStaff', { name: '甲', role: 'member', unitId: U.gr1, mobile: mobile(), id: 'not a uuid' }, 'id'],
      ['moveStaff', { staffId: S.member }, 'unitId'],
      ['changeRole', { staffId: S.member, role: 'chief' }, 'role'],
      ['assignGrids', { staffId: S.member, gridIds: 'gr1' }, 'gridIds'],
      ['unbindStaff', { staffId: '' }, 'staffId'],
    ];
    for (const [action, event, field] of cases) {
      const res = await org(action, event, O.branch);
      expect(res.error.code).toBe('VALIDATION');
      expect(res.error.details.issues.map((i: any) => i.field)).toContain(field);
    }
    expect(await counts(local, ALL)).toEqual(before);
  });

  it('re-issues a code, unbinds after a phone change, disables and re-enables, each audited', async () => {
    const id = await member();
    const code = await org('issueBindCode', { staffId: id }, O.branch);
    expect(code.data.bindCodeQr).toMatch(/^data:image\/png;base64,/);
    const again = await org('issueBindCode', { staffId: id }, O.branch);
    expect(again.data.bindCode).not.toBe(code.data.bindCode);
    // The first code stopped working when the second was issued.
    expect((await user('bind', { code: code.data.bindCode }, 'o-people-old')).ok).toBe(false);
    expect((await user('bind', { code: again.data.bindCode }, 'o-people-1')).ok).toBe(true);
    expect((await org('unbindStaff', { staffId: id, reason: '换手机' }, O.branch)).data.isBound).toBe(false);
    expect((await org('unbindStaff', { staffId: id }, O.branch)).error.reason).toBe('STAFF.NOT_BOUND');
    expect((await org('disableStaff', { staffId: id }, O.branch)).data.status).toBe('disabled');
    const before = await counts(local, ALL);
    expect((await org('issueBindCode', { staffId: id }, O.branch)).error.reason).toBe('STAFF.DISABLED');
    expect(await counts(local, ALL)).toEqual(before);
    expect((await org('enableStaff', { staffId: id }, O.branch)).data.status).toBe('active');
    expect(await auditOf(id)).toEqual(expect.arrayContaining(['staff-create', 'bind-code-issued', 'bind', 'unbind', 'staff-disable', 'staff-enable']));
  });

  it('moves, changes role and assigns grids within its branch; a retry writes nothing twice', async () => {
    const id = await member();
    expect((await org('moveStaff', { staffId: id, unitId: U.g1, reason: '调组' }, O.branch)).data).toMatchObject({ unitId: U.g1, gridIds: [U.gr1] });
    const afterMove = await counts(local, ALL);
    expect((await org('moveStaff', { staffId: id, unitId: U.g1, reason: '调组' }, O.branch)).data.unitId).toBe(U.g1);
    expect(await counts(local, ALL)).toEqual(afterMove);
    expect((await org('changeRole', { staffId: id, role: 'marketing' }, O.branch)).data.role).toBe('marketing');
    const afterRole = await counts(local, ALL);
    expect((await org('changeRole', { staffId: id, role: 'marketing' }, O.branch)).data.role).toBe('marketing');
    expect(await counts(local, ALL)).toEqual(afterRole);
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr2, U.gr1] }, O.branch)).data.gridIds).toEqual([U.gr2, U.gr1]);
    const afterGrids = await counts(local, ALL);
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr1, U.gr2] }, O.branch)).data.gridIds).toEqual([U.gr2, U.gr1]);
    expect(await counts(local, ALL)).toEqual(afterGrids);
    expect(await auditOf(id)).toEqual(expect.arrayContaining(['staff-move', 'role-change', 'grid-change']));
    const history = (await org('getStaff', { staffId: id }, O.branch)).data.history.map((h: any) => h.change);
    expect(history.filter((c: string) => c === 'move')).toHaveLength(1);
  });

  it('cannot move staff out of its branch, raise a role, give grids elsewhere, or touch other branches or its peers', async () => {
    const id = await member();
    const before = await counts(local, ALL);
    expect((await org('moveStaff', { staffId: id, unitId: U.gr3 }, O.branch)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect((await org('moveStaff', { staffId: id, unitId: U.bank }, O.branch)).error.code).toBe('FORBIDDEN');
    const raise = await org('changeRole', { staffId: id, role: 'branch' }, O.branch);
    expect(raise.error).toMatchObject({ code: 'VALIDATION', reason: 'STAFF.ROLE_ABOVE_OWN' });
    expect(raise.error.details.issues[0].field).toBe('role');
    expect((await org('assignGrids', { staffId: id, gridIds: [U.gr3] }, O.branch)).error.code).toBe('FORBIDDEN');
    // Branch 2's manager reaches nothing of branch 1; a branch manager does not manage itself or head office.
    for (const [action, extra] of [['issueBindCode', {}], ['unbindStaff', {}], ['disableStaff', {}], ['moveStaff', { unitId: U.gr1 }], ['changeRole', { role: 'marketing' }], ['assignGrids', { gridIds: [U.gr1] }]] as const) {
      expect((await org(action, { staffId: id, ...extra }, O.branch2)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    }
    expect((await org('issueBindCode', { staffId: S.branch }, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await org('changeRole', { staffId: S.branch, role: 'leader' }, O.branch)).error.reason).toBe('STAFF.ROLE_ABOVE_OWN');
    expect(await counts(local, ALL)).toEqual(before);
  });

  it('a retried create (same id) answers the same person with a fresh code, never a second record', async () => {
    const id = '7d1f7c2a-3b4e-4f5a-9c6d-1e2f3a4b5c6d';
    const input = { id, name: '重试', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: mobile() };
    const first = await org('createStaff', input, O.branch);
    const staffBefore = (await counts(local, ['staff'])).staff;
    const second = await org('createStaff', input, O.branch);
    expect(second.data.staff.id).toBe(first.data.staff.id);
    expect(second.data.bindCode).not.toBe(first.data.bindCode);
    expect((await counts(local, ['staff'])).staff).toBe(staffBefore);
    // Someone else's id is not theirs to replay.
    expect((await org('createStaff', input, O.hq)).error.reason).toBe('STAFF.ID_TAKEN');
    expect((await user('bind', { code: second.data.bindCode }, 'o-people-retry')).ok).toBe(true);
  });

  it('retries of one create racing leave one record', async () => {
    const input = { id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: '并发', role: 'member', unitId: U.gr1, gridIds: [U.gr1], mobile: mobile() };
    const staffBefore = (await counts(local, ['staff'])).staff;
    const answers = await Promise.all([1, 2, 3].map(() => org('createStaff', input, O.branch)));
    expect(answers.every((a) => a.ok && a.data.staff.id === input.id)).toBe(true);
    expect((await counts(local, ['staff'])).staff).toBe(staffBefore + 1);
    expect((await db().collection('staffHistory').where({ staffId: input.id, change: 'create' }).count()).total).toBe(1);
  });

  it('shows a staff member\'s grids and open tasks; head office manages everyone', async () => {
    const id = await member();
    const T = new Date('2025-07-01T00:00:00Z');
    for (const day of ['2025-07-12', '2025-07-10']) {
      await db().collection('tasks').add({ data: { _id: uid('t'), kind: 'marketing', merchantId: 'm-x', gridId: U.gr1, unitPath: [U.bank, U.br1, U.g1, U.gr1], assigneeId: id, dueDay: day, status: 'open', openedBy: { reason: 'test' }, createdAt: T } });
    }
    const page = await org('getStaff', { staffId: id }, O.branch);
    expect(page.data.grids).toEqual([{ id: U.gr1, name: expect.any(String) }]);
    expect(page.data.openTasks.total).toBe(2);
    expect(page.data.openTasks.items.map((t: any) => t.dueDay)).toEqual(['2025-07-10', '2025-07-12']);
    expect((await org('changeRole', { staffId: S.branch2, role: 'branch' })).data.role).toBe('branch');
    expect((await org('moveStaff', { staffId: id, unitId: U.gr3 })).data.unitId).toBe(U.gr3);
  });
});

describe('a branch splits head office\'s targets over its groups and grids', () => {
  const metrics = (action: string, event: Record<string, unknown>, openid: string) => local.call('metrics', { action, ...event }, openid);
  const target = (unitId: string, value: number, openid: string, metric = 'acquiring') => metrics('setTarget', { unitId, period: '2025-08', metric, value }, openid);

  it('within its branch and within the parent target, audited; never its own branch\'s or another\'s', async () => {
    expect((await target(U.br1, 100, O.hq)).ok).toBe(true);
    expect((await target(U.g1, 60, O.branch)).ok).toBe(true);
    expect((await target(U.gr1, 40, O.branch)).ok).toBe(true);
    const before = await counts(local, ['auditLog']);
    const over = await target(U.gr2, 30, O.branch);
    expect(over.error).toMatchObject({ code: 'VALIDATION', reason: 'TARGET.OVER_PARENT' });
    expect(over.error.details.issues[0].field).toBe('value');
    expect((await target(U.gr2, 20, O.branch)).ok).toBe(true);
    // A ratio is not the sum of its parts: no cap.
    expect((await target(U.gr2, 0.9, O.branch, 'coverage')).ok).toBe(true);
    expect((await counts(local, ['auditLog'])).auditLog).toBe(before.auditLog + 2);
    // The same target again is no new change.
    expect((await target(U.gr2, 20, O.branch)).ok).toBe(true);
    expect((await counts(local, ['auditLog'])).auditLog).toBe(before.auditLog + 2);
    const audit = (await db().collection('auditLog').where({ action: 'target-set', 'target.id': `${U.gr1}|2025-08|acquiring` }).get()).data;
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toMatchObject({ before: null, after: 40 });

    const targetsBefore = (await db().collection('targets').count()).total;
    expect((await target(U.br1, 500, O.branch)).error.code).toBe('FORBIDDEN');
    expect((await target(U.g2, 5, O.branch)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect((await target(U.gr1, 5, O.leader)).error.reason).toBe('ROLE.NOT_ALLOWED');
    expect((await db().collection('targets').count()).total).toBe(targetsBefore);

    const read = await metrics('targets', { unitId: U.g1, period: '2025-08' }, O.branch);
    expect(read.data.items.find((i: any) => i.metric === 'acquiring').target).toBe(60);
  });

  it('two splits saved at once cannot both pass the cap: one is refused, the sum stays within the parent\'s target', async () => {
    // Each round: the group's target 60, its two grids asked for 35 each at the same moment.
    for (const [i, period] of ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01'].entries()) {
      const split = (unitId: string, value: number, openid: string) => metrics('setTarget', { unitId, period, metric: 'acquiring', value }, openid);
      expect((await split(U.g1, 60, O.hq)).ok).toBe(true);
      const auditBefore = (await counts(local, ['auditLog'])).auditLog;
      const [a, b] = await Promise.all([split(U.gr1, 35, O.branch), split(U.gr2, 35 + (i % 2), O.branch)]);
      const answers = [a, b];
      expect(answers.filter((r) => r.ok)).toHaveLength(1);
      expect(answers.filter((r) => !r.ok).map((r) => r.error)).toEqual([expect.objectContaining({ code: 'VALIDATION', reason: 'TARGET.OVER_PARENT' })]);
      const stored = (await db().collection('targets').where({ period, metric: 'acquiring', unitId: db().command.in([U.gr1, U.gr2]) }).get()).data;
      expect(stored).toHaveLength(1);
      expect(stored[0].value).toBeLessThanOrEqual(60);
      // Only the split that passed is audited.
      expect((await counts(local, ['auditLog'])).auditLog).toBe(auditBefore + 1);
      // The rest of the parent's target can still be given.
      const rest = 60 - stored[0].value;
      const other = stored[0].unitId === U.gr1 ? U.gr2 : U.gr1;
      expect((await split(other, rest, O.branch)).ok).toBe(true);
      expect((await split(other, rest + 1, O.branch)).error.reason).toBe('TARGET.OVER_PARENT');
    }
  });
});
