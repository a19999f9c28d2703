/**
 * `npm run build:preview` (and `npm start`): builds the browser preview of the mini program into
 * build/preview/, from the same compiled mini program DevTools uploads (build/miniprogram/):
 *   wxml.js     every WXML template compiled by WeChat's official compiler (wcc, as the page tests use it)
 *   pkg-*.js    one file per package (main and each subpackage, loaded when first opened, as WeChat does):
 *               its modules (the compiled TypeScript, TDesign, vendor bundles), component JSON, and WXSS
 *               compiled with each component's class prefix (rpx at 375 px wide)
 *   runtime.js  the component runtime (miniprogram-simulate's loader over j-component and exparser), the
 *               browser `wx`, and the phone shell (navigation bar, tab bar, page stack) — local/preview/browser/
 *   meta.js     app.json and the package sizes as WeChat counts them (scripts/check-size.ts)
 * Usage: tsx scripts/build-preview.ts [--quiet] [--if-stale]
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, transformSync } from 'esbuild';
import { buildMiniprogram } from './build-miniprogram';
import { measurePackages } from './check-size';

const ROOT = path.resolve(__dirname, '..');
const MP_BUILD = path.join(ROOT, 'build', 'miniprogram');
export const PREVIEW_OUT = path.join(ROOT, 'build', 'preview');
const BROWSER_SRC = path.join(ROOT, 'local', 'preview', 'browser');
/** WeChat's rpx: 750 to the screen's width; the preview's phone is 375 px wide. */
const PX_PER_RPX = 375 / 750;

interface AppJson {
  pages: string[];
  subPackages?: { root: string; name?: string; pages: string[] }[];
  tabBar?: unknown;
  window?: Record<string, unknown>;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** The tag (and so the class prefix) a page renders under: its route without `pages/` and `/index`. */
export function pageTag(route: string): string {
  return `page-${route.replace(/^pages\//, '').replace(/\/index$/, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
}

function rpxToPx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${+(Number(n) * PX_PER_RPX).toFixed(3)}px`);
}

/** TDesign's icon font lives on its CDN; the preview fetches nothing from outside the gateway. */
function dropRemoteFonts(css: string): string {
  return css.replace(/@font-face\s*{[^}]*https?:\/\/[^}]*}/g, '');
}

/** Where a usingComponents target resolves, as WeChat resolves it (npm names under miniprogram_npm). */
function resolveComponent(from: string, target: string): string {
  if (target.startsWith('/')) return path.posix.normalize(target);
  if (target.startsWith('.')) return path.posix.join(path.posix.dirname(from), target);
  return `/miniprogram_npm/${target}`;
}

