import { fetchMerchants, type MerchantRow as MerchantSummary } from '../../../api/merchant.api';
import { fetchMarkets, fetchUnits, type Market, type Unit } from '../../../api/org.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { LIFECYCLE_CLASS_LABELS } from '../../../utils/labels';
import { CLASS_COLORS, boundaryPolygon, marketRow, middleOf, pinIcon } from '../../../utils/map';
import { requireMe } from '../../../utils/session';
import { describeError } from '../../../utils/errors';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';
import { BOUNDARY_EDITOR_ROLES, MARKET_MANAGER_ROLES, hasRole } from '../../../vendor/shared';

/** Pages of 50 read for one grid: all of a grid's merchants in practice (the demo's largest has ~600). */
const MAX_PAGES = 20;
const MAX_MARKERS = MAX_PAGES * 50;

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
 * The merchants of one grid on a map (the `map` component): the grid boundaries in scope as polygons (the
 * chosen one stressed), the chosen grid's merchants as markers coloured by lifecycle class, all of them (read
 * to the end, up to MAX_MARKERS, said when cut), the legend counting the same; the markets (商圈) with their
 * coverage. One grid at a time so what is drawn is complete for what is shown (a bank has tens of thousands).
 * Head office opens a grid's boundary to edit it, or to draw one for a grid without (also before anything is
 * on the map); branches open their markets.
 */
definePage<{ _items?: MerchantSummary[]; _units?: Unit[] }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: {
    center: { lat: 32.93, lng: 119.84 },
    markers: [] as ReturnType<typeof toMarkers>,
    polygons: [] as ReturnType<typeof boundaryPolygon>[],
    grids: [] as { id: string; name: string; hasBoundary: boolean }[],
    gridIndex: 0,
    /** the grid in focus, from the query (a grid's page) */
    focusId: '',
    markets: [] as ReturnType<typeof marketRow>[],
    legend: [] as { value: string; label: string; count: number }[],
    /** what the legend counts, in words */
    legendTitle: '',
    mapError: '',
    selected: null as null | { id: string; name: string; address: string },
    canEditBoundary: false,
    canEditMarkets: false,
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      if (query.gridId) this.setData({ focusId: query.gridId });
    },
    load() {
      return this.runLoad(async () => {
        const [me, units, markets] = await Promise.all([requireMe(), fetchUnits({ kind: 'grid' }), fetchMarkets({ withCoverage: true })]);
        this._units = units.items;
        // No grid in scope: nothing to draw. A grid without boundary or located merchants still shows, so head
        // office can draw its first boundary from here.
        if (!units.items.length) return this.setData({ status: 'empty' });
        const gridNames = Object.fromEntries(units.items.map((u: Unit) => [u.id, u.name]));
        const focus = units.items.findIndex((u) => u.id === (this.data.grids[this.data.gridIndex]?.id || this.data.focusId));
        await safeSetData(this, {
          status: 'ready',
          grids: units.items.map((u: Unit) => ({ id: u.id, name: u.name, hasBoundary: Boolean(u.boundary && u.boundary.length >= 3) })),
          gridIndex: Math.max(0, focus),
          markets: markets.items.map((m: Market) => marketRow(m, gridNames)),
          // The lists org.saveBoundary and org.createMarket check (shared/domain/roles.ts).
          canEditBoundary: hasRole(me.role, BOUNDARY_EDITOR_ROLES),
          canEditMarkets: hasRole(me.role, MARKET_MANAGER_ROLES),
        });
        await this.showGrid();
      });
    },
    /** Reads every merchant of the chosen grid (to MAX_MARKERS) and draws them; the legend counts the same. */
    async showGrid() {
      const units = this._units ?? [];
      const grid = units.find((u) => u.id === this.data.grids[this.data.gridIndex]?.id);
      if (!grid) return;
      this.setData({ mapError: '', selected: null });
      const items: MerchantSummary[] = [];
      let cursor: string | undefined;
      let cut = false;
      try {
        for (let i = 0; ; i++) {
          const page = await fetchMerchants({ gridId: grid.id, limit: 50, cursor });
          items.push(...page.items);
          if (!page.nextCursor) break;
          if (i + 1 >= MAX_PAGES) {
            cut = true;
            break;
          }
          cursor = page.nextCursor;
        }
      } catch (err) {
        return this.setData({ mapError: describeError(err), markers: [], legend: [], legendTitle: '' });
      }
      const located = items.filter((m) => m.location);
      this._items = located;
      const bounded = units.filter((u: Unit) => u.boundary && u.boundary.length >= 3);
      const ring = grid.boundary && grid.boundary.length >= 3 ? [grid.boundary as [number, number][]] : [];
      const center =
        (located.length
          ? { lat: located.reduce((s, m) => s + m.location!.lat, 0) / located.length, lng: located.reduce((s, m) => s + m.location!.lng, 0) / located.length }
          : middleOf(ring.length ? ring : bounded.map((u: Unit) => u.boundary as [number, number][]))) ?? this.data.center;
      const legend = Object.entries(LIFECYCLE_CLASS_LABELS).map(([value, label]) => ({ value, label, count: located.filter((m) => m.lifecycleClass === value).length }));
      const legendTitle = located.length
        ? `${grid.name}${cut ? `前 ${items.length} 户` : ` ${items.length} 户`}中有定位的 ${located.length} 户${cut ? '（商户较多，未全部列出）' : ''}`
        : `${grid.name}暂无有定位的商户`;
      await safeSetData(this, {
        center,
        markers: toMarkers(located),
        polygons: bounded.map((u: Unit) => boundaryPolygon(u.boundary as [number, number][], u.id === grid.id)),
        legend,
        legendTitle,
      });
    },
    onGrid(e: WechatMiniprogram.PickerChange) {
      this.setData({ gridIndex: Number(e.detail.value) });
      void this.showGrid();
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
