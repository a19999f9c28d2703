/**
 * The gateway's pages for people (local mode only):
 *   GET /                        the home page: what the platform is, the demo accounts, the ways in
 *   GET /preview/?as=<openid>    the mini program in the browser (build/preview, `npm run build:preview`)
 *   GET /preview/accounts.json   the demo accounts with their names and units
 *   GET /preview/mp/<path>       the mini program's own images (tab icons), from build/miniprogram
 * Everything else under /preview/ is a file of build/preview/.
 */
import fs from 'node:fs';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { LocalCloud } from '../runtime';
import type { Mount } from '../gateway/server';
import { homePage, type HomeAccount } from './home';

const ROOT = path.resolve(__dirname, '..', '..');

export interface PreviewOptions {
  cloud: LocalCloud;
  /** the built preview (default build/preview) */
  previewDir?: string;
  /** the compiled mini program (default build/miniprogram) */
  miniprogramDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

const ROLE_LABELS: Record<string, string> = { hq: '总行', branch: '支行', leader: '网格长', member: '网格员', marketing: '营销助理', maintenance: '维护助理' };

/** The file under `dir` that `rel` names, or null when it would leave `dir` or is not a file. */
export function fileIn(dir: string, rel: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  const file = path.resolve(dir, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!file.startsWith(dir + path.sep)) return null;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

function sendFile(res: ServerResponse, file: string, head: boolean): void {
  const stat = fs.statSync(file);
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    // Rebuilt by `npm start` whenever the mini program changes: revalidate every time.
    'Cache-Control': 'no-cache',
    'Last-Modified': stat.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  });
  if (head) res.end();
  else fs.createReadStream(file).pipe(res);
}

function sendText(res: ServerResponse, status: number, type: string, text: string, head = false): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(head ? undefined : text);
}

/** The demo accounts, as the seed module the cloud was started with names them (none without one). */
function demoOpenids(cloud: LocalCloud): readonly { role: string; openid: string }[] {
  if (!cloud.seeder) return [];
  return (require(cloud.seeder) as { DEMO_ACCOUNTS: readonly { role: string; openid: string }[] }).DEMO_ACCOUNTS;
}

/** The demo accounts before the store can be read (the demo bank is still being written). */
function emptyAccounts(cloud: LocalCloud): HomeAccount[] {
  return demoOpenids(cloud).map(({ role, openid }) => ({ role, label: ROLE_LABELS[role] ?? role, openid, name: '', unit: '', bound: false }));
}

/** The demo staff (fixed openids), with their names and units from the store. */
async function demoAccounts(cloud: LocalCloud): Promise<HomeAccount[]> {
  const DEMO_ACCOUNTS = demoOpenids(cloud);
  const db: any = cloud.database();
  const openids = DEMO_ACCOUNTS.map((a) => a.openid);
  let staff: any[] = [];
  let units: any[] = [];
  try {
    staff = (await db.collection('staff').where({ openid: db.command.in(openids) }).limit(100).get()).data;
    const unitIds = [...new Set(staff.map((s) => s.unitId))];
    if (unitIds.length) units = (await db.collection('units').where({ _id: db.command.in(unitIds) }).limit(100).get()).data;
  } catch {
    // an empty store (SEED=none): the accounts are listed without names
  }
  return DEMO_ACCOUNTS.map(({ role, openid }) => {
    const s = staff.find((x) => x.openid === openid);
    return { role, label: ROLE_LABELS[role] ?? role, openid, name: s?.name ?? '', unit: units.find((u) => u._id === s?.unitId)?.name ?? '', bound: !!s };
  });
}

/** Asks this gateway for `path` (what another mount or the gateway itself answers). */
function askSelf(req: IncomingMessage, method: 'GET' | 'HEAD', path: string): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const probe = http.request({ host: req.socket.localAddress, port: req.socket.localPort, method, path, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body = (body + c).slice(0, 10_000)));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, body }));
    });
    probe.on('error', () => resolve(null));
    probe.on('timeout', () => (probe.destroy(), resolve(null)));
    probe.end();
  });
}

/** Whether this gateway serves a head-office console at /console/ (another mount may add one). */
async function probeConsole(req: IncomingMessage): Promise<boolean> {
  const res = await askSelf(req, 'HEAD', '/console/');
  return !!res && res.status < 400;
}

/** Why calls are refused for now (the first start seeding the demo bank), from /healthz; null when up. */
async function busyReason(req: IncomingMessage): Promise<string | null> {
  const res = await askSelf(req, 'GET', '/healthz');
  try {
    const data = JSON.parse(res?.body ?? '').data;
    return data?.status === 'busy' ? String(data.reason ?? 'starting') : null;
  } catch {
    return null;
  }
}

/** The routes, as a gateway mount. */
export function previewRoutes(options: PreviewOptions): Mount {
  const previewDir = path.resolve(options.previewDir ?? path.join(ROOT, 'build', 'preview'));
  const mpDir = path.resolve(options.miniprogramDir ?? path.join(ROOT, 'build', 'miniprogram'));
  let accounts: { at: number; list: Promise<HomeAccount[]> } | null = null;
  let consoleSeen: { at: number; has: Promise<boolean> } | null = null;
  const cachedAccounts = () => {
    if (!accounts || Date.now() - accounts.at > 10_000) accounts = { at: Date.now(), list: demoAccounts(options.cloud) };
    return accounts.list;
  };

  return async (req, res, url) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return false;
    const p = url.pathname;
    if (p === '/' || p === '/index.html') {
      if (!consoleSeen || Date.now() - consoleSeen.at > 5_000) consoleSeen = { at: Date.now(), has: probeConsole(req) };
      const busy = await busyReason(req);
      // While the demo bank is written its staff are not there yet: ask again once it is.
      if (busy) accounts = null;
      const [list, hasConsole] = await Promise.all([busy ? Promise.resolve(emptyAccounts(options.cloud)) : cachedAccounts(), consoleSeen.has]);
      sendText(res, 200, 'text/html; charset=utf-8', homePage({ accounts: list, hasConsole, previewBuilt: fs.existsSync(path.join(previewDir, 'index.html')), busy }), head);
      return true;
    }
    if (p === '/preview') {
      res.writeHead(301, { Location: `/preview/${url.search}` }).end();
      return true;
    }
    if (!p.startsWith('/preview/')) return false;
    const rel = p.slice('/preview/'.length);
    if (rel === 'accounts.json') {
      sendText(res, 200, 'application/json; charset=utf-8', JSON.stringify(await cachedAccounts()), head);
      return true;
    }
    if (rel.startsWith('mp/')) {
      const file = fileIn(mpDir, rel.slice(3));
      if (!file || !/\.(png|jpe?g|svg)$/.test(file)) return false;
      sendFile(res, file, head);
      return true;
    }
    const file = fileIn(previewDir, rel === '' ? 'index.html' : rel);
    if (!file) {
      if (rel !== '') return false;
      sendText(res, 503, 'text/plain; charset=utf-8', 'The preview is not built yet: run `npm run build:preview` (npm start builds it).\n', head);
      return true;
    }
    sendFile(res, file, head);
    return true;
  };
}
