import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { loadStorageRule, ruleAllows, type StorageRule } from './rule';

export { loadStorageRule, ruleAllows, validateStorageRule, type StorageRule } from './rule';

/**
 * Cloud storage on the local disk, with CloudBase-style file IDs `cloud://<envId>.<bucket>/<cloudPath>`.
 * Files live under `<root>/<cloudPath>`; temporary URLs are signed (HMAC-SHA256) and expire, and are
 * served by the gateway at `<publicBaseUrl>/storage/tmp/<cloudPath>?t=<expiry>&sign=<hmac>`.
 * Server-side calls (a function's own storage API) may do anything, as on CloudBase; a client's calls
 * (an `owner` openid, or `clientRead`/`clientTempUrls`) pass the storage security rule first, the one
 * declared in database/collections.json and deployed to CloudBase.
 */

/** CloudBase's `maxAge` default and ceiling for temporary links: one day. */
export const TEMP_URL_MAX_AGE_S = 86400;
/** Sidecar holding the uploader of a client-uploaded file. */
const OWNER_SUFFIX = '.owner';
/** CloudBase's cloudPath ceiling (bytes). */
const MAX_CLOUD_PATH_BYTES = 850;

/** A storage failure with the CloudBase code (e.g. `STORAGE_FILE_NONEXIST`). */
export class StorageError extends Error {
  constructor(
    readonly code: 'STORAGE_FILE_NONEXIST' | 'INVALID_PARAM' | 'STORAGE_EXCEED_AUTHORITY' | 'STORAGE_SIGN_PARAM_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface LocalStorageOptions {
  /** folder that holds the files (`<dataDir>/storage`) */
  root: string;
  envId?: string;
  bucket?: string;
  /** where the gateway serves temporary links; changeable once the port is known */
  publicBaseUrl?: string;
  /** signing key for temporary links; kept in `<root>/.sign.key` when not given */
  signKey?: Buffer;
  /** the storage security rule for client requests (default: the one in database/collections.json) */
  rule?: StorageRule;
}

export interface DeleteResult {
  fileID: string;
  code: 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'INVALID_PARAM' | 'STORAGE_EXCEED_AUTHORITY';
}

export interface DeniedUrlResult {
  fileID: string;
  code: 'STORAGE_EXCEED_AUTHORITY';
  tempFileURL: '';
  maxAge: number;
}

export interface TempUrlResult {
  fileID: string;
  code: 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'INVALID_PARAM';
  tempFileURL: string;
  maxAge: number;
}

/** Local file store answering the four CloudBase storage operations. */
export class LocalStorage {
  readonly root: string;
  readonly envId: string;
  readonly bucket: string;
  publicBaseUrl: string;
  readonly rule: StorageRule;
  private readonly signKey: Buffer;

