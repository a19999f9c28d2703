/**
 * A small WXML reader for the look checks (test/miniprogram/look.test.ts): elements with their attributes,
 * children and text, enough to find tappable elements that show only an icon.
 */
export interface WxmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: (WxmlNode | string)[];
  line: number;
}

const TAG = /<!--[\s\S]*?-->|<\/([a-zA-Z][\w-]*)\s*>|<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR = /([\w:.-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g;
/** Elements WeChat never gives children. */
const VOID = new Set(['image', 'icon', 'input', 'import', 'include', 't-icon']);

export function parseWxml(source: string): WxmlNode {
  const root: WxmlNode = { tag: '#root', attrs: {}, children: [], line: 1 };
  const stack = [root];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const text = source.slice(last, m.index);
    if (text.trim()) stack[stack.length - 1].children.push(text);
    last = m.index! + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    if (m[1]) {
      // A closing tag: back to its element (an unmatched one is ignored).
      const at = stack.map((n) => n.tag).lastIndexOf(m[1]);
      if (at > 0) stack.length = at;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(ATTR)) attrs[a[1]] = a[2] ?? a[3] ?? '';
    const node: WxmlNode = { tag: m[2], attrs, children: [], line: source.slice(0, m.index).split('\n').length };
    stack[stack.length - 1].children.push(node);
    if (!m[4] && !VOID.has(m[2]) && m[2] !== 'wxs') stack.push(node);
    if (m[2] === 'wxs' && !m[4]) {
      // A wxs block's script is no markup: skip to its end.
      const end = source.indexOf('</wxs>', last);
      last = end < 0 ? source.length : end + '</wxs>'.length;
      TAG.lastIndex = last;
    }
  }
  return root;
}

const TAP_ATTRS = ['bindtap', 'catchtap', 'bind:tap', 'catch:tap', 'bindlongpress', 'catchlongpress'];
const ALWAYS_TAPPABLE = new Set(['button', 't-button', 'navigator']);
const ICON_TAGS = new Set(['image', 'icon', 't-icon', 't-image']);

export function isTappable(node: WxmlNode): boolean {
  return ALWAYS_TAPPABLE.has(node.tag) || TAP_ATTRS.some((a) => a in node.attrs);
}

/** The text an element shows: its own and its children's (a binding such as {{name}} counts as text). */
export function shownText(node: WxmlNode): string {
  return node.children.map((c) => (typeof c === 'string' ? c : shownText(c))).join('');
}

/** True when the text has a word in it: a letter, a digit, a Chinese character or a binding. */
function hasWords(text: string): boolean {
  return /\{\{[\s\S]*?\}\}/.test(text) || /[\p{L}\p{N}]/u.test(text);
}

function hasIcon(node: WxmlNode): boolean {
  return ICON_TAGS.has(node.tag) || 'icon' in node.attrs || node.children.some((c) => typeof c !== 'string' && hasIcon(c));
}

/**
 * Tappable elements that show no words, only an icon, an image or a symbol (›, ✕, ↑): each needs an
 * aria-label saying what it does. `aria-hidden` ones are skipped (a duplicate of a labelled control).
 */
export function iconOnlyTappables(source: string): { tag: string; line: number }[] {
  const found: { tag: string; line: number }[] = [];
  const visit = (node: WxmlNode): void => {
    if (node.tag !== '#root' && isTappable(node) && !('aria-hidden' in node.attrs)) {
      const labelled = Boolean(node.attrs['aria-label']?.trim());
      const wordless = !hasWords(shownText(node)) && !hasWords(node.attrs.text ?? '') && !hasWords(node.attrs.content ?? '');
      if (!labelled && (wordless || (ICON_TAGS.has(node.tag) && !shownText(node).trim()))) found.push({ tag: node.tag, line: node.line });
      void hasIcon;
    }
    node.children.forEach((c) => typeof c !== 'string' && visit(c));
  };
  visit(parseWxml(source));
  return found;
}
