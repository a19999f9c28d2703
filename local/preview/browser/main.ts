/**
 * The browser preview's entry: the mini program's own pages (compiled WXML from wxml.js, modules and
 * WXSS from pkg-*.js) run by miniprogram-simulate's component loader over j-component and exparser —
 * the runtime the page tests use — inside the phone shell, signed in as the demo account in `?as=`.
 */
import { registerBuiltins } from './builtins';
import { hasModule, jsonFor, loadPackage, onModuleLoaded, requireModule } from './loader';
import { Shell, type AppJson } from './shell';
import { createWx, type WxState } from './wx';
import { mountSide } from './side';
import { lookFromQuery, themed, withScheme } from './look';

const simulate = require('miniprogram-simulate');
const simUtils = require('miniprogram-simulate/src/utils');
const jUtils = require('j-component/src/tool/utils');
const jComponent = require('j-component');
const exparser = require('miniprogram-exparser');

interface Meta {
  app: AppJson;
  /** theme.json: the values of app.json's @-variables in each theme */
  theme: Record<'light' | 'dark', Record<string, string>>;
  tags: Record<string, string>;
  appCss: string;
  sizes: { name: string; root: string; bytes: number; limit: number }[];
}
const meta = (window as any).__mpMeta as Meta;
const gwx = (window as any).__mpGwx as (path: string) => unknown;
const t0 = performance.now();

// rpx in inline styles, at the phone's 375 px width (the WXSS was converted at build time).
const rpx = (s: string) => String(s).replace(/(-?\d*\.?\d+)rpx/gi, (_m: string, n: string) => `${Number(n) / 2}px`);
jUtils.transformRpx = rpx;
simUtils.transformRpx = rpx;

