/**
 * No oracle for personal data (docs/security.md): a masked mobile cannot be completed by asking the duplicate
 * check, a match outside scope says only which unit to ask, every lookup is counted per person per day and
 * audited; the same for filings that match by mobile. Also the other answers that could leak what a caller
 * may not see: replays after a transfer, tasks after a transfer, binding codes guessed from many OPENIDs,
 * unknown input keys.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { hashPi } from '../../server/pi';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, mobile, photo, seedFixture, uid } from '../field/fixture';

const local = useLocalCloud();
const db = () => local.cloud.database();
const LIMIT = 100;

beforeAll(async () => {
  await seedFixture(local);
});

/** A file in the outside branch (grid 3) with this operator mobile, filed by its marketing assistant. */
async function outsideFileWith(mob: string): Promise<string> {
  const file = completeFile(S.marketing2, { gridId: U.gr3, location: IN.gr3, photos: [photo(S.marketing2, IN.gr3)], operator: { name: '周', mobile: mob } });
  const res = await local.call('merchant', { action: 'create', ...file }, O.marketing2);
  expect(res.ok).toBe(true);
  return file.id as string;
}

describe('merchant.checkDuplicate cannot complete a masked mobile', () => {
  it('a match outside scope: that one exists and which unit to ask, nothing else', async () => {
    const mob = mobile();
    const id = await outsideFileWith(mob);
    const res = await local.call('merchant', { action: 'checkDuplicate', mobile: mob }, O.maintenance);
    expect(res.data.duplicates).toEqual([{ reasons: ['same-mobile'], inScope: false, askUnit: { id: U.br2, name: '戴南支行' } }]);
    expect(JSON.stringify(res)).not.toContain(id);
  });

  it('a match inside scope: only what the caller may see (masked)', async () => {
    const mob = mobile();
    const file = completeFile(S.marketing, { operator: { name: '王大明', mobile: mob } });
    await local.call('merchant', { action: 'create', ...file }, O.marketing);
    const res = await local.call('merchant', { action: 'checkDuplicate', mobile: mob }, O.maintenance);
    expect(res.data.duplicates).toEqual([expect.objectContaining({ merchantId: file.id, inScope: true, operatorMobile: `${mob.slice(0, 3)}****${mob.slice(7)}` })]);
    expect(JSON.stringify(res)).not.toContain(mob);
    expect(JSON.stringify(res)).not.toContain('王大明');
  });

  it(`enumerating the 10,000 completions of 178****6473 stops after ${LIMIT} lookups a day, each audited`, async () => {
    const target = '17812346473';
    await outsideFileWith(target);
    const auditBefore = (await db().collection('auditLog').where({ action: 'pi-probe', staffId: S.maintenance }).count()).total;
    const quota = (await db().collection('quotas').doc(`pi-probe:${S.maintenance}`).get()).data as { count?: number } | null;
    const used = (Array.isArray(quota) ? quota[0] : quota)?.count ?? 0;
    let answered = 0;
    let limited: any = null;
    for (let n = 0; n < 10000 && !limited; n++) {
      const candidate = `178${String(n).padStart(4, '0')}6473`;
      const res = await local.call('merchant', { action: 'checkDuplicate', mobile: candidate }, O.maintenance);
      if (res.ok) answered += 1;
      else limited = res.error;
    }
    expect(answered).toBe(LIMIT - used);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', reason: 'PI.PROBE_QUOTA', details: { limit: LIMIT, retryAfter: expect.any(String) } });
    // The right candidate (1234) lies beyond the quota here, and the next call is refused too: nothing more today.
    const again = await local.call('merchant', { action: 'checkDuplicate', mobile: target }, O.maintenance);
    expect(again.error.reason).toBe('PI.PROBE_QUOTA');
    const audits = (await db().collection('auditLog').where({ action: 'pi-probe', staffId: S.maintenance }).limit(1000).get()).data;
    expect(audits.length - auditBefore).toBe(LIMIT - used);
    // The record names the lookup by its keyed hash, never the number.
    expect(audits.some((a: any) => a.detail.mobileHash === hashPi('17800006473'))).toBe(true);
    expect(JSON.stringify(audits)).not.toContain('6473"');
    // The quota is per person: a colleague still checks.
    expect((await local.call('merchant', { action: 'checkDuplicate', mobile: target }, O.member)).ok).toBe(true);
  });

  it('filing with a mobile counts the same (a refused create is no way round the quota); a forced filing shows nothing and is not counted', async () => {
    const mob = mobile();
    await outsideFileWith(mob);
    const before = (await db().collection('auditLog').where({ action: 'pi-probe', staffId: S.leader }).count()).total;
    const refused = await local.call('merchant', { action: 'create', ...completeFile(S.leader, { operator: { name: '王', mobile: mob } }) }, O.leader);
    expect(refused.error).toMatchObject({ code: 'CONFLICT', reason: 'MERCHANT.DUPLICATE', details: { duplicates: [{ reasons: ['same-mobile'], inScope: false, askUnit: { id: U.br2, name: '戴南支行' } }] } });
    expect(JSON.stringify(refused)).not.toMatch(/merchantId/);
    expect((await db().collection('auditLog').where({ action: 'pi-probe', staffId: S.leader }).count()).total).toBe(before + 1);
    // An outside match has no id to confirm: only force files past it, and a forced filing is not a probe.
    const forced = await local.call('merchant', { action: 'create', ...completeFile(S.leader, { operator: { name: '王', mobile: mob } }), force: true }, O.leader);
    expect(forced.ok).toBe(true);
    expect((await db().collection('auditLog').where({ action: 'pi-probe', staffId: S.leader }).count()).total).toBe(before + 1);
  });
});

