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

/** Runs `fn` as a call from `caller`: inside it, cloud.getWXContext() returns that OPENID. */
export function runAsCaller<T>(caller: WxCaller | null, fn: () => T): T {
  installProxy();
  const ctx: Record<string, string> = caller
    ? { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: caller.openid, WX_APPID: caller.appid ?? 'wx-local' }
    : { WX_CONTEXT_KEYS: '' };
  return store.run(ctx, fn);
}
