import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * wx-server-sdk's getWXContext() reads the caller from process.env (WX_OPENID and friends), as each
 * CloudBase instance serves one call at a time. The local runtime serves many calls in one process,
 * so each call's WeChat context lives in an AsyncLocalStorage and process.env answers from it.
 */
const store = new AsyncLocalStorage<Record<string, string>>();
let installed = false;

function installProxy(): void {
  if (installed) return;
  installed = true;
  const real = process.env;
  process.env = new Proxy(real, {
    get(target, key) {
      const ctx = store.getStore();
      if (ctx && typeof key === 'string' && Object.prototype.hasOwnProperty.call(ctx, key)) return ctx[key];
      return Reflect.get(target, key);
    },
    has(target, key) {
      const ctx = store.getStore();
      if (ctx && typeof key === 'string' && Object.prototype.hasOwnProperty.call(ctx, key)) return true;
      return Reflect.has(target, key);
    },
  });
}

export interface WxCaller {
  openid: string;
  appid?: string;
}

/**
 * Who invoked a function, as CloudBase tells it: `client` a mini program (SOURCE `wx_client`), `timer`
 * a timer trigger (SOURCE `wx_trigger`, and TRIGGER_SRC=timer, which node-sdk reads to pick the timer's
 * API token), `none` a call from no WeChat client. SOURCE values: Cloud.getWXContext() reference,
 * developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/utils/Cloud.getWXContext.html;
 * wx-server-sdk reads it from TCB_SOURCE, node-sdk's utils/wxCloudToken.ts reads TRIGGER_SRC.
 */
export type CallSource = 'client' | 'timer' | 'none';

/**
 * A call from a web page signed in to CloudBase (the console on CloudBase, through the web SDK): no OPENID;
 * its login's user id (`uid`, anonymous logins too), the custom-login user id of a custom login, and the
 * client's address. CloudBase hands them to the function as the context keys TCB_UUID, TCB_CUSTOM_USER_ID,
 * TCB_ISANONYMOUS_USER and TCB_SOURCE_IP, listed in TCB_CONTEXT_KEYS, which node-sdk reads
 * (`auth().getUserInfo()`, `auth().getClientIP()`; @cloudbase/node-sdk src/utils/tcbcontext.ts
 * getCloudbaseContext, src/auth/index.ts).
 */
export interface WebLogin {
  uid?: string;
  customUserId?: string;
  isAnonymous?: boolean;
  sourceIp?: string;
}

/**
 * Runs `fn` as a call from `caller`: inside it, cloud.getWXContext() returns that OPENID and the call's SOURCE.
 * `web` is a call from a web login instead (node-sdk's getUserInfo() answers it); every call sets those keys,
 * empty when not a web call, so an outer value never leaks in.
 */
export function runAsCaller<T>(caller: WxCaller | null, fn: () => T, source: CallSource = caller ? 'client' : 'none', web: WebLogin | null = null): T {
  installProxy();
  const ctx: Record<string, string> = caller
    ? { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: caller.openid, WX_APPID: caller.appid ?? 'wx-local' }
    : { WX_CONTEXT_KEYS: '' };
  ctx.TCB_CONTEXT_KEYS = web ? 'TCB_UUID,TCB_CUSTOM_USER_ID,TCB_ISANONYMOUS_USER,TCB_SOURCE_IP' : '';
  ctx.TCB_UUID = web?.uid ?? '';
  ctx.TCB_CUSTOM_USER_ID = web?.customUserId ?? '';
  ctx.TCB_ISANONYMOUS_USER = web ? String(web.isAnonymous ?? !web.customUserId) : '';
  ctx.TCB_SOURCE_IP = web?.sourceIp ?? '';
  // Set for every call, so an outer value never leaks into a call of another source.
  ctx.TCB_SOURCE = source === 'client' ? 'wx_client' : source === 'timer' ? 'wx_trigger' : '';
  ctx.TRIGGER_SRC = source === 'timer' ? 'timer' : '';
  return store.run(ctx, fn);
}
