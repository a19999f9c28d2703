/**
 * The phone around the pages: status bar, WeChat's navigation bar (title, back, capsule), the tab bar
 * from app.json, the page stack (navigateTo / redirectTo / switchTab / reLaunch / navigateBack with
 * onLoad, onShow, onHide, onUnload), pull-down refresh and onReachBottom, and WeChat's prompts (toast,
 * loading, modal, action sheet, picker sheet) drawn inside the frame.
 */
import type { PickerRequest } from './builtins';
import type { Ui } from './wx';

export interface AppJson {
  pages: string[];
  subPackages?: { root: string; name?: string; pages: string[] }[];
  tabBar?: { color: string; selectedColor: string; backgroundColor: string; list: { pagePath: string; text: string; iconPath: string; selectedIconPath: string }[] };
  window?: { navigationBarBackgroundColor?: string; navigationBarTextStyle?: string; navigationBarTitleText?: string; backgroundColor?: string };
  preloadRule?: Record<string, { packages: string[] }>;
}

export interface PageEngine {
  /** Loads the page's package, renders it into `into`, and returns the mounted component. */
  mount(route: string, into: HTMLElement): Promise<{ comp: any; json: any }>;
  packageOf(route: string): string;
  preload(name: string): void;
  /**
   * Work a page's first opening would do, done ahead in idle time: its definition (modules run, templates
   * and WXSS looked up) and, with `tree`, its component tree created but not attached — its attached,
   * onLoad and onShow still run when it is opened.
   */
  prepare(route: string, tree: boolean): Promise<void>;
  /** True while the pages wait for the gateway: work ahead waits too, not to delay what they show. */
  busy(): boolean;
}

interface Entry {
  route: string;
  query: Record<string, string>;
  comp: any;
  json: any;
  wrap: HTMLElement;
  title: string;
  inst: any;
  bottomArmed: boolean;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', html = ''): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html) e.innerHTML = html;
  return e;
};

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function parseUrl(url: string, from: string): { route: string; query: Record<string, string> } {
  const [path, qs = ''] = url.split('?');
  let route = path.startsWith('/') ? path.slice(1) : `${from.slice(0, from.lastIndexOf('/'))}/${path}`;
  const parts: string[] = [];
  for (const p of route.split('/')) {
    if (p === '..') parts.pop();
    else if (p && p !== '.') parts.push(p);
  }
  route = parts.join('/');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(qs)) query[k] = v;
  return { route, query };
}

const safely = (fn: ((...args: any[]) => unknown) | undefined, self: any, ...args: unknown[]): void => {
  if (typeof fn !== 'function') return;
  const r = fn.apply(self, args);
  if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch((e) => console.error(e));
};

export class Shell implements Ui {
  readonly stack: Entry[] = [];
  private readonly tabs = new Map<string, Entry>();
  private readonly tabRoutes: string[];
  private readonly pagesEl: HTMLElement;
  private readonly navEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly backEl: HTMLElement;
  private readonly tabbarEl: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly fileInput: HTMLInputElement;
  private toastTimer = 0;
  private navigating: Promise<void> = Promise.resolve();
  /**
   * Times of the navigations (for the browser test's figures): `ms` the navigation's own work, `tapMs`
   * (tab bar taps) from the tap's input event to the frame that shows the page.
   */
  readonly timings: { kind: string; route: string; ms: number; tapMs?: number }[] = [];
  private tapAt: { route: string; at: number } | null = null;

