import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from '../../server/bounds';
import { FUNCTION_ERR, FunctionCallError, FunctionNotFoundError, FUNCTION_NAME, LocalCloud } from '../runtime';
import { MAX_EVENT_BYTES } from '../runtime/limits';
import { contentTypeOf, StorageError } from '../storage';
import { parseMultipart } from './multipart';

/**
 * The local gateway: one HTTP server that stands in for what WeChat and CloudBase do in production.
 *   POST /functions/<name>          body = the event; answer = what the function returns (callFunction's `result`)
 *   POST /storage/upload            multipart (`cloudPath` + a file) or a raw body with `?cloudPath=`
 *   GET  /storage/download?fileID=  the file's bytes, if the storage rule lets this client read (`fileId` too)
 *   POST /storage/delete            `{ fileList: [fileID] }`
 *   POST /storage/temp-url          `{ fileList: [fileID | { fileID, maxAge }] }`, per the storage rule
 *   GET  /storage/tmp/<path>?t=&sign=  a signed, expiring temporary link (no caller needed)
 * The storage routes are the client's storage API: the storage rule of database/collections.json decides
 * each one, as CloudBase's does for wx.cloud calls (the declared rule lets clients read nothing directly;
 * functions hand out temporary links to callers whose scope covers the record).
 *   GET  /healthz
 * The caller's OPENID comes from the `X-WX-OPENID` header, accepted only in local mode.
 * A call the platform fails (timed out, too large) answers 504/413/502 with CloudBase's
 * `{ errCode, errMsg }`, what wx.cloud.callFunction rejects with, instead of an envelope.
 */

export type GatewayMode = 'local' | 'cloud';

/** One request log line; never bodies, headers or personal data. */
export interface RequestLog {
  time: string;
  method: string;
  path: string;
  fn?: string;
  action?: string;
  status: number;
  ms: number;
  /** database requests the function call made, and the longest chain of them made one after another */
  requests?: number;
  depth?: number;
}

/** A hook for extra routes (e.g. the browser preview's static files): return true when it answered. */
export type Mount = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface GatewayOptions {
  cloud: LocalCloud;
  mode?: GatewayMode;
  port?: number;
  host?: string;
  /** largest JSON body of a function call (default 1 MiB, `MAX_BODY_BYTES`; at most CloudBase's 6 MB event) */
  maxBodyBytes?: number;
  /** largest upload (default 20 MiB, `MAX_UPLOAD_BYTES`) */
  maxUploadBytes?: number;
  /** where log lines go (default: one JSON line each on stdout) */
  log?: (line: RequestLog | Record<string, unknown>) => void;
  mounts?: Mount[];
  /** base URL clients use to reach this gateway, for temporary storage links (default: the listen address) */
  publicUrl?: string;
}

export interface Gateway {
  server: Server;
  url: string;
  port: number;
  mode: GatewayMode;
  /** Adds a route hook (checked before the 404). */
  mount(hook: Mount): void;
  /** Marks the gateway busy (e.g. seeding on first start): calls get 503 and /healthz says why; null = ready. */
  setBusy(reason: string | null): void;
  /** Why calls are refused for now, or null. */
  busyReason(): string | null;
  /** Stops accepting, lets in-flight requests finish, then resolves (the cloud is closed by the caller). */
  close(): Promise<void>;
}

const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

/** An answer the gateway gives on its own behalf: an HTTP status and an error envelope. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the routes need to know of the gateway they serve. */
interface Routing {
  cloud: LocalCloud;
  mode: GatewayMode;
  maxBody: number;
  maxUpload: number;
}

