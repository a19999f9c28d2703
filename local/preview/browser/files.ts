/**
 * The mini program's local files in the browser: temporary files (wxfile://tmp_…) and saved ones under
 * wx.env.USER_DATA_PATH (wxfile://usr/…), each a Blob in memory. A reload is the app being killed: both
 * are gone (on a phone the saved ones would stay — the banner says so).
 */
const blobs = new Map<string, Blob>();
const urls = new Map<string, string>();
let seq = 0;

export const USER_DATA_PATH = 'wxfile://usr';

export function putTemp(blob: Blob, ext = 'jpg'): string {
  const path = `wxfile://tmp_${Date.now().toString(36)}_${++seq}.${ext}`;
  blobs.set(path, blob);
  return path;
}

export function put(path: string, blob: Blob): void {
  blobs.set(path, blob);
  const url = urls.get(path);
  if (url) URL.revokeObjectURL(url);
  urls.delete(path);
}

export function get(path: string): Blob | undefined {
  return blobs.get(path);
}

export function has(path: string): boolean {
  return blobs.has(path);
}

export function remove(path: string): boolean {
  const url = urls.get(path);
  if (url) URL.revokeObjectURL(url);
  urls.delete(path);
  return blobs.delete(path);
}

/** A URL the page's <image> or a canvas image can load: wxfile paths become blob: URLs. */
export function urlOf(src: string): string {
  if (!src.startsWith('wxfile://')) return src;
  const blob = blobs.get(src);
  if (!blob) return '';
  let url = urls.get(src);
  if (!url) {
    url = URL.createObjectURL(blob);
    urls.set(src, url);
  }
  return url;
}

export function extOf(name: string, fallback = 'jpg'): string {
  const m = /\.([a-z0-9]{1,5})$/i.exec(name);
  return m ? m[1].toLowerCase() : fallback;
}
