/**
 * `wx` in the browser, behaving as the page tests' fake wx documents it (test/miniprogram/fake-wx.ts)
 * but against real things: requests go to the gateway with fetch, storage is localStorage (one space per
 * demo account, as WeChat keeps one per user), location comes from the chosen demo position, the camera
 * is a file picker (the pages stamp and compress the photo on a real canvas), the network can be
 * switched off to try the offline queue, and prompts (toast, modal, privacy, subscription) are drawn
 * as WeChat draws them by the shell.
 */
import * as files from './files';

type Cb = { success?: (r: any) => void; fail?: (e: any) => void; complete?: (r: any) => void };

function finish(o: Cb | undefined, ok: boolean, payload: any): void {
  // WeChat calls back asynchronously; so do we, so no page sees a callback before its call returns.
  setTimeout(() => {
    if (ok) o?.success?.(payload);
    else o?.fail?.(payload);
    o?.complete?.(payload);
  }, 0);
}

/** What the phone shell provides to the APIs (drawn WeChat-style inside the phone frame). */
export interface Ui {
  toast(title: string, icon: string, durationMs: number): void;
  loading(title: string | null): void;
  modal(o: { title?: string; content?: string; showCancel?: boolean; confirmText?: string; cancelText?: string; editable?: boolean; placeholderText?: string }): Promise<{ confirm: boolean; content?: string }>;
  actionSheet(items: string[], title?: string): Promise<number>;
  pickFiles(accept: string, multiple: boolean): Promise<File[]>;
  navigate(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab' | 'navigateBack', url: string, delta?: number): Promise<void>;
  setTitle(title: string): void;
  pullDown(on: boolean): void;
  openUrl(url: string, name: string): void;
}

export interface Position {
  label: string;
  latitude: number;
  longitude: number;
  accuracy: number;
}

export interface WxState {
  online: boolean;
  position: Position | null;
  /** every request the pages sent, for the shell's network log */
  onRequest?: (r: { url: string; data: unknown; status: number | string; ms: number; body: unknown }) => void;
  /** requests sent and not yet handed to the page */
  inFlight?: number;
  /** the phone's theme and font setting (local/preview/browser/look.ts) */
  look?: { theme: 'light' | 'dark'; fontSizeSetting: number };
}

/** A demo storefront, drawn on a canvas, for trying the camera without a photo at hand. */
async function samplePhoto(n: number): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = 1200;
  c.height = 900;
  const g = c.getContext('2d')!;
  const sky = g.createLinearGradient(0, 0, 0, 900);
  sky.addColorStop(0, '#c9d6f2');
  sky.addColorStop(1, '#eef1f6');
  g.fillStyle = sky;
  g.fillRect(0, 0, 1200, 900);
  g.fillStyle = ['#b5452f', '#2f6fb5', '#3a8f5c'][n % 3];
  g.fillRect(120, 180, 960, 170);
  g.fillStyle = '#fff';
  g.font = 'bold 96px sans-serif';
  g.textAlign = 'center';
  g.fillText(['示例面馆', '示例超市', '示例药房'][n % 3], 600, 300);
  g.fillStyle = '#8d7b68';
  g.fillRect(120, 350, 960, 500);
  g.fillStyle = '#3b3b3b';
  g.fillRect(480, 480, 240, 370);
  return new Promise((resolve) => c.toBlob((b) => resolve(b!), 'image/jpeg', 0.85));
}

function canvasToBlob(canvas: any, type: string, quality: number): Promise<Blob> {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => canvas.toBlob((b: Blob | null) => (b ? resolve(b) : reject(new Error('canvas is empty'))), type, quality));
}

/** A canvas as the mini program's canvas 2d node has it: createImage loads wxfile paths too. */
export function asMiniprogramCanvas<T extends HTMLCanvasElement | OffscreenCanvas>(canvas: T): T {
  const c = canvas as any;
  c.createImage = () => {
    const img = new Image();
    const setter = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src')!.set!;
    Object.defineProperty(img, 'src', { configurable: true, get: () => img.getAttribute('src') ?? '', set: (v: string) => setter.call(img, files.urlOf(String(v))) });
    return img;
  };
  c.requestAnimationFrame = (fn: FrameRequestCallback) => requestAnimationFrame(fn);
  c.cancelAnimationFrame = (h: number) => cancelAnimationFrame(h);
  return canvas;
}

