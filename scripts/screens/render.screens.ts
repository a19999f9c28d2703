/**
 * @jest-environment jsdom
 *
 * Renders every screen with demo data for `npm run screenshots` (run by scripts/screenshots.ts with its own
 * jest config, never by `npm test`): the real pages mounted with miniprogram-simulate against the seeded
 * local cloud, serialised as standalone HTML (rpx at 375 px wide) into build/screens/<name>.html, and
 * again with the page's large text on (its own textStyle/largeText binding, 1.3×) into <name>.large.html.
 * Each HTML carries the dark scheme too (app.wxss's and theme.json's dark values under
 * prefers-color-scheme: dark): scripts/screenshots.ts photographs it a second time in dark mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { answerCalls, current, flush, mount, resetApp, simulate } from '../../test/miniprogram/harness';
import { SCREENS, type ScreenContext } from './screens';
import { LARGE_SCALE, textLook } from '../../miniprogram/utils/text-scale';

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'build', 'screens');
const DATA_DIR = process.env.SCREENSHOT_DATA_DIR ?? path.join(ROOT, 'build', 'screenshots-data');
const SEED = (process.env.SCREENSHOT_SEED ?? 'demo') as 'demo' | 'minimal';

// WeChat's rpx: 750 per screen width; the pictures are 375 px wide.
require('miniprogram-simulate/src/utils').transformRpx = (css: string) =>
  css.replace(/(-?\d*\.?\d+)rpx/gi, (_m: string, n: string) => `${Number(n) / 2}px`);

/** theme.json: the navigation bar's and the tab bar's colours in light and dark mode, as WeChat draws them. */
const THEME = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram', 'theme.json'), 'utf8')) as Record<'light' | 'dark', Record<string, string>>;
const chrome = (t: Record<string, string>) => `
html, body { background: ${t.background}; }
.nav { background: ${t.navBackground}; color: ${t.navTextStyle === 'white' ? '#fff' : '#000'}; }
.tabbar { background: ${t.tabBackground}; border-top-color: ${t.tabBorderStyle === 'white' ? '#eceef1' : '#2a2c30'}; }
.tabbar div { color: ${t.tabColor}; }
.tabbar div.on { color: ${t.tabSelectedColor}; }`;

const BASE_CSS = `
html, body { margin: 0; padding: 0; width: 375px; -webkit-font-smoothing: antialiased; }
body { font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', sans-serif; font-size: 14px; }
wx-view, wx-scroll-view, wx-swiper, wx-form, wx-picker, wx-map, wx-canvas, wx-textarea, wx-input, wx-button, parent-wrapper, wx-label { display: block; box-sizing: border-box; }
wx-text { display: inline; }
wx-scroll-view { overflow: hidden; }
wx-image { display: inline-block; background: linear-gradient(135deg, #c9d6f2, #9fb4e3); position: relative; overflow: hidden; }
wx-image::after { content: '门头照'; position: absolute; left: 0; right: 0; bottom: 0; font-size: 10px; color: #fff; background: rgba(0,0,0,.35); text-align: center; line-height: 16px; }
wx-input, wx-textarea { min-height: 20px; line-height: 20px; }
/* A native input is one line: its text or placeholder is clipped, and never widens its box. */
wx-input { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
wx-input[data-empty]::before, wx-textarea[data-empty]::before { content: attr(data-placeholder); color: #a0a5ad; }
wx-input::before, wx-textarea::before { content: attr(data-value); }
wx-button { text-align: center; line-height: 44px; border: none; border-radius: 6px; }
.nav { height: 44px; padding-top: 20px; text-align: center; font-size: 17px; line-height: 44px; font-weight: 600; position: relative; }
.nav .capsule { position: absolute; right: 8px; top: 27px; width: 87px; height: 30px; border-radius: 15px; border: 1px solid rgba(255,255,255,.5); box-sizing: border-box; }
.nav .back { position: absolute; left: 14px; top: 20px; font-size: 22px; font-weight: 400; }
.tabbar { height: 56px; border-top: 1px solid; display: flex; }
.tabbar div { flex: 1; text-align: center; font-size: 11px; padding-top: 6px; }
.tabbar div img { display: block; width: 24px; height: 24px; margin: 0 auto 2px; }
.tabbar div.on { font-weight: 600; }
${chrome(THEME.light)}
@media (prefers-color-scheme: dark) { ${chrome(THEME.dark)} }
parent-wrapper > wx-view { min-height: auto !important; }
`;

