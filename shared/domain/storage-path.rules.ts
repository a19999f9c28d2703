/**
 * Where files live in cloud storage. Every upload gets a path of its own,
 * `<kind>/<yyyy-mm>/<owner>/<uuid>.<ext>`: a second staff member never writes over the first one's file
 * (CloudBase's storage rule lets only a file's creator overwrite it) and a re-upload never replaces the
 * picture behind an older file id. `owner` is the uploading staff member's id for files from the mini
 * program, the job's id for files the functions write. A file id names its path after the bucket:
 * `cloud://<envId>.<bucket>/<path>`.
 */
import { monthOf } from './period.rules';

/** Folders the mini program uploads into (photos of merchant files and visits, spreadsheets to import). */
export const UPLOAD_KINDS = ['merchants', 'visits', 'imports'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Folders only the functions write into. */
export const SERVER_KINDS = ['reports', 'import-errors', 'qrcodes'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** Photo folders: a photo on a merchant file or a visit comes from one of these. */
export const PHOTO_KINDS: readonly UploadKind[] = ['merchants', 'visits'];

const SEGMENT = /^[A-Za-z0-9_:-]{1,64}$/;
const EXT = /^[a-z0-9]{1,8}$/;

/** The month of `at` in China time (UTC+8, no daylight saving), as `yyyy-mm`. */
export function storageMonth(at: Date | number = Date.now()): string {
  return monthOf(new Date(at));
}

/** A fresh path for one file: `<kind>/<yyyy-mm>/<owner>/<uuid>.<ext>`. */
export function storagePath(kind: UploadKind | ServerKind, owner: string, ext: string, uuid: string, at: Date | number = Date.now()): string {
  if (!SEGMENT.test(owner)) throw new Error(`storage owner "${owner}" must be 1–64 letters, digits, _, : or -`);
  if (!SEGMENT.test(uuid)) throw new Error(`storage name "${uuid}" must be 1–64 letters, digits, _, : or -`);
  const e = ext.toLowerCase();
  if (!EXT.test(e)) throw new Error(`file extension "${ext}" must be 1–8 letters or digits`);
  return `${kind}/${storageMonth(at)}/${owner}/${uuid}.${e}`;
}

export interface StoredFile {
  /** the path inside the bucket */
  path: string;
  kind: string;
  month: string;
  owner: string;
}

/** The parts of a file id laid out by `storagePath`, or null for any other file id. */
export function parseFileId(fileId: string): StoredFile | null {
  const m = /^cloud:\/\/[^/\s]+\/([^\s]+)$/.exec(fileId);
  if (!m) return null;
  const parts = m[1].split('/');
  if (parts.length !== 4) return null;
  const [kind, month, owner, name] = parts;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month) || !SEGMENT.test(owner) || !/^[A-Za-z0-9_:-]{1,64}\.[a-z0-9]{1,8}$/.test(name)) return null;
  return { path: m[1], kind, month, owner };
}

/** Whether `fileId` is an upload by staff member `staffId` into one of `kinds`. */
export function isOwnUpload(fileId: string, staffId: string, kinds: readonly string[]): boolean {
  const f = parseFileId(fileId);
  return !!f && f.owner === staffId && kinds.includes(f.kind);
}