export function createWx(openid: string, ui: Ui, state: WxState) {
  const prefix = `wxp:${openid}:`;
  const networkListeners: ((r: { isConnected: boolean; networkType: string }) => void)[] = [];
  let privacyHandler: ((resolve: (r: { event: string; buttonId?: string }) => void) => void) | null = null;
  const privacyKey = `${prefix}__privacyAgreed`;

  const storage = {
    get(key: string): unknown {
      const raw = localStorage.getItem(prefix + key);
      return raw === null ? '' : JSON.parse(raw);
    },
    set(key: string, value: unknown): void {
      localStorage.setItem(prefix + key, JSON.stringify(value === undefined ? null : value));
    },
  };

  const fsm = {
    mkdir: (o: Cb) => finish(o, true, { errMsg: 'mkdir:ok' }),
    copyFile: (o: Cb & { srcPath: string; destPath: string }) => {
      const blob = files.get(o.srcPath);
      if (!blob) return finish(o, false, { errMsg: `copyFile:fail no such file or directory ${o.srcPath}` });
      files.put(o.destPath, blob);
      finish(o, true, { errMsg: 'copyFile:ok' });
    },
    saveFile: (o: Cb & { tempFilePath: string; filePath?: string }) => {
      const blob = files.get(o.tempFilePath);
      if (!blob) return finish(o, false, { errMsg: 'saveFile:fail no such file or directory' });
      const dest = o.filePath ?? `${files.USER_DATA_PATH}/saved_${Date.now().toString(36)}`;
      files.put(dest, blob);
      files.remove(o.tempFilePath);
      finish(o, true, { savedFilePath: dest, errMsg: 'saveFile:ok' });
    },
    unlink: (o: Cb & { filePath: string }) => {
      const had = files.remove(o.filePath);
      finish(o, had, { errMsg: had ? 'unlink:ok' : 'unlink:fail no such file or directory' });
    },
    access: (o: Cb & { path: string }) => finish(o, files.has(o.path), { errMsg: files.has(o.path) ? 'access:ok' : 'access:fail no such file or directory' }),
    readFile: (o: Cb & { filePath: string; encoding?: string }) => {
      const blob = files.get(o.filePath);
      if (!blob) return finish(o, false, { errMsg: 'readFile:fail no such file or directory' });
      (o.encoding ? blob.text() : blob.arrayBuffer()).then((data) => finish(o, true, { data, errMsg: 'readFile:ok' }));
    },
  };

  const offline = (api: string, o: Cb) => finish(o, false, { errMsg: `${api}:fail -109:net::ERR_INTERNET_DISCONNECTED` });

  const withQuery = (url: string, data: unknown): string => {
    if (!data || typeof data !== 'object') return url;
    const q = new URLSearchParams(Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();
    return q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url;
  };

  const position = () => state.position;

  const wx: any = {
    env: { USER_DATA_PATH: files.USER_DATA_PATH },
    getStorageSync: (key: string) => storage.get(key),
    setStorageSync: (key: string, value: unknown) => storage.set(key, value),
    removeStorageSync: (key: string) => localStorage.removeItem(prefix + key),
    getStorage: (o: Cb & { key: string }) => {
      const raw = localStorage.getItem(prefix + o.key);
      finish(o, raw !== null, raw !== null ? { data: JSON.parse(raw), errMsg: 'getStorage:ok' } : { errMsg: 'getStorage:fail data not found' });
    },
    setStorage: (o: Cb & { key: string; data: unknown }) => (storage.set(o.key, o.data), finish(o, true, { errMsg: 'setStorage:ok' })),
    getFileSystemManager: () => fsm,
    getNetworkType: (o: Cb) => finish(o, true, { networkType: state.online ? 'wifi' : 'none' }),
    onNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void networkListeners.push(fn),
    offNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => {
      const i = networkListeners.indexOf(fn);
      if (i >= 0) networkListeners.splice(i, 1);
    },

    request(o: Cb & { url: string; method?: string; data?: unknown; header?: Record<string, string>; timeout?: number; dataType?: string }) {
      const controller = new AbortController();
      if (!state.online) {
        offline('request', o);
        return { abort: () => undefined };
      }
      const method = (o.method ?? 'GET').toUpperCase();
      const t0 = performance.now();
      const timer = setTimeout(() => controller.abort(), o.timeout ?? 60000);
      state.inFlight = (state.inFlight ?? 0) + 1;
      const body = method === 'GET' || method === 'HEAD' ? undefined : typeof o.data === 'string' ? o.data : JSON.stringify(o.data ?? {});
      fetch(method === 'GET' ? withQuery(o.url, o.data) : o.url, { method, headers: o.header, body, signal: controller.signal })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          if (o.dataType !== 'text') {
            try {
              data = JSON.parse(text);
            } catch {
              // not JSON: handed over as text, as WeChat does
            }
          }
          state.onRequest?.({ url: o.url, data: o.data, status: res.status, ms: performance.now() - t0, body: data });
          finish(o, true, { data, statusCode: res.status, header: Object.fromEntries(res.headers.entries()), errMsg: 'request:ok' });
        })
        .catch((err) => {
          state.onRequest?.({ url: o.url, data: o.data, status: 'failed', ms: performance.now() - t0, body: null });
          finish(o, false, { errMsg: `request:fail ${controller.signal.aborted ? 'timeout' : String(err?.message ?? err)}` });
        })
        .finally(() => {
          clearTimeout(timer);
          // Counted until the page's callback (queued by finish) has run.
          setTimeout(() => (state.inFlight = (state.inFlight ?? 1) - 1), 0);
        });
      return { abort: () => controller.abort() };
    },

    uploadFile(o: Cb & { url: string; filePath: string; name: string; header?: Record<string, string>; formData?: Record<string, string> }) {
      if (!state.online) return offline('uploadFile', o);
      const blob = files.get(o.filePath);
      if (!blob) return finish(o, false, { errMsg: 'uploadFile:fail file not found' });
      const form = new FormData();
      for (const [k, v] of Object.entries(o.formData ?? {})) form.append(k, v);
      form.append(o.name, blob, o.filePath.split('/').pop());
      fetch(o.url, { method: 'POST', headers: o.header, body: form })
        .then(async (res) => finish(o, true, { data: await res.text(), statusCode: res.status, errMsg: 'uploadFile:ok' }))
        .catch((err) => finish(o, false, { errMsg: `uploadFile:fail ${String(err?.message ?? err)}` }));
    },

    downloadFile(o: Cb & { url: string; header?: Record<string, string> }) {
      if (!state.online) return offline('downloadFile', o);
      fetch(o.url, { headers: o.header })
        .then(async (res) => {
          const blob = await res.blob();
          const ext = files.extOf(new URL(o.url, location.href).pathname.split('/').pop() ?? '', 'bin');
          finish(o, true, { tempFilePath: files.putTemp(blob, ext), statusCode: res.status, errMsg: 'downloadFile:ok' });
        })
        .catch((err) => finish(o, false, { errMsg: `downloadFile:fail ${String(err?.message ?? err)}` }));
    },

    /** On a phone the document opens in WeChat's viewer; here the browser downloads or shows it. */
    openDocument(o: Cb & { filePath: string; fileType?: string }) {
      const url = files.urlOf(o.filePath);
      if (!url) return finish(o, false, { errMsg: 'openDocument:fail file not found' });
      ui.openUrl(url, `document.${o.fileType ?? files.extOf(o.filePath, 'bin')}`);
      finish(o, true, { errMsg: 'openDocument:ok' });
    },

    showToast(o: Cb & { title: string; icon?: string; duration?: number }) {
      ui.toast(o.title, o.icon ?? 'success', o.duration ?? 1500);
      finish(o, true, { errMsg: 'showToast:ok' });
    },
    hideToast: () => ui.loading(null),
    showLoading: (o: Cb & { title?: string }) => (ui.loading(o?.title ?? ''), finish(o, true, { errMsg: 'showLoading:ok' })),
    hideLoading: (o?: Cb) => (ui.loading(null), finish(o, true, { errMsg: 'hideLoading:ok' })),
    showModal(o: Cb & { title?: string; content?: string; showCancel?: boolean; confirmText?: string; cancelText?: string; editable?: boolean; placeholderText?: string }) {
      ui.modal(o).then((r) => finish(o, true, { confirm: r.confirm, cancel: !r.confirm, content: r.content, errMsg: 'showModal:ok' }));
    },
    showActionSheet(o: Cb & { itemList: string[]; alertText?: string }) {
      ui.actionSheet(o.itemList, o.alertText).then((i) => finish(o, i >= 0, i >= 0 ? { tapIndex: i, errMsg: 'showActionSheet:ok' } : { errMsg: 'showActionSheet:fail cancel' }));
    },

    navigateTo: (o: Cb & { url: string }) => nav('navigateTo', o),
    redirectTo: (o: Cb & { url: string }) => nav('redirectTo', o),
    reLaunch: (o: Cb & { url: string }) => nav('reLaunch', o),
    switchTab: (o: Cb & { url: string }) => nav('switchTab', o),
    navigateBack: (o?: Cb & { delta?: number }) =>
      ui.navigate('navigateBack', '', o?.delta ?? 1).then(
        () => finish(o, true, { errMsg: 'navigateBack:ok' }),
        (e) => finish(o, false, { errMsg: `navigateBack:fail ${e.message}` }),
      ),
    startPullDownRefresh: (o?: Cb) => (ui.pullDown(true), finish(o, true, { errMsg: 'startPullDownRefresh:ok' })),
    stopPullDownRefresh: (o?: Cb) => (ui.pullDown(false), finish(o, true, { errMsg: 'stopPullDownRefresh:ok' })),
    setNavigationBarTitle: (o: Cb & { title: string }) => (ui.setTitle(o.title), finish(o, true, { errMsg: 'setNavigationBarTitle:ok' })),
    pageScrollTo: (o: Cb) => finish(o, true, { errMsg: 'pageScrollTo:ok' }),

    getLocation(o: Cb) {
      const p = position();
      if (!p) return finish(o, false, { errMsg: 'getLocation:fail auth deny' });
      finish(o, true, { latitude: p.latitude, longitude: p.longitude, accuracy: p.accuracy, speed: 0, altitude: 0, errMsg: 'getLocation:ok' });
    },
    openSetting: (o: Cb) => finish(o, true, { authSetting: { 'scope.userLocation': !!position(), 'scope.camera': true }, errMsg: 'openSetting:ok' }),
    getSetting: (o: Cb) => finish(o, true, { authSetting: { 'scope.userLocation': !!position(), 'scope.camera': true }, errMsg: 'getSetting:ok' }),

    /** The camera: WeChat's sheet, then a file picker (or the demo storefront). */
    chooseMedia(o: Cb & { count?: number; sourceType?: string[] }) {
      const count = o.count ?? 9;
      ui.actionSheet(['拍摄（从文件选择照片）', '使用示例门头照'], '浏览器预览没有摄像头').then(async (i) => {
        if (i < 0) return finish(o, false, { errMsg: 'chooseMedia:fail cancel' });
        const blobs: Blob[] = i === 0 ? (await ui.pickFiles('image/*', count > 1)).slice(0, count) : await Promise.all(Array.from({ length: count }, (_, n) => samplePhoto(n)));
        if (!blobs.length) return finish(o, false, { errMsg: 'chooseMedia:fail cancel' });
        finish(o, true, { type: 'image', tempFiles: blobs.map((b) => ({ tempFilePath: files.putTemp(b, 'jpg'), size: b.size, fileType: 'image' })), errMsg: 'chooseMedia:ok' });
      });
    },
    compressImage(o: Cb & { src: string; quality?: number; compressedWidth?: number }) {
      const url = files.urlOf(o.src);
      if (!url) return finish(o, false, { errMsg: 'compressImage:fail file not found' });
      const img = new Image();
      img.onload = () => {
        const width = Math.min(o.compressedWidth ?? img.naturalWidth, img.naturalWidth);
        const height = Math.round((img.naturalHeight * width) / img.naturalWidth);
        const c = document.createElement('canvas');
        c.width = width;
        c.height = height;
        c.getContext('2d')!.drawImage(img, 0, 0, width, height);
        canvasToBlob(c, 'image/jpeg', (o.quality ?? 80) / 100).then((b) => finish(o, true, { tempFilePath: files.putTemp(b, 'jpg'), errMsg: 'compressImage:ok' }));
      };
      img.onerror = () => finish(o, false, { errMsg: 'compressImage:fail image cannot be read' });
      img.src = url;
    },
    // The picture's size as shown (browsers apply the EXIF orientation to images, as WeChat's answer does).
    getImageInfo(o: Cb & { src: string }) {
      const url = files.urlOf(o.src) ?? o.src;
      const img = new Image();
      img.onload = () => finish(o, true, { width: img.naturalWidth, height: img.naturalHeight, path: o.src, orientation: 'up', type: 'jpeg', errMsg: 'getImageInfo:ok' });
      img.onerror = () => finish(o, false, { errMsg: 'getImageInfo:fail image cannot be read' });
      img.src = url;
    },
    createOffscreenCanvas: (o: { width?: number; height?: number }) => {
      const c = document.createElement('canvas');
      c.width = o?.width ?? 300;
      c.height = o?.height ?? 150;
      return asMiniprogramCanvas(c);
    },
    canvasToTempFilePath(o: Cb & { canvas: any; fileType?: string; quality?: number }) {
      const type = o.fileType === 'png' ? 'image/png' : 'image/jpeg';
      canvasToBlob(o.canvas, type, o.quality ?? 0.92).then(
        (b) => finish(o, true, { tempFilePath: files.putTemp(b, o.fileType === 'png' ? 'png' : 'jpg'), errMsg: 'canvasToTempFilePath:ok' }),
        (e) => finish(o, false, { errMsg: `canvasToTempFilePath:fail ${e.message}` }),
      );
    },
    previewImage: (o: Cb & { urls: string[]; current?: string }) => (ui.openUrl(files.urlOf(o.current ?? o.urls[0]), 'image'), finish(o, true, { errMsg: 'previewImage:ok' })),

    /** A file from a chat: the browser's file picker, limited to the extensions asked for. */
    chooseMessageFile(o: Cb & { count?: number; type?: string; extension?: string[] }) {
      const accept = (o.extension ?? []).map((e) => `.${e}`).join(',');
      ui.pickFiles(accept, (o.count ?? 1) > 1).then((picked) => {
        const ok = picked.filter((f) => !o.extension || o.extension.includes(files.extOf(f.name, '')));
        if (!ok.length) return finish(o, false, { errMsg: 'chooseMessageFile:fail cancel' });
        finish(o, true, { tempFiles: ok.map((f) => ({ path: files.putTemp(f, files.extOf(f.name, 'bin')), size: f.size, name: f.name, type: 'file', time: Math.round(f.lastModified / 1000) })), errMsg: 'chooseMessageFile:ok' });
      });
    },
    scanCode(o: Cb) {
      ui.modal({ title: '扫码（浏览器预览）', content: '', editable: true, placeholderText: '输入二维码的内容' }).then((r) =>
        r.confirm && r.content ? finish(o, true, { result: r.content, scanType: 'QR_CODE', errMsg: 'scanCode:ok' }) : finish(o, false, { errMsg: 'scanCode:fail cancel' }),
      );
    },
    setClipboardData(o: Cb & { data: string }) {
      navigator.clipboard?.writeText(o.data).catch(() => undefined);
      ui.toast('内容已复制', 'none', 1500);
      finish(o, true, { errMsg: 'setClipboardData:ok' });
    },
    getClipboardData: (o: Cb) => finish(o, true, { data: '', errMsg: 'getClipboardData:ok' }),

    getPrivacySetting: (o: Cb) => finish(o, true, { needAuthorization: localStorage.getItem(privacyKey) !== '1', privacyContractName: '《商户网格小程序隐私保护指引》', errMsg: 'getPrivacySetting:ok' }),
    onNeedPrivacyAuthorization: (fn: typeof privacyHandler) => void (privacyHandler = fn),
    requirePrivacyAuthorize(o: Cb) {
      if (localStorage.getItem(privacyKey) === '1') return finish(o, true, { errMsg: 'requirePrivacyAuthorize:ok' });
      if (!privacyHandler) return finish(o, false, { errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' });
      privacyHandler((r) => {
        const agreed = r.event === 'agree';
        if (agreed) localStorage.setItem(privacyKey, '1');
        finish(o, agreed, { errMsg: agreed ? 'requirePrivacyAuthorize:ok' : 'requirePrivacyAuthorize:fail privacy permission is not authorized' });
      });
    },
    openPrivacyContract: (o: Cb) => (wx.navigateTo({ url: '/pages/privacy/index' }), finish(o, true, { errMsg: 'openPrivacyContract:ok' })),
    /** WeChat's subscription prompt: the templates listed, 允许 or 取消, each template accepted or rejected. */
    requestSubscribeMessage(o: Cb & { tmplIds: string[] }) {
      ui.modal({ title: '发送以下消息', content: `${o.tmplIds.length} 条订阅消息：${o.tmplIds.join('、')}`, confirmText: '允许', cancelText: '取消' }).then((r) =>
        finish(o, true, { ...Object.fromEntries(o.tmplIds.map((id) => [id, r.confirm ? 'accept' : 'reject'])), errMsg: 'requestSubscribeMessage:ok' }),
      );
    },

    createSelectorQuery: () => createSelectorQuery(),
    getSystemInfoSync: () => ({ ...windowInfo(), ...deviceInfo(), ...appBaseInfo(state) }),
    getWindowInfo: () => windowInfo(),
    getDeviceInfo: () => deviceInfo(),
    getAppBaseInfo: () => appBaseInfo(state),
    getMenuButtonBoundingClientRect: () => ({ top: 24, bottom: 56, left: 281, right: 368, width: 87, height: 32 }),
    nextTick: (fn: () => void) => Promise.resolve().then(fn),
    vibrateShort: (o?: Cb) => finish(o, true, { errMsg: 'vibrateShort:ok' }),
    cloud: {
      init: () => undefined,
      callFunction: (o: Cb) => finish(o, false, { errMsg: 'cloud.callFunction:fail the preview runs in local mode' }),
      uploadFile: (o: Cb) => finish(o, false, { errMsg: 'cloud.uploadFile:fail the preview runs in local mode' }),
      getTempFileURL: (o: Cb) => finish(o, false, { errMsg: 'cloud.getTempFileURL:fail the preview runs in local mode' }),
    },
  };

  function nav(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab', o: Cb & { url: string }): void {
    ui.navigate(kind, o.url).then(
      () => finish(o, true, { errMsg: `${kind}:ok` }),
      (e) => finish(o, false, { errMsg: `${kind}:fail ${e.message}` }),
    );
  }

  return {
    wx,
    /** Switches the network and tells the listeners, as the system would. */
    setOnline(isConnected: boolean): void {
      state.online = isConnected;
      networkListeners.forEach((fn) => fn({ isConnected, networkType: isConnected ? 'wifi' : 'none' }));
    },
  };
}

const STATUS_BAR = 20;

function windowInfo() {
  return { pixelRatio: window.devicePixelRatio || 2, windowWidth: 375, windowHeight: 812 - STATUS_BAR - 44, screenWidth: 375, screenHeight: 812, statusBarHeight: STATUS_BAR, safeArea: { top: STATUS_BAR, left: 0, right: 375, bottom: 812, width: 375, height: 812 - STATUS_BAR } };
}
function deviceInfo() {
  return { platform: 'devtools', system: 'Browser preview', brand: 'browser', model: 'iPhone X (375×812)', benchmarkLevel: 1 };
}
function appBaseInfo(state: WxState) {
  const look = state.look ?? { theme: 'light', fontSizeSetting: 17 };
  return { SDKVersion: '3.7.0', theme: look.theme, fontSizeSetting: look.fontSizeSetting, language: 'zh_CN', version: '8.0.50', enableDebug: false };
}

/** wx.createSelectorQuery().in(component).select('#id').fields({ node, size }).exec(cb), on the real DOM. */
function createSelectorQuery() {
  let scope: any = null;
  const steps: { selector: string; all: boolean; fields: Record<string, boolean> }[] = [];
  const describe = (el: any, fields: Record<string, boolean>) => {
    if (!el) return null;
    const dom: HTMLElement = el.$$ ?? el;
    const rect = dom.getBoundingClientRect();
    const out: Record<string, unknown> = { id: el.id ?? dom.id, dataset: el.dataset ?? {} };
    if (fields.size || fields.rect) Object.assign(out, { width: rect.width, height: rect.height });
    if (fields.rect) Object.assign(out, { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom });
    if (fields.node) out.node = dom.querySelector('canvas') ?? dom;
    return out;
  };
  const q: any = {
    in(component: any) {
      scope = component;
      return q;
    },
    select(selector: string) {
      steps.push({ selector, all: false, fields: {} });
      return q;
    },
    selectAll(selector: string) {
      steps.push({ selector, all: true, fields: {} });
      return q;
    },
    fields(f: Record<string, boolean>) {
      Object.assign(steps[steps.length - 1].fields, f);
      return q;
    },
    boundingClientRect() {
      steps[steps.length - 1].fields.rect = true;
      return q;
    },
    exec(cb?: (res: unknown[]) => void) {
      // After the view has laid out, as WeChat answers after rendering.
      requestAnimationFrame(() => {
        const root = scope?._exparserNode?.shadowRoot;
        const res = steps.map((s) => {
          if (!root) return null;
          return s.all ? root.querySelectorAll(s.selector).map((el: any) => describe(el, s.fields)) : describe(root.querySelector(s.selector), s.fields);
        });
        cb?.(res);
      });
      return q;
    },
  };
  return q;
}