/** Starts the gateway on `port` (0 = an ephemeral port) and resolves once it listens. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { cloud } = options;
  const gw = routingOf(options);
  const { mode } = gw;
  const log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const mounts: Mount[] = [...(options.mounts ?? [])];
  const started = Date.now();
  let inFlight = 0;
  let busy: string | null = null;
  let closing = false;
  let drained: (() => void) | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse, entry: RequestLog): Promise<void> => {
    setCors(res, mode);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      throw new HttpError(400, 'VALIDATION', 'path: not a valid URL');
    }
    entry.path = url.pathname.length > 200 ? `${url.pathname.slice(0, 200)}…` : url.pathname;
    if (req.method === 'OPTIONS') return send(res, 204);
    if (closing) res.setHeader('Connection', 'close');

    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, { ok: true, data: { status: closing ? 'stopping' : busy ? 'busy' : 'up', ...(busy ? { reason: busy } : {}), mode, uptimeS: Math.round((Date.now() - started) / 1000), functions: cloud.functionNames() } });
    }

    if (busy && (url.pathname.startsWith('/functions/') || url.pathname.startsWith('/storage/'))) {
      res.setHeader('Retry-After', '5');
      throw new HttpError(503, 'INTERNAL', `not ready yet: ${busy}`);
    }

    const fnMatch = /^\/functions\/([^/]+)$/.exec(url.pathname);
    if (fnMatch) return callFunctionRoute(gw, req, res, fnMatch[1], entry);
    if (url.pathname.startsWith('/storage/')) return storageRoute(gw, req, res, url);

    for (const hook of mounts) if (await hook(req, res, url)) return;
    throw new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${entry.path}`);
  };

  const server = createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    const entry: RequestLog = { time: new Date().toISOString(), method: req.method ?? '?', path: '', status: 0, ms: 0 };
    inFlight += 1;
    res.on('close', () => {
      entry.status = res.statusCode;
      entry.ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;
      log(entry);
      inFlight -= 1;
      if (closing && inFlight === 0 && drained) drained();
    });
    handle(req, res, entry).catch((err) => answerError(res, err, log));
  });
  // Slow or stuck clients must not hold the process: bound header and body time.
  server.headersTimeout = 15000;
  server.requestTimeout = 120000;

  const { port, url } = await listen(server, options.port ?? 3000, options.host);
  cloud.storage.publicBaseUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

  return {
    server,
    url,
    port,
    mode,
    mount: (hook) => void mounts.push(hook),
    setBusy: (reason) => void (busy = reason),
    busyReason: () => busy,
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeIdleConnections();
      await stopped;
    },
  };
}

/** The gateway's mode and body limits, from its options or the environment, checked against CloudBase's. */
function routingOf(options: GatewayOptions): Routing {
  const mode: GatewayMode = options.mode ?? (process.env.MODE === 'cloud' ? 'cloud' : 'local');
  const maxBody = options.maxBodyBytes ?? envNumber('MAX_BODY_BYTES', 1024 * 1024);
  if (maxBody > MAX_EVENT_BYTES) throw new Error(`MAX_BODY_BYTES must be at most ${MAX_EVENT_BYTES} (CloudBase's largest function event), not ${maxBody}`);
  const maxUpload = options.maxUploadBytes ?? envNumber('MAX_UPLOAD_BYTES', 20 * 1024 * 1024);
  return { cloud: options.cloud, mode, maxBody, maxUpload };
}

/** POST /functions/<name>: the event in, what the function returns out (or CloudBase's error of a failed call). */
async function callFunctionRoute(gw: Routing, req: IncomingMessage, res: ServerResponse, encodedName: string, entry: RequestLog): Promise<void> {
  requireMethod(req, 'POST');
  const fn = safeDecode(encodedName);
  entry.fn = fn.slice(0, 64);
  if (!FUNCTION_NAME.test(fn) || !gw.cloud.hasFunction(fn)) throw new HttpError(404, 'NOT_FOUND', `no function named "${fn.slice(0, 64)}"`);
  const openid = callerOf(req, gw.mode, false);
  const event = await readJsonObject(req, gw.maxBody);
  if (typeof event.action === 'string') entry.action = event.action.slice(0, 64);
  let result: unknown;
  try {
    const outcome = await gw.cloud.callDetailed(fn, event, { openid: openid ?? undefined });
    entry.requests = outcome.requests;
    entry.depth = outcome.depth;
    result = outcome.result;
  } catch (err) {
    if (err instanceof FunctionNotFoundError) throw new HttpError(404, 'NOT_FOUND', `no function named "${fn}"`);
    if (err instanceof FunctionCallError) {
      const status = err.errCode === FUNCTION_ERR.timedOut ? 504 : err.errCode === FUNCTION_ERR.requestFail ? 413 : 502;
      return sendJson(res, status, { errCode: err.errCode, errMsg: err.errMsg });
    }
    throw err;
  }
  return sendJson(res, 200, result);
}