  constructor(options: LocalStorageOptions) {
    this.root = options.root;
    this.envId = options.envId ?? 'local';
    this.bucket = options.bucket ?? `${this.envId}-local`;
    this.publicBaseUrl = (options.publicBaseUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
    mkdirSync(this.root, { recursive: true });
    this.signKey = options.signKey ?? loadOrCreateKey(join(this.root, '.sign.key'));
    this.rule = options.rule ?? loadStorageRule();
  }

  /** The file ID CloudBase would give `cloudPath` in this environment. */
  fileIdOf(cloudPath: string): string {
    return `cloud://${this.envId}.${this.bucket}/${checkCloudPath(cloudPath)}`;
  }

  /** The cloudPath inside a file ID of this environment; throws INVALID_PARAM for anything else. */
  cloudPathOf(fileID: unknown): string {
    if (typeof fileID !== 'string') throw new StorageError('INVALID_PARAM', 'fileID must be a string');
    const prefix = `cloud://${this.envId}.${this.bucket}/`;
    if (!fileID.startsWith(prefix)) throw new StorageError('INVALID_PARAM', `fileID is not a file of this environment: ${fileID}`);
    return checkCloudPath(fileID.slice(prefix.length));
  }

  /**
   * Stores `content` at `cloudPath` (replacing a file there, as CloudBase does) and returns its file ID.
   * `owner` is the uploading user's openid for client uploads, which the rule's `write` must admit (with
   * `resource.openid` the existing file's creator, or the uploader for a new file). Server-side calls
   * pass no owner.
   */
  upload(cloudPath: string, content: Buffer, owner?: string): string {
    const path = checkCloudPath(cloudPath);
    if (!Buffer.isBuffer(content)) throw new StorageError('INVALID_PARAM', 'fileContent must be a Buffer');
    const target = this.fileOnDisk(path);
    if (owner !== undefined) this.assertMayWrite(target, owner);
    mkdirSync(dirname(target), { recursive: true });
    writeAtomically(`${target}${OWNER_SUFFIX}`, Buffer.from(owner ?? ''));
    writeAtomically(target, content);
    return this.fileIdOf(path);
  }

  /** The openid that uploaded a file from a client, or null for server-side files. */
  ownerOf(fileID: string): string | null {
    const file = this.fileOnDisk(this.cloudPathOf(fileID));
    try {
      return readFileSync(`${file}${OWNER_SUFFIX}`, 'utf8') || null;
    } catch {
      return null;
    }
  }

  /** The bytes of a stored file; throws STORAGE_FILE_NONEXIST when it is absent. */
  download(fileID: string): Buffer {
    const file = this.fileOnDisk(this.cloudPathOf(fileID));
    if (!isFile(file)) throw new StorageError('STORAGE_FILE_NONEXIST', `storage file not exists: ${fileID}`);
    return readFileSync(file);
  }

  /** Whether a file ID names a stored file. */
  exists(fileID: string): boolean {
    try {
      return isFile(this.fileOnDisk(this.cloudPathOf(fileID)));
    } catch {
      return false;
    }
  }

  /** Deletes files; each entry reports its own outcome, as CloudBase's batch delete does. `owner` as in upload. */
  delete(fileIDs: string[], owner?: string): DeleteResult[] {
    return fileIDs.map((fileID) => {
      let file: string;
      try {
        file = this.fileOnDisk(this.cloudPathOf(fileID));
      } catch {
        return { fileID, code: 'INVALID_PARAM' };
      }
      if (!isFile(file)) return { fileID, code: 'STORAGE_FILE_NONEXIST' };
      if (owner !== undefined) {
        try {
          this.assertMayWrite(file, owner);
        } catch {
          return { fileID, code: 'STORAGE_EXCEED_AUTHORITY' };
        }
      }
      rmSync(file);
      rmSync(`${file}${OWNER_SUFFIX}`, { force: true });
      return { fileID, code: 'SUCCESS' };
    });
  }

  private assertMayWrite(file: string, owner: string): void {
    // A new file is created by the uploader; an existing one keeps its creator (null: written by a function).
    let creator: string | null = owner;
    if (isFile(file)) {
      try {
        creator = readFileSync(`${file}${OWNER_SUFFIX}`, 'utf8') || null;
      } catch {
        creator = null;
      }
    }
    if (!ruleAllows(this.rule, 'write', { auth: { openid: owner }, resource: { openid: creator } })) {
      throw new StorageError('STORAGE_EXCEED_AUTHORITY', 'the storage rule does not let this user write this file');
    }
  }

  /** Whether the rule lets a client (`openid`, or null without an identity) read a stored file directly. */
  private mayClientRead(path: string, openid: string | null): boolean {
    let creator: string | null = null;
    try {
      creator = readFileSync(`${this.fileOnDisk(path)}${OWNER_SUFFIX}`, 'utf8') || null;
    } catch {
      creator = null;
    }
    return ruleAllows(this.rule, 'read', { auth: openid ? { openid } : null, resource: { openid: creator } });
  }

  /** A client's direct download: the rule's `read` decides (the declared rule refuses every client). */
  clientRead(fileID: string, openid: string | null): Buffer {
    const path = this.cloudPathOf(fileID);
    if (!isFile(this.fileOnDisk(path))) throw new StorageError('STORAGE_FILE_NONEXIST', `storage file not exists: ${fileID}`);
    if (!this.mayClientRead(path, openid)) throw new StorageError('STORAGE_EXCEED_AUTHORITY', 'the storage rule does not let clients read files; ask the function that holds the record for a temporary link');
    return readFileSync(this.fileOnDisk(path));
  }

  /** A client's request for temporary links: each file the rule's `read` refuses answers without a link. */
  clientTempUrls(files: { fileID: string; maxAge?: number }[], openid: string | null, now = Date.now()): (TempUrlResult | DeniedUrlResult)[] {
    return this.tempUrls(files, now).map((r) => {
      if (r.code !== 'SUCCESS' || this.mayClientRead(this.cloudPathOf(r.fileID), openid)) return r;
      return { fileID: r.fileID, code: 'STORAGE_EXCEED_AUTHORITY', tempFileURL: '', maxAge: r.maxAge };
    });
  }

  /** Signed, expiring download links (`maxAge` seconds, at most one day). */
  tempUrls(files: { fileID: string; maxAge?: number }[], now = Date.now()): TempUrlResult[] {
    return files.map(({ fileID, maxAge }) => {
      const age = clampMaxAge(maxAge);
      let path: string;
      try {
        path = this.cloudPathOf(fileID);
      } catch {
        return { fileID, code: 'INVALID_PARAM', tempFileURL: '', maxAge: age };
      }
      if (!isFile(this.fileOnDisk(path))) return { fileID, code: 'STORAGE_FILE_NONEXIST', tempFileURL: '', maxAge: age };
      const expires = Math.floor(now / 1000) + age;
      const url = `${this.publicBaseUrl}/storage/tmp/${encodePath(path)}?t=${expires}&sign=${this.sign(path, expires)}`;
      return { fileID, code: 'SUCCESS', tempFileURL: url, maxAge: age };
    });
  }

  /** Checks a temporary link (decoded path, `t`, `sign`) and returns the file's bytes. */
  readSigned(cloudPath: string, t: string | null, sign: string | null, now = Date.now()): Buffer {
    const path = checkCloudPath(cloudPath);
    const expires = Number(t);
    if (!t || !sign || !Number.isInteger(expires)) throw new StorageError('STORAGE_SIGN_PARAM_INVALID', 'temporary link lacks its signature');
    const expected = Buffer.from(this.sign(path, expires));
    const given = Buffer.from(sign);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new StorageError('STORAGE_SIGN_PARAM_INVALID', 'temporary link signature does not match');
    }
    if (expires * 1000 < now) throw new StorageError('STORAGE_EXCEED_AUTHORITY', 'temporary link has expired');
    const file = this.fileOnDisk(path);
    if (!isFile(file)) throw new StorageError('STORAGE_FILE_NONEXIST', 'storage file not exists');
    return readFileSync(file);
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.signKey).update(`${this.envId}.${this.bucket}/${path}\n${expires}`).digest('hex');
  }