  constructor(
    private readonly phone: HTMLElement,
    private readonly app: AppJson,
    private readonly engine: PageEngine,
  ) {
    this.tabRoutes = (app.tabBar?.list ?? []).map((t) => t.pagePath);
    const win = app.window ?? {};
    phone.innerHTML = '';
    const status = el('div', 'wxp-status', '<span>9:41</span><span class="wxp-status-right">WeChat ▂▄▆ 100%</span>');
    this.navEl = el('div', 'wxp-nav');
    this.navEl.style.background = win.navigationBarBackgroundColor ?? '#fff';
    this.navEl.style.color = win.navigationBarTextStyle === 'white' ? '#fff' : '#000';
    status.style.background = this.navEl.style.background;
    status.style.color = this.navEl.style.color;
    this.backEl = el('div', 'wxp-back', '<span aria-hidden="true">‹</span>');
    this.backEl.setAttribute('role', 'button');
    this.backEl.setAttribute('aria-label', '返回');
    this.backEl.addEventListener('click', () => void this.navigate('navigateBack', '', 1).catch(() => undefined));
    this.titleEl = el('div', 'wxp-title');
    const capsule = el('div', 'wxp-capsule', '<span>···</span><i></i><span>◎</span>');
    this.navEl.append(this.backEl, this.titleEl, capsule);
    this.pagesEl = el('div', 'wxp-pages');
    this.pagesEl.style.background = win.backgroundColor ?? '#fff';
    this.tabbarEl = el('div', 'wxp-tabbar');
    this.overlay = el('div', 'wxp-overlay');
    this.fileInput = el('input', 'wxp-file');
    this.fileInput.type = 'file';
    phone.append(status, this.navEl, this.pagesEl, this.tabbarEl, this.overlay, this.fileInput);
    this.renderTabbar(null);
  }

  get top(): Entry | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The routes and queries of the page stack, bottom first (what getCurrentPages answers). */
  currentPages(): any[] {
    return this.stack.map((e) => e.inst);
  }

  // ---------------------------------------------------------------- navigation

  navigate(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab' | 'navigateBack', url: string, delta = 1): Promise<void> {
    // One navigation at a time, in the order the pages asked for them.
    const run = this.navigating.then(() => this.doNavigate(kind, url, delta));
    this.navigating = run.catch(() => undefined);
    return run;
  }

  private async doNavigate(kind: string, url: string, delta: number): Promise<void> {
    const t0 = performance.now();
    const from = this.top?.route ?? '';
    if (kind === 'navigateBack') {
      if (this.stack.length <= 1) throw new Error('cannot navigate back at first page');
      const n = Math.min(delta, this.stack.length - 1);
      for (let i = 0; i < n; i++) this.unload(this.stack.pop()!);
      this.show(this.top!);
      this.timings.push({ kind, route: this.top!.route, ms: performance.now() - t0 });
      return;
    }
    const { route, query } = parseUrl(url, from);
    const isTab = this.tabRoutes.includes(route);
    if (kind === 'switchTab') {
      if (!isTab) throw new Error(`can not switchTab to a non-tabbar page ${route}`);
      this.hideTop();
      while (this.stack.length && !this.tabRoutes.includes(this.top!.route)) this.unload(this.stack.pop()!);
      this.stack.length = 0;
      let entry = this.tabs.get(route);
      if (!entry) {
        entry = await this.create(route, {});
        this.tabs.set(route, entry);
        this.stack.push(entry);
        this.start(entry);
      } else {
        this.stack.push(entry);
        this.show(entry);
      }
    } else if (kind === 'navigateTo') {
      if (isTab) throw new Error(`can not navigateTo a tabbar page ${route}`);
      if (this.stack.length >= 10) throw new Error('webview count limit exceed');
      const entry = await this.create(route, query);
      this.hideTop();
      this.stack.push(entry);
      this.start(entry);
    } else if (kind === 'redirectTo') {
      if (isTab) throw new Error(`can not redirectTo a tabbar page ${route}`);
      const entry = await this.create(route, query);
      const old = this.stack.pop();
      if (old) this.unloadOrHideTab(old);
      this.stack.push(entry);
      this.start(entry);
    } else if (kind === 'reLaunch') {
      const entry = await this.create(route, query);
      while (this.stack.length) this.unloadOrHideTab(this.stack.pop()!);
      for (const tab of this.tabs.values()) this.unload(tab);
      this.tabs.clear();
      if (isTab) this.tabs.set(route, entry);
      this.stack.push(entry);
      this.start(entry);
    }
    const timing: (typeof this.timings)[number] = { kind, route, ms: performance.now() - t0 };
    this.timings.push(timing);
    const tap = kind === 'switchTab' && this.tapAt?.route === route ? this.tapAt : null;
    if (tap) {
      this.tapAt = null;
      requestAnimationFrame(() => (timing.tapMs = performance.now() - tap.at));
    }
    // preloadRule: WeChat fetches the packages once the page is up; so, when the browser is idle. Their
    // pages are defined then too, and the other tab pages built, so a first tap on them answers quickly.
    const preload = this.app.preloadRule?.[route];
    if (preload) requestIdleCallback(() => preload.packages.forEach((name) => this.engine.preload(name)), { timeout: 3000 });
    const ahead = [
      ...this.tabRoutes.filter((r) => !this.tabs.has(r)).map((r) => ({ route: r, tree: true })),
      ...this.allRoutes.filter((r) => preload?.packages.includes(this.engine.packageOf(r))).map((r) => ({ route: r, tree: false })),
    ];
    for (const item of ahead) if (!this.ahead.some((a) => a.route === item.route && a.tree === item.tree)) this.ahead.push(item);
    this.prepareAhead();
  }

