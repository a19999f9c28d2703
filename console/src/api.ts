/**
 * The console's one client of the cloud functions, over the same contracts (shared/contracts) as the
 * mini program. Every screen calls `call(fn, action, data)` (or a typed wrapper below) and gets the
 * function's data, or a CallError carrying the envelope's code, reason and sentence.
 *
 * Locally the calls go to the gateway's `/console/api/call/<fn>`, which invokes the same function as the
 * person of the session cookie it set after the sign-in (HttpOnly: no script here can read or forge it).
 * On CloudBase (`<html data-mode="cloud" data-env="…">`, docs/console.md) they go through the web SDK
 * (`app.callFunction`), signed in by custom login with the ticket `user.pollConsoleTicket` answers.
 */
import type { Envelope, ErrorBody } from '../../shared/envelope';
import { errorSentence } from '../../shared/domain/labels';
import type { ConsoleTicketState, ConsoleTicketView, MeOutput } from '../../shared/contracts/user.contract';
import type { DashboardInput, DashboardView } from '../../shared/contracts/metrics.contract';
import type { ImportJobView, ImportKind, ImportMode } from '../../shared/contracts/import.contract';
import type { ExportJobView } from '../../shared/contracts/export.contract';

export type { MeOutput, DashboardView, ImportJobView, ExportJobView, ConsoleTicketState, ConsoleTicketView };

/** A failed call: the envelope's error, with a sentence for the person (labels.ts). */
export class CallError extends Error {
  readonly code: string;
  readonly reason?: string;
  readonly details?: ErrorBody['details'];
  constructor(body: Pick<ErrorBody, 'code' | 'message'> & Partial<ErrorBody>) {
    super(errorSentence(body));
    this.name = 'CallError';
    this.code = body.code;
    this.reason = body.reason;
    this.details = body.details;
  }
}

/** The sentence to show for anything a call threw (the console's one: screens use nothing else). */
export function errorText(err: unknown): string {
  if (err instanceof CallError) return err.message || '操作失败，请重试。';
  // fetch rejects with a TypeError when the network fails.
  if (err instanceof TypeError) return '网络连接失败，请检查网络后重试。';
  return '操作失败，请重试。';
}

const BASE = '/console/api';
const cloudMode = typeof document !== 'undefined' && document.documentElement.dataset.mode === 'cloud';

/** Listeners told when a call finds the session gone (expired, signed out elsewhere, person disabled, unbound or moved to another role), with the sentence to show. */
const signedOutListeners = new Set<(notice: string) => void>();
export function onSignedOut(listener: (notice: string) => void): () => void {
  signedOutListeners.add(listener);
  return () => void signedOutListeners.delete(listener);
}

/** Why the console is back at sign-in, for the refusal that ended its session. */
export function signedOutNotice(error: { code: string; reason?: string }): string {
  if (error.reason === 'USER.DISABLED') return '账号已停用，控制台已退出登录。';
  if (error.reason === 'USER.NOT_BOUND') return '账号已解除微信绑定，控制台已退出登录；重新绑定后再扫码登录。';
  if (error.reason === 'CONSOLE.ROLE_NOT_ALLOWED') return '你的角色已变更，控制台仅供总行和支行人员使用，已退出登录。';
  return '登录已过期或已退出，请重新扫码登录。';
}

/** Whether a refusal ends the console's session (the gateway or CloudBase no longer takes its login). */
function endsSession(error: { code: string; reason?: string }): boolean {
  return error.code === 'UNAUTHENTICATED' || error.reason === 'CONSOLE.ROLE_NOT_ALLOWED';
}

function signedOut(error: { code: string; reason?: string }): void {
  const notice = signedOutNotice(error);
  signedOutListeners.forEach((l) => l(notice));
}

/**
 * The CloudBase web SDK app, in cloud mode only: @cloudbase/js-sdk is a chunk of its own, imported on first need
 * (never in local mode; the cloud-mode page preloads it, scripts/build-console.ts).
 */
let cloudAppLoading: Promise<any> | null = null;
function cloudApp(): Promise<any> {
  cloudAppLoading ??= import('@cloudbase/js-sdk').then((m: any) => (m.default ?? m).init({ env: document.documentElement.dataset.env }));
  return cloudAppLoading;
}

/**
 * The web SDK calls functions only under a login: until the ticket's custom login, an anonymous one
 * (anonymous login enabled in the environment; cloudbase-js-sdk auth `getLoginState()`,
 * `anonymousAuthProvider().signIn()`). The function sees its uid, which the ticket's rate limit counts.
 */
async function cloudLoggedIn(): Promise<any> {
  const app = await cloudApp();
  if (!(await app.auth().getLoginState())) await app.auth().anonymousAuthProvider().signIn();
  return app;
}