const TABS = [
  ['workbench', '工作台'],
  ['merchants', '商户'],
  ['dashboard', '看板'],
  ['mine', '我的'],
];

/** A tab's icon as app.json and theme.json declare it (the PNGs under miniprogram/assets/tabbar), light and dark, inlined. */
function tabIcon(tab: string, active: boolean): string {
  const key = `tab${tab[0].toUpperCase()}${tab.slice(1)}${active ? 'Active' : ''}`;
  const data = (mode: 'light' | 'dark') => `data:image/png;base64,${fs.readFileSync(path.join(ROOT, 'miniprogram', THEME[mode][key])).toString('base64')}`;
  return `<picture><source media="(prefers-color-scheme: dark)" srcset="${data('dark')}"><img src="${data('light')}" alt=""></picture>`;
}

/**
 * TDesign's icons are glyphs of a web font it loads from tdesign.gtimg.com: offline the picture would show
 * empty glyph boxes. The icons the pages use are drawn here as SVG instead (any other is left blank).
 */
const ICON_SVG: Record<string, string> = {
  search: '<circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M15.5 15.5 21 21" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  'close-circle-filled': '<circle cx="12" cy="12" r="10" fill="currentColor"/><path d="M8.5 8.5l7 7m0-7l-7 7" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>',
};
const ICON_CSS = `[class*="t-icon-base"]::before { content: none !important; }
[class*="t-icon-base"] { display: inline-flex; width: 1em; height: 1em; vertical-align: middle; }
[class*="t-icon-base"] svg { width: 100%; height: 100%; }
[class~="t-search--t-search"], [class*="t-search__input-box"] { min-width: 0; }`;