  /** What is still to prepare ahead, one page per idle moment (a tap in between waits for one page at most). */
  private readonly ahead: { route: string; tree: boolean }[] = [];
  private preparing = false;
  private waitingSince = 0;

  private prepareAhead(): void {
    if (this.preparing || !this.ahead.length) return;
    this.preparing = true;
    requestIdleCallback(
      () => {
        // The pages' calls first (but not forever: a page may poll).
        if (this.engine.busy() && performance.now() - (this.waitingSince ||= performance.now()) < 5000) {
          setTimeout(() => {
            this.preparing = false;
            this.prepareAhead();
          }, 100);
          return;
        }
        this.waitingSince = 0;
        const next = this.ahead.shift()!;
        const done = () => {
          this.preparing = false;
          this.prepareAhead();
        };
        // A tab opened meanwhile needs nothing built ahead.
        if (next.tree && this.tabs.has(next.route)) return done();
        this.engine.prepare(next.route, next.tree).then(done, (err) => {
          console.error(err);
          done();
        });
      },
      { timeout: 4000 },
    );
  }

  private get allRoutes(): string[] {
    return [...this.app.pages, ...(this.app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
  }

  private async create(route: string, query: Record<string, string>): Promise<Entry> {
    if (!this.allRoutes.includes(route)) throw new Error(`page "${route}" is not found`);
    const wrap = el('div', 'wxp-page-wrap');
    wrap.dataset.route = route;
    const ptr = el('div', 'wxp-ptr', '<i></i><i></i><i></i>');
    const page = el('div', 'wxp-page');
    wrap.append(ptr, page);
    wrap.hidden = true;
    this.pagesEl.appendChild(wrap);
    let mounted: { comp: any; json: any };
    try {
      mounted = await this.engine.mount(route, page);
    } catch (err) {
      wrap.remove();
      throw err;
    }
    const inst = mounted.comp.instance;
    inst.route = route;
    inst.options = query;
    inst.__route__ = route;
    const entry: Entry = { route, query, comp: mounted.comp, json: mounted.json, wrap, inst, title: mounted.json.navigationBarTitleText ?? this.app.window?.navigationBarTitleText ?? '', bottomArmed: true };
    this.wireScroll(entry, ptr, page);
    return entry;
  }

  private start(entry: Entry): void {
    this.reveal(entry);
    safely(entry.inst.onLoad, entry.inst, { ...entry.query });
    safely(entry.inst.onShow, entry.inst);
    requestAnimationFrame(() => safely(entry.inst.onReady, entry.inst));
  }

  private show(entry: Entry): void {
    this.reveal(entry);
    safely(entry.inst.onShow, entry.inst);
  }

  private reveal(entry: Entry): void {
    for (const w of Array.from(this.pagesEl.children) as HTMLElement[]) w.hidden = w !== entry.wrap;
    this.titleEl.textContent = entry.title;
    const isTab = this.tabRoutes.includes(entry.route);
    this.backEl.style.visibility = this.stack.length > 1 ? 'visible' : 'hidden';
    this.renderTabbar(isTab ? entry.route : null);
    this.pagesEl.classList.toggle('with-tabbar', isTab);
  }

  private hideTop(): void {
    const top = this.top;
    if (!top) return;
    safely(top.inst.onHide, top.inst);
  }

  private unloadOrHideTab(entry: Entry): void {
    if (this.tabs.get(entry.route) === entry) safely(entry.inst.onHide, entry.inst);
    else this.unload(entry);
  }

  private unload(entry: Entry): void {
    safely(entry.inst.onUnload, entry.inst);
    entry.comp.detach();
    entry.wrap.remove();
  }

  private renderTabbar(active: string | null): void {
    const bar = this.app.tabBar;
    this.tabbarEl.hidden = !active || !bar;
    if (!bar || !active) return;
    this.tabbarEl.style.background = bar.backgroundColor;
    this.tabbarEl.innerHTML = bar.list
      .map((t) => {
        const on = t.pagePath === active;
        return `<div class="wxp-tab${on ? ' on' : ''}" role="tab" aria-selected="${on}" data-path="${escapeHtml(t.pagePath)}" style="color:${on ? bar.selectedColor : bar.color}"><img alt="" src="mp/${escapeHtml(on ? t.selectedIconPath : t.iconPath)}"><span>${escapeHtml(t.text)}</span></div>`;
      })
      .join('');
    this.tabbarEl.querySelectorAll<HTMLElement>('.wxp-tab').forEach((tab) =>
      tab.addEventListener('click', (e) => {
        const path = tab.dataset.path!;
        if (path === this.top?.route) return;
        this.tapAt = { route: path, at: e.timeStamp };
        void this.navigate('switchTab', `/${path}`).catch((e) => console.error(e));
      }),
    );
  }

  // ---------------------------------------------------------------- scrolling

  private wireScroll(entry: Entry, ptr: HTMLElement, page: HTMLElement): void {
    const wrap = entry.wrap;
    const distance = Number(entry.json.onReachBottomDistance ?? 50);
    wrap.addEventListener('scroll', () => {
      const near = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - distance;
      if (near && entry.bottomArmed) {
        entry.bottomArmed = false;
        safely(entry.inst.onReachBottom, entry.inst);
      } else if (!near) entry.bottomArmed = true;
    });
    // More content arrived (the next page of a list): reaching the bottom again counts again.
    new ResizeObserver(() => {
      if (wrap.scrollTop + wrap.clientHeight < wrap.scrollHeight - distance) entry.bottomArmed = true;
    }).observe(page);
    if (!entry.json.enablePullDownRefresh) return;
    let startY: number | null = null;
    let pulled = 0;
    wrap.addEventListener('pointerdown', (e) => {
      if (wrap.scrollTop > 0 || wrap.classList.contains('refreshing')) return;
      startY = e.clientY;
      pulled = 0;
    });
    wrap.addEventListener('pointermove', (e) => {
      if (startY === null || !(e.buttons & 1)) return;
      pulled = Math.max(0, Math.min(90, (e.clientY - startY) / 2));
      if (pulled > 4) wrap.classList.add('pulling');
      page.style.transform = pulled ? `translateY(${pulled}px)` : '';
      ptr.style.height = `${pulled}px`;
    });
    const end = () => {
      if (startY === null) return;
      startY = null;
      wrap.classList.remove('pulling');
      if (pulled > 45) this.refresh(entry);
      else this.settle(entry);
      if (pulled > 4) this.suppressTapUntil = performance.now() + 300;
    };
    wrap.addEventListener('pointerup', end);
    wrap.addEventListener('pointercancel', end);
    wrap.addEventListener('pointerleave', end);
  }

  /** A tap ends a pull: the click after a drag is not a tap. */
  suppressTapUntil = 0;

  private refresh(entry: Entry): void {
    this.showRefreshing(entry, true);
    safely(entry.inst.onPullDownRefresh, entry.inst);
  }

  private settle(entry: Entry): void {
    this.showRefreshing(entry, false);
  }

  /** Holds the page 50 px down over the refresh indicator while it refreshes, or lets it back up. */
  private showRefreshing(entry: Entry, on: boolean): void {
    const page = entry.wrap.querySelector<HTMLElement>('.wxp-page')!;
    const ptr = entry.wrap.querySelector<HTMLElement>('.wxp-ptr')!;
    entry.wrap.classList.toggle('refreshing', on);
    page.style.transform = on ? 'translateY(50px)' : '';
    ptr.style.height = on ? '50px' : '0';
  }

  pullDown(on: boolean): void {
    const top = this.top;
    if (!top || !top.json.enablePullDownRefresh) return;
    if (on) this.refresh(top);
    else this.settle(top);
  }

  setTitle(title: string): void {
    if (this.top) this.top.title = title;
    this.titleEl.textContent = title;
  }

  // ---------------------------------------------------------------- prompts

  toast(title: string, icon: string, durationMs: number): void {
    this.overlay.querySelector('.wxp-toast')?.remove();
    clearTimeout(this.toastTimer);
    const mark = icon === 'success' ? '<div class="wxp-toast-icon">✓</div>' : icon === 'error' ? '<div class="wxp-toast-icon">✕</div>' : icon === 'loading' ? '<div class="wxp-spinner"></div>' : '';
    const t = el('div', `wxp-toast${mark ? '' : ' text'}`, `${mark}<div class="wxp-toast-text">${escapeHtml(title)}</div>`);
    t.setAttribute('role', 'status');
    this.overlay.appendChild(t);
    this.toastTimer = window.setTimeout(() => t.remove(), durationMs);
  }

  loading(title: string | null): void {
    this.overlay.querySelector('.wxp-loading')?.remove();
    if (title === null) return;
    const t = el('div', 'wxp-toast wxp-loading', `<div class="wxp-spinner"></div><div class="wxp-toast-text">${escapeHtml(title)}</div>`);
    this.overlay.appendChild(t);
  }

  modal(o: { title?: string; content?: string; showCancel?: boolean; confirmText?: string; cancelText?: string; editable?: boolean; placeholderText?: string }): Promise<{ confirm: boolean; content?: string }> {
    return new Promise((resolve) => {
      const mask = el('div', 'wxp-mask');
      const box = el('div', 'wxp-modal');
      box.setAttribute('role', 'dialog');
      box.innerHTML = `${o.title ? `<div class="wxp-modal-title">${escapeHtml(o.title)}</div>` : ''}${o.content ? `<div class="wxp-modal-body">${escapeHtml(o.content)}</div>` : ''}${o.editable ? `<input class="wxp-modal-input" placeholder="${escapeHtml(o.placeholderText ?? '')}">` : ''}<div class="wxp-modal-actions">${o.showCancel === false ? '' : `<div class="wxp-modal-cancel" role="button">${escapeHtml(o.cancelText ?? '取消')}</div>`}<div class="wxp-modal-ok" role="button">${escapeHtml(o.confirmText ?? '确定')}</div></div>`;
      mask.appendChild(box);
      this.overlay.appendChild(mask);
      const input = box.querySelector('input');
      input?.focus();
      const done = (confirm: boolean) => {
        mask.remove();
        resolve({ confirm, content: input?.value });
      };
      box.querySelector('.wxp-modal-ok')!.addEventListener('click', () => done(true));
      box.querySelector('.wxp-modal-cancel')?.addEventListener('click', () => done(false));
    });
  }

  actionSheet(items: string[], title?: string): Promise<number> {
    return new Promise((resolve) => {
      const mask = el('div', 'wxp-mask bottom');
      const sheet = el('div', 'wxp-sheet');
      sheet.innerHTML = `${title ? `<div class="wxp-sheet-title">${escapeHtml(title)}</div>` : ''}${items.map((t, i) => `<div class="wxp-sheet-item" role="button" data-i="${i}">${escapeHtml(t)}</div>`).join('')}<div class="wxp-sheet-gap"></div><div class="wxp-sheet-item wxp-sheet-cancel" role="button" data-i="-1">取消</div>`;
      mask.appendChild(sheet);
      this.overlay.appendChild(mask);
      const done = (i: number) => {
        mask.remove();
        resolve(i);
      };
      sheet.querySelectorAll<HTMLElement>('.wxp-sheet-item').forEach((item) => item.addEventListener('click', () => done(Number(item.dataset.i))));
      mask.addEventListener('click', (e) => e.target === mask && done(-1));
    });
  }

  /** WeChat's picker: a bottom sheet with 取消 / 确定; a list for selector, columns for a date. */
  openPicker(req: PickerRequest): Promise<unknown | null> {
    return new Promise((resolve) => {
      const mask = el('div', 'wxp-mask bottom');
      const sheet = el('div', 'wxp-picker');
      sheet.innerHTML = `<div class="wxp-picker-bar"><span class="wxp-picker-cancel" role="button">取消</span><span class="wxp-picker-ok" role="button">确定</span></div><div class="wxp-picker-body"></div>`;
      const body = sheet.querySelector<HTMLElement>('.wxp-picker-body')!;
      let read: () => unknown;
      if (req.mode === 'date') {
        const fields = req.fields || 'day';
        const [vy, vm, vd] = String(req.value || '').split('-').map(Number);
        const endY = req.end ? Number(req.end.slice(0, 4)) : new Date().getFullYear() + 5;
        const startY = req.start ? Number(req.start.slice(0, 4)) : Math.min(endY - 10, vy || endY);
        const select = (name: string, from: number, to: number, value: number, unit: string) =>
          `<select class="wxp-picker-col" data-col="${name}" aria-label="${unit}">${Array.from({ length: to - from + 1 }, (_, i) => from + i)
            .map((n) => `<option value="${n}"${n === value ? ' selected' : ''}>${n}${unit}</option>`)
            .join('')}</select>`;
        body.innerHTML = select('y', startY, endY, vy || endY, '年') + (fields !== 'year' ? select('m', 1, 12, vm || 1, '月') : '') + (fields === 'day' ? select('d', 1, 31, vd || 1, '日') : '');
        read = () => {
          const v = (c: string) => Number(body.querySelector<HTMLSelectElement>(`[data-col="${c}"]`)?.value ?? 1);
          const y = v('y');
          const m = String(v('m')).padStart(2, '0');
          const lastDay = new Date(y, Number(m), 0).getDate();
          const d = String(Math.min(v('d'), lastDay)).padStart(2, '0');
          let out = fields === 'year' ? `${y}` : fields === 'month' ? `${y}-${m}` : `${y}-${m}-${d}`;
          if (req.end && out > req.end.slice(0, out.length)) out = req.end.slice(0, out.length);
          if (req.start && out < req.start.slice(0, out.length)) out = req.start.slice(0, out.length);
          return out;
        };
      } else if (req.mode === 'time') {
        body.innerHTML = `<input class="wxp-picker-time" type="time" value="${escapeHtml(String(req.value ?? ''))}">`;
        read = () => body.querySelector('input')!.value;
      } else {
        let chosen = Number(req.value) || 0;
        body.innerHTML = `<div class="wxp-picker-list" role="listbox">${req.range
          .map((item: any, i) => `<div class="wxp-picker-opt${i === chosen ? ' on' : ''}" role="option" aria-selected="${i === chosen}" data-i="${i}">${escapeHtml(String(req.rangeKey && item && typeof item === 'object' ? item[req.rangeKey] : item))}</div>`)
          .join('')}</div>`;
        body.querySelectorAll<HTMLElement>('.wxp-picker-opt').forEach((opt) =>
          opt.addEventListener('click', () => {
            chosen = Number(opt.dataset.i);
            body.querySelectorAll('.wxp-picker-opt').forEach((o) => o.classList.toggle('on', o === opt));
          }),
        );
        read = () => chosen;
        requestAnimationFrame(() => body.querySelector('.wxp-picker-opt.on')?.scrollIntoView({ block: 'center' }));
      }
      mask.appendChild(sheet);
      this.overlay.appendChild(mask);
      const done = (value: unknown | null) => {
        mask.remove();
        resolve(value);
      };
      sheet.querySelector('.wxp-picker-ok')!.addEventListener('click', () => done(read()));
      sheet.querySelector('.wxp-picker-cancel')!.addEventListener('click', () => done(null));
      mask.addEventListener('click', (e) => e.target === mask && done(null));
    });
  }

  pickFiles(accept: string, multiple: boolean): Promise<File[]> {
    return new Promise((resolve) => {
      const input = this.fileInput;
      input.value = '';
      input.accept = accept;
      input.multiple = multiple;
      const onChange = () => {
        cleanup();
        resolve(Array.from(input.files ?? []));
      };
      const onCancel = () => {
        cleanup();
        resolve([]);
      };
      const cleanup = () => {
        input.removeEventListener('change', onChange);
        input.removeEventListener('cancel', onCancel);
      };
      input.addEventListener('change', onChange);
      input.addEventListener('cancel', onCancel);
      input.click();
    });
  }

  openUrl(url: string, name: string): void {
    const a = el('a');
    a.href = url;
    a.download = name;
    a.target = '_blank';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
}
