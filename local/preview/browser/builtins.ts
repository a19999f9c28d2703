/**
 * WeChat's built-in components the pages use, for the browser. miniprogram-simulate registers each
 * built-in as an empty shell (`<slot/>`); here the ones with a native face get one: input and textarea
 * are real form fields that send `input` events with `detail.value`, picker opens WeChat's bottom sheet,
 * image loads wxfile paths, map is drawn without tiles (markers at their true places on a plain
 * ground), canvas is a real canvas 2d node, button carries open-type="agreePrivacyAuthorization".
 */
import * as files from './files';
import { asMiniprogramCanvas } from './wx';

export interface PickerRequest {
  mode: string;
  range: unknown[];
  rangeKey: string;
  value: unknown;
  fields: string;
  start: string;
  end: string;
}

export interface BuiltinHost {
  openPicker(req: PickerRequest): Promise<unknown | null>;
  position(): { latitude: number; longitude: number } | null;
}

const host$ = (self: any): HTMLElement => self._exparserNode.$$;

/** A built-in component `<id>` (tag `wx-<id>`): its children rendered in its slot, `spec` its properties and lifetimes. */
const builtin = <T extends object>(id: string, spec: T) => ({ id, tagName: `wx-${id}`, template: '<slot/>', ...spec });

/** Observers that call the component's `method` (set once attached) whenever one of `fields` changes. */
const redrawOn = (fields: string, method: '_sync' | '_draw') => ({
  [fields]: function (this: any) {
    this[method]?.();
  },
});

function nativeField(tag: 'input' | 'textarea') {
  return builtin(tag, {
    properties: {
      value: { type: null, value: '' },
      placeholder: { type: String, value: '' },
      type: { type: String, value: 'text' },
      password: { type: Boolean, value: false },
      maxlength: { type: Number, value: 140 },
      disabled: { type: Boolean, value: false },
      focus: { type: Boolean, value: false },
      autoHeight: { type: Boolean, value: false },
      confirmType: { type: String, value: 'done' },
    },
    observers: redrawOn('value, placeholder, type, password, maxlength, disabled', '_sync'),
    lifetimes: {
      attached(this: any) {
        const el = document.createElement(tag) as HTMLInputElement | HTMLTextAreaElement;
        el.className = 'wxp-native';
        host$(this).appendChild(el);
        this._el = el;
        this._sync = () => {
          const d = this.data;
          const value = d.value === undefined || d.value === null ? '' : String(d.value);
          if (el.value !== value) el.value = value;
          el.placeholder = d.placeholder ?? '';
          el.disabled = !!d.disabled;
          el.maxLength = d.maxlength < 0 ? 524288 : d.maxlength;
          if (el instanceof HTMLInputElement) {
            el.type = d.password ? 'password' : 'text';
            el.inputMode = d.type === 'number' ? 'numeric' : d.type === 'digit' ? 'decimal' : 'text';
          }
        };
        this._sync();
        el.addEventListener('input', () => {
          // WeChat keeps only what fits the type: digits for number, digits and a point for digit.
          let value = el.value;
          if (this.data.type === 'number') value = value.replace(/[^\d]/g, '');
          else if (this.data.type === 'digit') value = value.replace(/[^\d.]/g, '');
          else if (this.data.type === 'idcard') value = value.replace(/[^\dXx]/g, '');
          if (value !== el.value) el.value = value;
          this.triggerEvent('input', { value, cursor: el.selectionStart ?? value.length, keyCode: 0 });
        });
        el.addEventListener('focus', () => this.triggerEvent('focus', { value: el.value, height: 0 }));
        el.addEventListener('blur', () => this.triggerEvent('blur', { value: el.value }));
        el.addEventListener('keydown', (e) => {
          if ((e as KeyboardEvent).key === 'Enter' && tag === 'input') this.triggerEvent('confirm', { value: el.value });
        });
        if (this.data.focus) setTimeout(() => el.focus(), 0);
      },
    },
  });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const picker = (ui: BuiltinHost) =>
  builtin('picker', {
    properties: {
      mode: { type: String, value: 'selector' },
      range: { type: Array, value: [] },
      rangeKey: { type: String, value: '' },
      value: { type: null, value: 0 },
      fields: { type: String, value: 'day' },
      start: { type: String, value: '' },
      end: { type: String, value: '' },
      disabled: { type: Boolean, value: false },
    },
    lifetimes: {
      attached(this: any) {
        this._exparserNode.addListener('tap', () => {
          if (this.data.disabled) return;
          const d = this.data;
          let value = d.value;
          if (d.mode === 'date' && !value) {
            const now = new Date();
            value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
          }
          ui.openPicker({ mode: d.mode, range: d.range ?? [], rangeKey: d.rangeKey, value, fields: d.fields, start: d.start, end: d.end }).then((chosen) => {
            if (chosen === null) this.triggerEvent('cancel', {});
            else this.triggerEvent('change', { value: chosen });
          });
        });
      },
    },
  });

const button = builtin('button', {
  properties: {
    openType: { type: String, value: '' },
    disabled: { type: Boolean, value: false },
    type: { type: String, value: 'default' },
    size: { type: String, value: 'default' },
    loading: { type: Boolean, value: false },
    formType: { type: String, value: '' },
  },
  lifetimes: {
    attached(this: any) {
      host$(this).setAttribute('role', 'button');
      this._exparserNode.addListener('tap', () => {
        if (this.data.disabled) return;
        // The privacy agreement button: WeChat records the agreement, then tells the page.
        if (this.data.openType === 'agreePrivacyAuthorization') this.triggerEvent('agreeprivacyauthorization', {});
      });
    },
  },
});

const image = builtin('image', {
  properties: {
    src: { type: String, value: '' },
    mode: { type: String, value: 'scaleToFill' },
    lazyLoad: { type: Boolean, value: false },
  },
  observers: redrawOn('src, mode', '_sync'),
  lifetimes: {
    attached(this: any) {
      const img = document.createElement('img');
      img.className = 'wxp-native';
      img.alt = '';
      host$(this).appendChild(img);
      this._sync = () => {
        const src = files.urlOf(this.data.src ?? '');
        if (src) img.src = src;
        else img.removeAttribute('src');
        const fit: Record<string, string> = { scaleToFill: 'fill', aspectFit: 'contain', aspectFill: 'cover', widthFix: 'cover', heightFix: 'cover' };
        img.style.objectFit = fit[this.data.mode] ?? 'fill';
      };
      img.addEventListener('load', () => this.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight }));
      img.addEventListener('error', () => this.data.src && this.triggerEvent('error', { errMsg: `GET ${this.data.src} failed` }));
      this._sync();
    },
  },
});