/** Each TDesign icon of the page as an inline SVG (its name is the `t-icon-<name>` class TDesign gives it). */
function drawIcons(root: any): void {
  root.querySelectorAll('[class*="t-icon-base"]').forEach((el: any) => {
    const name = /t-icon-(?!base\b)([a-z][\w-]*)/.exec(String(el.getAttribute('class') ?? ''))?.[1] ?? '';
    el.innerHTML = ICON_SVG[name] ? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${ICON_SVG[name]}</svg>` : '';
  });
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An ECharts option drawn to SVG with the full ECharts SSR renderer (the canvas has no pixels in jsdom). */
function chartSvg(option: unknown, width: number, height: number): string {
  const echarts = require('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'Noto Sans CJK SC' }, ...(option as object) });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

type MapPoint = { latitude: number; longitude: number };
interface MapMarker extends MapPoint {
  iconPath?: string;
  width?: number;
  height?: number;
  callout?: { content?: string; color?: string; display?: string };
  label?: { content?: string; color?: string; bgColor?: string };
}
interface MapData {
  markers?: MapMarker[];
  polygons?: { points: MapPoint[]; strokeColor?: string; fillColor?: string; strokeWidth?: number; zIndex?: number }[];
  polyline?: { points: MapPoint[]; color?: string; width?: number; dottedLine?: boolean }[];
  center?: { lat: number; lng: number };
}

/** A marker image of the mini program (`iconPath`, e.g. the class pins) as a data URI, read once. */
const icons = new Map<string, string>();
function iconData(iconPath: string): string | null {
  if (!icons.has(iconPath)) {
    const file = path.join(ROOT, 'miniprogram', iconPath.replace(/^\//, ''));
    icons.set(iconPath, fs.existsSync(file) ? `data:image/png;base64,${fs.readFileSync(file).toString('base64')}` : '');
  }
  return icons.get(iconPath) || null;
}

/**
 * The map component drawn as a street-map-like SVG the size of its box: the polygons (grid boundaries), the
 * polylines (a route, a boundary being drawn) and the markers (their `iconPath` image, else a pin in the
 * callout's colour; a label's number beside), framed on the markers, lines and the polygon in focus.
 */
function mapSvg(map: MapData, width: number, height: number): string {
  const markers = map.markers ?? [];
  const polygons = [...(map.polygons ?? [])].sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0));
  const lines = map.polyline ?? [];
  const strong = polygons.filter((p) => (p.zIndex ?? 0) > 1).flatMap((p) => p.points);
  let frame: MapPoint[] = [...markers, ...lines.flatMap((l) => l.points), ...strong];
  if (!frame.length) frame = polygons.flatMap((p) => p.points);
  if (!frame.length && map.center) frame = [{ latitude: map.center.lat, longitude: map.center.lng }];
  if (!frame.length) frame = [{ latitude: 0, longitude: 0 }];
  const lats = frame.map((p) => p.latitude);
  const lngs = frame.map((p) => p.longitude);
  const [minLat, maxLat, minLng, maxLng] = [Math.min(...lats), Math.max(...lats), Math.min(...lngs), Math.max(...lngs)];
  // One scale for both axes (a degree of longitude is cos(lat) of a degree of latitude), centred in the box.
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const pad = 36;
  const spanX = Math.max((maxLng - minLng) * k, 1e-4);
  const spanY = Math.max(maxLat - minLat, 1e-4);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const cx = (minLng + maxLng) / 2;
  const cy = (minLat + maxLat) / 2;
  const x = (lng: number) => width / 2 + (lng - cx) * k * scale;
  const y = (lat: number) => height / 2 - (lat - cy) * scale;
  const pts = (points: MapPoint[]) => points.map((p) => `${x(p.longitude).toFixed(1)},${y(p.latitude).toFixed(1)}`).join(' ');
  const roads = [0.22, 0.5, 0.78].map((f) => `<line x1="0" y1="${height * f}" x2="${width}" y2="${height * f + 18}" stroke="#fff" stroke-width="9"/><line x1="${width * f}" y1="0" x2="${width * f - 14}" y2="${height}" stroke="#fff" stroke-width="7"/>`).join('');
  const shapes = polygons
    .map((p) => `<polygon points="${pts(p.points)}" fill="${p.fillColor ?? '#0052d922'}" stroke="${p.strokeColor ?? '#0052d9'}" stroke-width="${p.strokeWidth ?? 2}" stroke-linejoin="round"/>`)
    .join('');
  const polylines = lines
    .map((l) => `<polyline points="${pts(l.points)}" fill="none" stroke="${l.color ?? '#0052d9'}" stroke-width="${l.width ?? 3}" stroke-linejoin="round" stroke-linecap="round"${l.dottedLine ? ' stroke-dasharray="6 6"' : ''}/>`)
    .join('');
  const pins = markers
    .map((m) => {
      const at = `translate(${x(m.longitude).toFixed(1)},${y(m.latitude).toFixed(1)})`;
      const w = m.width ?? 22;
      const h = m.height ?? 30;
      const icon = m.iconPath ? iconData(m.iconPath) : null;
      // WeChat anchors a marker's image at its bottom centre.
      const body = icon
        ? `<image href="${icon}" x="${-w / 2}" y="${-h}" width="${w}" height="${h}"/>`
        : m.label && !m.callout?.color && w === h
          ? `<circle r="${w / 2 - 2}" fill="#ffffff" stroke="${m.label.color ?? '#333'}" stroke-width="2"/>`
          : `<path d="M0,0 C-7,-10 -7,-18 0,-18 C7,-18 7,-10 0,0Z" fill="${m.callout?.color ?? '#0052d9'}" stroke="#fff" stroke-width="1.2"/><circle cy="-12" r="2.6" fill="#fff"/>`;
      const label = m.label?.content
        ? m.label.bgColor
          ? `<g transform="translate(0,${icon || w !== h ? -h - 10 : 0})"><circle r="9" fill="${m.label.bgColor}"/><text y="4" text-anchor="middle" font-size="11" fill="${m.label.color ?? '#fff'}">${escapeHtml(m.label.content)}</text></g>`
          : `<text y="${w === h ? 4 : -h - 4}" text-anchor="middle" font-size="11" font-weight="600" fill="${m.label.color ?? '#333'}">${escapeHtml(m.label.content)}</text>`
        : '';
      const callout = m.callout?.display === 'ALWAYS' && m.callout.content ? `<g transform="translate(0,${-h - 26})"><rect x="${-m.callout.content.length * 6 - 8}" y="-12" width="${m.callout.content.length * 12 + 16}" height="22" rx="6" fill="#fff" stroke="#dcdfe6"/><text y="4" text-anchor="middle" font-size="12" fill="#333">${escapeHtml(m.callout.content)}</text></g>` : '';
      return `<g transform="${at}">${body}${label}${callout}</g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#eef1e6"/><rect x="${width * 0.58}" y="${height * 0.05}" width="${width * 0.3}" height="${height * 0.12}" rx="6" fill="#cfe3c3"/><path d="M0,${height * 0.88} C${width * 0.3},${height * 0.8} ${width * 0.6},${height * 0.97} ${width},${height * 0.86}" stroke="#b7d3ee" stroke-width="14" fill="none"/>${roads}${shapes}${polylines}${pins}</svg>`;
}

/** The viewport the screenshots are taken in (scripts/screenshots.ts): what `vh` in a page's wxss is of. */
const VIEWPORT_HEIGHT = 812;

/** A map's box height in px, as its page's wxss sets it on the map's class (vh of the viewport, rpx at 375 px wide). */
function mapHeight(screen: { page: string }, cls: string): number {
  const wxss = path.join(ROOT, 'miniprogram', `${screen.page}.wxss`);
  const css = fs.existsSync(wxss) ? fs.readFileSync(wxss, 'utf8') : '';
  for (const c of cls.split(/\s+/).filter(Boolean)) {
    const rule = new RegExp(`\\.${c.replace(/^[\w-]+--/, '')}\\s*\\{([^}]*)\\}`).exec(css)?.[1] ?? '';
    const m = /(?:^|;|\s)height:\s*(\d+(?:\.\d+)?)(vh|rpx|px)/.exec(rule);
    if (m) return Math.round(m[2] === 'vh' ? (Number(m[1]) * VIEWPORT_HEIGHT) / 100 : m[2] === 'rpx' ? Number(m[1]) / 2 : Number(m[1]));
  }
  return 300;
}

/** Serialises the mounted page to standalone HTML: its DOM, the inserted wxss, charts and map as SVG. */
function toHtml(page: any, screen: (typeof SCREENS)[number], preview: { urls: string[]; current?: string } | null = null): string {
  // jsdom's DOM (the root tsconfig has no DOM types).
  const doc = (globalThis as any).document;
  const root: any = page.comp.dom.cloneNode(true);
  const data = page.data;
  // simulate keeps no value/placeholder on native inputs: take the value from the page data the input is
  // bound to, the placeholder from the page's WXML source (matched by class).
  const source = fs.readFileSync(path.join(ROOT, 'miniprogram', `${screen.page}.wxml`), 'utf8');
  const sourceInputs = Array.from(source.matchAll(/<(?:input|textarea)\b[^>]*>/g)).map((m) => ({
    cls: /class="([^"{]*)/.exec(m[0])?.[1].trim() ?? '',
    placeholder: /placeholder="([^"{]*)"/.exec(m[0])?.[1] ?? '',
  }));
  // A TDesign search box keeps its input inside the component: its value is the page data bound to the
  // box's `value` (`value="{{q}}"`), its placeholder the box's.
  const searchBox = /<t-search\b[^>]*>/.exec(source)?.[0] ?? '';
  const searchValueKey = /value="\{\{\s*([\w.]+)\s*\}\}"/.exec(searchBox)?.[1] ?? '';
  const searchPlaceholder = /placeholder="([^"{]*)"/.exec(searchBox)?.[1] ?? '';
  // simulate drops the component's host element, and with it the page's class on it (`class="search"`, its
  // flex share of the toolbar): the class goes onto the component's root, prefixed as the page's classes are.
  const searchClass = /\sclass="([^"{]*)"/.exec(searchBox)?.[1].trim() ?? '';
  root.querySelectorAll('[class~="t-search--t-search"]').forEach((el: any) => {
    const prefix = /(?:^|\s)([\w-]+)--/.exec(String(el.parentElement?.getAttribute('class') ?? ''))?.[1];
    if (prefix && searchClass) el.setAttribute('class', `${el.getAttribute('class')} ${searchClass.split(/\s+/).map((c) => `${prefix}--${c}`).join(' ')}`);
  });
  root.querySelectorAll('wx-input, wx-textarea').forEach((el: any) => {
    const cls = String(el.getAttribute('class') ?? '').split(/\s+/).map((c: string) => c.replace(/^[\w-]+--/, '')).join(' ');
    if (/\bt-search--/.test(String(el.getAttribute('class') ?? ''))) {
      const value = searchValueKey.split('.').reduce<any>((o, k) => o?.[k], data) ?? '';
      el.setAttribute('data-value', String(value));
      el.setAttribute('data-placeholder', searchPlaceholder);
      if (!value) el.setAttribute('data-empty', '');
      else el.removeAttribute('data-empty');
      return;
    }
    const field = el.getAttribute('data-field');
    const key = el.getAttribute('data-key');
    const index = el.getAttribute('data-index');
    let value: unknown = '';
    if (field) value = data.form?.[field];
    else if (key) value = data.values?.[key.replace(/\./g, '_')];
    else if (index !== null && data.checks) value = data.checks[Number(index)]?.note;
    else if (cls.includes('code')) value = data.code;
    else if (cls.includes('area')) value = data.note;
    const placeholder = sourceInputs.find((s) => s.cls === cls)?.placeholder ?? '';
    el.setAttribute('data-value', String(value ?? ''));
    el.setAttribute('data-placeholder', placeholder);
    if (!value) el.setAttribute('data-empty', '');
  });
  drawIcons(root);
  // The canvases in page order: the trend page's two charts, or the workload page's one.
  const options = [data.trendOption, data.visitOption, data.option].filter((o) => o && Object.keys(o).length);
  root.querySelectorAll('wx-canvas').forEach((el: any, i: number) => {
    const height = Number(/height:\s*(\d+)/.exec(el.getAttribute('style') ?? '')?.[1] ?? 240);
    const option = options[i];
    if (option && Object.keys(option as object).length) el.innerHTML = chartSvg(option, 343, height);
  });
  root.querySelectorAll('wx-map').forEach((el: any) => {
    // The drawing fills the map's box (its wxss height, fixed in px so the picture is the size of the screen's).
    const height = mapHeight(screen, String(el.getAttribute('class') ?? ''));
    el.setAttribute('style', `${el.getAttribute('style') ?? ''};height:${height}px`);
    el.innerHTML = mapSvg({ markers: data.markers, polygons: data.polygons, polyline: data.polyline, center: data.center }, 375, height);
  });
  const styles = Array.from(doc.querySelectorAll('style') as ArrayLike<{ innerHTML: string }>).map((s) => s.innerHTML).join('\n');
  const appCss = fs.readFileSync(path.join(ROOT, 'miniprogram', 'app.wxss'), 'utf8').replace(/(-?\d*\.?\d+)rpx/g, (_m, n) => `${Number(n) / 2}px`).replace(/(^|[\s{}])page(\s*\{)/g, '$1body$2');
  const isSub = !screen.tab && !screen.page.startsWith('pages/login');
  const nav = `<div class="nav">${isSub ? '<span class="back">‹</span>' : ''}${escapeHtml(screen.title)}<span class="capsule"></span></div>`;
  const tabbar = screen.tab ? `<div class="tabbar">${TABS.map(([k, label]) => `<div class="${k === screen.tab ? 'on' : ''}">${tabIcon(k, k === screen.tab)}${label}</div>`).join('')}</div>` : '';
  // WeChat's full-screen viewer (wx.previewImage) over the page: black, the photo fitted, its place in the set.
  const at = preview ? Math.max(0, preview.urls.indexOf(preview.current ?? preview.urls[0])) : 0;
  const viewer = preview
    ? `<div style="position:fixed;inset:0;background:#000;z-index:10;color:#fff"><div style="text-align:center;padding-top:40px;font-size:15px">${at + 1} / ${preview.urls.length}</div><wx-image style="display:block;width:375px;height:500px;margin-top:120px"></wx-image><div style="position:absolute;bottom:40px;width:100%;text-align:center;font-size:12px;color:#aaa">长按保存 · 左右滑动查看</div></div>`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=375"><style>${BASE_CSS}\n${appCss}\n${styles}\n${ICON_CSS}</style></head><body>${nav}${root.outerHTML}${tabbar}${viewer}</body></html>`;
}

