/** WeChat warns above 256 KB per setData and the page stutters long before; this app keeps each one ≤ 64 KB. */
export const SET_DATA_LIMIT = 64 * 1024;

type Patch = Record<string, unknown>;
interface HasSetData {
  setData(patch: Patch, cb?: () => void): void;
}

function byteSize(value: unknown): number {
  const json = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 2 : 3;
  }
  return bytes;
}

/** Size in bytes of what one setData would send (its UTF-8 JSON). */
export function patchSize(patch: Patch): number {
  return byteSize(patch);
}

/**
 * Splits a patch into patches each ≤ limit: keys are grouped, and an array too big on its own is sent
 * element by element with path keys (`list[12]`), which setData applies in place.
 */
export function splitPatch(patch: Patch, limit = SET_DATA_LIMIT, offset = 0): Patch[] {
  const out: Patch[] = [];
  let current: Patch = {};
  let currentSize = 2;
  const push = (key: string, value: unknown): void => {
    const size = byteSize(key) + byteSize(value) + 2;
    if (currentSize + size > limit && Object.keys(current).length) {
      out.push(current);
      current = {};
      currentSize = 2;
    }
    current[key] = value;
    currentSize += size;
  };
  for (const [key, value] of Object.entries(patch)) {
    const size = byteSize(key) + byteSize(value) + 2;
    if (size > limit && Array.isArray(value)) {
      // Shrink the array to what fits, then append the rest by index.
      push(key, []);
      value.forEach((item, i) => push(`${key}[${i + offset}]`, item));
    } else {
      push(key, value);
    }
  }
  if (Object.keys(current).length) out.push(current);
  return out;
}

/** setData that never sends more than SET_DATA_LIMIT at once; resolves when the view has the data. */
export function safeSetData(ctx: HasSetData, patch: Patch): Promise<void> {
  const parts = splitPatch(patch);
  return new Promise((resolve) => {
    if (!parts.length) return resolve();
    parts.forEach((part, i) => ctx.setData(part, i === parts.length - 1 ? resolve : undefined));
  });
}

/** Appends items to an array in data by index keys, so paging sends only the new page. */
export function appendList(ctx: HasSetData, key: string, start: number, items: unknown[], extra: Patch = {}): Promise<void> {
  const patch: Patch = { ...extra };
  items.forEach((item, i) => (patch[`${key}[${start + i}]`] = item));
  return safeSetData(ctx, patch);
}