const canvas = builtin('canvas', {
  properties: { type: { type: String, value: '' }, canvasId: { type: String, value: '' } },
  lifetimes: {
    attached(this: any) {
      const c = asMiniprogramCanvas(document.createElement('canvas'));
      c.className = 'wxp-native';
      host$(this).appendChild(c);
    },
  },
});

const scrollView = builtin('scroll-view', {
  properties: { scrollX: { type: Boolean, value: false }, scrollY: { type: Boolean, value: false } },
  observers: {
    'scrollX, scrollY': function (this: any) {
      const el = host$(this);
      el.style.overflowX = this.data.scrollX ? 'auto' : 'hidden';
      el.style.overflowY = this.data.scrollY ? 'auto' : 'hidden';
    },
  },
});

/** Web Mercator pixels at `zoom` (the map component's scale), 256 px tiles. */
function project(lat: number, lng: number, zoom: number): [number, number] {
  const size = 256 * 2 ** zoom;
  const s = Math.sin((lat * Math.PI) / 180);
  return [((lng + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
}

const map = (ui: BuiltinHost) =>
  builtin('map', {
    properties: {
      latitude: { type: Number, value: 0 },
      longitude: { type: Number, value: 0 },
      scale: { type: Number, value: 16 },
      markers: { type: Array, value: [] },
      showLocation: { type: Boolean, value: false },
    },
    observers: redrawOn('latitude, longitude, scale, markers, showLocation', '_draw'),
    lifetimes: {
      attached(this: any) {
        const el = host$(this);
        const layer = document.createElement('div');
        layer.className = 'wxp-map';
        el.appendChild(layer);
        this._draw = () => {
          const { latitude, longitude, scale, markers, showLocation } = this.data;
          const w = el.clientWidth || 343;
          const h = el.clientHeight || 150;
          const zoom = Math.max(3, Math.min(20, Number(scale) || 16)) - 1; // 512-px world at zoom 0 on a phone
          const [cx, cy] = project(latitude, longitude, zoom);
          const at = (lat: number, lng: number) => {
            const [x, y] = project(lat, lng, zoom);
            return [x - cx + w / 2, y - cy + h / 2];
          };
          const pins = (markers as any[])
            .map((m) => {
              const [x, y] = at(m.latitude, m.longitude);
              if (x < -20 || y < -20 || x > w + 20 || y > h + 20) return '';
              const color = m.callout?.bgColor ?? m.callout?.color ?? '#0052d9';
              const label = m.callout?.content ? `<span class="wxp-pin-label">${escapeHtml(String(m.callout.content))}</span>` : '';
              return `<div class="wxp-pin" data-marker="${escapeHtml(String(m.id))}" style="left:${x.toFixed(1)}px;top:${y.toFixed(1)}px;--pin:${escapeHtml(color)}">${label}</div>`;
            })
            .join('');
          const me = ui.position();
          let dot = '';
          if (showLocation && me) {
            const [x, y] = at(me.latitude, me.longitude);
            dot = `<div class="wxp-me" style="left:${x.toFixed(1)}px;top:${y.toFixed(1)}px"></div>`;
          }
          layer.innerHTML = `<div class="wxp-map-note">地图（预览：无底图）</div>${pins}${dot}`;
        };
        layer.addEventListener('click', (e) => {
          const pin = (e.target as HTMLElement).closest('.wxp-pin') as HTMLElement | null;
          if (!pin) return;
          e.stopPropagation();
          const id = pin.dataset.marker;
          this.triggerEvent('markertap', { markerId: Number.isNaN(Number(id)) ? id : Number(id) });
        });
        requestAnimationFrame(() => this._draw());
      },
    },
  });

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Registers the built-ins over miniprogram-simulate's empty ones. */
export function registerBuiltins(jComponent: { register(def: unknown): string }, ui: BuiltinHost): void {
  for (const def of [nativeField('input'), nativeField('textarea'), picker(ui), button, image, canvas, scrollView, map(ui)]) jComponent.register(def);
}