let cloud: any;
const ctx: ScreenContext = { call: async () => null, merchantId: '', putFile: () => undefined };

beforeAll(async () => {
  // The demo bank's figures are as of its reference day: the pages and the functions both see that day.
  const { AS_OF } = require('../seed');
  jest.useFakeTimers({
    now: new Date(`${AS_OF}T10:00:00+08:00`),
    doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback'],
  });
  const { startLocalCloud } = require('../../local/runtime');
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const { SEEDER } = require('../seed/seeder');
  cloud = await startLocalCloud({ dataDir: DATA_DIR, seeder: SEEDER, onFunctionError: () => undefined });
  await cloud.seedIfEmpty(SEED, { onProgress: (m: string) => process.stdout.write(`seed: ${m}\n`) });
  ctx.call = (fn, event, openid) => cloud.call(fn, event, openid);
  ctx.putFile = (fileId, content) => void cloud.storage.upload(cloud.storage.cloudPathOf(fileId), content);
  const list = await cloud.call('merchant', { action: 'list', limit: 20 }, 'demo-member');
  const rows = list.data?.items ?? [];
  ctx.merchantId = (rows.find((m: any) => m.isComplete && m.lifecycleClass === 'qualified') ?? rows[0])?.id ?? '';
  fs.mkdirSync(OUT, { recursive: true });
}, 600000);

