import { fetchMerchants, type MerchantRow as MerchantSummary } from '../../../api/merchant.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { LIFECYCLE_CLASS_LABELS } from '../../../utils/labels';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

const MAX_MARKERS = 200;
const PIN_COLORS: Record<string, string> = { 'to-win': '#e37318', qualified: '#2ba471', premium: '#0052d9', abnormal: '#d54941', lost: '#8a8f99' };

/** Map markers for merchants with a location, coloured by lifecycle class. */
export function toMarkers(items: MerchantSummary[]) {
  return items
    .filter((m) => m.location)
    .slice(0, MAX_MARKERS)
    .map((m, i) => ({
      id: i + 1,
      latitude: m.location!.lat,
      longitude: m.location!.lng,
      width: 22,
      height: 30,
      callout: { content: m.name, fontSize: 12, padding: 6, borderRadius: 6, display: 'BYCLICK', bgColor: '#ffffff', color: PIN_COLORS[m.lifecycleClass] ?? '#0052d9' },
    }));
}

/** The grid's merchants on a map (the `map` component with markers). */
definePage<{ _items?: MerchantSummary[] }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: { center: { lat: 32.93, lng: 119.84 }, markers: [] as ReturnType<typeof toMarkers>, legend: [] as { value: string; label: string; count: number }[], selected: null as null | { id: string; name: string; address: string } },
  methods: {
    load() {
      return this.runLoad(async () => {
        const items: MerchantSummary[] = [];
        let cursor: string | undefined;
        // A few pages are enough for one grid; the map shows at most MAX_MARKERS pins.
        for (let i = 0; i < 4; i++) {
          const page = await fetchMerchants({ limit: 50, cursor });
          items.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        const located = items.filter((m) => m.location);
        this._items = located;
        if (!located.length) return this.setData({ status: 'empty' });
        const center = { lat: located.reduce((s, m) => s + m.location!.lat, 0) / located.length, lng: located.reduce((s, m) => s + m.location!.lng, 0) / located.length };
        const legend = Object.entries(LIFECYCLE_CLASS_LABELS).map(([value, label]) => ({ value, label, count: located.filter((m) => m.lifecycleClass === value).length }));
        await safeSetData(this, { status: 'ready', center, markers: toMarkers(located), legend });
      });
    },
    onMarker(e: { detail: { markerId: number } }) {
      const m = this._items?.[e.detail.markerId - 1];
      if (m) this.setData({ selected: { id: m.id, name: m.name, address: m.address ?? '' } });
    },
    onOpen() {
      if (this.data.selected) wx.navigateTo({ url: `/pages/merchant/detail/index?id=${this.data.selected.id}` });
    },
  },
});
