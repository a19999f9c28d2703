/**
 * miniprogram/app.json as WeChat reads it: every page it lists exists, and each tab has an idle and an
 * active icon that WeChat accepts (a local PNG, at most 40 KB; 81×81 px as suggested), in the light and
 * the dark theme (app.json names them as theme.json @-variables).
 */
import fs from 'node:fs';
import path from 'node:path';

const MP = path.resolve(__dirname, '../../miniprogram');
const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8')) as {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  tabBar: { list: { pagePath: string; text: string; iconPath?: string; selectedIconPath?: string }[] };
};
const theme = JSON.parse(fs.readFileSync(path.join(MP, 'theme.json'), 'utf8')) as Record<'light' | 'dark', Record<string, string>>;
/** A value of app.json in a theme: an @-variable is looked up in theme.json. */
const inTheme = (value: string | undefined, mode: 'light' | 'dark') => (value?.startsWith('@') ? theme[mode][value.slice(1)] : value);

/** Width and height from a PNG's header, or null when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

it('lists only pages that exist, in the main package and in each subpackage', () => {
  const pages = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  expect(pages.length).toBeGreaterThan(10);
  const missing = pages.filter((p) => !['.ts', '.wxml', '.json'].every((ext) => fs.existsSync(path.join(MP, `${p}${ext}`))));
  expect(missing).toEqual([]);
});

it.each(['light', 'dark'] as const)('gives every tab an idle and an active icon (%s): local PNGs of 81×81 px, at most 40 KB', (mode) => {
  expect(app.tabBar.list.map((t) => t.text)).toEqual(['工作台', '商户', '看板', '我的']);
  for (const tab of app.tabBar.list) {
    expect(app.pages).toContain(tab.pagePath);
    for (const icon of [inTheme(tab.iconPath, mode), inTheme(tab.selectedIconPath, mode)]) {
      expect(icon).toMatch(/^assets\/tabbar\/[a-z-]+\.png$/);
      const bytes = fs.readFileSync(path.join(MP, icon!));
      expect([icon, pngSize(bytes)]).toEqual([icon, { width: 81, height: 81 }]);
      expect(bytes.length).toBeLessThanOrEqual(40 * 1024);
    }
    expect(tab.iconPath).not.toBe(tab.selectedIconPath);
  }
});
