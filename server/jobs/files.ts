import { randomUUID } from 'node:crypto';
import { type PhotoStamp, type StampWindow, stampProblem } from '../../shared/domain/photo.rules';
import { isOwnUpload, type ServerKind, storagePath } from '../../shared/domain/storage-path.rules';
import { getCloud } from '../db';
import { fieldError } from '../errors';

/**
 * Cloud storage as the functions use it. Clients read no file directly (the storage rule in
 * database/collections.json says `"read": false`); a function that has checked the caller's scope over
 * the record holding a file hands out a temporary link to it.
 */

/**
 * getTempFileURL: a link lasts at most one day ("默认一天且最大不超过一天") and one call takes at most 50
 * file ids ("一次最多取 50 个"), https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-server-api/storage/getTempFileURL.html
 */
export const MAX_LINK_AGE_S = 86400;
const MAX_LINKS_PER_CALL = 50;

/** Reads a file from cloud storage (CloudBase, or the local storage the runtime routes to). */
export async function downloadFile(fileID: string): Promise<Buffer> {
  const res = (await getCloud().downloadFile({ fileID })) as { fileContent?: Buffer };
  if (!res?.fileContent) throw new Error('file not found');
  return res.fileContent;
}

/** Writes a file to cloud storage and returns its file ID. */
export async function uploadFile(cloudPath: string, content: Buffer): Promise<string> {
  const res = (await getCloud().uploadFile({ cloudPath, fileContent: content })) as { fileID: string };
  return res.fileID;
}

/**
 * A fresh path for a file a function writes (an export, an error report): never one already used, in
 * the job's folder; `label` ends the name so a downloaded file says what it is (`…-errors.csv`).
 */
export function serverFilePath(kind: ServerKind, jobId: string, ext: string, label?: string, at: Date = new Date()): string {
  return storagePath(kind, jobId, ext, label ? `${randomUUID()}-${label}` : randomUUID(), at);
}

/** A temporary download link (CloudBase signs it; default 2 hours). Call only after checking scope. */
export async function tempUrl(fileID: string, maxAge = 7200): Promise<string | null> {
  return (await tempUrls([fileID], maxAge)).get(fileID) ?? null;
}

/** Temporary links for many files (null for a file that is gone). Call only after checking scope. */
export async function tempUrls(fileIDs: readonly string[], maxAge = 7200): Promise<Map<string, string | null>> {
  const age = Math.min(Math.max(1, Math.floor(maxAge)), MAX_LINK_AGE_S);
  const out = new Map<string, string | null>();
  const unique = [...new Set(fileIDs)];
  for (let i = 0; i < unique.length; i += MAX_LINKS_PER_CALL) {
    const batch = unique.slice(i, i + MAX_LINKS_PER_CALL);
    const res = (await getCloud().getTempFileURL({ fileList: batch.map((fileID) => ({ fileID, maxAge: age })) })) as {
      fileList?: { fileID: string; tempFileURL?: string; status?: number }[];
    };
    for (const f of res.fileList ?? []) out.set(f.fileID, f.status === 0 && f.tempFileURL ? f.tempFileURL : null);
  }
  for (const id of unique) if (!out.has(id)) out.set(id, null);
  return out;
}

/**
 * Refuses file ids a record may not take: each one new to the record must be the caller's own upload
 * into one of `kinds` (`<kind>/<yyyy-mm>/<staffId>/<uuid>.<ext>`). Links are issued for any file a record
 * in scope holds, so without this a caller could attach a file id seen elsewhere and read it through a
 * record of their own.
 */
export function assertOwnUploads(
  files: readonly { field: string; fileId: string }[],
  staffId: string,
  kinds: readonly string[],
  alreadyHeld: ReadonlySet<string> = new Set(),
): void {
  for (const { field, fileId } of files) {
    if (alreadyHeld.has(fileId) || isOwnUpload(fileId, staffId, kinds)) continue;
    throw fieldError(field, '只能使用本人刚上传的文件', 'FILE.NOT_OWN');
  }
}

/** A file a record is given: the field holding its id and, for a stamped photo, the stamp and its field. */
export interface GivenFile {
  field: string;
  fileId: string;
  stamp?: { field: string; value: PhotoStamp };
}

/**
 * Checks each file new to a record (filing, correction, visit submit): the caller's own upload
 * (FILE.NOT_OWN), its stamp's staff, time and place fitting the record's window (PHOTO.STAMP_*, naming
 * the stamp's field), and the file present in storage (FILE.MISSING; getTempFileURL answers a missing
 * file with a non-zero status and no link). Cheap checks first; storage is asked once for all files.
 */
export async function assertGivenFiles(files: readonly GivenFile[], window: StampWindow, kinds: readonly string[], alreadyHeld: ReadonlySet<string> = new Set()): Promise<void> {
  const fresh = files.filter((f) => !alreadyHeld.has(f.fileId));
  if (fresh.length === 0) return;
  assertOwnUploads(fresh, window.staffId, kinds);
  for (const f of fresh) {
    const problem = f.stamp && stampProblem(f.stamp.value, window);
    if (problem) throw fieldError(`${f.stamp!.field}.${problem.key}`, problem.message, problem.reason);
  }
  const links = await tempUrls(fresh.map((f) => f.fileId), 60);
  for (const f of fresh) if (!links.get(f.fileId)) throw fieldError(f.field, '文件不存在，请重新上传照片', 'FILE.MISSING');
}
