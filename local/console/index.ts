/**
 * The head-office console at /console/ (docs/console.md): its built files (build/console, made by
 * `npm run build:console`, which `npm start` runs) and the calls it makes, signed in by a session the
 * gateway issues, in place of CloudBase's web SDK and custom login:
 *   GET  /console/                 the console (index.html and its chunks)
 *   GET  /console/api/session      who the session is ({ signedIn: false } without one, with `ended`: the refusal
 *                                  when this request ended it), and whether the demo list is on
 *   POST /console/api/call/<fn>    the event in, the function's envelope out, called as the session's person
 *                                  (re-read on every call: one disabled, unbound or no longer of a console role
 *                                  since ends the session, 401 UNAUTHENTICATED or 403 CONSOLE.ROLE_NOT_ALLOWED)
 *                                  (without one, as the browser's anonymous login: a client cookie and its address);
 *                                  `user.pollConsoleTicket` answering a session opens it (an HttpOnly cookie)
 *   POST /console/api/upload?cloudPath=  the raw file, stored as the session's person's upload
 *   GET  /console/api/demo         the demo accounts that may use the console (local mode with the demo seeder only)
 *   POST /console/api/demo         `{ openid }`: signs in as that demo account (same places only)
 *   POST /console/api/signout      ends the session
 * Identity comes only from the session cookie the gateway set, never from a header or body the browser
 * writes (X-WX-OPENID is ignored here). A function answers a call without a session as it answers an
 * anonymous caller: UNAUTHENTICATED, except the sign-in ticket's public actions.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { consoleSessionEnd, mayUseConsole } from '../../shared/domain/console.rules';
import type { Role } from '../../shared/domain/roles';
import type { Mount } from '../gateway/server';
import { FUNCTION_NAME, FunctionCallError, type LocalCloud, type WebLogin } from '../runtime';
import { MAX_EVENT_BYTES } from '../runtime/limits';
import { fileIn } from '../preview';

const ROOT = path.resolve(__dirname, '..', '..');
export const CONSOLE_COOKIE = 'mg_console';
/** The browser's anonymous client id before sign-in (stands for CloudBase's anonymous login; counted by the ticket's rate limit). */
export const CLIENT_COOKIE = 'mg_console_client';
/** The demo sign-in's body (a small JSON). */
const MAX_BODY = 64 * 1024;
/**
 * A call's event: what the function itself may take, CloudBase's 6 MB synchronous event (MAX_EVENT_BYTES),
 * so the console sends what the mini program may (a staff spreadsheet in base64 among them).
 */
const MAX_CALL_BODY = MAX_EVENT_BYTES;
const MAX_UPLOAD = 20 * 1024 * 1024;
const ROLE_NOT_ALLOWED = '控制台仅供总行和支行人员使用，请在小程序里办理';

/**
 * The page's Content-Security-Policy: scripts only from the console's own files (no inline script, no
 * eval: zod runs jitless), calls and images from this origin (images also as data:/blob: URLs, the QR
 * codes), no plugins, no framing, no <base>. Styles allow inline ones: TDesign's dialogs write a style
 * element to lock the page's scroll.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleOptions {
  cloud: LocalCloud;
  mode: 'local' | 'cloud';
  /** the built console (default build/console) */
  consoleDir?: string;
  /** why the gateway refuses calls for now (the first start seeding), else null */
  busy?: () => string | null;
}

