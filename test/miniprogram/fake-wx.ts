/**
 * A fake `wx` at the boundary, mirroring the documented behaviour of the APIs the mini program uses:
 * storage answers '' for a missing key, temporary files vanish when the app is killed, files copied under
 * USER_DATA_PATH stay, requests fail with `errMsg` when offline, privacy checks ask through
 * onNeedPrivacyAuthorization. Tests steer it through the `fake` handle.
 */
export interface FakeRequest {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
}
export type RequestHandler = (req: FakeRequest) => Promise<{ statusCode: number; data: unknown }>;

type Cb = { success?: (r: any) => void; fail?: (e: any) => void; complete?: (r: any) => void };

function finish(opts: Cb | undefined, ok: boolean, payload: any): void {
  if (ok) opts?.success?.(payload);
  else opts?.fail?.(payload);
  opts?.complete?.(payload);
}

/** Creates a fresh fake wx and its control handle. */
export function createFakeWx() {
  const storage = new Map<string, string>();
  const files = new Map<string, string>();
  const networkListeners: ((r: { isConnected: boolean; networkType: string }) => void)[] = [];
  let privacyHandler: ((resolve: (r: { event: string; buttonId?: string }) => void) => void) | null = null;
  let tmpSeq = 0;
  const tmp = (ext = 'jpg'): string => {
    const p = `wxfile://tmp_${++tmpSeq}.${ext}`;
    files.set(p, `image-${tmpSeq}`);
    return p;
  };

  const fake = {
    online: true,
    requestHandler: (async () => ({ statusCode: 404, data: { ok: false, error: { code: 'NOT_FOUND', message: 'no handler' } } })) as RequestHandler,
    uploadHandler: async (filePath: string, _url: string) => ({ statusCode: 200, data: JSON.stringify({ fileID: `cloud://local/${filePath.split('/').pop()}` }) }),
    requests: [] as FakeRequest[],
    uploads: [] as string[],
    toasts: [] as string[],
    modals: [] as { title?: string; content?: string }[],
    modalConfirm: true,
    /** What the user types in an editable modal (wx.showModal with editable). */
    modalInput: '',
    /** True while a tap handler runs (set by the harness's tap, synchronously only, as WeChat tracks it). */
    userTap: false,
    /** The user's answer per template id in the subscription panel (default: accept). */
    subscribeAnswers: {} as Record<string, 'accept' | 'reject' | 'ban' | 'filter'>,
    subscribeRequests: [] as string[][],
    /** The item the user taps in the next action sheet (null: the user cancels). */
    actionSheetIndex: 0 as number | null,
    actionSheets: [] as string[][],
    navigations: [] as { kind: string; url: string }[],
    location: { latitude: 32.9396, longitude: 119.8426, accuracy: 15 } as { latitude: number; longitude: number; accuracy: number } | null,
    locationDenied: false,
    /** The phone's font setting (px; 17 is iOS's standard size) and its light or dark theme. */
    fontSizeSetting: 17,
    theme: 'light' as 'light' | 'dark',
    themeListeners: [] as ((r: { theme: 'light' | 'dark' }) => void)[],
    /** WeChat switching between light and dark while the mini program runs (wx.onThemeChange listeners told). */
    switchTheme(theme: 'light' | 'dark') {
      fake.theme = theme;
      for (const fn of [...fake.themeListeners]) fn({ theme });
    },
    privacyNeeded: false,
    privacyAgreed: false,
    scanResult: '',
    /** What a scanned mini program code carries besides `result`: its page path with the scene (empty: not one). */
    scanPath: '',
    /** The size wx.getImageInfo answers for the photos the camera takes (orientation applied). */
    imageSize: { width: 3000, height: 4000 },
    /** Each wx.previewImage call: the links and the one shown first. */
    previews: [] as { urls: string[]; current: string }[],
    canvases: [] as { width: number; height: number }[],
    /** The file the user picks from a chat in chooseMessageFile (none: the user cancels). */
    messageFile: null as { name: string; content: string } | null,
    canvasText: [] as string[],
    clipboard: '',
    files,
    storage,
    /** Switches the network and tells the listeners, as the system would. */
    setOnline(isConnected: boolean): void {
      fake.online = isConnected;
      networkListeners.forEach((fn) => fn({ isConnected, networkType: isConnected ? 'wifi' : 'none' }));
    },
    /** The app was killed: temporary files are gone, storage and USER_DATA_PATH files stay. */
    killApp(): void {
      for (const key of [...files.keys()]) if (key.startsWith('wxfile://tmp_')) files.delete(key);
      networkListeners.length = 0;
    },
    /** Answers the next privacy prompt as the popup would. */
    get privacyHandler() {
      return privacyHandler;
    },
  };

  const fs = {
    mkdir: (o: Cb & { dirPath: string }) => finish(o, true, { errMsg: 'mkdir:ok' }),
    copyFile: (o: Cb & { srcPath: string; destPath: string }) => {
      if (!files.has(o.srcPath)) return finish(o, false, { errMsg: `copyFile:fail no such file or directory ${o.srcPath}` });
      files.set(o.destPath, files.get(o.srcPath) as string);
      finish(o, true, { errMsg: 'copyFile:ok' });
    },
    saveFile: (o: Cb & { tempFilePath: string; filePath?: string }) => {
      if (!files.has(o.tempFilePath)) return finish(o, false, { errMsg: 'saveFile:fail no such file or directory' });
      const dest = o.filePath ?? `wxfile://usr/saved_${++tmpSeq}`;
      files.set(dest, files.get(o.tempFilePath) as string);
      files.delete(o.tempFilePath);
      finish(o, true, { savedFilePath: dest, errMsg: 'saveFile:ok' });
    },
    unlink: (o: Cb & { filePath: string }) => {
      const had = files.delete(o.filePath);
      finish(o, had, { errMsg: had ? 'unlink:ok' : 'unlink:fail no such file or directory' });
    },
    access: (o: Cb & { path: string }) => finish(o, files.has(o.path), { errMsg: files.has(o.path) ? 'access:ok' : 'access:fail' }),
  };

  const ctx2d = new Proxy({} as Record<string, unknown>, {
    get(target, key) {
      if (key === 'measureText') return (t: string) => ({ width: String(t).length * 12 });
      if (key === 'fillText') return (t: string) => fake.canvasText.push(t);
      if (key in target) return target[key as string];
      return () => undefined;
    },
    set(target, key, value) {
      target[key as string] = value;
      return true;
    },
  });
  const makeCanvas = (width = 300, height = 150) => ({
    width,
    height,
    getContext: () => ctx2d,
    createImage: () => {
      const img: Record<string, unknown> = { width: 1200, height: 900 };
      Object.defineProperty(img, 'src', { set: () => setTimeout(() => (img.onload as () => void)?.(), 0) });
      return img;
    },
    requestAnimationFrame: (fn: () => void) => setTimeout(fn, 0),
    cancelAnimationFrame: (h: unknown) => clearTimeout(h as number),
  });

  const wx: any = {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getStorageSync: (key: string) => (storage.has(key) ? JSON.parse(storage.get(key) as string) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, JSON.stringify(value)),
    removeStorageSync: (key: string) => void storage.delete(key),
    getFileSystemManager: () => fs,
    getNetworkType: (o: Cb) => finish(o, true, { networkType: fake.online ? 'wifi' : 'none' }),
    onNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void networkListeners.push(fn),
    request: (o: Cb & FakeRequest) => {
      fake.requests.push({ url: o.url, method: o.method, data: o.data, header: o.header });
      if (!fake.online) return setTimeout(() => finish(o, false, { errMsg: 'request:fail -109:net::ERR_INTERNET_DISCONNECTED' }), 0);
      fake.requestHandler({ url: o.url, method: o.method, data: JSON.parse(JSON.stringify(o.data ?? {})), header: o.header }).then(
        (res) => finish(o, true, { ...res, header: {}, errMsg: 'request:ok' }),
        (err) => finish(o, false, { errMsg: `request:fail ${String(err)}` }),
      );
      return { abort: () => undefined };
    },
    uploadFile: (o: Cb & { filePath: string; url: string }) => {
      if (!fake.online) return setTimeout(() => finish(o, false, { errMsg: 'uploadFile:fail network' }), 0);
      if (!files.has(o.filePath)) return finish(o, false, { errMsg: 'uploadFile:fail file not found' });
      fake.uploads.push(o.filePath);
      fake.uploadHandler(o.filePath, o.url).then((res) => finish(o, true, { ...res, errMsg: 'uploadFile:ok' }));
    },
    downloadFile: (o: Cb & { url: string }) => finish(o, true, { tempFilePath: tmp('xlsx'), statusCode: 200 }),
    openDocument: (o: Cb & { filePath: string }) => finish(o, true, { errMsg: 'openDocument:ok' }),
    cloud: {
      init: () => undefined,
      callFunction: (o: Cb & { name: string; data: Record<string, unknown> }) => {
        fake
          .requestHandler({ url: `cloud://functions/${o.name}`, data: o.data })
          .then((res) => finish(o, true, { result: res.data, errMsg: 'cloud.callFunction:ok' }));
      },
    },
    showToast: (o: { title: string }) => void fake.toasts.push(o.title),
    showLoading: () => undefined,
    hideLoading: () => undefined,
    showModal: (o: Cb & { title?: string; content?: string; editable?: boolean }) => {
      fake.modals.push({ title: o.title, content: o.content });
      // An editable modal answers what the user typed in its box.
      finish(o, true, { confirm: fake.modalConfirm, cancel: !fake.modalConfirm, ...(o.editable ? { content: fake.modalInput } : {}) });
    },
    // Only from a tap (since base library 2.8.2), 1 to 5 templates; the answer maps each template id to
    // accept/reject/ban/filter (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html).
    requestSubscribeMessage: (o: Cb & { tmplIds: string[] }) => {
      if (!fake.userTap) return finish(o, false, { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 20004 });
      if (!Array.isArray(o.tmplIds) || o.tmplIds.length === 0) return finish(o, false, { errMsg: "requestSubscribeMessage:fail TmplIds can't be empty", errCode: 10001 });
      if (o.tmplIds.length > 5) return finish(o, false, { errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds', errCode: 20003 });
      fake.subscribeRequests.push([...o.tmplIds]);
      const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of o.tmplIds) res[id] = fake.subscribeAnswers[id] ?? 'accept';
      setTimeout(() => finish(o, true, res), 0);
    },
    // At most 6 items (the documented limit); cancelling fails with `showActionSheet:fail cancel`.
    showActionSheet: (o: Cb & { itemList: string[] }) => {
      if (!Array.isArray(o.itemList) || o.itemList.length === 0 || o.itemList.length > 6) return finish(o, false, { errMsg: 'showActionSheet:fail parameter error: itemList should not be large than 6' });
      fake.actionSheets.push([...o.itemList]);
      const i = fake.actionSheetIndex;
      if (i === null || i >= o.itemList.length) return finish(o, false, { errMsg: 'showActionSheet:fail cancel' });
      finish(o, true, { tapIndex: i, errMsg: 'showActionSheet:ok' });
    },
    navigateTo: (o: Cb & { url: string }) => (fake.navigations.push({ kind: 'navigateTo', url: o.url }), finish(o, true, {})),
    redirectTo: (o: Cb & { url: string }) => (fake.navigations.push({ kind: 'redirectTo', url: o.url }), finish(o, true, {})),
    reLaunch: (o: Cb & { url: string }) => (fake.navigations.push({ kind: 'reLaunch', url: o.url }), finish(o, true, {})),
    switchTab: (o: Cb & { url: string }) => (fake.navigations.push({ kind: 'switchTab', url: o.url }), finish(o, true, {})),
    navigateBack: (o?: Cb) => (fake.navigations.push({ kind: 'navigateBack', url: '' }), finish(o, true, {})),
    stopPullDownRefresh: () => undefined,
    setNavigationBarTitle: () => undefined,
    getLocation: (o: Cb) => {
      if (fake.locationDenied) return finish(o, false, { errMsg: 'getLocation:fail auth deny' });
      if (!fake.location) return finish(o, false, { errMsg: 'getLocation:fail timeout' });
      finish(o, true, { ...fake.location, errMsg: 'getLocation:ok' });
    },
    openSetting: (o: Cb) => finish(o, true, { authSetting: {} }),
    chooseMedia: (o: Cb & { count?: number; sourceType?: string[] }) => {
      const n = o.count ?? 1;
      finish(o, true, { tempFiles: Array.from({ length: n }, () => ({ tempFilePath: tmp(), size: 2_000_000, fileType: 'image' })), type: 'image' });
    },
    compressImage: (o: Cb & { src: string; quality?: number }) => finish(o, true, { tempFilePath: tmp() }),
    // Picks a file from a chat; `extension` limits what can be picked, cancelling fails with errMsg.
    chooseMessageFile: (o: Cb & { count?: number; type?: string; extension?: string[] }) => {
      const f = fake.messageFile;
      if (!f) return finish(o, false, { errMsg: 'chooseMessageFile:fail cancel' });
      const ext = f.name.split('.').pop()!.toLowerCase();
      if (o.extension && !o.extension.includes(ext)) return finish(o, false, { errMsg: 'chooseMessageFile:fail cancel' });
      const path = `wxfile://tmp_${++tmpSeq}.${ext}`;
      files.set(path, f.content);
      finish(o, true, { tempFiles: [{ path, size: f.content.length, name: f.name, type: 'file', time: 1753920000 }] });
    },
    setClipboardData: (o: Cb & { data: string }) => {
      fake.clipboard = o.data;
      finish(o, true, { errMsg: 'setClipboardData:ok' });
    },
    createOffscreenCanvas: (o: { width: number; height: number }) => (fake.canvases.push({ width: o.width, height: o.height }), makeCanvas(o.width, o.height)),
    // Answers the picture's size with its EXIF orientation applied (a portrait photo is taller than wide).
    getImageInfo: (o: Cb & { src: string }) =>
      files.has(o.src) ? finish(o, true, { ...fake.imageSize, path: o.src, orientation: 'up', type: 'jpeg', errMsg: 'getImageInfo:ok' }) : finish(o, false, { errMsg: 'getImageInfo:fail file not found' }),
    // Full-screen viewer: `urls` must be non-empty and `current` one of them (it defaults to the first).
    previewImage: (o: Cb & { urls: string[]; current?: string }) => {
      if (!Array.isArray(o.urls) || o.urls.length === 0) return finish(o, false, { errMsg: 'previewImage:fail parameter error: urls should be a non-empty array' });
      fake.previews.push({ urls: o.urls, current: o.current ?? o.urls[0] });
      finish(o, true, { errMsg: 'previewImage:ok' });
    },
    canvasToTempFilePath: (o: Cb) => finish(o, true, { tempFilePath: tmp() }),
    // A mini program code of this app answers its page path (with the scene) in `path`, as WeChat does.
    scanCode: (o: Cb) =>
      fake.scanResult || fake.scanPath
        ? finish(o, true, { result: fake.scanResult, scanType: fake.scanPath ? 'WX_CODE' : 'QR_CODE', ...(fake.scanPath ? { path: fake.scanPath } : {}) })
        : finish(o, false, { errMsg: 'scanCode:fail cancel' }),
    getPrivacySetting: (o: Cb) => finish(o, true, { needAuthorization: fake.privacyNeeded && !fake.privacyAgreed, privacyContractName: '《商户网格小程序隐私保护指引》' }),
    onNeedPrivacyAuthorization: (fn: typeof privacyHandler) => void (privacyHandler = fn),
    requirePrivacyAuthorize: (o: Cb) => {
      if (!fake.privacyNeeded || fake.privacyAgreed) return finish(o, true, { errMsg: 'requirePrivacyAuthorize:ok' });
      if (!privacyHandler) return finish(o, false, { errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' });
      privacyHandler((r) => {
        if (r.event === 'agree') fake.privacyAgreed = true;
        finish(o, r.event === 'agree', { errMsg: r.event === 'agree' ? 'requirePrivacyAuthorize:ok' : 'requirePrivacyAuthorize:fail privacy permission is not authorized' });
      });
    },
    openPrivacyContract: (o: Cb) => finish(o, true, {}),
    createSelectorQuery: () => {
      const q: any = {
        in: () => q,
        select: () => q,
        fields: () => q,
        boundingClientRect: () => q,
        exec: (cb: (r: unknown[]) => void) => setTimeout(() => cb([{ node: makeCanvas(343, 240), width: 343, height: 240 }]), 0),
      };
      return q;
    },
    getSystemInfoSync: () => ({ pixelRatio: 2, windowWidth: 375, windowHeight: 812, platform: 'devtools', SDKVersion: '3.7.0', theme: fake.theme, fontSizeSetting: fake.fontSizeSetting }),
    getWindowInfo: () => ({ pixelRatio: 2, windowWidth: 375, windowHeight: 812, screenWidth: 375, screenHeight: 812, statusBarHeight: 20, safeArea: { top: 20, bottom: 812 } }),
    getDeviceInfo: () => ({ platform: 'devtools', system: 'iOS 17', brand: 'devtools', model: 'iPhone' }),
    getAppBaseInfo: () => ({ SDKVersion: '3.7.0', theme: fake.theme, language: 'zh_CN', fontSizeSetting: fake.fontSizeSetting }),
    onThemeChange: (fn: (r: { theme: 'light' | 'dark' }) => void) => void fake.themeListeners.push(fn),
    offThemeChange: (fn: (r: { theme: 'light' | 'dark' }) => void) => {
      const i = fake.themeListeners.indexOf(fn);
      if (i >= 0) fake.themeListeners.splice(i, 1);
    },
    getMenuButtonBoundingClientRect: () => ({ top: 24, bottom: 56, left: 281, right: 368, width: 87, height: 32 }),
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    vibrateShort: () => undefined,
  };
  return { wx, fake };
}

export type FakeWx = ReturnType<typeof createFakeWx>;