describe('replays answer as get would', () => {
  it('a member re-sending a create after head office moved the file to another branch gets FORBIDDEN, not the file', async () => {
    const file = completeFile(S.member);
    const first = await local.call('merchant', { action: 'create', ...file }, O.member);
    expect(first.ok).toBe(true);
    expect((await local.call('merchant', { action: 'create', ...file }, O.member)).data.isReplay).toBe(true);
    expect((await local.call('merchant', { action: 'transfer', id: file.id, toGridId: U.gr3, reason: '迁址' }, O.hq)).ok).toBe(true);
    const replay = await local.call('merchant', { action: 'create', ...file }, O.member);
    const get = await local.call('merchant', { action: 'get', id: file.id }, O.member);
    expect(get.error.code).toBe('FORBIDDEN');
    expect(replay.error).toEqual(get.error);
    expect(JSON.stringify(replay)).not.toContain(U.gr3);
  });

  it('a visit re-sent after its grid was taken from the caller answers as visit.get does', async () => {
    const file = completeFile(S.marketing);
    await local.call('merchant', { action: 'create', ...file }, O.marketing);
    const staffId = uid('s');
    await db().collection('staff').add({ data: { _id: staffId, name: '临时', role: 'maintenance', unitId: U.br1, unitPath: [U.bank, U.br1], gridIds: [U.gr1], extraUnitIds: [], mobile: null, openid: 'o-temp', status: 'active', createdAt: new Date(), updatedAt: new Date() } });
    const visit = { action: 'submit', visitId: uid('v'), merchantId: file.id, type: 'maintenance', location: IN.gr1 };
    expect((await local.call('visit', visit, 'o-temp')).ok).toBe(true);
    expect((await local.call('org', { action: 'assignGrids', staffId, gridIds: [U.gr2], reason: '调岗' }, O.hq)).ok).toBe(true);
    const replay = await local.call('visit', visit, 'o-temp');
    const get = await local.call('visit', { action: 'get', visitId: visit.visitId }, 'o-temp');
    expect(get.error.code).toBe('FORBIDDEN');
    expect(replay.error).toEqual(get.error);
  });
});

