/**
 * miniprogram-simulate's WXSS step for the browser. The WXSS was compiled at build time
 * (scripts/build-preview.ts, with simulate's own compiler: each class prefixed by the component's tag);
 * here a component's "content" is its path, and compiling it looks up the CSS built for that tag.
 */
import { cssFor } from '../loader';

export function getContent(filePath: string): string {
  return filePath.replace(/\.wxss$/, '');
}

export function compile(key: string, options: { prefix?: string } = {}): string {
  return cssFor(key, options.prefix ?? '');
}

/** Each render of a page inserts its component CSS; the same CSS already in place is left alone (no restyle). */
export function insert(list: string | string[], id: string): void {
  const text = ([] as string[]).concat(list).join('\n');
  const present = document.querySelectorAll<HTMLStyleElement>(`style#${id}`);
  if (present.length === 1 && present[0].textContent === text) return;
  present.forEach((s) => s.remove());
  const style = document.createElement('style');
  style.id = id;
  style.textContent = text;
  document.head.appendChild(style);
}