function readJson(rel: string): any {
  const file = path.join(MP_BUILD, `${rel}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

/** The package a file belongs to: the subpackage whose root holds it, else main. */
function packageOf(rel: string, app: AppJson): string {
  const sub = (app.subPackages ?? []).find((s) => rel.startsWith(`/${s.root.replace(/\/$/, '')}/`));
  return sub ? (sub.name ?? sub.root) : 'main';
}

interface Pkg {
  modules: Map<string, string>;
  json: Record<string, unknown>;
  css: Record<string, string>;
}

export async function buildPreview(): Promise<string> {
  const t0 = Date.now();
  const summary = buildMiniprogram();
  const app = JSON.parse(fs.readFileSync(path.join(MP_BUILD, 'app.json'), 'utf8')) as AppJson;
  fs.rmSync(PREVIEW_OUT, { recursive: true, force: true });
  fs.mkdirSync(PREVIEW_OUT, { recursive: true });
  const pkgs = new Map<string, Pkg>();
  const pkg = (name: string): Pkg => {
    if (!pkgs.has(name)) pkgs.set(name, { modules: new Map(), json: {}, css: {} });
    return pkgs.get(name)!;
  };
  pkg('main');

  // Modules: every .js of the compiled mini program, as CommonJS (TDesign ships ES modules).
  for (const file of walk(MP_BUILD).filter((f) => f.endsWith('.js'))) {
    const rel = `/${path.relative(MP_BUILD, file).split(path.sep).join('/')}`;
    const code = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'js', format: 'cjs', target: 'es2019', sourcefile: rel }).code;
    pkg(packageOf(rel, app)).modules.set(rel, code);
  }

  // Components: each page and what it uses, with the tag each is used under (its class prefix).
  const wxss = require('miniprogram-simulate/src/wxss');
  const seen = new Set<string>();
  const visit = (rel: string, tag: string, owner: string): void => {
    const key = `${rel}|${tag}`;
    if (seen.has(key)) return;
    seen.add(key);
    const json = readJson(rel);
    if (!json) throw new Error(`${rel}.json: missing (used by ${owner})`);
    const using: Record<string, string> = {};
    for (const [name, target] of Object.entries((json.usingComponents ?? {}) as Record<string, string>)) {
      using[name] = resolveComponent(rel, target);
      visit(using[name], name, rel);
    }
    const where = pkg(packageOf(rel, app));
    where.json[rel] = { ...json, usingComponents: using };
    const source = path.join(MP_BUILD, `${rel}.wxss`);
    const content = fs.existsSync(source) ? wxss.getContent(source) : '';
    where.css[key] = dropRemoteFonts(rpxToPx(content ? wxss.compile(content, { prefix: tag }) : ''));
  };
  const routes = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
  for (const route of routes) visit(`/${route}`, pageTag(route), 'app.json');

  for (const [name, p] of pkgs) {
    const modules = [...p.modules].map(([rel, code]) => `${JSON.stringify(rel)}:function(require,module,exports){${code}\n}`).join(',\n');
    const body = `/* Generated by scripts/build-preview.ts — do not edit. */\n__mp.pkg(${JSON.stringify(name)},{modules:{${modules}},json:${JSON.stringify(p.json)},css:${JSON.stringify(p.css)}});\n`;
    fs.writeFileSync(path.join(PREVIEW_OUT, `pkg-${name}.js`), body);
  }

  // Templates: the official compiler over the whole mini program, as miniprogram-simulate runs it.
  const { wxmlToJs } = require('miniprogram-compiler');
  fs.writeFileSync(path.join(PREVIEW_OUT, 'wxml.js'), `/* Generated by scripts/build-preview.ts — do not edit. */\nwindow.__webview_engine_version__=0.02;window.__mpGwx=(function(){${wxmlToJs(MP_BUILD)}})();\n`);

  // `page { … }` (the light values and, under the dark scheme, the dark ones) is each page's root here.
  const appCss = rpxToPx(fs.readFileSync(path.join(MP_BUILD, 'app.wxss'), 'utf8')).replace(/(^|[\s{}])page(\s*{)/g, '$1.wxp-page$2');
  const themeFile = path.join(MP_BUILD, 'theme.json');
  const theme = fs.existsSync(themeFile) ? JSON.parse(fs.readFileSync(themeFile, 'utf8')) : { light: {}, dark: {} };
  const sizes = measurePackages(MP_BUILD);
  const meta = { app, theme, tags: Object.fromEntries(routes.map((r) => [r, pageTag(r)])), appCss, sizes: sizes.map((s) => ({ name: s.name, root: s.root, bytes: s.bytes, limit: s.limit })) };
  fs.writeFileSync(path.join(PREVIEW_OUT, 'meta.js'), `window.__mpMeta=${JSON.stringify(meta)};\n`);

  await build({
    entryPoints: [path.join(BROWSER_SRC, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: 'linked',
    define: { global: 'globalThis' },
    outfile: path.join(PREVIEW_OUT, 'runtime.js'),
    legalComments: 'none',
    logLevel: 'warning',
    // Only the Node branch of simulate's loader reads files; the browser branch never calls it.
    external: ['fs'],
    plugins: [
      {
        // miniprogram-simulate's WXSS compiler (postcss, less) runs above at build time; its wx mock is
        // replaced by the browser wx; Node's path by the posix one the loader needs.
        name: 'preview-stubs',
        setup(b) {
          b.onResolve({ filter: /^\.\/(wxss|api)$/ }, (args) => (args.importer.includes(`miniprogram-simulate${path.sep}src`) ? { path: path.join(BROWSER_SRC, 'stubs', `${args.path.slice(2)}.ts`) } : undefined));
          b.onResolve({ filter: /^path$/ }, () => ({ path: path.join(BROWSER_SRC, 'stubs', 'path.ts') }));
        },
      },
    ],
  });
  fs.copyFileSync(path.join(BROWSER_SRC, 'index.html'), path.join(PREVIEW_OUT, 'index.html'));
  fs.copyFileSync(path.join(BROWSER_SRC, 'preview.css'), path.join(PREVIEW_OUT, 'preview.css'));
  fs.writeFileSync(path.join(PREVIEW_OUT, 'stamp.json'), JSON.stringify({ builtAt: new Date().toISOString() }));
  return `${summary}; preview in ${path.relative(ROOT, PREVIEW_OUT)}/ (${pkgs.size} packages) in ${Date.now() - t0} ms`;
}

/** True when build/preview is missing or older than the mini program or the preview's own sources. */
export function previewIsStale(): boolean {
  const stamp = path.join(PREVIEW_OUT, 'stamp.json');
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  const sources = [path.join(ROOT, 'miniprogram'), path.join(ROOT, 'shared'), BROWSER_SRC, path.join(ROOT, 'scripts', 'miniprogram')];
  const scripts = [__filename, path.join(ROOT, 'scripts', 'build-miniprogram.ts')];
  return sources.some((d) => walk(d).some((f) => !f.includes('miniprogram_npm') && !/vendor[/\\](shared|echarts)\.js$/.test(f) && fs.statSync(f).mtimeMs > built)) || scripts.some((f) => fs.statSync(f).mtimeMs > built);
}

if (require.main === module) {
  if (process.argv.includes('--if-stale') && !previewIsStale()) {
    if (!process.argv.includes('--quiet')) console.log('preview is up to date');
  } else {
    buildPreview().then(
      (line) => process.argv.includes('--quiet') || console.log(line),
      (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  }
}