async function post(path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(`${BASE}${path}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  } catch {
    throw new CallError({ code: 'NETWORK' as ErrorBody['code'], message: '网络连接失败，请检查网络后重试。' });
  }
}

/** Calls `action` of cloud function `fn` with `data` and answers its data (or throws a CallError). */
export async function call<T>(fn: string, action: string, data: object = {}): Promise<T> {
  const event = { ...data, action };
  let env: Envelope<T>;
  if (cloudMode) {
    env = (await (await cloudLoggedIn()).callFunction({ name: fn, data: event })).result as Envelope<T>;
  } else {
    const res = await post(`/call/${encodeURIComponent(fn)}`, event);
    env = (await res.json().catch(() => null)) as Envelope<T>;
    if (!env || typeof env !== 'object' || typeof (env as { ok?: unknown }).ok !== 'boolean') throw new CallError({ code: 'INTERNAL', message: `HTTP ${res.status}` });
  }
  if (env.ok) return env.data;
  if (endsSession(env.error) && !(fn === 'user' && action.endsWith('ConsoleTicket'))) signedOut(env.error);
  throw new CallError(env.error);
}

/* ── Session ─────────────────────────────────────────────────────────────────────────────── */

export interface SessionState {
  signedIn: boolean;
  /** whether the demo accounts may sign in from a list (local mode with the demo bank) */
  demo: boolean;
  me?: MeOutput;
  expiresAt?: string;
  /** the refusal that ended the session at this request (the person disabled, unbound or moved since) */
  ended?: Pick<ErrorBody, 'code' | 'message'> & { reason?: string };
}

/** Who the console is signed in as (never an error: signed out is an answer). */
export async function fetchSession(): Promise<SessionState> {
  if (cloudMode) {
    const app = await cloudApp();
    const state = await app.auth().getLoginState();
    if (!state) return { signedIn: false, demo: false };
    try {
      return { signedIn: true, demo: false, me: await call<MeOutput>('user', 'me') };
    } catch (err) {
      return { signedIn: false, demo: false, ended: err instanceof CallError && endsSession(err) ? { code: err.code as ErrorBody['code'], message: err.message, reason: err.reason } : undefined };
    }
  }
  const res = await fetch(`${BASE}/session`, { credentials: 'same-origin' });
  return (await res.json()) as SessionState;
}

/** Ends the session. */
export async function signOut(): Promise<void> {
  if (cloudMode) await (await cloudApp()).auth().signOut();
  else await post('/signout', {});
}

export interface DemoAccount {
  openid: string;
  role: string;
  name: string;
  unit: string;
}

/** The demo accounts that may use the console (empty unless the gateway has the demo list on). */
export async function fetchDemoAccounts(): Promise<DemoAccount[]> {
  if (cloudMode) return [];
  const res = await fetch(`${BASE}/demo`, { credentials: 'same-origin' });
  return ((await res.json()) as { accounts: DemoAccount[] }).accounts;
}

/** Signs in as a demo account (local mode with the demo list only). */
export async function signInDemo(openid: string): Promise<void> {
  const env = (await (await post('/demo', { openid })).json()) as Envelope<unknown>;
  if (!env.ok) throw new CallError(env.error);
}

/* ── Sign-in by the mini program ─────────────────────────────────────────────────────────── */

export const issueConsoleTicket = () => call<ConsoleTicketView>('user', 'issueConsoleTicket');
export const revokeConsoleTicket = (ticket: string) => call<ConsoleTicketState>('user', 'revokeConsoleTicket', { ticket });

/** Where the ticket stands; the answer that carries the session signs this console in (locally the gateway's cookie). */
export async function pollConsoleTicket(ticket: string): Promise<ConsoleTicketState> {
  const state = await call<ConsoleTicketState>('user', 'pollConsoleTicket', { ticket });
  // cloudbase-js-sdk packages/auth/src/providers/customAuthProvider.ts: `signIn(ticket)`.
  if (cloudMode && state.session?.loginTicket) await (await cloudApp()).auth().customAuthProvider().signIn(state.session.loginTicket);
  return state;
}

/* ── Files ───────────────────────────────────────────────────────────────────────────────── */

/** Uploads a file as the signed-in person to `cloudPath` (storagePath in shared/) and answers its file ID; `onProgress` gets 0..1. */
export function uploadFile(file: Blob, cloudPath: string, onProgress?: (share: number) => void): Promise<string> {
  if (cloudMode) {
    return cloudApp()
      .then((app) => app.uploadFile({ cloudPath, filePath: file, onUploadProgress: (e: { loaded: number; total: number }) => onProgress?.(e.total ? e.loaded / e.total : 0) })
      .then((r: { fileID: string }) => r.fileID));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/upload?cloudPath=${encodeURIComponent(cloudPath)}`);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => onProgress?.(e.total ? e.loaded / e.total : 0);
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as { fileID?: string; ok?: false; error?: ErrorBody };
        if (body.fileID) return resolve(body.fileID);
        if (body.error && endsSession(body.error)) signedOut(body.error);
        reject(new CallError(body.error ?? { code: 'INTERNAL', message: `HTTP ${xhr.status}` }));
      } catch {
        reject(new CallError({ code: 'INTERNAL', message: `HTTP ${xhr.status}` }));
      }
    };
    xhr.onerror = () => reject(new CallError({ code: 'NETWORK' as ErrorBody['code'], message: '网络连接失败，请检查网络后重试。' }));
    xhr.send(file);
  });
}

/* ── Typed wrappers ──────────────────────────────────────────────────────────────────────── */

export const fetchMe = () => call<MeOutput>('user', 'me');
export const fetchDashboard = (input: DashboardInput) => call<DashboardView>('metrics', 'dashboard', input);

export const startImport = (input: { jobId: string; kind: ImportKind; period: string; fileId: string; mode?: ImportMode }) => call<ImportJobView>('import', 'start', input);
export const continueImport = (jobId: string) => call<ImportJobView>('import', 'continue', { jobId });
export const discardImport = (jobId: string) => call<ImportJobView>('import', 'discard', { jobId });
export const fetchImports = (limit = 20) => call<{ items: ImportJobView[] }>('import', 'list', { limit });

export const startExport = (input: { jobId: string; unitId?: string; period: string }) => call<ExportJobView>('export', 'start', input);
export const fetchExport = (jobId: string) => call<ExportJobView>('export', 'get', { jobId });
export const fetchExports = (limit = 20) => call<{ items: ExportJobView[] }>('export', 'list', { limit });

/** A fresh id for a job the console starts (the function makes a retried start answer the same job). */
export function newId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}
