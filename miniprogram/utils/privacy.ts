/**
 * The privacy agreement flow (__usePrivacyCheck__): before location, camera or album are used, WeChat
 * asks through onNeedPrivacyAuthorization; the app's privacy popup answers with the user's choice.
 */
type Resolve = (r: { event: 'agree' | 'disagree'; buttonId?: string }) => void;

let pending: Resolve | null = null;
const listeners = new Set<(visible: boolean) => void>();
let installed = false;

/** Registers the app's handler once (app launch). */
export function installPrivacyHandler(): void {
  if (installed || typeof wx.onNeedPrivacyAuthorization !== 'function') return;
  installed = true;
  wx.onNeedPrivacyAuthorization((resolve) => {
    pending = resolve as unknown as Resolve;
    listeners.forEach((fn) => fn(true));
  });
}

/** The popup subscribes to show itself when WeChat needs the user's agreement. */
export function onPrivacyPrompt(fn: (visible: boolean) => void): () => void {
  listeners.add(fn);
  if (pending) fn(true);
  return () => listeners.delete(fn);
}

/** The popup's answer: agree lets the pending API call go ahead, disagree makes it fail. */
export function answerPrivacy(agree: boolean): void {
  const resolve = pending;
  pending = null;
  listeners.forEach((fn) => fn(false));
  resolve?.(agree ? { event: 'agree', buttonId: 'privacy-agree' } : { event: 'disagree' });
}

/** An API was refused because the user declined the privacy agreement. */
export class PrivacyRefused extends Error {
  constructor() {
    super('需要同意《隐私保护指引》才能使用位置、相机和聊天文件，可点击重试后同意。');
  }
}

/** Resolves once the user has agreed (asking now if needed); rejects with PrivacyRefused otherwise. */
export function ensurePrivacy(): Promise<void> {
  installPrivacyHandler();
  return new Promise((resolve, reject) => {
    if (typeof wx.requirePrivacyAuthorize !== 'function') return resolve();
    wx.requirePrivacyAuthorize({ success: () => resolve(), fail: () => reject(new PrivacyRefused()) });
  });
}

/** Forgets state between tests. */
export function resetPrivacy(): void {
  pending = null;
  listeners.clear();
  installed = false;
}
