/**
 * The browser preview's phone look (local/preview/browser/look.ts): dark mode and the font setting from
 * the query, app.json read in a theme, and the app's dark rules forced on or off.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LARGE_FONT_SIZE, lookFromQuery, themed, withScheme } from '../../local/preview/browser/look';
import { scaleForSystemSize } from '../../miniprogram/utils/text-scale';

const MP = path.resolve(__dirname, '../../miniprogram');

it('reads ?theme and ?text, else follows the browser’s scheme at the standard font size', () => {
  expect(lookFromQuery(new URLSearchParams('theme=dark&text=large'), false)).toEqual({ theme: 'dark', fontSizeSetting: LARGE_FONT_SIZE });
  expect(lookFromQuery(new URLSearchParams('theme=light'), true)).toEqual({ theme: 'light', fontSizeSetting: 17 });
  expect(lookFromQuery(new URLSearchParams(''), true)).toEqual({ theme: 'dark', fontSizeSetting: 17 });
  expect(lookFromQuery(new URLSearchParams('text=20'), false).fontSizeSetting).toBe(20);
  expect(lookFromQuery(new URLSearchParams('text=999'), false).fontSizeSetting).toBe(17);
  // The preview's 系统大字 is the mini program's 1.3×.
  expect(scaleForSystemSize(LARGE_FONT_SIZE)).toBe(1.3);
});

it('reads app.json in each theme of theme.json, as WeChat does', () => {
  const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
  const theme = JSON.parse(fs.readFileSync(path.join(MP, 'theme.json'), 'utf8'));
  const dark = themed(app, theme.dark);
  expect(dark.window.navigationBarBackgroundColor).toBe(theme.dark.navBackground);
  expect(dark.tabBar.list[0].iconPath).toBe('assets/tabbar/workbench-dark.png');
  expect(themed(app, theme.light).tabBar.color).toBe(theme.light.tabColor);
  expect(JSON.stringify(dark)).not.toMatch(/"@\w+"/);
});

it('forces the app’s dark rules on in dark mode and off in light mode', () => {
  const css = 'page { --c: #fff; } @media (prefers-color-scheme: dark) { page { --c: #000; } }';
  expect(withScheme(css, 'dark')).toBe('page { --c: #fff; } @media all { page { --c: #000; } }');
  expect(withScheme(css, 'light')).toBe('page { --c: #fff; } @media not all { page { --c: #000; } }');
});
