/**
 * @jest-environment jsdom
 *
 * For everyone who holds the phone, on every screen: large text (each page binds the text scale on its
 * root view; every text size scales with it), labels on icon-only controls, and WeChat's dark mode (no
 * colour written in a page's WXSS, every colour variable given a light and a dark value, app.json's
 * @-variables all in theme.json with icons that exist).
 */
import fs from 'node:fs';
import path from 'node:path';
import { answerCalls, flush, mount, resetApp, tap } from './harness';
import { dashboard, me, workloadRow } from './fixtures';
import { iconOnlyTappables } from './wxml-scan';
import { LARGE_SCALE, scaleForSystemSize, textLook } from '../../miniprogram/utils/text-scale';
import { CHART_INK } from '../../miniprogram/utils/chart-ink';
import { STORAGE_KEYS } from '../../miniprogram/config';

const MP = path.resolve(__dirname, '../../miniprogram');
const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
const theme = JSON.parse(fs.readFileSync(path.join(MP, 'theme.json'), 'utf8')) as Record<'light' | 'dark', Record<string, string>>;
const PAGES: string[] = [...app.pages, ...app.subPackages.flatMap((s: { root: string; pages: string[] }) => s.pages.map((p) => `${s.root}/${p}`))];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'miniprogram_npm' ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)]));
}
const FILES = walk(MP);
const rel = (f: string) => path.relative(MP, f);
const WXML = FILES.filter((f) => f.endsWith('.wxml'));
/** The WXSS of pages and components: everything but app.wxss, where the colour variables are. */
const PAGE_WXSS = FILES.filter((f) => f.endsWith('.wxss') && rel(f) !== 'app.wxss');
const APP_WXSS = fs.readFileSync(path.join(MP, 'app.wxss'), 'utf8');

/** Colours written out in a declaration's value: #hex, rgb()/hsl() and CSS colour names. */
const COLOUR = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\(|(?<![\w-])(?:white|black|red|green|blue|gray|grey|orange|yellow|silver|purple|pink)(?![\w-])/gi;
function hardColours(css: string): string[] {
  const values = Array.from(css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/:\s*([^;{}]+)/g), (m) => m[1]);
  return values.flatMap((v) => v.match(COLOUR) ?? []);
}

