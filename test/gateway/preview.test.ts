/**
 * The gateway's pages for people: the home page at `/` with the demo accounts, and the browser preview's
 * files under /preview/ (served from a folder, never outside it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../../local/gateway/server';
import { previewRoutes } from '../../local/preview';
import { makeDataDir, removeDataDir, useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud({ seed: 'minimal' });
let gateway: Gateway;
let previewDir: string;

beforeAll(async () => {
  previewDir = makeDataDir('mg-preview-');
  writeFileSync(join(previewDir, 'index.html'), '<!doctype html><title>preview</title>');
  writeFileSync(join(previewDir, 'runtime.js'), 'void 0;');
  mkdirSync(join(previewDir, 'mp'), { recursive: true });
  gateway = await startGateway({ cloud: local.cloud, port: 0, mode: 'local', log: () => undefined, mounts: [previewRoutes({ cloud: local.cloud, previewDir })] });
});
afterAll(async () => {
  await gateway?.close();
  removeDataDir(previewDir);
});

/** A GET with the path sent as written (fetch would resolve `..` itself). */
function rawGet(path: string): Promise<number> {
  const { port } = gateway;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

it('the home page names the platform, lists one demo account per role with its name, and links to the preview', async () => {
  const res = await fetch(`${gateway.url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await res.text();
  expect(html).toContain('商户网格数字化平台');
  const me = await local.call('user', { action: 'me' }, 'demo-member');
  expect(html).toContain(me.data.name);
  for (const openid of ['demo-hq', 'demo-branch', 'demo-leader', 'demo-member', 'demo-marketing', 'demo-maintenance']) expect(html).toContain(`/preview/?as=${openid}`);
  // No console is mounted on this gateway: the home page says so instead of linking to a 404.
  expect(html).not.toContain('href="/console/"');
});

it('serves the preview from its folder, with the demo accounts as JSON', async () => {
  const index = await fetch(`${gateway.url}/preview/?as=demo-member`);
  expect(index.status).toBe(200);
  expect(await index.text()).toContain('<title>preview</title>');
  expect((await fetch(`${gateway.url}/preview/runtime.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  const bare = await fetch(`${gateway.url}/preview`, { redirect: 'manual' });
  expect(bare.status).toBe(301);
  expect(bare.headers.get('location')).toBe('/preview/');
  const accounts = (await (await fetch(`${gateway.url}/preview/accounts.json`)).json()) as { role: string; label: string; openid: string }[];
  expect(accounts.map((a) => a.role)).toEqual(['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance']);
  expect(accounts.find((a) => a.role === 'leader')?.label).toBe('网格长');
});

it('answers 404 for what is not a file of the preview, and never reads outside its folder', async () => {
  expect((await fetch(`${gateway.url}/preview/missing.js`)).status).toBe(404);
  expect(await rawGet('/preview/../package.json')).toBe(404);
  expect(await rawGet('/preview/%2e%2e/%2e%2e/package.json')).toBe(404);
  // The mini program's folder gives images only (the tab icons), not its code or configuration.
  expect(await rawGet('/preview/mp/app.json')).toBe(404);
  expect((await fetch(`${gateway.url}/preview/index.html`, { method: 'POST' })).status).toBe(404);
});

it('while the first start writes the demo bank, the home page says so and refreshes itself', async () => {
  gateway.setBusy('seeding the demo bank');
  try {
    const html = await (await fetch(`${gateway.url}/`)).text();
    expect(html).toContain('正在写入演示数据（seeding the demo bank）');
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('/preview/?as=demo-member');
    expect(html).not.toContain('SEED=none');
  } finally {
    gateway.setBusy(null);
  }
  const html = await (await fetch(`${gateway.url}/`)).text();
  expect(html).not.toContain('正在写入演示数据');
  const me = await local.call('user', { action: 'me' }, 'demo-member');
  expect(html).toContain(me.data.name);
});
