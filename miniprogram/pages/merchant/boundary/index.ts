import { fetchUnit, fetchUnits, previewBoundary, saveBoundary, type BoundaryPreview, type Unit } from '../../../api/org.api';
import { loadable } from '../../../behaviors/loadable';
import { textScale } from '../../../behaviors/text-scale';
import { describeError } from '../../../utils/errors';
import { boundaryPolygon, middleOf, toMapPoint } from '../../../utils/map';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { ServiceError } from '../../../utils/errors';
import { MIN_BOUNDARY_POINTS } from '../../../vendor/shared';

type LngLat = [number, number];

/** Six decimals (about 0.1 m): what a tap on the map can mean. */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Fewest points a boundary has (shared/domain/geo.rules, as the console and polygonProblem). */
const MIN_POINTS = MIN_BOUNDARY_POINTS;

/** The middle of the edge from point i to the next one (the last point's edge closes the ring): where an added point starts. */
export function edgeMiddle(ring: readonly LngLat[], i: number): LngLat {
  const a = ring[i];
  const b = ring[(i + 1) % ring.length];
  return [round6((a[0] + b[0]) / 2), round6((a[1] + b[1]) / 2)];
}

/** A vertex marker: numbered as the refusals name points (第 N 个点), the selected one blue, a refused one red. */
export function vertexMarkers(ring: readonly LngLat[], selected: number, refused: number, drawing = false) {
  return ring.map((p, i) => ({
    id: i + 1,
    latitude: p[1],
    longitude: p[0],
    width: i === selected || i === refused ? 28 : 20,
    height: i === selected || i === refused ? 28 : 20,
    label: { content: String(i + 1), fontSize: 12, color: i === refused ? '#d54941' : i === selected ? '#0052d9' : '#333333', anchorX: -4, anchorY: -28 },
    ...(i === selected && !drawing ? { callout: { content: '点地图上的新位置', display: 'ALWAYS', fontSize: 12, padding: 6, borderRadius: 6 } } : {}),
  }));
}

/**
 * Head office edits a grid's boundary on the map: tap a point (numbered), then tap its new place (or drag
 * it where the map supports dragging); with a point selected, 加点 adds one in the middle of the edge after
 * it (selected, to be moved) and 删点 removes it (a boundary keeps three points). A grid without a boundary
 * is drawn: each tap on the map adds the next point (撤销 takes the last back, 清除 starts again). Each
 * change of a ring of three points or more asks the server which merchants would change grid and lists
 * them (merchant, from grid, to grid); a boundary that crosses itself, overlaps another grid or leaves
 * merchants in no grid is refused naming its point, which turns red. Saving transfers the merchants with
 * their history. Points the grid shares with a neighbour move in the neighbour too (when points are only
 * moved, not added or removed).
 */
