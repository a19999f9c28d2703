/**
 * `npm run build:console`: the head-office console (console/) bundled by esbuild into build/console/ —
 * ES modules split per screen (each screen is its own chunk, loaded when first opened), one stylesheet of
 * the TDesign components the console uses, and index.html. `npm start` and the browser tests run it when
 * the sources changed; the gateway serves the result at /console/ (docs/console.md).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const REPO_ROOT = resolve(__dirname, '..');
export const CONSOLE_SRC = join(REPO_ROOT, 'console');
export const CONSOLE_OUT = join(REPO_ROOT, 'build', 'console');
/** `cloud` writes a page that calls CloudBase through its web SDK (CONSOLE_MODE, CONSOLE_ENV_ID). */
const MODE = process.env.CONSOLE_MODE === 'cloud' ? 'cloud' : 'local';

export interface ConsoleFile {
  file: string;
  bytes: number;
  gzip: number;
}

export interface ConsoleBuild {
  ms: number;
  files: ConsoleFile[];
  /** the bytes the first screen loads (entry script, its static imports, stylesheets), gzipped */
  firstLoadGzip: number;
  /**
   * Each lazily loaded screen (console/src/screens/<name>.tsx): the files opening it adds to what the page
   * has already loaded (its chunk and the shared chunks it imports that the entry does not), gzipped.
   */
  screens: { name: string; files: string[]; gzip: number; hasZod: boolean }[];
  /** whether a module of the validation library (zod) is in what the first screen loads */
  firstLoadHasZod: boolean;
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Whether build/console is missing or older than the console's sources or shared/. */
export function consoleIsStale(): boolean {
  const index = join(CONSOLE_OUT, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [CONSOLE_SRC, join(REPO_ROOT, 'shared'), __filename].some((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs) > built);
}

/**
 * TDesign's components each import their stylesheet (`<component>/style/css.js`). Split into chunks, those
 * imports would land in per-chunk stylesheets no page links; instead they load as nothing here, and the
 * stylesheets of the components whose code made it into the bundle are bundled into one stylesheet.
 */
const tdesignStyleImports: Plugin = {
  name: 'tdesign-styles',
  setup(b) {
    b.onLoad({ filter: /tdesign-react[\\/]es[\\/].*[\\/]style[\\/]css\.js$/ }, () => ({ contents: '', loader: 'js' }));
  },
};

/** The stylesheets of the TDesign components whose code is in the bundle, the base styles first. */
function tdesignStylesOf(meta: Metafile): string[] {
  const root = join(REPO_ROOT, 'node_modules', 'tdesign-react', 'es');
  // TDesign's design tokens (`--td-*` custom properties, es/style/index.css) go first: every component's
  // stylesheet is written in them, and without them the components render unstyled.
  const tokens = join(root, 'style', 'index.css');
  const dirs = new Set<string>();
  for (const out of Object.values(meta.outputs)) {
    for (const [input, info] of Object.entries(out.inputs)) {
      const m = /node_modules\/tdesign-react\/es\/([a-z-]+)\//.exec(input);
      if (m && info.bytesInOutput > 0) dirs.add(m[1]);
    }
  }
  if (!existsSync(tokens)) throw new Error(`console: TDesign's design tokens not found at ${relative(REPO_ROOT, tokens)}`);
  return [tokens, ...[...dirs].sort().map((d) => join(root, d, 'style', 'index.css')).filter((f) => existsSync(f))];
}

const gz = (p: string) => gzipSync(readFileSync(p)).length;

/** Builds the console; answers the files written with their sizes. */
export async function buildConsole(): Promise<ConsoleBuild> {
  const t0 = Date.now();
  rmSync(CONSOLE_OUT, { recursive: true, force: true });
  mkdirSync(CONSOLE_OUT, { recursive: true });
  const js = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { main: join(CONSOLE_SRC, 'src', 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'safari15'],
    outdir: CONSOLE_OUT,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    tsconfig: join(CONSOLE_SRC, 'tsconfig.json'),
    plugins: [tdesignStyleImports],
    logLevel: 'silent',
  });
  const styles = tdesignStylesOf(js.metafile);
  const tdesign = await build({
    stdin: { contents: styles.map((s) => `@import ${JSON.stringify(s)};`).join('\n'), resolveDir: REPO_ROOT, loader: 'css', sourcefile: 'tdesign.css' },
    bundle: true,
    minify: true,
    outdir: CONSOLE_OUT,
    entryNames: 'tdesign-[hash]',
    assetNames: 'assets/[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(js.metafile.outputs);
  // Lazily imported screens are entry points of their own in the metafile: the page's entry is main.tsx's.
  const entry = outputs.find(([f, o]) => f.endsWith('.js') && o.entryPoint?.replace(/\\/g, '/').endsWith('src/main.tsx'))!;
  const entryJs = entry[0];
  const entryCss = entry[1].cssBundle;
  const tdCss = Object.keys(tdesign.metafile.outputs).find((f) => f.endsWith('.css'))!;
  const rel = (f: string) => relative(CONSOLE_OUT, resolve(REPO_ROOT, f)).split('\\').join('/');
  // What the first screen loads: the entry and the chunks it imports statically, and the stylesheets.
  const first = new Set<string>();
  const walk = (f: string) => {
    if (first.has(f)) return;
    first.add(f);
    for (const imp of js.metafile.outputs[f]?.imports ?? []) if (imp.kind === 'import-statement') walk(imp.path);
  };
  walk(entryJs);
  // The sign-in screen is the first screen of every visit without a session: its chunks load with the
  // entry instead of after it (a few KB; the signed-in dashboard is loaded once the session says so).
  const signIn = outputs.find(([f, o]) => f.endsWith('.js') && (o.entryPoint ?? '').replace(/\\/g, '/').endsWith('src/screens/signin.tsx'))?.[0];
  const early = new Set<string>();
  const walkEarly = (f: string) => {
    if (first.has(f) || early.has(f)) return;
    early.add(f);
    for (const imp of js.metafile.outputs[f]?.imports ?? []) if (imp.kind === 'import-statement') walkEarly(imp.path);
  };
  if (signIn) walkEarly(signIn);
  const preloads = [...first, ...early].filter((f) => f !== entryJs).map((f) => `<link rel="modulepreload" href="./${rel(f)}">`).join('');
  // The CloudBase web SDK (@cloudbase/js-sdk, imported by console/src/api.ts in cloud mode only) is a chunk of its
  // own: a cloud-mode page preloads it (marked, so the deploy's dry run can check it), a local page never loads it.
  const sdkChunk = outputs.find(([f, o]) => f.endsWith('.js') && Object.keys(o.inputs).some((i) => i.includes('node_modules/@cloudbase/js-sdk/')))?.[0];
  if (MODE === 'cloud' && !sdkChunk) throw new Error('console: the build holds no chunk of @cloudbase/js-sdk, which the cloud-mode page needs');
  const sdkPreload = MODE === 'cloud' && sdkChunk ? `<link rel="modulepreload" href="./${rel(sdkChunk)}" data-cloudbase-sdk>` : '';
  const cloudAttrs = MODE === 'cloud' ? ` data-mode="cloud" data-env="${(process.env.CONSOLE_ENV_ID ?? process.env.TCB_ENV_ID ?? '').replace(/[^A-Za-z0-9_-]/g, '')}"` : '';
  writeFileSync(
    join(CONSOLE_OUT, 'index.html'),
    `<!doctype html>
<html lang="zh-CN"${cloudAttrs}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>总行控制台 · 商户网格</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="./${rel(tdCss)}">${entryCss ? `<link rel="stylesheet" href="./${rel(entryCss)}">` : ''}
${preloads}${sdkPreload}<script type="module" src="./${rel(entryJs)}"></script>
</head><body><div id="root"></div></body></html>
`,
  );
  const files: ConsoleFile[] = [];
  const list = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) list(p);
      else files.push({ file: relative(CONSOLE_OUT, p).split('\\').join('/'), bytes: statSync(p).size, gzip: gz(p) });
    }
  };
  list(CONSOLE_OUT);
  const firstFiles = new Set([...first, tdCss, ...(entryCss ? [entryCss] : [])].map(rel));
  const gzipOf = (names: Iterable<string>) => {
    const set = new Set(names);
    return files.filter((f) => set.has(f.file)).reduce((s, f) => s + f.gzip, 0);
  };
  const firstLoadGzip = gzipOf(firstFiles);
  const hasZod = (outs: Iterable<string>) => [...outs].some((f) => Object.keys(js.metafile.outputs[f]?.inputs ?? {}).some((i) => /node_modules\/zod\//.test(i)));
  const firstLoadHasZod = hasZod(first);
  // Each screen's chunk and the shared chunks it imports statically that the entry has not loaded.
  const screens = outputs
    .filter(([f, o]) => f.endsWith('.js') && /src\/screens\/[a-z0-9-]+\.tsx$/.test(o.entryPoint?.replace(/\\/g, '/') ?? ''))
    .map(([f, o]) => {
      const extra = new Set<string>();
      const add = (g: string) => {
        if (first.has(g) || extra.has(g)) return;
        extra.add(g);
        for (const imp of js.metafile.outputs[g]?.imports ?? []) if (imp.kind === 'import-statement') add(imp.path);
      };
      add(f);
      const names = [...extra].map(rel);
      return { name: /([a-z0-9-]+)\.tsx$/.exec(o.entryPoint!)![1], files: names, gzip: gzipOf(names), hasZod: hasZod(extra) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ms: Date.now() - t0, files, firstLoadGzip, screens, firstLoadHasZod };
}

/** One line per file: size and gzipped size. */
export function describeConsoleBuild(b: ConsoleBuild): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = b.files.filter((f) => /\.(js|css)$/.test(f.file)).map((f) => `  ${f.file.padEnd(44)} ${kb(f.bytes).padStart(10)}  gzip ${kb(f.gzip).padStart(9)}`);
  const total = b.files.reduce((s, f) => s + f.gzip, 0);
  const screen = (name: string) => b.screens.find((s) => s.name === name)?.gzip ?? 0;
  const perScreen = b.screens.map((s) => `    ${s.name.padEnd(16)} +${kb(s.gzip).padStart(9)} gzip  (${s.files.length} file${s.files.length === 1 ? '' : 's'}${s.hasZod ? ', with zod' : ''})`);
  return [
    `console built in ${b.ms} ms (build/console):`,
    ...lines,
    `  the page itself (entry, its static imports, stylesheets): ${kb(b.firstLoadGzip)} gzipped${b.firstLoadHasZod ? ' (includes zod)' : ', no zod'}`,
    `  first screen total: sign-in ${kb(b.firstLoadGzip + screen('signin'))}, dashboard ${kb(b.firstLoadGzip + screen('dashboard'))} gzipped`,
    `  each screen adds when first opened:`,
    ...perScreen,
    `  all files ${kb(total)} gzipped`,
  ].join('\n');
}

if (require.main === module) {
  buildConsole().then(
    (b) => process.stdout.write(`${describeConsoleBuild(b)}\n`),
    (err) => {
      process.stderr.write(`build:console failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
