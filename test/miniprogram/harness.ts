/**
 * Mounts mini program pages and components with miniprogram-simulate under jsdom, against a fake wx.
 * Pages are the real TypeScript sources (jest compiles them); TDesign comes from the built
 * miniprogram_npm. Import this first in every page test (with the `@jest-environment jsdom` docblock).
 */
import path from 'node:path';
import { createFakeWx, type FakeWx } from './fake-wx';
import { MP_ROOT } from './build';

export { MP_ROOT };


const simulate = require('miniprogram-simulate');
const simUtils = require('miniprogram-simulate/src/utils');

// WeChat resolves `tdesign-miniprogram/…` in usingComponents to miniprogram_npm; so do we.
const readJson = simUtils.readJson;
simUtils.readJson = (file: string) => {
  const json = readJson(file);
  if (json?.usingComponents) {
    for (const [k, v] of Object.entries(json.usingComponents as Record<string, string>)) {
      if (!v.startsWith('.') && !v.startsWith('/')) json.usingComponents[k] = `/miniprogram_npm/${v}`;
    }
  }
  return json;
};
// Jest keeps modules cached, so a component file runs once per test file: remember its definition and
// replay it when simulate loads the same component again for another page.
const definitions = new Map<string, unknown>();
const runJs = simUtils.runJs;
simUtils.runJs = (file: string) => {
  if (definitions.has(file)) return (global as any).Component(definitions.get(file));
  const realComponent = (global as any).Component;
  (global as any).Component = (def: unknown) => {
    definitions.set(file, def);
    return realComponent(def);
  };
  try {
    runJs(file);
  } finally {
    (global as any).Component = realComponent;
  }
};

export let current: FakeWx;

/** Installs a fresh fake wx (and the globals a mini program expects) and returns its control handle. */
export function installWx(): FakeWx {
  current = createFakeWx();
  (global as any).wx = current.wx;
  (global as any).getApp = () => ({ globalData: {} });
  (global as any).getCurrentPages = () => [];
  (global as any).Page = (def: any) => (global as any).Component({ methods: def });
  return current;
}
installWx();

const loaded = new Map<string, string>();
const { patchSize, SET_DATA_LIMIT } = require('../../miniprogram/utils/set-data');
/** The largest single setData any mounted page sent in this test file. */
export let largestSetData = 0;

export interface Mounted {
  comp: any;
  instance: any;
  data: any;
  $: (selector: string) => any;
  $$: (selector: string) => any[];
  text: () => string;
}

/** Loads (once per file) and renders a page or component by its path under miniprogram/, e.g. 'pages/mine/index'. */
export function mount(rel: string, props: Record<string, unknown> = {}, query?: Record<string, string>): Mounted {
  const file = path.join(MP_ROOT, rel);
  let id = loaded.get(file);
  if (!id) {
    id = simulate.load(file, rel.split('/').slice(-2)[0], { rootPath: MP_ROOT }) as string;
    loaded.set(file, id);
  }
  const comp = simulate.render(id, props);
  const doc = (globalThis as any).document;
  const parent = doc.createElement('parent-wrapper');
  doc.body.appendChild(parent);
  // Every setData a mounted page sends is measured: none may exceed the 64 KB budget.
  const setData = comp.instance.setData.bind(comp.instance);
  comp.instance.setData = (patch: Record<string, unknown>, cb?: () => void) => {
    const size = patchSize(patch);
    largestSetData = Math.max(largestSetData, size);
    if (size > SET_DATA_LIMIT) throw new Error(`${rel}: one setData of ${size} bytes exceeds ${SET_DATA_LIMIT}`);
    return setData(patch, cb);
  };
  comp.attach(parent);
  if (query && comp.instance.onLoad) comp.instance.onLoad(query);
  if (comp.instance.onShow) comp.instance.onShow();
  return {
    comp,
    instance: comp.instance,
    get data() {
      return comp.data;
    },
    $: (selector: string) => comp.querySelector(selector),
    $$: (selector: string) => comp.querySelectorAll(selector),
    text: () => textOf(comp.dom),
  };
}

/** The visible text of a rendered tree, whitespace collapsed. */
export function textOf(node: { textContent: string | null }): string {
  return (node.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Lets pending promises and zero-delay timers run, then lets the view catch up. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await simulate.sleep(0);
  }
}