afterAll(async () => {
  await cloud?.close();
  jest.useRealTimers();
});

for (const screen of SCREENS) {
  test(`renders ${screen.name}`, async () => {
    const h = resetApp();
    h.wx.setStorageSync('grid.localOpenid', screen.openid);
    current.fake.requestHandler = async (req) => {
      const fn = req.url.split('/functions/')[1];
      return { statusCode: 200, data: await cloud.call(fn, req.data as Record<string, unknown>, req.header?.['X-WX-OPENID']) };
    };
    // The demo bank's merchants sit in 兴化; the phone stands next to the chosen merchant.
    if (ctx.merchantId) {
      const m = await cloud.call('merchant', { action: 'get', id: ctx.merchantId }, 'demo-member');
      const loc = m.data?.location;
      if (loc) h.fake.location = { latitude: loc.lat + 0.0002, longitude: loc.lng + 0.0001, accuracy: 12 };
    }
    const page = mount(screen.page, {}, screen.query ? await screen.query(ctx) : {});
    await flush(screen.settle ?? 20);
    if (screen.act) {
      await screen.act(page, ctx);
      await flush(20);
    }
    await simulate.sleep(50);
    const preview = screen.viewer ? (h.fake.previews.at(-1) ?? null) : null;
    if (screen.viewer) expect(preview).not.toBeNull();
    const html = toHtml(page, screen, preview);
    fs.writeFileSync(path.join(OUT, `${screen.name}.html`), html);
    expect(page.text().length).toBeGreaterThan(0);
    // Large text: the page's own binding, as the 字体大小 setting or a large system font sets it.
    page.instance.setData(textLook(LARGE_SCALE));
    await flush(2);
    fs.writeFileSync(path.join(OUT, `${screen.name}.large.html`), toHtml(page, screen));
  }, 120000);
}

void answerCalls;
