import { STORAGE_KEYS } from '../config';
import { submitVisit, type SubmitVisit } from '../api/visit.api';
import { uploadFile } from '../api/transport';
import type { Me } from '../api/user.api';
import { describeError, fieldErrors, ServiceError } from '../utils/errors';
import { newId } from '../utils/format';
import { storagePath } from '../vendor/shared';
import { OfflineQueue, type QueueItem, type QueueKind } from './visit-queue';
import { createMerchant } from '../api/merchant.api';

let queue: OfflineQueue | null = null;
let online = true;

function keepFile(tempPath: string, name: string, kind: QueueKind): Promise<string> {
  const fs = wx.getFileSystemManager();
  const dir = `${wx.env.USER_DATA_PATH}/${kind}-photos`;
  return new Promise((resolve, reject) => {
    fs.mkdir({
      dirPath: dir,
      recursive: true,
      complete: () => {
        const filePath = `${dir}/${name}.jpg`;
        // copyFile, not saveFile: the temporary file stays usable for the form's preview.
        fs.copyFile({ srcPath: tempPath, destPath: filePath, success: () => resolve(filePath), fail: (e) => reject(new Error(e.errMsg)) });
      },
    });
  });
}

/** The app's one offline queue (visits and filings), bound to wx storage, files, network and the services. */
export function getOfflineQueue(): OfflineQueue {
  if (queue) return queue;
  queue = new OfflineQueue({
    load: () => (wx.getStorageSync(STORAGE_KEYS.visitQueue) as QueueItem[] | '') || [],
    save: (items) => wx.setStorageSync(STORAGE_KEYS.visitQueue, items),
    keepFile,
    removeFile: (path) =>
      new Promise((resolve) => wx.getFileSystemManager().unlink({ filePath: path, complete: () => resolve() })),
    // Each photo under a path of its own, in the signed-in user's folder (the server accepts only those);
    // the queue keeps the file id once uploaded, so a retry never uploads the photo again.
    uploadPhoto: (localPath, _recordId, _index, staffId, uploadKind) => {
      const profile = wx.getStorageSync(STORAGE_KEYS.profile) as Me | '';
      const owner = staffId ?? (profile ? profile.staffId : undefined);
      if (!owner) return Promise.reject(new Error('profile not loaded yet'));
      return uploadFile(localPath, storagePath(uploadKind, owner, 'jpg', newId()));
    },
    submit: (record, kind) => (kind === 'filing' ? sendFiling(record) : submitVisit(record as SubmitVisit)),
    classify: (err) => ({ isRetryable: !(err instanceof ServiceError) || err.isRetryable, message: describeError(err), fields: err instanceof ServiceError ? fieldErrors(err) : undefined }),
    isOnline: () => online,
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as number),
  });
  const q = queue;
  wx.getNetworkType({
    success: (res) => {
      online = res.networkType !== 'none';
      q.onNetworkChange(online);
    },
  });
  wx.onNetworkStatusChange((res) => {
    online = res.isConnected;
    q.onNetworkChange(online);
  });
  return q;
}

/** merchant.create for a queued filing; probable duplicates (nothing saved) are a refusal the user decides on. */
async function sendFiling(record: Record<string, unknown>): Promise<unknown> {
  const res = await createMerchant(record as Parameters<typeof createMerchant>[0]);
  if (!res.merchant && res.duplicates?.length) {
    throw new ServiceError({ code: 'CONFLICT', reason: 'MERCHANT.DUPLICATE', message: '发现疑似重复商户，请核对后选择', details: { duplicates: res.duplicates } });
  }
  return res;
}

/** The same queue under its first name, from when it held visits only. */
export const getVisitQueue = getOfflineQueue;

/** Forgets the queue instance (tests mount a fresh app). */
export function resetVisitQueue(): void {
  queue = null;
  online = true;
}