describe('a transfer hands every open task to someone who can act on it', () => {
  it('follow-ups and abnormal visits to the new grid’s maintenance, marketing to its marketing, win-back to its member', async () => {
    // Grid 3 (other branch) has a member too, so each kind has its first choice there.
    await db().collection('staff').add({ data: { _id: 's-member3', name: '冯网格', role: 'member', unitId: U.gr3, unitPath: [U.bank, U.br2, U.g2, U.gr3], gridIds: [U.gr3], extraUnitIds: [], mobile: null, openid: 'o-member3', status: 'active', createdAt: new Date(), updatedAt: new Date() } });
    const file = completeFile(S.marketing);
    await local.call('merchant', { action: 'create', ...file }, O.marketing);
    const failed = CHECK_ITEMS.map((item) => ({ item, result: item === 'speaker' ? 'fail' : 'pass' }));
    const visit = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: file.id, type: 'revisit', location: IN.gr1, checks: failed }, O.maintenance);
    const followUp = visit.data.openedTaskIds[0];
    const marketing = await local.call('lifecycle', { action: 'startMarketing', merchantId: file.id, taskId: uid('t') }, O.marketing);
    expect(marketing.ok).toBe(true);
    const path = [U.bank, U.br1, U.g1, U.gr1];
    for (const [id, kind, assigneeId] of [[`wb-${file.id}`, 'win-back', S.member], [`ab-${file.id}`, 'abnormal-visit', S.maintenance]]) {
      await db().collection('tasks').add({ data: { _id: id, kind, merchantId: file.id, gridId: U.gr1, unitPath: path, assigneeId, dueDay: '2025-08-01', status: 'open', openedBy: { reason: 'test' }, createdAt: new Date() } });
    }
    expect((await local.call('merchant', { action: 'transfer', id: file.id, toGridId: U.gr3, reason: '迁址' }, O.hq)).ok).toBe(true);

    const open = (await db().collection('tasks').where({ merchantId: file.id, status: 'open' }).get()).data as any[];
    const byKind = Object.fromEntries(open.map((t) => [t.kind, t]));
    expect(open).toHaveLength(4);
    expect(byKind['check-followup']).toMatchObject({ _id: followUp, gridId: U.gr3, assigneeId: S.maintenance2, movedFrom: { fromGridId: U.gr1, fromAssigneeId: S.maintenance } });
    expect(byKind['abnormal-visit']).toMatchObject({ gridId: U.gr3, assigneeId: S.maintenance2 });
    expect(byKind.marketing).toMatchObject({ _id: marketing.data.task.id, gridId: U.gr3, assigneeId: S.marketing2 });
    expect(byKind['win-back']).toMatchObject({ gridId: U.gr3, assigneeId: 's-member3' });
    // The new assignees see and can close them; the old ones no longer reach them.
    const mine = await local.call('visit', { action: 'tasks' }, O.marketing2);
    expect(mine.data.items.map((t: any) => t.id)).toContain(marketing.data.task.id);
    expect((await local.call('visit', { action: 'closeTask', taskId: marketing.data.task.id, note: '已营销' }, O.marketing2)).ok).toBe(true);
    expect((await local.call('visit', { action: 'closeTask', taskId: `wb-${file.id}` }, O.member)).error.code).toBe('FORBIDDEN');
    expect((await local.call('visit', { action: 'tasks' }, O.member)).data.items.map((t: any) => t.merchantId)).not.toContain(file.id);
  });

  it('an assignee who can still act keeps the task (a leader moving a merchant inside the group)', async () => {
    const file = completeFile(S.leader);
    await local.call('merchant', { action: 'create', ...file }, O.leader);
    const task = await local.call('lifecycle', { action: 'startMarketing', merchantId: file.id, taskId: uid('t') }, O.leader);
    expect((await local.call('merchant', { action: 'transfer', id: file.id, toGridId: U.gr2, reason: '调整' }, O.leader)).ok).toBe(true);
    const t = (await db().collection('tasks').doc(task.data.task.id).get()).data;
    expect(Array.isArray(t) ? t[0] : t).toMatchObject({ gridId: U.gr2, assigneeId: S.leader });
  });
});

describe('binding codes cannot be guessed from many OPENIDs', () => {
  it('wrong codes bank-wide are counted per hour: past the limit every bind waits, a right code too', async () => {
    const created = await local.call('org', { action: 'createStaff', name: '新员工', role: 'member', unitId: U.gr1, gridIds: [U.gr1], extraUnitIds: [], mobile: mobile() }, O.hq);
    const code = created.data.bindCode as string;
    // Each guess from a fresh OPENID, so the per-OPENID lock never trips. The count is per clock hour: a run
    // that straddles an hour boundary starts again in the new hour.
    let busy: any = null;
    let tries = 0;
    for (let attempt = 0; attempt < 2 && !busy; attempt++) {
      const hour = new Date().toISOString().slice(0, 13);
      for (tries = 0; tries < 200 && !busy; tries++) {
        const res = await local.call('user', { action: 'bind', code: `WRONG${attempt}X${tries}` }, `o-rotating-${attempt}-${tries}`);
        if (res.error.code === 'RATE_LIMITED') busy = res.error;
        else expect(res.error.reason).toBe('USER.BIND_CODE_INVALID');
      }
      if (new Date().toISOString().slice(0, 13) !== hour) busy = null;
    }
    expect(busy).toMatchObject({ reason: 'USER.BIND_BUSY', details: { retryAfter: expect.any(String) } });
    expect(tries).toBe(61);
    const right = await local.call('user', { action: 'bind', code }, 'o-rotating-right');
    expect(right.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'USER.BIND_BUSY' });
  });
});

describe('unknown input keys', () => {
  it('are refused by name at every level, as docs/api.md says', async () => {
    const top = await local.call('merchant', { action: 'transfer', id: 'm-x', toGridID: U.gr2, toGridId: U.gr2, reason: 'x' }, O.hq);
    expect(top.error.code).toBe('VALIDATION');
    expect(top.error.details.issues).toContainEqual({ field: 'toGridID', message: '不支持的字段' });
    const nested = await local.call('merchant', { action: 'create', ...completeFile(S.marketing, { operator: { name: '王', mobil: mobile() } }) }, O.marketing);
    expect(nested.error.details.issues).toContainEqual({ field: 'operator.mobil', message: '不支持的字段' });
    const guarded = await local.call('merchant', { action: 'update', id: 'm-x', expectedversion: 3, name: '改名' }, O.hq);
    expect(guarded.error.details.issues).toContainEqual({ field: 'expectedversion', message: '不支持的字段' });
  });
});