/** The client's storage API under /storage/, each route decided by the storage rule. */
async function storageRoute(gw: Routing, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { storage } = gw.cloud;
  const route = url.pathname.slice('/storage/'.length);
  if (route.startsWith('tmp/')) {
    requireMethod(req, 'GET');
    const cloudPath = route.slice('tmp/'.length).split('/').map(safeDecode).join('/');
    const bytes = storage.readSigned(cloudPath, url.searchParams.get('t'), url.searchParams.get('sign'));
    return sendBytes(res, bytes, contentTypeOf(cloudPath));
  }
  if (route === 'download') {
    // A direct read by file ID is a client read: the storage rule decides (an <image src> sends no header,
    // so the caller is optional here and the rule sees auth = null).
    requireMethod(req, 'GET');
    const openid = callerOf(req, gw.mode, gw.mode === 'cloud');
    const fileID = url.searchParams.get('fileID') ?? url.searchParams.get('fileId');
    if (!fileID) throw new HttpError(400, 'VALIDATION', 'fileID: required');
    const bytes = storage.clientRead(fileID, openid);
    return sendBytes(res, bytes, contentTypeOf(storage.cloudPathOf(fileID)));
  }
  // Writes need the uploader's identity (only the uploader may replace or delete a file).
  const openid = callerOf(req, gw.mode, true) as string;
  switch (route) {
    case 'upload': {
      requireMethod(req, 'POST');
      const type = req.headers['content-type'] ?? '';
      const body = await readBody(req, gw.maxUpload);
      let cloudPath = url.searchParams.get('cloudPath') ?? url.searchParams.get('path');
      let content = body;
      if (/^multipart\/form-data/i.test(type)) {
        const parts = parseMultipart(body, type);
        if (!parts) throw new HttpError(400, 'VALIDATION', 'the multipart body is malformed');
        const file = parts.find((p) => p.filename !== undefined) ?? parts.find((p) => p.name === 'file');
        if (!file) throw new HttpError(400, 'VALIDATION', 'file: the multipart body has no file part');
        cloudPath = parts.find((p) => p.name === 'cloudPath' || p.name === 'path')?.data.toString('utf8') ?? cloudPath;
        content = file.data;
      }
      if (!cloudPath) throw new HttpError(400, 'VALIDATION', 'cloudPath: required');
      const fileID = storage.upload(cloudPath, content, openid);
      return sendJson(res, 200, { fileID, statusCode: 200, errMsg: 'uploadFile:ok' });
    }
    case 'delete': {
      requireMethod(req, 'POST');
      const fileList = fileListOf(await readJsonObject(req, gw.maxBody), 'string');
      const results = storage.delete(fileList as string[], openid);
      return sendJson(res, 200, {
        fileList: results.map((r) => ({ fileID: r.fileID, status: r.code === 'SUCCESS' ? 0 : STORAGE_STATUS[r.code], errMsg: r.code === 'SUCCESS' ? 'ok' : r.code })),
        errMsg: 'deleteFile:ok',
      });
    }
    case 'temp-url': {
      requireMethod(req, 'POST');
      const fileList = fileListOf(await readJsonObject(req, gw.maxBody), 'either');
      const wanted = fileList.map((f) => (typeof f === 'string' ? { fileID: f } : f));
      const results = storage.clientTempUrls(wanted, openid);
      return sendJson(res, 200, {
        fileList: results.map((r) => ({ fileID: r.fileID, tempFileURL: r.tempFileURL, maxAge: r.maxAge, status: r.code === 'SUCCESS' ? 0 : STORAGE_STATUS[r.code], errMsg: r.code === 'SUCCESS' ? 'ok' : r.code })),
        errMsg: 'getTempFileURL:ok',
      });
    }
    default:
      throw new HttpError(404, 'NOT_FOUND', `no storage route "${route.slice(0, 64)}"`);
  }
}