describe('large text', () => {
  it('takes the scale from the phone’s font setting: standard and smaller stay 1, larger in tenths up to 1.6', () => {
    expect([16, 17, 19, 22, 26, 40, undefined, 'x'].map(scaleForSystemSize)).toEqual([1, 1, 1.1, 1.3, 1.5, 1.6, 1, 1]);
    expect(textLook(LARGE_SCALE)).toEqual({ textStyle: '--fs:1.3;font-size:1.3em', largeText: true });
    expect(textLook(1)).toEqual({ textStyle: '--fs:1;font-size:1em', largeText: false });
  });

  it('every page takes the text-scale behavior and binds it on its root view', () => {
    const missing = PAGES.filter((p) => {
      const ts = fs.readFileSync(path.join(MP, `${p}.ts`), 'utf8');
      const wxml = fs.readFileSync(path.join(MP, `${p}.wxml`), 'utf8');
      const root = /^<view\b[^>]*>/.exec(wxml.trimStart())?.[0] ?? '';
      return !/behaviors: \[[^\]]*\btextScale\b/.test(ts) || !root.includes('style="{{textStyle}}"') || !root.includes("{{largeText ? 'large-text' : ''}}");
    });
    expect(PAGES.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('every text size in page and component WXSS scales with the page (calc(<n>rpx * var(--fs, 1)))', () => {
    const fixed = PAGE_WXSS.flatMap((f) => (fs.readFileSync(f, 'utf8').match(/font-size:\s*[^;}]+/g) ?? []).filter((d) => !/^font-size:\s*(calc\(\d+(\.\d+)?rpx \* var\(--fs, 1\)\)|inherit|\d+(\.\d+)?em)$/.test(d.trim())).map((d) => `${rel(f)}: ${d}`));
    expect(fixed).toEqual([]);
  });

  it('no fixed height on a button or a text box: they grow with their text', () => {
    const css = fs.readFileSync(path.join(MP, 'styles/common.wxss'), 'utf8');
    expect(/\.btn \{[^}]*[^-]height:\s*\d+rpx/.test(css)).toBe(false);
    expect(css).toMatch(/\.large-text \.row \{[^}]*flex-wrap: wrap/);
  });

  describe('the 字体大小 setting on 我的', () => {
    let h: ReturnType<typeof resetApp>;
    beforeEach(() => {
      h = resetApp();
    });

    it('follows the system by default, and 大字 sets 1.3× on the page at once and keeps it', async () => {
      h.fake.fontSizeSetting = 17;
      answerCalls(() => me('member'));
      const page = mount('pages/mine/index');
      await flush();
      const root = () => page.$('.page').dom;
      expect(page.data.textSize).toBe('system');
      expect(root().getAttribute('style')).toContain('--fs:1;');
      expect(page.$$('.size').map((n) => n.dom.textContent.trim())).toEqual(['跟随系统', '标准', '大字']);
      await tap(page, '.size', 2);
      await flush();
      expect(page.data.textSize).toBe('large');
      expect(root().getAttribute('style')).toContain('--fs:1.3;');
      expect(root().getAttribute('class')).toContain('large-text');
      // Another page opened afterwards takes it too.
      const other = mount('pages/privacy/index');
      await flush();
      expect(other.$('.page').dom.getAttribute('style')).toContain('--fs:1.3;');
      await tap(page, '.size', 1);
      await flush();
      expect(root().getAttribute('style')).toContain('--fs:1;');
    });

    it('follows a large system font when set to 跟随系统', async () => {
      h.fake.fontSizeSetting = 22;
      answerCalls(() => me('member'));
      const page = mount('pages/mine/index');
      await flush();
      expect(page.$('.page').dom.getAttribute('style')).toContain('--fs:1.3;');
      expect(page.$('.page').dom.getAttribute('class')).toContain('large-text');
    });
  });
});

describe('labels', () => {
  it('the scan finds tappable icons, images and symbols without a label, and passes labelled or worded ones', () => {
    const found = iconOnlyTappables(
      [
        '<view bindtap="a">›</view>',
        '<image src="x.png" bindtap="b" />',
        '<t-icon name="close" bind:tap="c" />',
        '<view catchtap="d"><t-icon name="add" /></view>',
        '<button open-type="share"><image src="s.png" /></button>',
        '<view bindtap="e">保存</view>',
        '<view bindtap="f">{{item.name}} ›</view>',
        '<view bindtap="g" aria-role="button" aria-label="关闭">✕</view>',
        '<image src="y.png" bindtap="h" aria-label="门头照" />',
        '<t-button icon="add" content="新增" bindtap="i" />',
        '<view>›</view>',
      ].join('\n'),
    );
    expect(found.map((f) => `${f.tag}@${f.line}`)).toEqual(['view@1', 'image@2', 't-icon@3', 'view@4', 'button@5']);
  });

  it('no icon-only tappable element in any WXML lacks an aria-label', () => {
    const bare = WXML.flatMap((f) => iconOnlyTappables(fs.readFileSync(f, 'utf8')).map((h) => `${rel(f)}:${h.line} <${h.tag}>`));
    expect(WXML.length).toBeGreaterThan(30);
    expect(bare).toEqual([]);
  });
});

describe('dark mode', () => {
  it('the scan sees colours written out and lets variables pass', () => {
    expect(hardColours('.a { color: #fff; background: rgba(0,0,0,.1); border: 1rpx solid white; } /* #000 */')).toEqual(['#fff', 'rgba(', 'white']);
    expect(hardColours('.a { color: var(--color-text); background: var(--td-bg-color-container); }')).toEqual([]);
  });

  it('no page or component WXSS writes a colour: each uses the variables of app.wxss', () => {
    const found = PAGE_WXSS.flatMap((f) => hardColours(fs.readFileSync(f, 'utf8')).map((c) => `${rel(f)}: ${c}`));
    expect(PAGE_WXSS.length).toBeGreaterThan(25);
    expect(found).toEqual([]);
  });

  it('every colour variable used is given in app.wxss, light and dark', () => {
    const used = new Set(PAGE_WXSS.flatMap((f) => Array.from(fs.readFileSync(f, 'utf8').matchAll(/var\((--color-[\w-]+)/g), (m) => m[1])));
    const [light, dark] = APP_WXSS.split('@media (prefers-color-scheme: dark)');
    expect(dark).toBeDefined();
    const defined = (css: string) => new Set(Array.from(css.matchAll(/(--color-[\w-]+)\s*:/g), (m) => m[1]));
    expect([...used].filter((v) => !defined(light).has(v))).toEqual([]);
    expect([...defined(light)].filter((v) => !defined(dark).has(v))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });

  it('app.json turns dark mode on, and theme.json holds every @-variable it uses, in light and dark', () => {
    expect(app.darkmode).toBe(true);
    expect(app.themeLocation).toBe('theme.json');
    const vars = Array.from(JSON.stringify(app).matchAll(/"@(\w+)"/g), (m) => m[1]);
    expect(vars).toEqual(expect.arrayContaining(['navBackground', 'navTextStyle', 'background', 'tabColor', 'tabSelectedColor', 'tabBackground', 'tabWorkbench', 'tabMineActive']));
    for (const mode of ['light', 'dark'] as const) expect([mode, vars.filter((v) => !(v in theme[mode]))]).toEqual([mode, []]);
    expect(Object.keys(theme.dark).sort()).toEqual(Object.keys(theme.light).sort());
    // No colour left written in app.json: each is a variable.
    const literal = JSON.stringify({ window: app.window, tabBar: { ...app.tabBar, list: undefined } }).match(/#[0-9a-f]{3,8}/gi);
    expect(literal).toBeNull();
  });

  it('each theme’s tab icons exist, differ between light and dark, and the dark bar is dark', () => {
    for (const tab of app.tabBar.list as { iconPath: string; selectedIconPath: string }[]) {
      for (const key of [tab.iconPath, tab.selectedIconPath]) {
        const [light, dark] = [theme.light[key.slice(1)], theme.dark[key.slice(1)]];
        expect(light).not.toBe(dark);
        for (const icon of [light, dark]) expect([icon, fs.existsSync(path.join(MP, icon))]).toEqual([icon, true]);
      }
    }
    const luminance = (hex: string) => parseInt(hex.slice(1, 3), 16) + parseInt(hex.slice(3, 5), 16) + parseInt(hex.slice(5, 7), 16);
    expect(luminance(theme.dark.tabBackground)).toBeLessThan(luminance(theme.light.tabBackground));
    expect(luminance(theme.dark.background)).toBeLessThan(200);
  });
});

describe('charts follow the text scale and dark mode like the other screens', () => {
  let h: ReturnType<typeof resetApp>;
  beforeEach(() => {
    h = resetApp();
  });

  it('the trend draws its labels at the text scale in the theme\'s ink, and again when WeChat turns dark or the size changes on 我的', async () => {
    h.fake.fontSizeSetting = 22;
    h.fake.theme = 'dark';
    answerCalls(() => dashboard());
    const page = mount('pages/metrics/trend/index', {}, { unitId: 'bank', name: encodeURIComponent('兴化农商银行') });
    await flush(15);
    const label = () => page.data.trendOption.xAxis.axisLabel;
    expect(page.$('.page').dom.getAttribute('style')).toContain('--fs:1.3;');
    expect(label()).toMatchObject({ fontSize: 13, color: CHART_INK.dark.label });
    expect(page.data.trendOption.legend.textStyle).toEqual({ fontSize: 13, color: CHART_INK.dark.legend });
    expect(page.data.visitOption.yAxis.axisLabel).toMatchObject({ fontSize: 13, color: CHART_INK.dark.label });
    // Wider room for the larger labels.
    expect(page.data.trendOption.grid.left).toBe(Math.round(44 * 1.3));
    h.fake.switchTheme('light');
    await flush();
    expect(label()).toMatchObject({ fontSize: 13, color: CHART_INK.light.label });
    expect(page.data.visitOption.yAxis.splitLine.lineStyle.color).toBe(CHART_INK.light.split);
    // 标准 chosen on 我的: the page shows again with its text and its charts at 1.
    (globalThis as any).wx.setStorageSync(STORAGE_KEYS.textSize, 'standard');
    page.comp.triggerPageLifeTime('show');
    await flush();
    expect(page.$('.page').dom.getAttribute('style')).toContain('--fs:1;');
    expect(label()).toMatchObject({ fontSize: 10, color: CHART_INK.light.label });
    expect(page.data.trendOption.grid.left).toBe(44);
    // The data drawn is the same in every look.
    expect(page.data.trendOption.series[0].data).toHaveLength(12);
  });

  it('the workload chart’s labels and rows grow with the text scale, in the dark ink when WeChat is dark', async () => {
    answerCalls(() => ({ period: {}, team: { unitId: 'g-cb1', rows: [{ ...workloadRow('s-1', 20, 2), staffId: 's-1', name: '王网格', role: 'member' }, { ...workloadRow('s-2', 5), staffId: 's-2', name: '李维护', role: 'maintenance' }] } }));
    const page = mount('pages/metrics/workload/index', {}, { unitId: 'g-cb1' });
    await flush(10);
    const standard = { height: page.data.chartHeight, font: page.data.option.yAxis.axisLabel.fontSize, width: page.data.option.yAxis.axisLabel.width };
    expect(standard).toEqual({ height: 160, font: 10, width: 56 });
    expect(page.data.option.yAxis.axisLabel.color).toBe(CHART_INK.light.label);
    (globalThis as any).wx.setStorageSync(STORAGE_KEYS.textSize, 'large');
    page.comp.triggerPageLifeTime('show');
    h.fake.switchTheme('dark');
    await flush();
    expect(page.data.option.yAxis.axisLabel).toMatchObject({ fontSize: 13, width: Math.round(56 * 1.3), color: CHART_INK.dark.label });
    expect(page.data.option.legend.textStyle).toEqual({ fontSize: 13, color: CHART_INK.dark.legend });
    expect(page.data.chartHeight).toBe(Math.max(160, 2 * Math.round(26 * 1.3) + Math.round(56 * 1.3)));
    expect(page.data.option.series[2].data).toEqual([20, 5]);
  });
});
