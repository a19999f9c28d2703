import { createWriteStream, ReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { LocalStorage, StorageError } from './index';

/**
 * Routes the storage calls of CloudBase's server SDK to a LocalStorage, so that a function's own
 * `cloud.uploadFile / downloadFile / deleteFile / getTempFileURL` (wx-server-sdk) work unchanged.
 *
 * wx-server-sdk's storage provider calls four methods of @cloudbase/node-sdk's `CloudBase` instance
 * (`tcbInstance.uploadFile(...)` etc.) and maps their results to the documented wx shapes
 * (`{ fileID, statusCode }`, `{ fileList: [{ fileID, tempFileURL, status, errMsg, maxAge }] }`).
 * Replacing those four prototype methods is the narrowest cut: everything above it (argument checks,
 * error mapping, errMsg strings) is the real SDK's code. The replacements return what node-sdk returns
 * on success and CloudBase's codes (`STORAGE_FILE_NONEXIST`, `INVALID_PARAM`) on failure.
 * Not routed (they would try the network): node-sdk's copyFile, getFileInfo, getUploadMetadata and
 * getFileAuthority, which wx-server-sdk does not offer to functions.
 */

type Method = (this: unknown, params: any, opts?: unknown) => Promise<unknown>;
const METHODS = ['uploadFile', 'downloadFile', 'deleteFile', 'getTempFileURL'] as const;

let current: LocalStorage | null = null;
let gate: (() => boolean) | null = null;

/** A promise that never settles: what a request from a frozen or killed instance gets. */
const NEVER = new Promise<never>(() => undefined);

/**
 * Sets who decides whether a storage request may still reach the store (the runtime: not once the function
 * call that makes it has ended, answered or timed out, as a killed instance sends nothing more).
 */
export function setStorageGate(mayReach: (() => boolean) | null): void {
  gate = mayReach;
}

const reachable = (): boolean => !gate || gate();
let saved: Partial<Record<(typeof METHODS)[number], Method>> | null = null;

function nodeSdkPath(file: string): string {
  // Resolve node-sdk the way wx-server-sdk does, so we patch the very class it instantiates.
  const sdk = require.resolve('@cloudbase/node-sdk', { paths: [require.resolve('wx-server-sdk')] });
  return require.resolve(`@cloudbase/node-sdk/dist/${file}`, { paths: [sdk] });
}

function requestId(): string {
  return `local-${randomUUID()}`;
}

/** node-sdk's own error return: with throwOnCode (the default) it throws, wx-server-sdk sets it off. */
function sdkFailure(code: string, message: string): unknown {
  const utils = require(nodeSdkPath('utils/utils.js'));
  return utils.processReturn({ code, message, requestId: requestId() });
}

function active(): LocalStorage {
  if (!current) throw new Error('local storage is not installed');
  return current;
}

async function readContent(content: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content as Readable) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const local: Record<(typeof METHODS)[number], Method> = {
  async uploadFile({ cloudPath, fileContent }) {
    if (!(fileContent instanceof ReadStream) && !Buffer.isBuffer(fileContent)) {
      const utils = require(nodeSdkPath('utils/utils.js'));
      throw utils.E({ code: 'INVALID_PARAM', message: '[node-sdk] fileContent should be instance of fs.ReadStream or Buffer' });
    }
    if (!reachable()) return NEVER;
    try {
      const content = await readContent(fileContent);
      // The upload lands only if the instance still lives once its content has been sent.
      if (!reachable()) return NEVER;
      return { fileID: active().upload(cloudPath, content) };
    } catch (err) {
      if (err instanceof StorageError) return sdkFailure(err.code, err.message);
      throw err;
    }
  },

  async downloadFile({ fileID, tempFilePath }) {
    if (!reachable()) return NEVER;
    let content: Buffer;
    try {
      content = active().download(fileID);
    } catch (err) {
      if (err instanceof StorageError) return sdkFailure(err.code, err.message);
      throw err;
    }
    if (tempFilePath) {
      await pipeline(Readable.from([content]), createWriteStream(tempFilePath));
      return { fileContent: undefined, message: '文件下载完成' };
    }
    return { fileContent: content, message: '文件下载完成' };
  },

  async deleteFile({ fileList }) {
    if (!reachable()) return NEVER;
    if (!Array.isArray(fileList)) return sdkFailure('INVALID_PARAM', 'fileList必须是非空的数组');
    if (fileList.some((f) => !f || typeof f !== 'string')) return sdkFailure('INVALID_PARAM', 'fileList的元素必须是非空的字符串');
    return { fileList: active().delete(fileList), requestId: requestId() };
  },

  async getTempFileURL({ fileList }) {
    if (!reachable()) return NEVER;
    if (!Array.isArray(fileList)) return sdkFailure('INVALID_PARAM', 'fileList必须是非空的数组');
    const wanted: { fileID: string; maxAge?: number }[] = [];
    for (const file of fileList) {
      if (typeof file === 'string') wanted.push({ fileID: file });
      else if (file && typeof file === 'object' && 'fileID' in file && 'maxAge' in file) wanted.push({ fileID: file.fileID, maxAge: file.maxAge });
      else return sdkFailure('INVALID_PARAM', 'fileList 的元素如果是对象，必须是包含 fileID 和 maxAge 的对象');
    }
    return { fileList: active().tempUrls(wanted), requestId: requestId() };
  },
};

/** Sends every CloudBase SDK storage call in this process to `storage` (one storage at a time). */
export function installStorageRoute(storage: LocalStorage): void {
  const { CloudBase } = require(nodeSdkPath('cloudbase.js'));
  if (!saved) {
    saved = {};
    for (const name of METHODS) {
      saved[name] = CloudBase.prototype[name];
      CloudBase.prototype[name] = local[name];
    }
  }
  current = storage;
}

/** Gives the SDK back its real storage methods. */
export function uninstallStorageRoute(storage?: LocalStorage): void {
  if (storage && current !== storage) return;
  current = null;
  if (!saved) return;
  const { CloudBase } = require(nodeSdkPath('cloudbase.js'));
  for (const name of METHODS) CloudBase.prototype[name] = saved[name];
  saved = null;
}
