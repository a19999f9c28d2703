/**
 * Where the mini program sends its calls. `cloud`: wx.cloud.callFunction in the CloudBase environment
 * `envId`. `local`: wx.request to the local gateway, the caller named by the X-WX-OPENID header (the
 * gateway accepts it only in local mode). Switch here before opening the project in DevTools.
 */
export interface AppConfig {
  mode: 'cloud' | 'local';
  envId: string;
  gatewayUrl: string;
  /**
   * Subscription message template ids by reminder (docs/operations.md "Subscription messages"): the ids
   * chosen in the mini program's console, the same as the functions' SUBSCRIBE_TEMPLATES.
   */
  subscribeTemplates: Record<'task-assigned' | 'task-due' | 'task-overdue' | 'daily-digest', string>;
}

export const config: AppConfig = {
  mode: 'local',
  envId: 'merchant-grid-prod',
  gatewayUrl: 'http://127.0.0.1:3000',
  subscribeTemplates: { 'task-assigned': 'local-task-assigned', 'task-due': 'local-task-due', 'task-overdue': 'local-task-overdue', 'daily-digest': 'local-daily-digest' },
};

/** Storage keys, in one place so nothing collides. */
export const STORAGE_KEYS = {
  localOpenid: 'grid.localOpenid',
  profile: 'grid.profile',
  visitQueue: 'grid.visitQueue.v1',
  privacyAgreed: 'grid.privacyAgreed',
  privacyPending: 'grid.privacyPending',
  formDraft: 'grid.merchantDraft',
  /** The grids in scope last fetched, for picking a grid when filing offline. */
  gridsInScope: 'grid.gridsInScope',
  /** The text size chosen on 我的: 'system' (default), 'standard' or 'large'. */
  textSize: 'grid.textSize',
} as const;
