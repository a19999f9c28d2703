import { LocalStorage, StorageError, TEMP_URL_MAX_AGE_S } from '../../local/storage';
import { installStorageRoute, uninstallStorageRoute } from '../../local/storage/sdk-route';
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