// The component loader reads JSON and templates from the packages instead of a file system.
simUtils.readFile = (file: string) => {
  if (file.endsWith('.json')) {
    const json = jsonFor(file.slice(0, -5));
    return json === null ? null : JSON.stringify(json);
  }
  if (file.endsWith('.wxml')) return gwx(file.replace(/^\//, ''));
  return null;
};
simUtils.readJson = (file: string) => {
  const text = simUtils.readFile(file);
  return text ? JSON.parse(text) : null;
};
// A component's module runs once (modules are cached, as in WeChat); its definition is replayed when
// another page loads the same component (the loader registers components per page).
const definitions = new Map<string, unknown>();
const definitionOf = (path: string) => definitions.get(path);
simUtils.runJs = (file: string) => {
  const path = `${file}.js`;
  if (definitions.has(path)) return (globalThis as any).Component(definitions.get(path));
  const real = (globalThis as any).Component;
  (globalThis as any).Component = (def: unknown) => {
    definitions.set(path, def);
    return real(def);
  };
  try {
    requireModule(path);
  } finally {
    (globalThis as any).Component = real;
  }
};

const params = new URLSearchParams(location.search);
const openid = /^[A-Za-z0-9_-]{1,64}$/.test(params.get('as') ?? '') ? params.get('as')! : 'demo-member';
const look = lookFromQuery(params, window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);
document.documentElement.dataset.theme = look.theme;
const state: WxState = { online: true, position: null, look };
/** app.json in the phone's theme (WeChat's dark mode: `darkmode` with theme.json). */
const app = themed(meta.app, meta.theme?.[look.theme] ?? {});
const side = mountSide(document.getElementById('side')!, { openid, meta, state, look });
const calls: string[] = [];
/** When things happened, in ms since the page began loading (for the browser test's figures). */
const timeline: { at: number; what: string; ms?: number }[] = [{ at: Math.round(t0), what: 'runtime' }];
state.onRequest = (r) => {
  const fn = r.url.split('/functions/')[1];
  if (fn) calls.push(`${fn}.${(r.data as any)?.action ?? ''}`);
  if (fn) timeline.push({ at: Math.round(performance.now()), what: `${fn}.${(r.data as any)?.action ?? ''}`, ms: Math.round(r.ms) });
  side.onRequest(r);
};

const loadedPages = new Map<string, string>();
/** Tab pages' component trees built ahead (created, not attached): each is used by the next switch to it. */
const built = new Map<string, any>();

/** Defines a page and the components it uses (their modules run once; templates and WXSS looked up). */
function definePage(route: string): string {
  let id = loadedPages.get(route);
  if (!id) {
    id = simulate.load(`/${route}`, meta.tags[route], { rootPath: '/' }) as string;
    loadedPages.set(route, id);
  }
  return id;
}

/** A page whose definition has a `created` lifetime is never built ahead: that code runs when opened. */
function hasCreated(route: string): boolean {
  const def = definitionOf(`/${route}.js`) as { created?: unknown; lifetimes?: { created?: unknown } } | undefined;
  return !def || !!(def.created ?? def.lifetimes?.created);
}

const shell = new Shell(document.getElementById('phone')!, app, {
  packageOf,
  preload: (name) => void loadPackage(name).catch(() => undefined),
  busy: () => (state.inFlight ?? 0) > 0,
  async prepare(route, tree) {
    await loadPackage(packageOf(route));
    const t1 = performance.now();
    const id = definePage(route);
    const t2 = performance.now();
    if (tree && !built.has(route) && !hasCreated(route)) built.set(route, simulate.render(id));
    timeline.push({ at: Math.round(performance.now()), what: `prepared ${route}: define ${Math.round(t2 - t1)} ms${built.has(route) ? `, build ${Math.round(performance.now() - t2)} ms` : ''}` });
  },
  async mount(route, into) {
    await loadPackage(packageOf(route));
    const t1 = performance.now();
    const id = definePage(route);
    const t2 = performance.now();
    const ahead = built.get(route);
    built.delete(route);
    const comp = ahead ?? simulate.render(id);
    const t3 = performance.now();
    into.classList.add('wxp-page');
    comp.attach(into);
    timeline.push({ at: Math.round(performance.now()), what: `mount ${route}: define ${Math.round(t2 - t1)} ms, ${ahead ? 'built ahead' : `render ${Math.round(t3 - t2)} ms`}, attach ${Math.round(performance.now() - t3)} ms` });
    return { comp, json: jsonFor(`/${route}`) ?? {} };
  },
});

function packageOf(route: string): string {
  const sub = (meta.app.subPackages ?? []).find((s) => route.startsWith(`${s.root.replace(/\/$/, '')}/`));
  return sub ? (sub.name ?? sub.root) : 'main';
}

const { wx, setOnline } = createWx(openid, shell, state);
side.onNetwork = setOnline;
(globalThis as any).wx = wx;
(globalThis as any).getCurrentPages = () => shell.currentPages();
let appInstance: any = { globalData: {} };
(globalThis as any).App = (def: any) => {
  appInstance = def;
};
(globalThis as any).getApp = () => appInstance;
(globalThis as any).Page = (def: any) => (globalThis as any).Component({ methods: def });

registerBuiltins(jComponent, { openPicker: (req) => shell.openPicker(req), position: () => state.position });

// Taps: exparser turns touches into taps on the page root; a mouse click is a tap too (not both).
let lastTouch = 0;
const phone = document.getElementById('phone')!;
phone.addEventListener('touchend', () => (lastTouch = performance.now()), { capture: true });
phone.addEventListener('click', (e) => {
  if (performance.now() - lastTouch < 800 || performance.now() < shell.suppressTapUntil) return;
  let node = e.target as any;
  while (node && !node.__wxElement) node = node.parentNode;
  if (!node) return;
  exparser.Event.dispatchEvent(
    node.__wxElement,
    exparser.Event.create('tap', { x: e.pageX, y: e.pageY }, { originalEvent: e, bubbles: true, capturePhase: true, composed: true, extraFields: { touches: [], changedTouches: [{ clientX: e.clientX, clientY: e.clientY, pageX: e.pageX, pageY: e.pageY }] } }),
  );
});

const style = document.createElement('style');
style.id = 'app-wxss';
style.textContent = withScheme(meta.appCss, look.theme);
document.head.appendChild(style);

/** On a first start the gateway writes the demo bank before it answers calls: wait, saying so. */
async function gatewayReady(): Promise<void> {
  let notice: HTMLElement | null = null;
  for (;;) {
    const health = await fetch('/healthz', { cache: 'no-store' }).then(
      (r) => r.json(),
      () => null,
    );
    if (health?.data?.status === 'up') break;
    if (!notice) {
      notice = document.createElement('div');
      notice.className = 'wxp-waiting';
      notice.setAttribute('role', 'status');
      phone.appendChild(notice);
    }
    notice.textContent = `网关还没准备好（${health?.data?.reason ?? '无法连接'}），准备好后小程序自动启动…`;
    await new Promise((r) => setTimeout(r, 2000));
  }
  notice?.remove();
}

async function launch(): Promise<void> {
  await Promise.all([loadPackage('main'), gatewayReady()]);
  timeline.push({ at: Math.round(performance.now()), what: 'main package' });
  // Local mode, as configured in miniprogram/config.ts, but calling the gateway this page came from.
  onModuleLoaded('/config.js', (exports) => {
    exports.config.mode = 'local';
    exports.config.gatewayUrl = location.origin;
  });
  wx.setStorageSync('grid.localOpenid', openid);
  if (hasModule('/app.js')) requireModule('/app.js');
  const launchOptions = { path: meta.app.pages[0], query: {}, scene: 1001 };
  if (typeof appInstance.onLaunch === 'function') appInstance.onLaunch.call(appInstance, launchOptions);
  if (typeof appInstance.onShow === 'function') appInstance.onShow.call(appInstance, launchOptions);
  const first = params.get('page') ?? meta.app.pages[0];
  const query = params.get('query') ?? '';
  const isTab = (meta.app.tabBar?.list ?? []).some((t) => t.pagePath === first);
  await shell.navigate(isTab ? 'switchTab' : 'reLaunch', `/${first}${query ? `?${query}` : ''}`);
  (window as any).__mpPreview.launchedMs = performance.now() - t0;
  timeline.push({ at: Math.round(performance.now()), what: 'first page mounted' });
  void side.loadPositions(wx);
}

(window as any).__mpPreview = { shell, state, wx, setOnline, calls, timeline, launchedMs: 0 };
launch().catch((err) => {
  console.error(err);
  phone.insertAdjacentHTML('beforeend', `<div class="wxp-fatal">预览启动失败：${String(err?.message ?? err)}</div>`);
});
