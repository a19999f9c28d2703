/**
 * Beside the phone: what this preview is and how it differs from a phone, the package sizes as WeChat
 * counts them, and the controls a phone would give by moving about — the demo account, where you stand,
 * the network — plus the calls the pages made.
 */
import type { Position, WxState } from './wx';
import { LARGE_FONT_SIZE, type Look } from './look';

interface Account {
  role: string;
  label: string;
  openid: string;
  name: string;
  unit: string;
}

interface SideOptions {
  openid: string;
  meta: { sizes: { name: string; root: string; bytes: number; limit: number }[] };
  state: WxState;
  look: Look;
}

const WECHAT_PACKAGE_LIMIT = 2 * 1024 * 1024; // 单个分包/主包大小不能超过 2M (WeChat subpackage docs)
const DEFAULT_POSITION: Position = { label: '兴化市中心', latitude: 32.9396, longitude: 119.8426, accuracy: 15 };

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

export function mountSide(root: HTMLElement, { openid, meta, state, look }: SideOptions) {
  const grids: Position[] = [];
  const merchants: Position[] = [];
  let choice = 'auto';
  const positionOf = (): Position | null => {
    if (choice === 'none') return null;
    if (choice === 'auto') return merchants[0] ?? grids[0] ?? DEFAULT_POSITION;
    const [kind, i] = choice.split(':');
    return (kind === 'grid' ? grids : merchants)[Number(i)] ?? DEFAULT_POSITION;
  };
  Object.defineProperty(state, 'position', { get: positionOf, configurable: true });

  const total = meta.sizes.reduce((s, p) => s + p.bytes, 0);
  root.innerHTML = `
    <section class="wxp-banner" role="note">
      <b>浏览器预览</b>，不是微信：页面就是小程序本身（WXML、WXSS 和编译后的 TypeScript），由微信官方的 WXML 编译器和组件框架（exparser，页面测试所用）在浏览器里运行，像本地模式一样调用本机网关。
      <details><summary>与手机上的不同</summary><ul>
        <li>地图不画底图：只按真实相对位置画出标记和“我的位置”。</li>
        <li>没有摄像头：拍照时从文件选一张照片（或用示例门头照），页面照常加水印、压缩、上传。</li>
        <li>定位来自下面选的演示位置；可选“不允许定位”看拒绝授权时的页面。</li>
        <li>网络开关模拟断网，可试离线走访队列；刷新页面等于关闭小程序，临时文件和队列里的照片不保留。</li>
        <li>TDesign 的图标字体在其 CDN 上，预览不加载；渲染由浏览器完成，与微信的 WebView 有细微差异。</li>
      </ul></details>
    </section>
    <section class="wxp-card"><h2>身份</h2>
      <select id="wxp-account" aria-label="演示账号"><option value="${escapeHtml(openid)}">${escapeHtml(openid)}</option></select>
      <p class="wxp-hint">切换账号等于换一个微信用户打开小程序（各自的缓存）。</p>
    </section>
    <section class="wxp-card"><h2>位置</h2>
      <select id="wxp-position" aria-label="演示位置"></select>
      <p class="wxp-hint" id="wxp-position-now"></p>
    </section>
    <section class="wxp-card"><h2>外观</h2>
      <select id="wxp-theme" aria-label="深色模式"><option value="light"${look.theme === 'light' ? ' selected' : ''}>浅色</option><option value="dark"${look.theme === 'dark' ? ' selected' : ''}>深色模式</option></select>
      <select id="wxp-text" aria-label="系统字体大小"><option value="standard">标准字体</option><option value="large"${look.fontSizeSetting >= LARGE_FONT_SIZE ? ' selected' : ''}>系统大字（1.3 倍）</option></select>
      <p class="wxp-hint">如手机的深色模式和系统字体设置；切换后重启小程序（也可用 ?theme=dark&amp;text=large）。</p>
    </section>
    <section class="wxp-card"><h2>网络</h2>
      <label class="wxp-switch"><input type="checkbox" id="wxp-online" checked> 联网（关掉试试离线走访）</label>
    </section>
    <section class="wxp-card"><h2>包大小（微信计算方式）</h2>
      <table class="wxp-sizes">${meta.sizes
        .map((p) => `<tr><td>${escapeHtml(p.name === 'main' ? '主包' : p.name)}</td><td>${kb(p.bytes)}</td><td class="${p.bytes > p.limit ? 'over' : 'ok'}">${p.bytes > p.limit ? '超出' : '✓'}</td></tr>`)
        .join('')}<tr class="total"><td>合计</td><td>${kb(total)}</td><td></td></tr></table>
      <p class="wxp-hint">微信上限每包 ${kb(WECHAT_PACKAGE_LIMIT)}；本项目预算主包 ${kb(meta.sizes[0]?.limit ?? 0)}、分包 ${kb(meta.sizes[1]?.limit ?? 0)}（npm run size）。</p>
    </section>
    <section class="wxp-card"><h2>调用</h2><ol class="wxp-calls" id="wxp-calls"></ol></section>
    <p class="wxp-links"><a href="/">首页</a> · <a href="#" id="wxp-reset">清除本账号缓存并重启</a> · <a href="#" id="wxp-restart">重启小程序</a></p>`;

  const accountSel = root.querySelector<HTMLSelectElement>('#wxp-account')!;
  const positionSel = root.querySelector<HTMLSelectElement>('#wxp-position')!;
  const positionNow = root.querySelector<HTMLElement>('#wxp-position-now')!;
  const calls = root.querySelector<HTMLElement>('#wxp-calls')!;

  fetch('accounts.json')
    .then((r) => r.json())
    .then((accounts: Account[]) => {
      accountSel.innerHTML = accounts.map((a) => `<option value="${escapeHtml(a.openid)}"${a.openid === openid ? ' selected' : ''}>${escapeHtml(`${a.label} · ${a.name}${a.unit ? `（${a.unit}）` : ''}`)}</option>`).join('');
    })
    .catch(() => undefined);
  accountSel.addEventListener('change', () => {
    location.search = `?as=${encodeURIComponent(accountSel.value)}`;
  });
  const setQuery = (key: string, value: string) => {
    const params = new URLSearchParams(location.search);
    params.set(key, value);
    location.search = `?${params}`;
  };
  root.querySelector<HTMLSelectElement>('#wxp-theme')!.addEventListener('change', (e) => setQuery('theme', (e.target as HTMLSelectElement).value));
  root.querySelector<HTMLSelectElement>('#wxp-text')!.addEventListener('change', (e) => setQuery('text', (e.target as HTMLSelectElement).value));
  root.querySelector('#wxp-restart')!.addEventListener('click', (e) => (e.preventDefault(), location.reload()));
  root.querySelector('#wxp-reset')!.addEventListener('click', (e) => {
    e.preventDefault();
    for (const key of Object.keys(localStorage)) if (key.startsWith(`wxp:${openid}:`)) localStorage.removeItem(key);
    location.reload();
  });

  const fmt = (p: Position | null) => (p ? `${p.label}（${p.latitude.toFixed(5)}, ${p.longitude.toFixed(5)}）` : '定位被拒绝');
  const renderPositions = () => {
    const auto = positionOf();
    const opts = [
      `<option value="auto">跟随：正在看的商户门口，否则我的网格中心</option>`,
      ...grids.map((g, i) => `<option value="grid:${i}">网格中心 · ${escapeHtml(g.label)}</option>`),
      ...merchants.map((m, i) => `<option value="merchant:${i}">商户门口 · ${escapeHtml(m.label)}</option>`),
      `<option value="none">不允许定位</option>`,
    ];
    positionSel.innerHTML = opts.join('');
    positionSel.value = choice;
    positionNow.textContent = `现在：${fmt(choice === 'auto' ? auto : positionOf())}`;
  };
  positionSel.addEventListener('change', () => {
    choice = positionSel.value;
    renderPositions();
  });
  renderPositions();

  const side = {
    onNetwork: (_online: boolean) => undefined as void,
    /** The pages' calls: listed, and a merchant they open becomes a place to stand. */
    onRequest(r: { url: string; data: unknown; status: number | string; ms: number; body: any }) {
      const fn = r.url.split('/functions/')[1];
      if (!fn) return;
      const action = (r.data as any)?.action ?? '';
      const li = document.createElement('li');
      li.textContent = `${fn}.${action} · ${r.status} · ${Math.round(r.ms)} ms`;
      if (r.status !== 200 || r.body?.ok === false) li.className = 'bad';
      calls.prepend(li);
      while (calls.children.length > 12) calls.lastElementChild!.remove();
      const m = r.body?.ok && fn === 'merchant' && action === 'get' ? r.body.data : null;
      if (m?.location && typeof m.location.lat === 'number') {
        const at: Position = { label: String(m.name ?? m._id ?? '商户'), latitude: m.location.lat, longitude: m.location.lng, accuracy: 8 };
        const i = merchants.findIndex((x) => x.label === at.label);
        if (i >= 0) merchants.splice(i, 1);
        merchants.unshift(at);
        merchants.length = Math.min(merchants.length, 5);
        renderPositions();
      }
    },
    /** The account's grids, each centre a place to stand (from the same functions the pages call). */
    async loadPositions(_wx: unknown): Promise<void> {
      const call = async (fn: string, body: Record<string, unknown>) => {
        const res = await fetch(`${location.origin}/functions/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid }, body: JSON.stringify(body) });
        return res.json();
      };
      try {
        const me = await call('user', { action: 'me' });
        const mine: { id: string; name: string }[] = (me?.data?.grids ?? []).slice(0, 6);
        for (const g of mine) {
          const unit = await call('org', { action: 'getUnit', unitId: g.id });
          const boundary: [number, number][] = unit?.data?.unit?.boundary ?? [];
          if (!boundary.length) continue;
          const lng = boundary.reduce((s, p) => s + p[0], 0) / boundary.length;
          const lat = boundary.reduce((s, p) => s + p[1], 0) / boundary.length;
          grids.push({ label: g.name ?? unit.data.unit.name ?? g.id, latitude: lat, longitude: lng, accuracy: 10 });
        }
      } catch {
        // no grids: the default position stands
      }
      renderPositions();
    },
  };
  root.querySelector<HTMLInputElement>('#wxp-online')!.addEventListener('change', (e) => side.onNetwork((e.target as HTMLInputElement).checked));
  return side;
}
