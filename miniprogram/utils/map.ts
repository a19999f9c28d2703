/**
 * Drawing the grid on WeChat's `map` component: boundaries as polygons, merchants as markers coloured by
 * lifecycle class (GCJ-02, the coordinates the map component takes).
 */
import type { Market } from '../api/org.api';
import { LIFECYCLE_CLASS_COLORS } from '../vendor/shared';

type LngLat = [number, number];

/** A marker's colour by lifecycle class (the legend's chips use the same): the one map in shared/domain/labels.ts. */
export const CLASS_COLORS: Record<string, string> = LIFECYCLE_CLASS_COLORS;

/**
 * A merchant pin's image by lifecycle class: the `map` component colours a marker only through `iconPath`, so each
 * class has its PNG in its colour (miniprogram/assets/pins, drawn by `npm run icons`); an unknown class gets the
 * to-win pin.
 */
export function pinIcon(lifecycleClass: string | null | undefined): string {
  const cls = lifecycleClass && Object.prototype.hasOwnProperty.call(LIFECYCLE_CLASS_COLORS, lifecycleClass) ? lifecycleClass : 'to-win';
  return `/assets/pins/${cls}.png`;
}

/** The map component's point. */
export const toMapPoint = (p: readonly [number, number]) => ({ latitude: p[1], longitude: p[0] });

/** A grid boundary as a `map` polygon; `strong` for the one being looked at or edited. */
export function boundaryPolygon(ring: readonly LngLat[], strong = false) {
  return {
    points: ring.map(toMapPoint),
    strokeWidth: strong ? 3 : 2,
    strokeColor: strong ? '#0052d9' : '#8a8f99',
    fillColor: strong ? '#0052d922' : '#8a8f9914',
    zIndex: strong ? 2 : 1,
  };
}

/** The middle of a ring's box: where a grid's label goes and a map is centred. */
export function middleOf(rings: readonly (readonly LngLat[])[]): { lat: number; lng: number } | null {
  const all = rings.flat();
  if (!all.length) return null;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  return { lng: (Math.min(...xs) + Math.max(...xs)) / 2, lat: (Math.min(...ys) + Math.max(...ys)) / 2 };
}

/** A market's row: its grids and its coverage (merchants acquiring with the bank / merchants of the market). */
export function marketRow(m: Market, gridNames: Record<string, string>) {
  const total = m.merchantCount ?? 0;
  const covered = m.coveredCount ?? 0;
  return {
    id: m.id,
    name: m.name,
    // The server names each grid (`gridNames`), those outside the caller's scope too; the page's own names otherwise.
    grids: m.gridIds.map((g, i) => m.gridNames?.[i] || gridNames[g] || '其他网格').join('、') || '未关联网格',
    coverage: total ? `覆盖 ${covered}/${total}（${Math.round((covered / total) * 100)}%）` : '暂无商户',
  };
}