/** A signed-in console: whose calls it makes and until when. */
interface Session {
  openid: string;
  staffId: string;
  expiresAt: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

const refuse = (code: string, message: string) => ({ ok: false, error: { code, message } });

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/** The demo accounts the seed module names (none without one). */
function demoAccounts(cloud: LocalCloud): readonly { role: string; openid: string }[] {
  if (!cloud.seeder) return [];
  return (require(cloud.seeder) as { DEMO_ACCOUNTS?: readonly { role: string; openid: string }[] }).DEMO_ACCOUNTS ?? [];
}

/** The gateway mount serving the console and its session. */
export function consoleRoutes(options: ConsoleOptions): Mount {
  const { cloud, mode } = options;
  const dir = path.resolve(options.consoleDir ?? path.join(ROOT, 'build', 'console'));
  const sessions = new Map<string, Session>();
  const demoEnabled = () => mode === 'local' && demoAccounts(cloud).length > 0;
  // The seed module is large: loaded with the gateway, not by the first visitor's `session` request
  // (which every first screen waits for).
  if (mode === 'local') {
    try {
      demoAccounts(cloud);
    } catch {
      // a seed module that fails to load fails the requests that need it, as before
    }
  }

  const sessionOf = (req: IncomingMessage): { sid: string; session: Session } | null => {
    const sid = cookieOf(req, CONSOLE_COOKIE);
    const session = sid ? sessions.get(sid) : undefined;
    if (!sid || !session) return null;
    if (session.expiresAt <= Date.now()) {
      sessions.delete(sid);
      return null;
    }
    return { sid, session };
  };

  /** Opens a session and answers the cookie that carries it (HttpOnly: no script of the page can read it). */
  const open = (openid: string, staffId: string, expiresAt: number): string => {
    for (const [sid, s] of sessions) if (s.expiresAt <= Date.now()) sessions.delete(sid);
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { openid, staffId, expiresAt });
    const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    return `${CONSOLE_COOKIE}=${sid}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
  };
  const cleared = `${CONSOLE_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`;

  const call = async (fn: string, event: Record<string, unknown>, openid: string | undefined, web?: WebLogin): Promise<unknown> => {
    try {
      return (await cloud.callDetailed(fn, event, openid ? { openid } : { web })).result;
    } catch (err) {
      if (err instanceof FunctionCallError) return refuse('INTERNAL', `函数调用失败：${err.errMsg}`);
      throw err;
    }
  };

  /** The staff member's OPENID, for a session over a confirmed ticket (the gateway stands in for CloudBase auth). */
  const openidOfStaff = async (staffId: string): Promise<string | null> => {
    const res = await (cloud.database() as any).collection('staff').doc(staffId).get();
    const staff = Array.isArray(res.data) ? res.data[0] : res.data;
    return staff && staff.status === 'active' && typeof staff.openid === 'string' ? staff.openid : null;
  };

  /**
   * The session's person as they are now, checked on every call as CloudBase checks a custom login
   * (resolveCustomLoginCaller, server/caller.ts): a person disabled, unbound (or bound to another WeChat)
   * or moved to a role the console does not serve since the scan ends the session, with the same reason.
   */
  const stillAllowed = async (session: Session): Promise<{ status: number; body: unknown } | null> => {
    const res = await (cloud.database() as any).collection('staff').doc(session.staffId).get();
    const staff = (Array.isArray(res.data) ? res.data[0] : res.data) as { status?: string; openid?: string | null; role?: Role } | undefined;
    if (!staff || staff.status !== 'active') return { status: 401, body: { ok: false, error: { code: 'UNAUTHENTICATED', reason: 'USER.DISABLED', message: '账号已停用' } } };
    if (staff.openid !== session.openid) return { status: 401, body: { ok: false, error: { code: 'UNAUTHENTICATED', reason: 'USER.NOT_BOUND', message: '尚未绑定员工账号' } } };
    if (!staff.role || !mayUseConsole(staff.role)) return { status: 403, body: { ok: false, error: { code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED', message: ROLE_NOT_ALLOWED } } };
    return null;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, route: string, url: URL): Promise<void> => {
    // A state-changing request from another site is refused (the cookie is SameSite=Strict as well).
    const origin = req.headers.origin;
    if (req.method === 'POST' && origin && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) {
      return sendJson(res, 403, refuse('FORBIDDEN', 'cross-site request refused'));
    }
    const busy = options.busy?.();
    if (busy && route !== 'session') return sendJson(res, 503, refuse('INTERNAL', `not ready yet: ${busy}`), { 'Retry-After': '5' });
    const current = sessionOf(req);
    if (current && (route === 'upload' || route.startsWith('call/')) && req.method === 'POST') {
      const refused = await stillAllowed(current.session);
      if (refused) {
        sessions.delete(current.sid);
        return sendJson(res, refused.status, refused.body, { 'Set-Cookie': cleared });
      }
    }
    if (route === 'session' && req.method === 'GET') {
      if (!current) return sendJson(res, 200, { signedIn: false, demo: demoEnabled() });
      const refused = await stillAllowed(current.session);
      if (refused) {
        sessions.delete(current.sid);
        return sendJson(res, 200, { signedIn: false, demo: demoEnabled(), ended: (refused.body as { error: unknown }).error }, { 'Set-Cookie': cleared });
      }
      const me = (await call('user', { action: 'me' }, current.session.openid)) as { ok: boolean; data?: { role: Role } };
      if (!me.ok || !me.data || !mayUseConsole(me.data.role)) {
        sessions.delete(current.sid);
        return sendJson(res, 200, { signedIn: false, demo: demoEnabled(), me }, { 'Set-Cookie': cleared });
      }
      return sendJson(res, 200, { signedIn: true, demo: demoEnabled(), me: me.data, expiresAt: new Date(current.session.expiresAt).toISOString() });
    }
    if (route === 'signout' && req.method === 'POST') {
      if (current) sessions.delete(current.sid);
      return sendJson(res, 200, { ok: true, data: null }, { 'Set-Cookie': cleared });
    }
    if (route === 'demo' && req.method === 'GET') {
      if (!demoEnabled()) return sendJson(res, 200, { enabled: false, accounts: [] });
      const accounts = demoAccounts(cloud).filter((a) => mayUseConsole(a.role as Role));
      const list = await Promise.all(accounts.map(async (a) => ({ ...a, me: (await call('user', { action: 'me' }, a.openid)) as { ok: boolean; data?: { name: string; unit: { name: string } | null } } })));
      return sendJson(res, 200, { enabled: true, accounts: list.filter((a) => a.me.ok).map((a) => ({ openid: a.openid, role: a.role, name: a.me.data!.name, unit: a.me.data!.unit?.name ?? '' })) });
    }
    if (route === 'demo' && req.method === 'POST') {
      const body = await readBody(req, MAX_BODY);
      let openid: unknown;
      try {
        openid = JSON.parse(body?.toString('utf8') || '{}').openid;
      } catch {
        openid = null;
      }
      if (!demoEnabled() || !demoAccounts(cloud).some((a) => a.openid === openid)) return sendJson(res, 200, refuse('FORBIDDEN', '演示账号登录未开启'));
      const me = (await call('user', { action: 'me' }, openid as string)) as { ok: boolean; data?: { staffId: string; role: Role } };
      if (!me.ok || !me.data) return sendJson(res, 200, me);
      if (!mayUseConsole(me.data.role)) return sendJson(res, 200, { ok: false, error: { code: 'FORBIDDEN', reason: 'CONSOLE.ROLE_NOT_ALLOWED', message: ROLE_NOT_ALLOWED } });
      const cookie = open(openid as string, me.data.staffId, consoleSessionEnd(new Date()).getTime());
      return sendJson(res, 200, { ok: true, data: me.data }, { 'Set-Cookie': cookie });
    }
    if (route === 'upload' && req.method === 'POST') {
      if (!current) return sendJson(res, 401, refuse('UNAUTHENTICATED', '未登录'));
      const cloudPath = url.searchParams.get('cloudPath');
      if (!cloudPath) return sendJson(res, 400, refuse('VALIDATION', 'cloudPath: required'));
      const body = await readBody(req, MAX_UPLOAD);
      if (!body) return sendJson(res, 413, refuse('VALIDATION', `文件超过 ${MAX_UPLOAD / 1024 / 1024} MB`), { Connection: 'close' });
      try {
        return sendJson(res, 200, { fileID: cloud.storage.upload(cloudPath, body, current.session.openid) });
      } catch (err) {
        return sendJson(res, 400, refuse('VALIDATION', (err as Error).message));
      }
    }
    const fnMatch = /^call\/([^/]+)$/.exec(route);
    if (fnMatch && req.method === 'POST') {
      const fn = fnMatch[1];
      if (!FUNCTION_NAME.test(fn) || !cloud.hasFunction(fn)) return sendJson(res, 404, refuse('NOT_FOUND', `no function named "${fn.slice(0, 64)}"`));
      const body = await readBody(req, MAX_CALL_BODY);
      if (!body) return sendJson(res, 413, refuse('VALIDATION', `body: larger than a function's ${MAX_CALL_BODY / 1024 / 1024} MB event`), { Connection: 'close' });
      let event: unknown;
      try {
        event = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        return sendJson(res, 400, refuse('VALIDATION', 'body: not valid JSON'));
      }
      if (!event || typeof event !== 'object' || Array.isArray(event)) return sendJson(res, 400, refuse('VALIDATION', 'body: must be a JSON object'));
      // A sign-in is confirmed on a phone, never by a console (as on CloudBase, where the console's login has no OPENID).
      if (fn === 'user' && (event as { action?: unknown }).action === 'confirmConsoleTicket') {
        return sendJson(res, 200, { ok: false, error: { code: 'FORBIDDEN', reason: 'CONSOLE.SCAN_REQUIRED', message: '请用小程序扫码确认登录' } });
      }
      // Without a session the call is the browser's anonymous login, as on CloudBase (where the console signs
      // in anonymously before it has a person): its client id and address, which the ticket's rate limit counts.
      let client = cookieOf(req, CLIENT_COOKIE);
      const newClient = !current && !(client && /^[A-Za-z0-9_-]{22}$/.test(client));
      if (newClient) client = randomBytes(16).toString('base64url');
      const web: WebLogin | undefined = current ? undefined : { uid: `anon-${client}`, isAnonymous: true, sourceIp: req.socket.remoteAddress ?? '' };
      const clientCookie: Record<string, string> = newClient ? { 'Set-Cookie': `${CLIENT_COOKIE}=${client}; Path=/console; HttpOnly; SameSite=Strict` } : {};
      const result = (await call(fn, event as Record<string, unknown>, current?.session.openid, web)) as { ok: boolean; data?: any };
      // The poll that turns a confirmed ticket into a session: the gateway opens it, as CloudBase's
      // custom login would from the login ticket the function answers there.
      if (fn === 'user' && (event as { action?: unknown }).action === 'pollConsoleTicket' && result?.ok && result.data?.session && result.data.person) {
        const openid = await openidOfStaff(result.data.person.staffId);
        if (openid) {
          if (current) sessions.delete(current.sid);
          const cookie = open(openid, result.data.person.staffId, new Date(result.data.session.expiresAt).getTime());
          return sendJson(res, 200, result, { 'Set-Cookie': clientCookie['Set-Cookie'] ? [cookie, clientCookie['Set-Cookie']] : cookie });
        }
      }
      return sendJson(res, 200, result, clientCookie);
    }
    return sendJson(res, 404, refuse('NOT_FOUND', `no console route ${req.method} ${route.slice(0, 64)}`));
  };

  return async (req, res, url) => {
    const p = url.pathname;
    if (p === '/console') {
      res.writeHead(301, { Location: `/console/${url.search}` }).end();
      return true;
    }
    if (!p.startsWith('/console/')) return false;
    const rel = p.slice('/console/'.length);
    if (rel.startsWith('api/')) {
      await api(req, res, rel.slice(4), url);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const file = fileIn(dir, rel === '' ? 'index.html' : rel);
    if (!file) {
      if (rel !== '') return false;
      const text = 'The console is not built yet: run `npm run build:console` (npm start builds it).\n';
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
      return true;
    }
    const stat = fs.statSync(file);
    // Chunks carry their content hash in the name: cached for good; the page itself is revalidated.
    const hashed = /-[A-Z0-9]{8}\.(js|css)$/.test(file);
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(file.endsWith('.html') ? { 'Content-Security-Policy': CONSOLE_CSP, 'X-Frame-Options': 'DENY' } : {}),
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
    return true;
  };
}

