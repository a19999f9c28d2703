/** The home page at `/`: what the platform is, the demo accounts by role, and the ways in. */

export interface HomeAccount {
  role: string;
  label: string;
  openid: string;
  name: string;
  unit: string;
  /** false when the store has no such staff (SEED=none) */
  bound: boolean;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const DOES: Record<string, string> = {
  hq: '全行看板与考核指标、导入行内数据、导出报表、设置阈值和人员',
  branch: '本支行的看板、网格与人员',
  leader: '本网格组的看板，逐级看到每个网格',
  member: '给商户建档，按六项检查回访，处理整改任务',
  marketing: '拓展新商户：现场建档、拍门头照',
  maintenance: '维护存量商户：回访、整改',
};

/** `busy`: why the gateway refuses calls for now (the first start writing the demo bank), else null. */
export function homePage(o: { accounts: HomeAccount[]; hasConsole: boolean; previewBuilt: boolean; busy?: string | null }): string {
  const missing = o.busy ? '<span class="muted">演示数据写入中…</span>' : '<span class="muted">未写入（SEED=none）</span>';
  const rows = o.accounts
    .map(
      (a) => `<tr><td><b>${esc(a.label)}</b></td><td>${a.bound ? `${esc(a.name)}<div class="unit">${esc(a.unit)}</div>` : missing}</td><td class="does">${esc(DOES[a.role] ?? '')}</td><td><code>${esc(a.openid)}</code></td><td><a class="go" href="/preview/?as=${encodeURIComponent(a.openid)}">以${esc(a.label)}身份打开</a></td></tr>`,
    )
    .join('');
  const member = o.accounts.find((a) => a.role === 'member')?.openid ?? 'demo-member';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>商户网格数字化平台</title><link rel="icon" href="data:,">${o.busy ? '<meta http-equiv="refresh" content="5">' : ''}
<style>
body { margin: 0; font-family: -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Helvetica Neue', sans-serif; color: #1f2329; background: #f3f4f6; line-height: 1.6; }
header { background: #0052d9; color: #fff; padding: 36px 24px 30px; }
header h1 { margin: 0 0 6px; font-size: 28px; } header p { margin: 0; max-width: 860px; opacity: .92; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
.ways { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 24px; }
.way { flex: 1 1 300px; background: #fff; border-radius: 12px; padding: 18px 20px; }
.way h2 { margin: 0 0 6px; font-size: 18px; } .way p { margin: 0 0 12px; color: #4b5563; font-size: 14px; }
.btn { display: inline-block; background: #0052d9; color: #fff; padding: 9px 18px; border-radius: 8px; text-decoration: none; font-weight: 600; }
.btn.off { background: #c5c9d0; pointer-events: none; }
section.card { background: #fff; border-radius: 12px; padding: 18px 20px; margin-bottom: 24px; }
section.card h2 { margin: 0 0 12px; font-size: 18px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
td, th { text-align: left; padding: 9px 8px; border-bottom: 1px solid #f0f1f3; vertical-align: top; }
th { color: #6b7280; font-weight: 500; font-size: 13px; }
.unit, .muted { color: #8a8f99; font-size: 12px; } .does { color: #4b5563; }
a.go { color: #0052d9; white-space: nowrap; }
code { background: #f2f3f5; padding: 1px 6px; border-radius: 4px; font-size: 12.5px; }
ul { padding-left: 20px; margin: 0; } li { margin: 4px 0; }
.busy { background: #fff7e6; border: 1px solid #ffd591; border-radius: 10px; padding: 12px 16px; margin: 0 0 20px; }
footer { color: #8a8f99; font-size: 12.5px; text-align: center; padding: 8px 24px 32px; }
</style></head>
<body>
<header><h1>商户网格数字化平台</h1>
<p>农商银行的网格化商户服务：网格员给辖内商户建档，按六项检查定期回访，未通过的检查自动生成整改任务；网格长、支行和总行在看板上看走访覆盖、商户生命周期分类和工作量，导入行内的存款、交易、信贷数据，导出报表。一个微信小程序，后端是腾讯云开发（CloudBase）的云函数；同一套代码在本机运行，数据都在这台机器上。</p></header>
<main>
${o.busy ? `<p class="busy" role="status">首次启动，正在写入演示数据（${esc(o.busy)}）：写完后账号可用，本页每 5 秒刷新。预览现在就能打开，会等数据写完再启动。</p>` : ''}
<div class="ways">
  <div class="way"><h2>小程序预览</h2><p>真实的小程序页面在浏览器里运行（375 × 812 的手机框，微信的导航栏和标签栏），以演示账号登录，调用本机网关。无需微信开发者工具和账号。</p>
  <a class="btn${o.previewBuilt ? '' : ' off'}" href="/preview/?as=${encodeURIComponent(member)}">以网格员身份打开</a>${o.previewBuilt ? '' : '<p class="muted">预览尚未构建：运行 <code>npm run build:preview</code>（npm start 会自动构建）。</p>'}</div>
  <div class="way"><h2>总行控制台</h2><p>总行在电脑上使用的管理后台：全行看板、数据导入导出、人员与网格设置。</p>
  ${o.hasConsole ? '<a class="btn" href="/console/">打开控制台</a>' : '<a class="btn off" aria-disabled="true">尚未提供</a><p class="muted">这个网关还没有控制台；总行的功能目前都在小程序里（以总行身份打开预览）。</p>'}</div>
</div>
<section class="card"><h2>演示账号（按角色）</h2>
<table><thead><tr><th>角色</th><th>姓名 · 单位</th><th>能做什么</th><th>openid</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">本机模式下，调用方由请求头 <code>X-WX-OPENID</code> 指明（仅本机模式接受）；在云端由微信给出 OPENID。</p></section>
<section class="card"><h2>从这里开始</h2><ul>
<li>网格员：在工作台点“建档”，拍门头照（预览中从文件选取），填好提交；再从商户列表打开它做回访，把一项检查标为未通过（生成整改任务，派给本网格的维护助理），在商户详情的“任务”里看到它，在看板上看走访数变化。</li>
<li>网格长：在看板上从本网格组逐级点进某个网格。</li>
<li>总行：看板和考核指标、在“我的 → 设置”里调阈值，在报表里导出 Excel。</li>
</ul></section>
</main>
<footer>接口：<code>POST /functions/&lt;name&gt;</code>（请求体即事件），<code>GET /healthz</code>。文档见仓库的 README 与 docs/。</footer>
</body></html>`;
}