definePage<{ _original?: LngLat[]; _asked?: number; _others?: ReturnType<typeof boundaryPolygon>[] }>()({
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
    /** while drawing: the line through the first points, before they make a polygon */
    polyline: [] as { points: { latitude: number; longitude: number }[]; color: string; width: number }[],
    drawing: false,
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
        // No boundary yet: it is drawn point by point, the map centred on the other grids.
        const drawing = ring.length < MIN_POINTS;
        if (drawing) this._original = [];
        const center = (drawing ? middleOf(grids.items.filter((g: Unit) => g.boundary && g.boundary.length >= 3).map((g: Unit) => g.boundary as LngLat[])) : middleOf([ring])) ?? this.data.center;
        // The other grids go once (split as large as the bank is); redrawing sends only the edited one.
        this._others = others;
        await safeSetData(this, { status: 'ready', name: unit.name, polygons: others, drawing, center });
        this.redraw(drawing ? [] : ring, -1, -1);
      });
    },
    /** The edited ring: its numbered points, and its polygon after the other grids' (only that one is sent again). */
    redraw(points: LngLat[], selected: number, refused: number) {
      const closed = points.length >= MIN_POINTS;
      const others = this._others ?? [];
      const patch: Record<string, unknown> = {
        points,
        selected,
        refusedPoint: refused,
        markers: vertexMarkers(points, selected, refused, this.data.drawing),
        polyline: !closed && points.length === 2 ? [{ points: points.map(toMapPoint), color: '#0052d9', width: 3 }] : [],
      };
      if (closed) patch[`polygons[${others.length}]`] = boundaryPolygon(points, true);
      else if (this.data.polygons.length > others.length) void safeSetData(this, { polygons: others });
      this.setData(patch);
    },
    onVertex(e: { detail: { markerId: number } }) {
      const i = e.detail.markerId - 1;
      if (i < 0 || i >= this.data.points.length) return;
      this.redraw(this.data.points, this.data.selected === i ? -1 : i, this.data.refusedPoint);
    },
    /** A tap on the map moves the selected point there; while drawing, it adds the next point. */
    onMapTap(e: { detail: { latitude: number; longitude: number } }) {
      const i = this.data.selected;
      if (this.data.drawing && i < 0) {
        void this.changeRing([...this.data.points, [round6(e.detail.longitude), round6(e.detail.latitude)] as LngLat], -1);
        return;
      }
      if (i < 0) return;
      void this.movePoint(i, e.detail.longitude, e.detail.latitude);
    },
    /** 加点: a new point in the middle of the edge after the selected one, selected to be moved. */
    onAddPoint() {
      const i = this.data.selected;
      const ring = this.data.points;
      if (i < 0 || ring.length < MIN_POINTS) return;
      void this.changeRing([...ring.slice(0, i + 1), edgeMiddle(ring, i), ...ring.slice(i + 1)], i + 1);
    },
    /** 删点: removes the selected point; a boundary keeps three. */
    onRemovePoint() {
      const i = this.data.selected;
      if (i < 0) return;
      if (this.data.points.length <= MIN_POINTS && !this.data.drawing) {
        wx.showToast({ title: '边界至少需要3个点', icon: 'none' });
        return;
      }
      void this.changeRing(this.data.points.filter((_, k) => k !== i), -1);
    },
    /** 撤销 while drawing: takes the last point back. */
    onUndoPoint() {
      if (!this.data.points.length) return;
      void this.changeRing(this.data.points.slice(0, -1), -1);
    },
    /** 清除 while drawing: starts the boundary again. */
    onClearPoints() {
      this.redraw([], -1, -1);
      this.setData({ changed: false, moves: [], previewError: '', saveError: '' });
    },
    /** A new ring (points added or removed): redrawn, and previewed once it has three points. */
    async changeRing(points: LngLat[], selected: number) {
      this.redraw(points, selected, -1);
      this.setData({ changed: points.length >= MIN_POINTS, saveError: '', previewError: '', moves: [] });
      if (points.length >= MIN_POINTS) await this.preview();
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
      const asked = (this._asked = (this._asked ?? 0) + 1);
      try {
        const res = await previewBoundary({ unitId: this.data.gridId, boundary: this.data.points });
        // A later change asked again: this answer is for a ring no longer shown.
        if (this._asked !== asked) return;
        await safeSetData(this, { moves: res.moves, previewing: false });
      } catch (err) {
        if (this._asked !== asked) return;
        const point = err instanceof ServiceError && typeof err.details?.pointIndex === 'number' ? (err.details.pointIndex as number) : -1;
        this.redraw(this.data.points, this.data.selected, point);
        this.setData({ moves: [], previewing: false, previewError: describeError(err) });
      }
    },
    onReset() {
      const original = (this._original ?? []).map((p) => [p[0], p[1]] as LngLat);
      this.setData({ drawing: original.length < MIN_POINTS });
      this.redraw(original, -1, -1);
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
        this.setData({ changed: false, moves: [], drawing: false });
        this.redraw(this.data.points, -1, -1);
      } catch (err) {
        this.setData({ saveError: describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
