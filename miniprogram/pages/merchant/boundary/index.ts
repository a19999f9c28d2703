import { fetchUnit, fetchUnits, previewBoundary, saveBoundary, type BoundaryPreview, type Unit } from '../../../api/org.api';
import { loadable } from '../../../behaviors/loadable';
import { textScale } from '../../../behaviors/text-scale';
import { describeError } from '../../../utils/errors';
import { boundaryPolygon, middleOf } from '../../../utils/map';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { ServiceError } from '../../../utils/errors';

type LngLat = [number, number];

/** Six decimals (about 0.1 m): what a tap on the map can mean. */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** A vertex marker: numbered as the refusals name points (第 N 个点), the selected one blue, a refused one red. */
export function vertexMarkers(ring: readonly LngLat[], selected: number, refused: number) {
  return ring.map((p, i) => ({
    id: i + 1,
    latitude: p[1],
    longitude: p[0],
    width: i === selected || i === refused ? 28 : 20,
    height: i === selected || i === refused ? 28 : 20,
    label: { content: String(i + 1), fontSize: 12, color: i === refused ? '#d54941' : i === selected ? '#0052d9' : '#333333', anchorX: -4, anchorY: -28 },
    ...(i === selected ? { callout: { content: '点地图上的新位置', display: 'ALWAYS', fontSize: 12, padding: 6, borderRadius: 6 } } : {}),
  }));
}

/**
 * Head office edits a grid's boundary on the map: tap a point (numbered), then tap its new place (or drag
 * it where the map supports dragging). Each move asks the server which merchants would change grid and
 * lists them (merchant, from grid, to grid); a boundary that crosses itself, overlaps another grid or leaves
 * merchants in no grid is refused naming its point, which turns red. Saving transfers the merchants with
 * their history. Points the grid shares with a neighbour move in the neighbour too.
 */
definePage<{ _original?: LngLat[] }>()({
  behaviors: [textScale, loadable],
  data: {
    gridId: '',
    name: '',
    center: { lat: 32.93, lng: 119.84 },
    points: [] as LngLat[],
    selected: -1,
    refusedPoint: -1,
    markers: [] as ReturnType<typeof vertexMarkers>,
    polygons: [] as ReturnType<typeof boundaryPolygon>[],
    others: [] as ReturnType<typeof boundaryPolygon>[],
    moves: [] as BoundaryPreview['moves'],
    changed: false,
    previewing: false,
    previewError: '',
    busy: false,
    saveError: '',
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      this.setData({ gridId: query.gridId ?? '' });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
        const [{ unit }, grids] = await Promise.all([fetchUnit(this.data.gridId), fetchUnits({ kind: 'grid' })]);
        const ring = (unit.boundary ?? []).map((p: LngLat) => [p[0], p[1]] as LngLat);
        // Edit the open ring; a closed one's last point repeats its first.
        if (ring.length > 3 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
        this._original = ring.map((p: LngLat) => [p[0], p[1]] as LngLat);
        const others = grids.items.filter((g: Unit) => g.id !== unit.id && g.boundary && g.boundary.length >= 3).map((g: Unit) => boundaryPolygon(g.boundary as LngLat[]));
        if (ring.length < 3) return this.setData({ status: 'empty', name: unit.name });
        await safeSetData(this, { status: 'ready', name: unit.name, others, center: middleOf([ring]) ?? this.data.center });
        this.redraw(ring, -1, -1);
      });
    },
    redraw(points: LngLat[], selected: number, refused: number) {
      this.setData({ points, selected, refusedPoint: refused, markers: vertexMarkers(points, selected, refused), polygons: [...this.data.others, boundaryPolygon(points, true)] });
    },
    onVertex(e: { detail: { markerId: number } }) {
      const i = e.detail.markerId - 1;
      if (i < 0 || i >= this.data.points.length) return;
      this.redraw(this.data.points, this.data.selected === i ? -1 : i, this.data.refusedPoint);
    },
    /** A tap on the map moves the selected point there. */
    onMapTap(e: { detail: { latitude: number; longitude: number } }) {
      const i = this.data.selected;
      if (i < 0) return;
      void this.movePoint(i, e.detail.longitude, e.detail.latitude);
    },
    /** Where the map lets markers be dragged: the dragged point ends where it was dropped. */
    onDragEnd(e: { detail: { markerId: number; latitude?: number; longitude?: number; position?: { latitude: number; longitude: number } } }) {
      const at = e.detail.position ?? e.detail;
      if (typeof at.latitude === 'number' && typeof at.longitude === 'number') void this.movePoint(e.detail.markerId - 1, at.longitude, at.latitude);
    },
    async movePoint(i: number, lng: number, lat: number) {
      const points = this.data.points.map((p, k) => (k === i ? ([round6(lng), round6(lat)] as LngLat) : p));
      this.redraw(points, -1, -1);
      this.setData({ changed: true, saveError: '' });
      await this.preview();
    },
    async preview() {
      this.setData({ previewing: true, previewError: '' });
      try {
        const res = await previewBoundary({ unitId: this.data.gridId, boundary: this.data.points });
        await safeSetData(this, { moves: res.moves, previewing: false });
      } catch (err) {
        const point = err instanceof ServiceError && typeof err.details?.pointIndex === 'number' ? (err.details.pointIndex as number) : -1;
        this.redraw(this.data.points, -1, point);
        this.setData({ moves: [], previewing: false, previewError: describeError(err) });
      }
    },
    onReset() {
      this.redraw((this._original ?? []).map((p) => [p[0], p[1]] as LngLat), -1, -1);
      this.setData({ changed: false, moves: [], previewError: '', saveError: '' });
    },
    async onSave() {
      if (this.data.busy || !this.data.changed || this.data.previewError) return;
      const n = this.data.moves.length;
      const ok = await new Promise<boolean>((resolve) =>
        wx.showModal({ title: '保存边界', content: n ? `保存后 ${n} 个商户将移交到新网格，并记入商户历史。` : '没有商户会因此更换网格。', success: (r) => resolve(Boolean(r.confirm)), fail: () => resolve(false) }),
      );
      if (!ok) return;
      this.setData({ busy: true, saveError: '' });
      try {
        const saved = await saveBoundary({ unitId: this.data.gridId, boundary: this.data.points });
        wx.showToast({ title: saved.moves.length ? `已保存，移交${saved.moves.length}户` : '已保存', icon: 'success' });
        this._original = this.data.points.map((p) => [p[0], p[1]] as LngLat);
        this.setData({ changed: false, moves: [] });
      } catch (err) {
        this.setData({ saveError: describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
