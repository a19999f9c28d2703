/**
 * `npm run icons`: draws the map's merchant pins, one per lifecycle class in its colour (LIFECYCLE_CLASS_COLORS of
 * shared/domain/labels.ts), into miniprogram/assets/pins/<class>.png (44×60 px, shown at 22×30: the `map`
 * component colours a marker only through its `iconPath`), and the tab bar's icons from the line drawings below, in Chromium (Debian's
 * /usr/bin/chromium, or CHROMIUM), into miniprogram/assets/tabbar/<tab>.png and <tab>-active.png, and
 * <tab>-dark.png and <tab>-active-dark.png for WeChat's dark mode. WeChat takes only local PNG or JPG
 * images here, at most 40 KB, and suggests 81×81 px. The colours are the tab bar's own in each theme
 * (theme.json `tabColor` and `tabSelectedColor`, which app.json's tabBar names). The PNGs are committed:
 * run this after changing a drawing or a tab colour.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { LIFECYCLE_CLASS_COLORS } from '../shared/domain/labels';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'miniprogram', 'assets', 'tabbar');
const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ICON_PX = 81;
const PINS = path.join(ROOT, 'miniprogram', 'assets', 'pins');
/** A pin's size in px: twice the marker's 22×30, sharp on a 2× screen. */
export const PIN_PX = { width: 44, height: 60 };

/** A map pin as SVG text: a drop in the class colour with a white rim and a white dot (visible on any map). */
export function pinSvg(colour: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PIN_PX.width}" height="${PIN_PX.height}" viewBox="0 0 22 30">` +
    `<path d="M11 29C11 29 2 17.6 2 11a9 9 0 0 1 18 0c0 6.6-9 18-9 18z" fill="${colour}" stroke="#ffffff" stroke-width="1.6"/>` +
    `<circle cx="11" cy="11" r="3.6" fill="#ffffff"/></svg>`
  );
}

/** Each tab's drawing on a 24-unit grid: strokes for the idle icon, the same shapes tinted when active. */
const TAB_ICONS: Record<string, string> = {
  // 工作台: four tiles
  workbench:
    '<rect x="3.5" y="3.5" width="7" height="7" rx="1.6"/><rect x="13.5" y="3.5" width="7" height="7" rx="1.6"/>' +
    '<rect x="3.5" y="13.5" width="7" height="7" rx="1.6"/><rect x="13.5" y="13.5" width="7" height="7" rx="1.6"/>',
  // 商户: a shop front with its awning and door
  merchants: '<path d="M4.5 10.5V20h15v-9.5"/><path d="M3 9.5 5 4h14l2 5.5c0 1.4-1.1 2.5-2.5 2.5S16 10.9 16 9.5c0 1.4-1.8 2.5-4 2.5s-4-1.1-4-2.5C8 10.9 6.9 12 5.5 12S3 10.9 3 9.5z"/><path d="M10 20v-4.5h4V20"/>',
  // 看板: three bars on a base line
  dashboard: '<rect x="4.5" y="11" width="3.6" height="8.5" rx="1"/><rect x="10.2" y="5" width="3.6" height="14.5" rx="1"/><rect x="15.9" y="13.5" width="3.6" height="6" rx="1"/><path d="M3 20.5h18"/>',
  // 我的: a person
  mine: '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c0-4.1 3.4-7.5 7.5-7.5s7.5 3.4 7.5 7.5"/>',
};

/** One icon as SVG text, in the idle or the active colour. */
function iconSvg(drawing: string, colour: string, active: boolean): string {
  const fill = active ? `fill="${colour}" fill-opacity="0.16"` : 'fill="none"';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${ICON_PX}" height="${ICON_PX}" viewBox="0 0 24 24" ` +
    `stroke="${colour}" stroke-width="${active ? 2 : 1.7}" stroke-linecap="round" stroke-linejoin="round" ${fill}>${drawing}</svg>`
  );
}

async function main(): Promise<void> {
  const theme = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram', 'theme.json'), 'utf8')) as Record<'light' | 'dark', { tabColor: string; tabSelectedColor: string }>;
  if (!fs.existsSync(EXECUTABLE)) throw new Error(`${EXECUTABLE} not found: apt-get install -y chromium (or set CHROMIUM)`);
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: EXECUTABLE, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const pinPage = await browser.newPage({ viewport: PIN_PX, deviceScaleFactor: 1 });
    fs.mkdirSync(PINS, { recursive: true });
    for (const [cls, colour] of Object.entries(LIFECYCLE_CLASS_COLORS)) {
      await pinPage.setContent(`<html><body style="margin:0;background:transparent">${pinSvg(colour)}</body></html>`);
      const file = path.join(PINS, `${cls}.png`);
      await pinPage.locator('svg').screenshot({ path: file, omitBackground: true });
      console.log(`${path.relative(ROOT, file)}  ${fs.statSync(file).size} bytes`);
    }
    const page = await browser.newPage({ viewport: { width: ICON_PX, height: ICON_PX }, deviceScaleFactor: 1 });
    for (const mode of ['light', 'dark'] as const) {
      for (const [tab, drawing] of Object.entries(TAB_ICONS)) {
        for (const active of [false, true]) {
          const svg = iconSvg(drawing, active ? theme[mode].tabSelectedColor : theme[mode].tabColor, active);
          await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
          const file = path.join(OUT, `${tab}${active ? '-active' : ''}${mode === 'dark' ? '-dark' : ''}.png`);
          await page.locator('svg').screenshot({ path: file, omitBackground: true });
          console.log(`${path.relative(ROOT, file)}  ${fs.statSync(file).size} bytes`);
        }
      }
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