/**
 * Runs `fn` with fake timers, for pages that poll on a timer: `fn` advances them with
 * `jest.advanceTimersByTime` and lets promises settle through microtasks with `settle()`.
 */
export async function withFakeTimers(fn: (settle: () => Promise<void>) => Promise<void>): Promise<void> {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
  const settle = async () => {
    for (let i = 0; i < 100; i++) await Promise.resolve();
  };
  try {
    await fn(settle);
  } finally {
    jest.useRealTimers();
  }
}

/** Answers function calls as `(fn, event) => data` (or an error envelope when the handler throws `{code}`). */
export function answerCalls(handler: (fn: string, event: Record<string, any>) => unknown): void {
  current.fake.requestHandler = async (req) => {
    const fn = req.url.split('/functions/')[1] ?? req.url.split('functions/')[1];
    try {
      const data = await handler(fn, req.data as Record<string, any>);
      return { statusCode: 200, data: { ok: true, data } };
    } catch (e: any) {
      if (e && e.code) return { statusCode: 200, data: { ok: false, error: { code: e.code, message: e.message ?? e.code, reason: e.reason, details: e.details } } };
      throw e;
    }
  };
}

/** Every event sent to functions so far, as `fn.action`. */
export function calls(): { fn: string; action: string; event: Record<string, any> }[] {
  return current.fake.requests
    .filter((r) => r.url.includes('/functions/'))
    .map((r) => ({ fn: r.url.split('/functions/')[1], action: (r.data as any).action, event: r.data as Record<string, any> }));
}

export { simulate };

/**
 * A fresh app acting as the demo account `openid`, its function calls answered by `cloud` as the gateway
 * would (the identity travels in X-WX-OPENID, as local mode sends it).
 */
export function actAsOn(cloud: { call(fn: string, event: Record<string, unknown>, openid?: string): Promise<unknown> }, openid: string): FakeWx {
  const h = resetApp();
  h.wx.setStorageSync('grid.localOpenid', openid);
  current.fake.requestHandler = async (req) => {
    const fn = req.url.split('/functions/')[1];
    return { statusCode: 200, data: await cloud.call(fn, req.data as Record<string, unknown>, req.header?.['X-WX-OPENID']) };
  };
  return h;
}

/** A fresh app: new fake wx, no cached profile, empty visit queue, no pending privacy prompt. */
export function resetApp(): FakeWx {
  const h = installWx();
  require('../../miniprogram/utils/session').setMe(null);
  require('../../miniprogram/offline/index').resetVisitQueue();
  require('../../miniprogram/utils/privacy').resetPrivacy();
  return h;
}

/** Elements matching `selector` in the page, else inside its state-view (class "sv") or privacy popup (class "pp"). */
export function find(page: Mounted, selector: string): any[] {
  for (const scope of ['', '.sv >>> ', '.pp >>> ']) {
    const found = page.$$(`${scope}${selector}`);
    if (found.length) return found;
  }
  return [];
}

/** Taps the n-th element matching `selector`, then lets the handlers run. */
export async function tap(page: Mounted, selector: string, index = 0): Promise<void> {
  const el = find(page, selector)[index];
  if (!el) throw new Error(`nothing matches ${selector}[${index}] in: ${page.text().slice(0, 300)}`);
  // A user's tap: APIs that WeChat allows only from a tap (requestSubscribeMessage) work while its handler
  // runs. The simulator runs the handler on a later tick: the tap lasts until that tick has passed.
  current.fake.userTap = true;
  try {
    el.dispatchEvent('tap');
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    current.fake.userTap = false;
  }
  await flush();
}

/** Types into the n-th input matching `selector`, as the `input` event reports it. */
export async function type(page: Mounted, selector: string, value: string, index = 0): Promise<void> {
  const el = find(page, selector)[index];
  if (!el) throw new Error(`no input ${selector}[${index}]`);
  el.dispatchEvent('input', { detail: { value } });
  await flush();
}

/** Fires a component event (e.g. a TDesign `change`) on the n-th element matching `selector`. */
export async function fire(page: Mounted, selector: string, event: string, detail: unknown, index = 0): Promise<void> {
  const el = find(page, selector)[index];
  if (!el) throw new Error(`nothing matches ${selector}[${index}]`);
  // TDesign components are virtual hosts (no DOM node): trigger on the component, as its own code would.
  if (el.dom) el.dispatchEvent(event, { detail });
  else el._exparserNode.triggerEvent(event, detail);
  await flush();
}