/** Listens on `port` and `host` (default 127.0.0.1); resolves with the port taken and the URL clients use. */
async function listen(server: Server, port: number, host: string | undefined): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const taken = (server.address() as AddressInfo).port;
  const shown = host && host !== '0.0.0.0' && host !== '::' ? host : '127.0.0.1';
  return { port: taken, url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${taken}` };
}

const STORAGE_STATUS: Record<string, number> = {
  STORAGE_FILE_NONEXIST: -503003,
  STORAGE_EXCEED_AUTHORITY: -503002,
  INVALID_PARAM: -501007,
};

function callerOf(req: IncomingMessage, mode: GatewayMode, required: boolean): string | null {
  const header = req.headers['x-wx-openid'];
  if (header !== undefined && mode === 'cloud') {
    // In cloud mode identity comes only from WeChat; a header claiming one is an impersonation attempt.
    throw new HttpError(403, 'FORBIDDEN', 'X-WX-OPENID is accepted only in local mode');
  }
  if (header === undefined) {
    if (required) throw new HttpError(mode === 'cloud' ? 403 : 401, mode === 'cloud' ? 'FORBIDDEN' : 'UNAUTHENTICATED', mode === 'cloud' ? 'storage endpoints serve local mode only' : 'X-WX-OPENID: required');
    return null;
  }
  if (Array.isArray(header) || !OPENID.test(header)) throw new HttpError(400, 'VALIDATION', 'X-WX-OPENID: must be 1–64 letters, digits, - or _');
  return header;
}

function fileListOf(body: Record<string, unknown>, kind: 'string' | 'either'): (string | { fileID: string; maxAge?: number })[] {
  const list = body.fileList;
  if (!Array.isArray(list) || list.length === 0 || list.length > 50) throw new HttpError(400, 'VALIDATION', 'fileList: must be an array of 1–50 file IDs');
  list.forEach((f, i) => {
    const isId = typeof f === 'string' && f.length > 0;
    const isObj = kind === 'either' && f && typeof f === 'object' && typeof f.fileID === 'string' && (f.maxAge === undefined || typeof f.maxAge === 'number');
    if (!isId && !isObj) throw new HttpError(400, 'VALIDATION', `fileList.${i}: must be a file ID${kind === 'either' ? ' or { fileID, maxAge }' : ''}`);
  });
  return list;
}

function requireMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new HttpError(405, 'VALIDATION', `use ${method}`);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, 'VALIDATION', `body: larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, 'VALIDATION', `body: larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  // Any declared type is read as JSON (curl -d sends form-urlencoded by default); only multipart is refused.
  const type = req.headers['content-type'];
  if (type && /^multipart\//i.test(type)) {
    req.resume();
    throw new HttpError(415, 'VALIDATION', 'body: send a JSON object');
  }
  const raw = await readBody(req, limit);
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'VALIDATION', 'body: not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'VALIDATION', 'body: must be a JSON object');
  if (nestsDeeperThan(value, MAX_EVENT_DEPTH)) throw new HttpError(400, 'VALIDATION', `body: nested deeper than ${MAX_EVENT_DEPTH} levels`);
  return value as Record<string, unknown>;
}

function setCors(res: ServerResponse, mode: GatewayMode): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', mode === 'local' ? 'Content-Type, X-WX-OPENID' : 'Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
}

function send(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendBytes(res: ServerResponse, bytes: Buffer, type: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'private, max-age=60', 'X-Content-Type-Options': 'nosniff' });
  res.end(bytes);
}

function answerError(res: ServerResponse, err: unknown, log: (line: Record<string, unknown>) => void): void {
  let status = 500;
  let code = 'INTERNAL';
  let message = 'the gateway failed; see its log';
  if (err instanceof HttpError) ({ status, code, message } = err);
  else if (err instanceof StorageError) {
    status = err.code === 'STORAGE_FILE_NONEXIST' ? 404 : err.code === 'INVALID_PARAM' ? 400 : 403;
    code = status === 404 ? 'NOT_FOUND' : status === 400 ? 'VALIDATION' : 'FORBIDDEN';
    message = err.message;
  } else {
    const e = err as Error;
    log({ time: new Date().toISOString(), level: 'error', error: e?.name, message: e?.message, stack: e?.stack });
  }
  if (res.headersSent) return void res.destroy();
  // The client may still be sending a body we refused; close the connection rather than read it.
  if (status === 413 || status === 415) res.setHeader('Connection', 'close');
  sendJson(res, status, { ok: false, error: { code, message, ...(err instanceof StorageError ? { reason: `STORAGE.${err.code}` } : {}) } });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'VALIDATION', 'path: bad percent-encoding');
  }
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
