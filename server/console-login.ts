import { createHash } from 'node:crypto';
import { AppError } from './errors';

/**
 * The console's sign-in on CloudBase, and how a function learns who calls it from the browser.
 *
 * A confirmed ticket is answered with a custom-login ticket for the person (node-sdk
 * `app.auth().createTicket(customUserId, { refresh, expire })`), which the console's web SDK turns into a
 * login (`app.auth().customAuthProvider().signIn(ticket)`); its calls then carry that login, and a function
 * reads the person back with node-sdk's `app.auth().getUserInfo()`: `{ openId, appId, uid, customUserId,
 * isAnonymous }`, taken from the call's context (TCB_CUSTOM_USER_ID, TCB_UUID, TCB_ISANONYMOUS_USER, listed
 * in TCB_CONTEXT_KEYS) and `getClientIP()` (TCB_SOURCE_IP). Sources: @cloudbase/node-sdk 3.17.2
 * src/auth/index.ts (getUserInfo, getClientIP, createTicket) and src/utils/tcbcontext.ts
 * (getCloudbaseContext); cloudbase-js-sdk packages/auth/src/providers/customAuthProvider.ts (signIn) and
 * anonymousAuthProvider.ts; docs.cloudbase.net/authentication/method/custom-login (customUserId: 4–32
 * characters of letters, digits and `_-#@(){}[]:.,<>+~`).
 *
 * Creating tickets needs the environment's custom-login private key (docs/console.md). Locally there is no
 * CloudBase auth: the gateway issues the session itself and calls as the person's OPENID, so the login
 * ticket is null; the local runtime still hands a function the same context keys for a custom-login call
 * (local/runtime/wx-context.ts), which is how the resolution below is tested.
 */

/** CloudBase runs functions on SCF, which sets TENCENTCLOUD_RUNENV=SCF in every function's environment. */
function onCloudBase(): boolean {
  return process.env.TENCENTCLOUD_RUNENV === 'SCF';
}

/**
 * The custom-login user id of a staff member: `st_` and 24 characters of the SHA-256 of the staff id
 * (144 bits; 27 characters, inside CloudBase's 4–32). Staff ids may be longer than 32 characters (imported
 * staff), so the id is not carried itself; the staff document keeps it as `consoleUserId` (written when a
 * login ticket is made, indexed) and the caller is found by it.
 */
export function customUserIdOf(staffId: string): string {
  return `st_${createHash('sha256').update(`console-login:${staffId}`).digest('base64url').slice(0, 24)}`;
}

interface NodeSdkAuth {
  getUserInfo(): { openId: string; appId: string; uid: string; customUserId: string; isAnonymous: boolean };
  getClientIP(): string;
  createTicket(uid: string, options?: { refresh?: number; expire?: number }): string;
}
interface NodeSdk {
  init(config: object): { auth(): NodeSdkAuth };
  SYMBOL_CURRENT_ENV: unknown;
}

let nodeAuth: NodeSdkAuth | null = null;

/**
 * node-sdk's auth client for the current environment, made once per instance. node-sdk is wx-server-sdk's
 * own dependency (same version); every function declares it (scripts/build-functions.ts keeps it external).
 */
function auth(): NodeSdkAuth {
  if (!nodeAuth) {
    const tcb = require('@cloudbase/node-sdk') as NodeSdk;
    nodeAuth = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).auth();
  }
  return nodeAuth;
}

/** Who a call without an OPENID comes from, as CloudBase's web login tells the function. */
export interface WebCaller {
  /** the custom-login user id ('' for an anonymous or no login) */
  customUserId: string;
  /** the CloudBase user id of the login (anonymous logins have one too; '' for none) */
  uid: string;
  isAnonymous: boolean;
  /** the client's address as CloudBase saw it ('' when not told) */
  sourceIp: string;
}

/** The web login of the current call (node-sdk `auth().getUserInfo()` and `getClientIP()`). */
export function webCaller(): WebCaller {
  const a = auth();
  const info = a.getUserInfo();
  return {
    customUserId: typeof info.customUserId === 'string' ? info.customUserId : '',
    uid: typeof info.uid === 'string' ? info.uid : '',
    isAnonymous: info.isAnonymous === true,
    sourceIp: a.getClientIP() || '',
  };
}

/** The environment variable holding the custom-login private key (the JSON file CloudBase's console downloads). */
export const CONSOLE_LOGIN_KEY_VAR = 'CONSOLE_LOGIN_KEY';

let ticketAuth: NodeSdkAuth | null = null;

/**
 * node-sdk signs tickets only with the key passed as `credentials` to `init` (`{ private_key_id,
 * private_key, env_id }`, createTicket reads `config.credentials`). The key is the `user` function's
 * variable CONSOLE_LOGIN_KEY, set once in the CloudBase console; the deploy keeps variables it did not set.
 */
function signingAuth(): NodeSdkAuth {
  if (ticketAuth) return ticketAuth;
  const raw = process.env[CONSOLE_LOGIN_KEY_VAR];
  let credentials: unknown = null;
  try {
    credentials = raw ? JSON.parse(raw) : null;
  } catch {
    credentials = null;
  }
  if (!credentials || typeof credentials !== 'object') {
    throw new AppError('INTERNAL', '控制台登录尚未配置：请在云开发控制台开启自定义登录，并把私钥设为 user 函数的环境变量 CONSOLE_LOGIN_KEY');
  }
  const tcb = require('@cloudbase/node-sdk') as NodeSdk;
  return (ticketAuth = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV, credentials }).auth());
}

/** A custom-login ticket for `staffId` on CloudBase, refreshable until `sessionEnd`; null locally. */
export async function cloudLoginTicket(staffId: string, sessionEnd: Date, now: Date): Promise<string | null> {
  if (!onCloudBase()) return null;
  // `refresh`: how long the login may refresh its access token (ms); `expire`: when the login ends (epoch ms).
  return signingAuth().createTicket(customUserIdOf(staffId), { refresh: Math.max(60_000, sessionEnd.getTime() - now.getTime()), expire: sessionEnd.getTime() });
}