  private fileOnDisk(cloudPath: string): string {
    const file = join(this.root, ...cloudPath.split('/'));
    // checkCloudPath already refuses `..`; this guards the join itself.
    if (!file.startsWith(this.root + sep)) throw new StorageError('INVALID_PARAM', 'cloudPath leaves the storage root');
    return file;
  }
}

/** Validates a cloudPath the way CloudBase does (relative, no empty or dot segments, bounded length). */
export function checkCloudPath(cloudPath: unknown): string {
  if (typeof cloudPath !== 'string' || cloudPath.length === 0) throw new StorageError('INVALID_PARAM', 'cloudPath must be a non-empty string');
  if (Buffer.byteLength(cloudPath) > MAX_CLOUD_PATH_BYTES) throw new StorageError('INVALID_PARAM', 'cloudPath is too long');
  if (cloudPath.startsWith('/') || cloudPath.endsWith('/')) throw new StorageError('INVALID_PARAM', 'cloudPath must not start or end with "/"');
  // Control characters and backslashes have no place in an object key and could confuse the disk path.
  if ([...cloudPath].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f' || ch === '\\')) throw new StorageError('INVALID_PARAM', 'cloudPath contains a forbidden character');
  for (const segment of cloudPath.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new StorageError('INVALID_PARAM', 'cloudPath has an empty or dot segment');
    if (segment.endsWith('.part') || segment.endsWith(OWNER_SUFFIX) || segment === '.sign.key') throw new StorageError('INVALID_PARAM', 'cloudPath uses a reserved name');
  }
  return cloudPath;
}

/** A MIME type from the file extension, for serving downloads. */
export function contentTypeOf(cloudPath: string): string {
  const types: Record<string, string> = {
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.gif': 'image/gif',
    '.webp': 'image/webp',
    '.pdf': 'application/pdf',
    '.csv': 'text/csv; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    '.xls': 'application/vnd.ms-excel',
  };
  return types[extname(cloudPath).toLowerCase()] ?? 'application/octet-stream';
}

function clampMaxAge(maxAge: unknown): number {
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) return TEMP_URL_MAX_AGE_S;
  return Math.min(Math.floor(maxAge), TEMP_URL_MAX_AGE_S);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Write to a temporary name, fsync, then rename: a crash leaves the old file or the new one, never half. */
function writeAtomically(target: string, content: Buffer): void {
  const tmp = `${target}.${randomUUID()}.part`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
}

function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}
