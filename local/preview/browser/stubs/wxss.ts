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

export function insert(list: string | string[], id: string): void {
  document.querySelectorAll(`style#${id}`).forEach((s) => s.remove());
  const style = document.createElement('style');
  style.id = id;
  style.textContent = ([] as string[]).concat(list).join('\n');
  document.head.appendChild(style);
}
