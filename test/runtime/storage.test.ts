import { LocalStorage, StorageError, TEMP_URL_MAX_AGE_S } from '../../local/storage';
import { installStorageRoute, uninstallStorageRoute } from '../../local/storage/sdk-route';
import { loadStorageRule, parseRuleExpression, ruleAllows, validateStorageRule } from '../../local/storage/rule';
import { isOwnUpload, parseFileId, storageMonth, storagePath } from '../../shared/domain/storage-path.rules';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, seedFixture, uid } from '../field/fixture';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string;
let storage: LocalStorage;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-storage-'));
  storage = new LocalStorage({ root: dir, envId: 'env-test', publicBaseUrl: 'http://127.0.0.1:9/' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StorageError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('local storage', () => {
  it('gives CloudBase-style file IDs and returns the bytes it stored', () => {
    const fileID = storage.upload('merchants/m1/photo.jpg', Buffer.from([1, 2, 3]));
    expect(fileID).toBe('cloud://env-test.env-test-local/merchants/m1/photo.jpg');
    expect([...storage.download(fileID)]).toEqual([1, 2, 3]);
    storage.upload('merchants/m1/photo.jpg', Buffer.from('second'));
    expect(storage.download(fileID).toString()).toBe('second');
  });

  it('refuses paths that are absolute, climb out, have empty segments or control characters', () => {
    for (const bad of ['', '/abs.jpg', '../x.jpg', 'a/../../x', 'a//b', 'a/./b', 'dir/', 'a\\b', 'a\u0000b', 'x.part', '.sign.key', 'f.owner']) {
      expect(codeOf(() => storage.upload(bad, Buffer.from('x')))).toBe('INVALID_PARAM');
    }
    expect(codeOf(() => storage.upload('x'.repeat(900), Buffer.from('x')))).toBe('INVALID_PARAM');
  });

  it('does not read file IDs of another environment or missing files', () => {
    expect(codeOf(() => storage.download('cloud://other.other-local/merchants/m1/photo.jpg'))).toBe('INVALID_PARAM');
    expect(codeOf(() => storage.download('cloud://env-test.env-test-local/nothing/here.jpg'))).toBe('STORAGE_FILE_NONEXIST');
  });

  it('deletes per file and reports missing ones', () => {
    const fileID = storage.upload('tmp/a.txt', Buffer.from('a'));
    const missing = 'cloud://env-test.env-test-local/tmp/none.txt';
    expect(storage.delete([fileID, missing, 'not-a-file-id'])).toEqual([
      { fileID, code: 'SUCCESS' },
      { fileID: missing, code: 'STORAGE_FILE_NONEXIST' },
      { fileID: 'not-a-file-id', code: 'INVALID_PARAM' },
    ]);
    expect(storage.exists(fileID)).toBe(false);
  });

  it('lets only the uploader replace or delete a client-uploaded file', () => {
    const fileID = storage.upload('photos/p.jpg', Buffer.from('a'), 'openid-a');
    expect(storage.ownerOf(fileID)).toBe('openid-a');
    expect(codeOf(() => storage.upload('photos/p.jpg', Buffer.from('b'), 'openid-b'))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(storage.delete([fileID], 'openid-b')[0].code).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(storage.download(fileID).toString()).toBe('a');
    expect(storage.delete([fileID], 'openid-a')[0].code).toBe('SUCCESS');
  });

  it('signs temporary links that expire and cannot be altered', () => {
    const fileID = storage.upload('exports/报表 1.xlsx', Buffer.from('xlsx'));
    const now = Date.UTC(2025, 6, 31);
    const [link] = storage.tempUrls([{ fileID, maxAge: 60 }], now);
    expect(link).toMatchObject({ fileID, code: 'SUCCESS', maxAge: 60 });
    const url = new URL(link.tempFileURL);
    expect(url.origin).toBe('http://127.0.0.1:9');
    const path = url.pathname.replace('/storage/tmp/', '').split('/').map(decodeURIComponent).join('/');
    expect(path).toBe('exports/报表 1.xlsx');
    const t = url.searchParams.get('t');
    const sign = url.searchParams.get('sign');
    expect(storage.readSigned(path, t, sign, now + 59_000).toString()).toBe('xlsx');
    expect(codeOf(() => storage.readSigned(path, t, sign, now + 61_000))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(codeOf(() => storage.readSigned(path, String(Number(t) + 3600), sign, now))).toBe('STORAGE_SIGN_PARAM_INVALID');
    expect(codeOf(() => storage.readSigned('exports/other.xlsx', t, sign, now))).toBe('STORAGE_SIGN_PARAM_INVALID');
    expect(codeOf(() => storage.readSigned(path, null, null, now))).toBe('STORAGE_SIGN_PARAM_INVALID');
  });

  it('caps temporary links at one day and reports missing files without a link', () => {
    const fileID = storage.upload('exports/b.csv', Buffer.from('b'));
    expect(storage.tempUrls([{ fileID, maxAge: 10 * 86400 }])[0].maxAge).toBe(TEMP_URL_MAX_AGE_S);
    expect(storage.tempUrls([{ fileID }])[0].maxAge).toBe(TEMP_URL_MAX_AGE_S);
    const missing = storage.tempUrls([{ fileID: 'cloud://env-test.env-test-local/none.csv' }])[0];
    expect(missing).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', tempFileURL: '' });
  });

  it('keeps its signing key across restarts so issued links stay valid', () => {
    const fileID = storage.upload('keep/k.txt', Buffer.from('k'));
    const link = new URL(storage.tempUrls([{ fileID }])[0].tempFileURL);
    const reopened = new LocalStorage({ root: dir, envId: 'env-test' });
    expect(reopened.readSigned('keep/k.txt', link.searchParams.get('t'), link.searchParams.get('sign')).toString()).toBe('k');
  });
});

describe("wx-server-sdk's storage API routed to local storage", () => {
  const cloud = require('wx-server-sdk');
  beforeAll(() => {
    cloud.init({ env: 'env-test' });
    installStorageRoute(storage);
  });
  afterAll(() => uninstallStorageRoute(storage));

  it('uploads, links, downloads and deletes with the documented result shapes', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'sdk/hello.txt', fileContent: Buffer.from('你好') });
    expect(up).toMatchObject({ fileID: 'cloud://env-test.env-test-local/sdk/hello.txt', errMsg: 'uploadFile:ok' });

    const down = await cloud.downloadFile({ fileID: up.fileID });
    expect(down.errMsg).toBe('downloadFile:ok');
    expect(down.statusCode).toBe(200);
    expect(down.fileContent.toString('utf8')).toBe('你好');

    const missing = 'cloud://env-test.env-test-local/sdk/none.txt';
    const links = await cloud.getTempFileURL({ fileList: [up.fileID, { fileID: missing, maxAge: 120 }] });
    expect(links.errMsg).toBe('getTempFileURL:ok');
    expect(links.fileList[0]).toMatchObject({ fileID: up.fileID, status: 0, errMsg: 'ok', maxAge: 86400 });
    expect(links.fileList[0].tempFileURL).toMatch(/^http:\/\/127\.0\.0\.1:9\/storage\/tmp\/sdk\/hello\.txt\?t=\d+&sign=[0-9a-f]{64}$/);
    expect(links.fileList[1]).toMatchObject({ fileID: missing, status: -503003, tempFileURL: '' });

    const del = await cloud.deleteFile({ fileList: [up.fileID, missing] });
    expect(del.errMsg).toBe('deleteFile:ok');
    expect(del.fileList).toEqual([
      { fileID: up.fileID, status: 0, errMsg: 'ok' },
      expect.objectContaining({ fileID: missing, status: -503003 }),
    ]);
  });

  it('rejects a download of a missing file with CloudBase’s storage error code', async () => {
    // node-sdk raises a TcbError with code STORAGE_FILE_NONEXIST; wx-server-sdk prefixes errMsg with the API.
    await expect(cloud.downloadFile({ fileID: 'cloud://env-test.env-test-local/none.bin' })).rejects.toMatchObject({
      code: 'STORAGE_FILE_NONEXIST',
      errMsg: expect.stringMatching(/^downloadFile:fail .*storage file not exist/),
    });
  });

  it('rejects a bad path with an invalid-parameter error and writes nothing', async () => {
    await expect(cloud.uploadFile({ cloudPath: '../escape.txt', fileContent: Buffer.from('x') })).rejects.toMatchObject({ errCode: expect.any(Number) });
    expect(storage.exists('cloud://env-test.env-test-local/escape.txt')).toBe(false);
  });
});

describe('the storage rule (database/collections.json), as CloudBase evaluates it for clients', () => {
  const rule = loadStorageRule();

  it('is declared: clients read nothing directly and write only files they created', () => {
    expect(rule).toEqual({ read: false, write: "(auth.openid != null && resource.openid == auth.openid) || (auth.uid != null && auth.loginType != 'ANONYMOUS' && resource.openid == auth.uid)" });
    expect(validateStorageRule(rule)).toEqual([]);
    const alice = { auth: { openid: 'alice' } };
    expect(ruleAllows(rule, 'read', { ...alice, resource: { openid: 'alice' } })).toBe(false);
    expect(ruleAllows(rule, 'write', { ...alice, resource: { openid: 'alice' } })).toBe(true);
    expect(ruleAllows(rule, 'write', { ...alice, resource: { openid: 'bob' } })).toBe(false);
    // A file a function wrote has no creator openid: no client may overwrite it.
    expect(ruleAllows(rule, 'write', { ...alice, resource: { openid: null } })).toBe(false);
    // Without an identity a client writes nothing.
    expect(ruleAllows(rule, 'write', { auth: null, resource: { openid: null } })).toBe(false);
    // The console's web login (CloudBase custom login: a uid, no openid; the file's creator recorded as that uid)
    // writes its own uploads, never a function's file, another's, or anything while still anonymous.
    const consoleLogin = { auth: { uid: 'st_abc', loginType: 'CUSTOM' } };
    expect(ruleAllows(rule, 'write', { ...consoleLogin, resource: { openid: 'st_abc' } })).toBe(true);
    expect(ruleAllows(rule, 'write', { ...consoleLogin, resource: { openid: null } })).toBe(false);
    expect(ruleAllows(rule, 'write', { ...consoleLogin, resource: { openid: 'alice' } })).toBe(false);
    expect(ruleAllows(rule, 'read', { ...consoleLogin, resource: { openid: 'st_abc' } })).toBe(false);
    expect(ruleAllows(rule, 'write', { auth: { uid: 'anon-1', loginType: 'ANONYMOUS' }, resource: { openid: 'anon-1' } })).toBe(false);
  });

  it('reads the documented expression language and refuses anything else, naming it', () => {
    const ctx = { auth: { openid: 'a', loginType: 'WECHAT-OPEN' }, resource: { openid: 'a' } };
    expect(ruleAllows({ read: "auth != null && auth.loginType != 'ANONYMOUS'", write: false }, 'read', ctx)).toBe(true);
    expect(ruleAllows({ read: '!(auth.openid == resource.openid) || false', write: false }, 'read', ctx)).toBe(false);
    expect(() => parseRuleExpression('resource.path == "x"')).toThrow(/unknown name or symbol "resource.path"/);
    expect(() => parseRuleExpression('auth.openid ==')).toThrow(/ends too early/);
    expect(validateStorageRule({ read: true, write: 'doc.x == 1', delete: false })).toEqual([
      'storage.rule.delete: CloudBase\'s storage rule has only "read" and "write"',
      'storage.rule.write: rule expression "doc.x == 1": unknown name or symbol "doc.x" (allowed: auth, auth.openid, auth.uid, auth.loginType, resource.openid)',
    ]);
    expect(validateStorageRule({ read: 1, write: '' })).toEqual(['storage.rule.read must be true, false or an expression', 'storage.rule.write must be true, false or an expression']);
  });

  it('lets a client upload new files, never over a colleague’s, and read nothing without a signed link', () => {
    const fileID = storage.upload('merchants/2025-07/s-a/one.jpg', Buffer.from('a'), 'alice');
    expect(() => storage.upload('merchants/2025-07/s-a/one.jpg', Buffer.from('b'), 'bob')).toThrow(StorageError);
    expect(codeOf(() => storage.upload('merchants/2025-07/s-a/one.jpg', Buffer.from('b'), 'bob'))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(codeOf(() => storage.clientRead(fileID, 'alice'))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(codeOf(() => storage.clientRead(fileID, null))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(storage.clientTempUrls([{ fileID }], 'alice')[0]).toMatchObject({ code: 'STORAGE_EXCEED_AUTHORITY', tempFileURL: '' });
    // The server side (a function) is not bound by the rule.
    expect(storage.download(fileID).toString()).toBe('a');
    expect(storage.tempUrls([{ fileID }])[0].code).toBe('SUCCESS');
    const serverFile = storage.upload('reports/2025-07/job-1/r.xlsx', Buffer.from('r'));
    expect(codeOf(() => storage.upload('reports/2025-07/job-1/r.xlsx', Buffer.from('x'), 'alice'))).toBe('STORAGE_EXCEED_AUTHORITY');
    expect(storage.delete([serverFile], 'alice')[0].code).toBe('STORAGE_EXCEED_AUTHORITY');
  });
});

describe('upload paths', () => {
  it('give every upload its own path in the uploader’s folder for the month (China time)', () => {
    const at = Date.UTC(2025, 6, 31, 16, 30); // 00:30 on 1 August in China
    expect(storageMonth(at)).toBe('2025-08');
    const path = storagePath('merchants', 's-marketing', 'JPG', 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6', at);
    expect(path).toBe('merchants/2025-08/s-marketing/f81d4fae-7dec-41d0-a765-00a0c91e6bf6.jpg');
    expect(parseFileId(`cloud://env.bucket/${path}`)).toEqual({ path, kind: 'merchants', month: '2025-08', owner: 's-marketing' });
    expect(isOwnUpload(`cloud://env.bucket/${path}`, 's-marketing', ['merchants', 'visits'])).toBe(true);
    expect(isOwnUpload(`cloud://env.bucket/${path}`, 's-member', ['merchants', 'visits'])).toBe(false);
    expect(isOwnUpload(`cloud://env.bucket/${path}`, 's-marketing', ['imports'])).toBe(false);
    for (const old of ['cloud://env.bucket/merchants/m-1/0.jpg', 'cloud://env.bucket/merchants/2025-13/s/x.jpg', 'cloud://env.bucket/a/2025-07/s/x/y.jpg', 'https://x/y.jpg']) expect(parseFileId(old)).toBeNull();
    expect(() => storagePath('visits', '../x', 'jpg', 'u')).toThrow(/storage owner/);
    expect(() => storagePath('visits', 's', 'j/pg', 'u')).toThrow(/extension/);
  });
});

describe('photos are read through the scope of the record that holds them', () => {
  const local = useLocalCloud();
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  /** An upload from a staff member's phone: the client path into their own folder, under their openid. */
  const upload = (openid: string, staffId: string, kind: 'merchants' | 'visits') => local.cloud.storage.upload(storagePath(kind, staffId, 'jpg', uid('f')), bytes, openid);
  const stamp = (fileId: string, staffId: string, at = IN.gr1) => ({ fileId, takenAt: new Date().toISOString(), location: at, staffId });
  const linkBytes = (url: string) => {
    const u = new URL(url);
    const path = u.pathname.replace('/storage/tmp/', '').split('/').map(decodeURIComponent).join('/');
    return local.cloud.storage.readSigned(path, u.searchParams.get('t'), u.searchParams.get('sign'));
  };
  let merchantId = '';
  let photoId = '';

  beforeAll(async () => {
    await seedFixture(local);
    photoId = upload(O.marketing, S.marketing, 'merchants');
    const file = completeFile(S.marketing, { photos: [stamp(photoId, S.marketing)] });
    const res = await local.call('merchant', { action: 'create', ...file }, O.marketing);
    expect(res.ok).toBe(true);
    merchantId = res.data.merchant.id;
  });

  it('gives a caller in scope a short-lived link to a file’s photos, and one outside scope nothing', async () => {
    const mine = await local.call('merchant', { action: 'photoUrls', id: merchantId }, O.member);
    expect(mine.ok).toBe(true);
    expect(mine.data.maxAgeS).toBe(600);
    expect(mine.data.files).toEqual([{ fileId: photoId, url: expect.stringMatching(/\/storage\/tmp\/merchants\/\d{4}-\d{2}\/s-marketing\/.+\.jpg\?t=\d+&sign=[0-9a-f]{64}$/) }]);
    expect(linkBytes(mine.data.files[0].url)).toEqual(bytes);
    const outside = await local.call('merchant', { action: 'photoUrls', id: merchantId }, O.marketing2);
    expect(outside.error).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE.OUTSIDE' });
    expect(JSON.stringify(outside)).not.toContain('/storage/tmp/');
  });

  it('refuses a file id that is not the caller’s own upload, so no record opens a stranger’s file', async () => {
    // marketing2 (branch 2) holds the gr1 photo's id and tries to attach it to a file of their own grid.
    const file = completeFile(S.marketing2, { gridId: U.gr3, location: IN.gr3, photos: [stamp(photoId, S.marketing2, IN.gr3)] });
    const res = await local.call('merchant', { action: 'create', ...file }, O.marketing2);
    expect(res.error).toMatchObject({ code: 'VALIDATION', reason: 'FILE.NOT_OWN', details: { issues: [{ field: 'photos.0.fileId', message: expect.any(String) }] } });
    // Someone else's upload into marketing2's folder is refused as well: the folder names the uploader.
    const planted = upload(O.marketing, S.marketing2, 'merchants');
    const again = await local.call('merchant', { action: 'create', ...completeFile(S.marketing, { photos: [stamp(planted, S.marketing)] }) }, O.marketing);
    expect(again.error).toMatchObject({ code: 'VALIDATION', reason: 'FILE.NOT_OWN' });
  });

  it('keeps the photos a file holds on update and takes new ones only from the caller', async () => {
    const mine = upload(O.member, S.member, 'merchants');
    const kept = await local.call('merchant', { action: 'update', id: merchantId, photos: [stamp(photoId, S.marketing), stamp(mine, S.member)] }, O.member);
    expect(kept.ok).toBe(true);
    expect(kept.data.merchant.photos.map((p: { fileId: string }) => p.fileId)).toEqual([photoId, mine]);
    const foreign = upload(O.marketing2, S.marketing2, 'merchants');
    const refused = await local.call('merchant', { action: 'update', id: merchantId, photos: [stamp(foreign, S.member)] }, O.member);
    expect(refused.error).toMatchObject({ code: 'VALIDATION', reason: 'FILE.NOT_OWN' });
  });

  it('links a visit’s photos and its checks’ photos for callers who may read the visit', async () => {
    const general = upload(O.maintenance, S.maintenance, 'visits');
    const checkPhoto = upload(O.maintenance, S.maintenance, 'visits');
    const visitId = uid('v');
    const submit = await local.call(
      'visit',
      { action: 'submit', visitId, merchantId, type: 'revisit', location: IN.gr1, photos: [stamp(general, S.maintenance)], checks: CHECK_ITEMS.map((item, i) => ({ item, result: 'pass', ...(i === 0 ? { photo: stamp(checkPhoto, S.maintenance) } : {}) })) },
      O.maintenance,
    );
    expect(submit.ok).toBe(true);
    const links = await local.call('visit', { action: 'photoUrls', visitId }, O.leader);
    expect(links.data.files.map((f: { fileId: string }) => f.fileId)).toEqual([general, checkPhoto]);
    for (const f of links.data.files) expect(linkBytes(f.url)).toEqual(bytes);
    expect((await local.call('visit', { action: 'photoUrls', visitId }, O.maintenance2)).error.code).toBe('FORBIDDEN');
    // A photo from another staff member's folder does not join a visit.
    const stranger = upload(O.member, S.member, 'visits');
    const refused = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId, type: 'maintenance', location: IN.gr1, photos: [stamp(stranger, S.maintenance)] }, O.maintenance);
    expect(refused.error).toMatchObject({ code: 'VALIDATION', reason: 'FILE.NOT_OWN', details: { issues: [{ field: 'photos.0.fileId' }] } });
  });
});

