/**
 * Where the mini program sends its calls. `cloud`: wx.cloud.callFunction in the CloudBase environment
 * `envId`. `local`: wx.request to the local gateway, the caller named by the X-WX-OPENID header (the
 * gateway accepts it only in local mode). Switch here before opening the project in DevTools.
 */
export interface AppConfig {
  mode: 'cloud' | 'local';
  envId: string;
  gatewayUrl: string;
}

export const config: AppConfig = {
  mode: 'local',
  envId: 'merchant-grid-prod',
  gatewayUrl: 'http://127.0.0.1:3000',
};

/** Storage keys, in one place so nothing collides. */
export const STORAGE_KEYS = {
  localOpenid: 'grid.localOpenid',
  profile: 'grid.profile',
  visitQueue: 'grid.visitQueue.v1',
  privacyAgreed: 'grid.privacyAgreed',
  privacyPending: 'grid.privacyPending',
  formDraft: 'grid.merchantDraft',
} as const;
