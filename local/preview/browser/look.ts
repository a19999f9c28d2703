/**
 * The phone's look in the preview: WeChat's dark mode and the phone's font setting, as a phone would
 * report them. From the page's query — `?theme=dark` (or light; by default the browser's own scheme) and
 * `?text=large` (the font setting of a phone set to large text, 1.3× in the mini program) or a font size
 * in px — and from the 外观 controls beside the phone.
 */
export type Theme = 'light' | 'dark';

/** A phone's font setting at its standard size, and at the size the mini program shows 1.3× text. */
export const STANDARD_FONT_SIZE = 17;
export const LARGE_FONT_SIZE = 22;

export interface Look {
  theme: Theme;
  fontSizeSetting: number;
}

export function lookFromQuery(params: URLSearchParams, prefersDark: boolean): Look {
  const theme = params.get('theme') === 'dark' ? 'dark' : params.get('theme') === 'light' ? 'light' : prefersDark ? 'dark' : 'light';
  const text = params.get('text') ?? '';
  const size = text === 'large' ? LARGE_FONT_SIZE : Number(text);
  return { theme, fontSizeSetting: Number.isFinite(size) && size >= 12 && size <= 40 ? size : STANDARD_FONT_SIZE };
}

/** app.json as WeChat reads it in a theme: each "@name" replaced by theme.json's value. */
export function themed<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return (value.startsWith('@') && value.slice(1) in vars ? vars[value.slice(1)] : value) as T;
  if (Array.isArray(value)) return value.map((v) => themed(v, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, themed(v, vars)])) as T;
  return value;
}

/** The app's WXSS with its dark-scheme rules always on (dark) or never (light), whatever the browser's scheme. */
export function withScheme(css: string, theme: Theme): string {
  return css.replace(/@media\s*\(\s*prefers-color-scheme:\s*dark\s*\)/g, theme === 'dark' ? '@media all' : '@media not all');
}
