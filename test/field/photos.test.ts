/**
 * Photos (docs/domain.md §3, docs/miniprogram.md "How it behaves"): each photo a filing or a visit is given is checked against the record (the
 * caller's own existing upload, stamped by the caller, during the visit or lately for a filing, near its
 * GPS fix), refused naming the field; links to stored photos go only to callers in scope.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { PHOTO_PLACE_M } from '../../shared/domain/photo.rules';
import { storagePath } from '../../shared/domain/storage-path.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, completeFile, counts, photo, seedFixture, uid, uploadPhoto } from './fixture';

const local = useLocalCloud();
let merchantId = '';
let visitId = '';
beforeAll(async () => {
  await seedFixture(local);
  const res = await local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing);
  merchantId = res.data.merchant.id;
});

const checks = () => CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));
const visit = (over: Record<string, unknown> = {}) => ({ action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: IN.gr1, checks: checks(), photos: [], ...over });
/** About 1 km east of grid 1's point (0.0107° of longitude at 32.9°N). */
const farAway = { lng: IN.gr1.lng + 0.0107, lat: IN.gr1.lat };

async function refusedWith(fn: string, event: Record<string, unknown>, openid: string, field: string, reason: string): Promise<void> {
  const before = await counts(local, ['merchants', 'visits', 'tasks']);
  const res = await local.call(fn, event, openid);
  expect(res.ok).toBe(false);
  expect(res.error).toMatchObject({ code: 'VALIDATION', reason });
  expect(res.error.details.issues[0].field).toBe(field);
  expect(res.error.message).toContain(field);
  expect(await counts(local, ['merchants', 'visits', 'tasks'])).toEqual(before);
}

describe('a forged photo stamp is refused naming the field', () => {
  it('filing: another staff member, a stamp from 2019, a place far away, a file that does not exist', async () => {
    const own = photo(S.marketing);
    const file = (p: Record<string, unknown>) => ({ action: 'create', ...completeFile(S.marketing, { photos: [p] }) });
    await refusedWith('merchant', file({ ...own, staffId: S.member }), O.marketing, 'photos.0.staffId', 'PHOTO.STAMP_STAFF');
    await refusedWith('merchant', file({ ...own, takenAt: '2019-05-01T02:00:00Z' }), O.marketing, 'photos.0.takenAt', 'PHOTO.STAMP_TIME');
    await refusedWith('merchant', file({ ...own, location: farAway }), O.marketing, 'photos.0.location', 'PHOTO.STAMP_PLACE');
    const never = `cloud://local.local-local/${storagePath('merchants', S.marketing, 'jpg', uid('gone'))}`;
    await refusedWith('merchant', file({ ...own, fileId: never }), O.marketing, 'photos.0.fileId', 'FILE.MISSING');
    // Someone else's upload stays refused as before (the path names its uploader).
    await refusedWith('merchant', file(photo(S.member)), O.marketing, 'photos.0.fileId', 'FILE.NOT_OWN');
  });

  it('visit: the stamp is held against the visit time and GPS fix; a check photo must exist', async () => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    const p = { ...photo(S.maintenance, IN.gr1, 'visits'), takenAt: at };
    await refusedWith('visit', visit({ at, photos: [{ ...p, takenAt: new Date(Date.now() - 4 * 3600_000).toISOString() }] }), O.maintenance, 'photos.0.takenAt', 'PHOTO.STAMP_TIME');
    await refusedWith('visit', visit({ at, photos: [{ ...p, location: farAway }] }), O.maintenance, 'photos.0.location', 'PHOTO.STAMP_PLACE');
    await refusedWith('visit', visit({ at, photos: [{ ...p, staffId: S.marketing }] }), O.maintenance, 'photos.0.staffId', 'PHOTO.STAMP_STAFF');
    const missing = `cloud://local.local-local/${storagePath('visits', S.maintenance, 'jpg', uid('gone'))}`;
    const withCheckPhoto = checks().map((c, i) => (i === 2 ? { ...c, photo: { ...p, fileId: missing } } : c));
    await refusedWith('visit', visit({ at, photos: [p], checks: withCheckPhoto }), O.maintenance, 'checks.2.photo', 'FILE.MISSING');
    // The same photo, stamped during the visit within the distance, is accepted.
    const near = { lng: IN.gr1.lng + (PHOTO_PLACE_M / 2) / 93_500, lat: IN.gr1.lat };
    const checkPhoto = { ...p, fileId: uploadPhoto(S.maintenance, 'visits'), location: near };
    const okCheck = checks().map((c, i) => (i === 2 ? { ...c, photo: checkPhoto } : c));
    const ok = await local.call('visit', visit({ at, photos: [{ ...p, location: near }], checks: okCheck }), O.maintenance);
    expect(ok.ok).toBe(true);
    visitId = ok.data.visit.id;
    // The visit keeps the check's photo by its file id, as before.
    expect(ok.data.visit.checks[2].photo).toBe(checkPhoto.fileId);
  });

  it("visit: a check's photo is stamped too, and a forged stamp is refused naming the check's field", async () => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    const own = { ...photo(S.maintenance, IN.gr1, 'visits'), takenAt: at };
    const withCheck = (i: number, ph: unknown) => visit({ at, checks: checks().map((c, j) => (j === i ? { ...c, photo: ph } : c)) });
    await refusedWith('visit', withCheck(1, { ...own, staffId: S.marketing }), O.maintenance, 'checks.1.photo.staffId', 'PHOTO.STAMP_STAFF');
    await refusedWith('visit', withCheck(3, { ...own, takenAt: '2019-05-01T02:00:00Z' }), O.maintenance, 'checks.3.photo.takenAt', 'PHOTO.STAMP_TIME');
    await refusedWith('visit', withCheck(4, { ...own, location: farAway }), O.maintenance, 'checks.4.photo.location', 'PHOTO.STAMP_PLACE');
    // Someone else's upload, stamped as one's own, stays refused (the path names its uploader).
    await refusedWith('visit', withCheck(0, { ...own, fileId: uploadPhoto(S.marketing, 'visits') }), O.maintenance, 'checks.0.photo', 'FILE.NOT_OWN');
    // A bare file id, without its stamp, is refused by the contract.
    const bare = await local.call('visit', withCheck(5, uploadPhoto(S.maintenance, 'visits')), O.maintenance);
    expect(bare.ok).toBe(false);
    expect(bare.error.code).toBe('VALIDATION');
    expect(bare.error.details.issues[0].field).toBe('checks.5.photo');
  });
});

describe('photo links only in scope', () => {
  it('a merchant file and a visit in scope get a link per photo; callers outside are refused', async () => {
    const m = await local.call('merchant', { action: 'photoUrls', id: merchantId }, O.leader);
    expect(m.ok).toBe(true);
    expect(m.data.files).toHaveLength(1);
    expect(m.data.files[0].url).toMatch(/\/storage\/tmp\/merchants\//);
    const v = await local.call('visit', { action: 'photoUrls', visitId }, O.member);
    expect(v.ok).toBe(true);
    expect(v.data.files).toHaveLength(2);
    expect(v.data.files.every((f: { url: string | null }) => typeof f.url === 'string')).toBe(true);
    for (const who of [O.branch2, O.marketing2, O.maintenance2]) {
      expect((await local.call('merchant', { action: 'photoUrls', id: merchantId }, who)).error.code).toBe('FORBIDDEN');
      expect((await local.call('visit', { action: 'photoUrls', visitId }, who)).error.code).toBe('FORBIDDEN');
    }
  });
});
