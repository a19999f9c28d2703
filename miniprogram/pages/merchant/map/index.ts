import { fetchMerchants, type MerchantRow as MerchantSummary } from '../../../api/merchant.api';
import { fetchMarkets, fetchUnits, type Market, type Unit } from '../../../api/org.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { LIFECYCLE_CLASS_LABELS } from '../../../utils/labels';
import { CLASS_COLORS, boundaryPolygon, marketRow, middleOf, pinIcon } from '../../../utils/map';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

const MAX_MARKERS = 200;

/** Map markers for merchants with a location, coloured by lifecycle class (the pin's image and its callout). */
export function toMarkers(items: MerchantSummary[]) {
  return items
    .filter((m) => m.location)
    .slice(0, MAX_MARKERS)
    .map((m, i) => ({
      id: i + 1,
      latitude: m.location!.lat,
      longitude: m.location!.lng,
      iconPath: pinIcon(m.lifecycleClass),
      width: 22,
      height: 30,
      callout: { content: m.name, fontSize: 12, padding: 6, borderRadius: 6, display: 'BYCLICK', bgColor: '#ffffff', color: CLASS_COLORS[m.lifecycleClass] ?? '#0052d9' },
    }));
}

/**
 * The merchants in scope on a map (the `map` component): the grid boundaries as polygons, the merchants as
 * markers coloured by lifecycle class, the markets (商圈) with their coverage. Head office opens a grid's
 * boundary to edit it, or to draw one for a grid without; branches open their markets.
 */
definePage<{ _items?: MerchantSummary[] }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: {
    center: { lat: 32.93, lng: 119.84 },
    markers: [] as ReturnType<typeof toMarkers>,
    polygons: [] as ReturnType<typeof boundaryPolygon>[],
    grids: [] as { id: string; name: string; hasBoundary: boolean }[],
    markets: [] as ReturnType<typeof marketRow>[],
    legend: [] as { value: string; label: string; count: number }[],
    selected: null as null | { id: string; name: string; address: string },
    canEditBoundary: false,
    canEditMarkets: false,
  },
  methods: {
    load() {
      return this.runLoad(async () => {
        const items: MerchantSummary[] = [];
        const [me, units, markets] = await Promise.all([requireMe(), fetchUnits({ kind: 'grid' }), fetchMarkets({ withCoverage: true })]);
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
        const bounded = units.items.filter((u: Unit) => u.boundary && u.boundary.length >= 3);
        if (!located.length && !bounded.length) return this.setData({ status: 'empty' });
        const gridNames = Object.fromEntries(units.items.map((u: Unit) => [u.id, u.name]));
        const center =
          (located.length
            ? { lat: located.reduce((s, m) => s + m.location!.lat, 0) / located.length, lng: located.reduce((s, m) => s + m.location!.lng, 0) / located.length }
            : middleOf(bounded.map((u: Unit) => u.boundary as [number, number][]))) ?? this.data.center;
        const legend = Object.entries(LIFECYCLE_CLASS_LABELS).map(([value, label]) => ({ value, label, count: located.filter((m) => m.lifecycleClass === value).length }));
        await safeSetData(this, {
          status: 'ready',
          center,
          markers: toMarkers(located),
          polygons: bounded.map((u: Unit) => boundaryPolygon(u.boundary as [number, number][], units.items.length === 1)),
          grids: units.items.map((u: Unit) => ({ id: u.id, name: u.name, hasBoundary: Boolean(u.boundary && u.boundary.length >= 3) })),
          markets: markets.items.map((m: Market) => marketRow(m, gridNames)),
          legend,
          canEditBoundary: me.role === 'hq',
          canEditMarkets: me.role === 'hq' || me.role === 'branch',
        });
      });
    },
    onMarker(e: { detail: { markerId: number } }) {
      const m = this._items?.[e.detail.markerId - 1];
      if (m) this.setData({ selected: { id: m.id, name: m.name, address: m.address ?? '' } });
    },
    onOpen() {
      if (this.data.selected) wx.navigateTo({ url: `/pages/merchant/detail/index?id=${this.data.selected.id}` });
    },
    onEditBoundary(e: { currentTarget: { dataset: { id: string } } }) {
      wx.navigateTo({ url: `/pages/merchant/boundary/index?gridId=${e.currentTarget.dataset.id}` });
    },
    onMarkets() {
      wx.navigateTo({ url: '/pages/merchant/markets/index' });
    },
  },
});
