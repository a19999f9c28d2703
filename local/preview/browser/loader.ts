/**
 * The mini program's code in the browser: packages (main and subpackages) arrive as pkg-<name>.js, each
 * calling `__mp.pkg(name, …)` with its CommonJS modules, component JSON and compiled WXSS. Modules are
 * required as WeChat resolves them: relative paths, `.js` or `/index.js`, npm names under miniprogram_npm.
 */
type ModuleFn = (require: (spec: string) => unknown, module: { exports: any }, exports: any) => void;

interface PackageBody {
  modules: Record<string, ModuleFn>;
  json: Record<string, unknown>;
  css: Record<string, string>;
}

const factories = new Map<string, ModuleFn>();
const cache = new Map<string, { exports: any }>();
const jsonMap = new Map<string, unknown>();
const cssMap = new Map<string, string>();
const loaded = new Map<string, Promise<void>>();
const arrived = new Map<string, () => void>();
/** Called on a module's exports the first time it runs (the preview points config at this gateway). */
const afterLoad = new Map<string, (exports: any) => void>();

(window as any).__mp = {
  pkg(name: string, body: PackageBody): void {
    for (const [path, fn] of Object.entries(body.modules)) factories.set(path, fn);
    for (const [path, json] of Object.entries(body.json)) jsonMap.set(path, json);
    for (const [key, css] of Object.entries(body.css)) cssMap.set(key, css);
    if (!loaded.has(name)) loaded.set(name, Promise.resolve());
    arrived.get(name)?.();
  },
};

/** Loads a package's file once (main at start; a subpackage when a page in it is first opened). */
export function loadPackage(name: string): Promise<void> {
  let p = loaded.get(name);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      arrived.set(name, resolve);
      // The main package is fetched beside the runtime by index.html; others when first needed.
      if (document.querySelector(`script[src="pkg-${name}.js"]`)) return;
      const script = document.createElement('script');
      script.src = `pkg-${encodeURIComponent(name)}.js`;
      script.onerror = () => reject(new Error(`package ${name} failed to load`));
      document.head.appendChild(script);
    });
    loaded.set(name, p);
  }
  return p;
}

function dirname(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function resolveFile(base: string): string | null {
  for (const candidate of [base, `${base}.js`, `${base}/index.js`]) if (factories.has(candidate)) return candidate;
  return null;
}

/** Resolves `spec` required from `from` (a module path like /pages/x/index.js). */
export function resolveModule(spec: string, from: string): string {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const found = resolveFile(normalize(spec.startsWith('/') ? spec : `${dirname(from)}/${spec}`));
    if (found) return found;
  } else {
    for (let dir = dirname(from); ; dir = dirname(dir)) {
      const found = resolveFile(normalize(`${dir}/miniprogram_npm/${spec}`));
      if (found) return found;
      if (dir === '/') break;
    }
  }
  throw new Error(`module "${spec}" is not defined (required from ${from})`);
}

/** Runs (once) and returns the exports of the module at `path`. */
export function requireModule(path: string): any {
  const hit = cache.get(path);
  if (hit) return hit.exports;
  const fn = factories.get(path);
  if (!fn) throw new Error(`module ${path} is not defined`);
  const module = { exports: {} as any };
  cache.set(path, module);
  fn.call(module.exports, (spec: string) => requireModule(resolveModule(spec, path)), module, module.exports);
  afterLoad.get(path)?.(module.exports);
  return module.exports;
}

export function onModuleLoaded(path: string, fn: (exports: any) => void): void {
  afterLoad.set(path, fn);
}

export function hasModule(path: string): boolean {
  return factories.has(path);
}

/** A component's JSON (a fresh copy: the component loader rewrites usingComponents in place). */
export function jsonFor(path: string): unknown {
  const json = jsonMap.get(path);
  return json === undefined ? null : JSON.parse(JSON.stringify(json));
}

export function cssFor(componentPath: string, tag: string): string {
  return cssMap.get(`${componentPath}|${tag}`) ?? '';
}
