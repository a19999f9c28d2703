/** The POSIX path functions miniprogram-simulate calls, for the browser (paths are mini program paths). */
function normalizeParts(parts: string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(p);
  }
  return out;
}

export function normalize(p: string): string {
  const absolute = p.startsWith('/');
  const joined = normalizeParts(p.split('/'), absolute).join('/');
  return (absolute ? '/' : '') + joined || (absolute ? '/' : '.');
}

export function join(...parts: string[]): string {
  return normalize(parts.filter(Boolean).join('/'));
}

export function resolve(...parts: string[]): string {
  let out = '';
  for (let i = parts.length - 1; i >= 0 && !out.startsWith('/'); i--) out = parts[i] + (out ? `/${out}` : '');
  return normalize(out.startsWith('/') ? out : `/${out}`);
}

export function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : p.slice(0, i);
}

export function basename(p: string, ext?: string): string {
  const base = p.replace(/\/+$/, '').split('/').pop() ?? '';
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

export function extname(p: string): string {
  const m = /\.[^./]*$/.exec(basename(p));
  return m ? m[0] : '';
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export const sep = '/';
export const delimiter = ':';
export const posix = { normalize, join, resolve, dirname, basename, extname, relative, isAbsolute, sep, delimiter };
