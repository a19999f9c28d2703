import { config, STORAGE_KEYS } from '../config';
import { ServiceError } from '../utils/errors';
import type { Envelope } from '../vendor/shared';

/** The caller's identity in local mode: a device-made id standing for this WeChat user's OPENID. */
export function getLocalOpenid(): string {
  let openid = wx.getStorageSync(STORAGE_KEYS.localOpenid) as string;
  if (!openid) {
    openid = `local-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    wx.setStorageSync(STORAGE_KEYS.localOpenid, openid);
  }
  return openid;
}

/** Acts as another local identity (the demo accounts `demo-hq`, `demo-member`…); local mode only. */
export function setLocalOpenid(openid: string): void {
  wx.setStorageSync(STORAGE_KEYS.localOpenid, openid);
}

function unwrap<T>(result: unknown): T {
  const env = result as Envelope<T> | undefined;
  if (!env || typeof env !== 'object' || typeof (env as { ok?: unknown }).ok !== 'boolean') {
    throw new ServiceError({ code: 'INTERNAL', message: 'unexpected answer' });
  }
  if (env.ok) return env.data;
  throw new ServiceError(env.error);
}

function callLocal(name: string, event: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.gatewayUrl}/functions/${name}`,
      method: 'POST',
      data: event,
      header: { 'content-type': 'application/json', 'X-WX-OPENID': getLocalOpenid() },
      timeout: 15000,
      success: (res) => {
        const body = res.data as { errCode?: unknown; errMsg?: unknown } | null;
        // A call the platform failed (timed out, too large) fails as wx.cloud.callFunction fails it.
        if (body && typeof body === 'object' && typeof body.errCode === 'number' && !('ok' in body)) {
          reject(new ServiceError({ code: 'NETWORK', message: `cloud.callFunction:fail Error: errCode: ${body.errCode} | errMsg: ${String(body.errMsg)}` }));
          return;
        }
        // The gateway answers bad requests (unknown function, non-JSON) with 4xx and an envelope body.
        if (res.data && typeof res.data === 'object') resolve(res.data);
        else reject(new ServiceError({ code: 'INTERNAL', message: `HTTP ${res.statusCode}` }));
      },
      fail: (err) => reject(new ServiceError({ code: 'NETWORK', message: err.errMsg })),
    });
  });
}

function callCloud(name: string, event: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.cloud.callFunction({
      name,
      data: event,
      success: (res) => resolve(res.result),
      fail: (err: { errMsg: string }) => reject(new ServiceError({ code: 'NETWORK', message: err.errMsg })),
    });
  });
}

/** Calls `action` of cloud function `name` and returns its data, or throws a ServiceError. */
export async function callAction<T>(name: string, action: string, input: object = {}): Promise<T> {
  const event = { ...input, action } as Record<string, unknown>;
  const raw = config.mode === 'cloud' ? await callCloud(name, event) : await callLocal(name, event);
  return unwrap<T>(raw);
}

/**
 * Uploads a local file to storage and returns its `cloud://` file ID. `cloudPath` must be new for every
 * upload (`storagePath` in shared/): the storage rule lets a user overwrite only files they created, and
 * a fresh path never replaces the picture behind an older file id.
 */
export function uploadFile(localPath: string, cloudPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (config.mode === 'cloud') {
      wx.cloud.uploadFile({
        cloudPath,
        filePath: localPath,
        success: (res) => resolve(res.fileID),
        fail: (err: { errMsg: string }) => reject(new ServiceError({ code: 'NETWORK', message: err.errMsg })),
      });
      return;
    }
    wx.uploadFile({
      url: `${config.gatewayUrl}/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`,
      filePath: localPath,
      name: 'file',
      header: { 'X-WX-OPENID': getLocalOpenid() },
      success: (res) => {
        try {
          const body = JSON.parse(res.data) as { fileID?: string; fileId?: string };
          const id = body.fileID ?? body.fileId;
          if (id) return resolve(id);
        } catch {
          // fall through to the error below
        }
        reject(new ServiceError({ code: 'INTERNAL', message: `upload HTTP ${res.statusCode}` }));
      },
      fail: (err) => reject(new ServiceError({ code: 'NETWORK', message: err.errMsg })),
    });
  });
}

// There is no client download: the storage rule lets clients read nothing directly. The function that
// holds a file's record (merchant.photoUrls, visit.photoUrls, export.get, import.get) checks scope and
// answers with a temporary link.
