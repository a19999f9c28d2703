/**
 * 边界与商圈: the grids' boundaries on a plain map (no tile service: the GCJ-02 `[lng, lat]` points projected
 * onto an SVG, east to the right and north up, longitudes scaled by the cosine of the latitude), the
 * merchants of the selected grid and of its neighbours as dots coloured by lifecycle class, and the markets
 * (商圈) with their coverage (`org.listMarkets`), a market's grids shaded on the map.
 *
 * Head office edits the selected grid's boundary, as the mini program's boundary page does: drag a numbered
 * point, click the "+" in the middle of an edge to add a point there, or click a point and remove it (a
 * boundary keeps at least MIN_BOUNDARY_POINTS points). A grid without a boundary is drawn: each click on the
 * map adds the next point (撤销 takes the last back, 清除 starts again), the map showing the grids around it
 * (its group's, else its branch's, else all). Each edit of a ring of three points or more asks `org.previewBoundary`
 * which merchants would change grid (merchant, from grid, to grid), or which point is refused and why (the
 * point turns red); `org.saveBoundary` saves it and transfers those merchants with their history. Points
 * the grid shares with a neighbour move in the neighbour too (the function's rule). Head office and branch
 * managers change which grids a market covers by clicking grids on the map (`org.updateMarket`), and create a
 * market (name, branch, grids picked on the map: `org.createMarket`).
 */
import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Dialog, Input, MessagePlugin, Select, Space, Table, Tag } from 'tdesign-react';
import type { PrimaryTableCol } from 'tdesign-react';
import { CallError, call, errorText } from '../api';
import type { Page } from '../../../shared/contracts/common.contract';
import type { MerchantRow } from '../../../shared/contracts/merchant.contract';
import type { BoundaryMoveView, BoundaryPreview, BoundarySaved, MarketView, UnitView } from '../../../shared/contracts/org.contract';
import { MAX_POLYGON_POINTS, MIN_BOUNDARY_POINTS, centroid, openRing, polygonProblem, type LngLat } from '../../../shared/domain/geo.rules';
import { LIFECYCLE_CLASS_COLORS, LIFECYCLE_CLASS_LABELS } from '../../../shared/domain/labels';
import { LIFECYCLE_CLASSES } from '../../../shared/domain/lifecycle.rules';
import { BOUNDARY_EDITOR_ROLES, MARKET_MANAGER_ROLES, hasRole } from '../../../shared/domain/roles';
import { useMe } from '../session';

/** Projected units per degree of latitude (about 1.1 m each). */
const SCALE = 100_000;
/** Pages of 50 merchants read for the selected grid, and for each neighbour. */
const OWN_PAGES = 8;
const NEIGHBOUR_PAGES = 1;
const BLUE = '#0052d9';
const RED = '#d54941';
const GREY = '#8a8f99';
const MARKET = '#e37318';

const MIN_POINTS = MIN_BOUNDARY_POINTS;
/** Neighbour grids whose merchants are shown around a grid being drawn. */
const DRAW_NEIGHBOURS = 12;
/** Points a drawing may have (the contract's limit). */
const MAX_DRAWN_POINTS = MAX_POLYGON_POINTS;
/** Pointer travel (px) below which pressing a point selects it instead of moving it. */
const CLICK_SLOP_PX = 3;

/** Six decimals (about 0.1 m): what a point put on the map can mean. */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

interface Box {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

function boxOf(rings: readonly (readonly (readonly [number, number])[])[]): Box {
  const b = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const ring of rings) {
    for (const [x, y] of ring) {
      b.minLng = Math.min(b.minLng, x);
      b.maxLng = Math.max(b.maxLng, x);
      b.minLat = Math.min(b.minLat, y);
      b.maxLat = Math.max(b.maxLat, y);
    }
  }
  return b;
}

const grow = (b: Box, share: number): Box => {
  const dx = Math.max(b.maxLng - b.minLng, 1e-4) * share;
  const dy = Math.max(b.maxLat - b.minLat, 1e-4) * share;
  return { minLng: b.minLng - dx, maxLng: b.maxLng + dx, minLat: b.minLat - dy, maxLat: b.maxLat + dy };
};
const meets = (a: Box, b: Box): boolean => a.minLng <= b.maxLng && b.minLng <= a.maxLng && a.minLat <= b.maxLat && b.minLat <= a.maxLat;

/** The map's projection of a box: equirectangular about the box's middle latitude. */
function projection(view: Box) {
  const k = Math.cos((((view.minLat + view.maxLat) / 2) * Math.PI) / 180);
  const to = (p: readonly [number, number]): [number, number] => [(p[0] - view.minLng) * k * SCALE, (view.maxLat - p[1]) * SCALE];
  const from = (x: number, y: number): LngLat => [round6(view.minLng + x / (k * SCALE)), round6(view.maxLat - y / SCALE)];
  return { to, from, width: (view.maxLng - view.minLng) * k * SCALE, height: (view.maxLat - view.minLat) * SCALE };
}

const pointsAttr = (ring: readonly (readonly [number, number])[], to: (p: readonly [number, number]) => [number, number]) =>
  ring.map((p) => to(p).map((v) => v.toFixed(1)).join(',')).join(' ');

const sameRing = (a: readonly LngLat[], b: readonly LngLat[]): boolean => a.length === b.length && a.every((p, i) => p[0] === b[i][0] && p[1] === b[i][1]);

const ringOf = (u: UnitView | undefined): LngLat[] => (u?.boundary ? openRing(u.boundary).map((p) => [p[0], p[1]] as LngLat) : []);

async function merchantsOf(gridId: string, pages: number): Promise<MerchantRow[]> {
  const out: MerchantRow[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const page: Page<MerchantRow> = await call<Page<MerchantRow>>('merchant', 'list', { gridId, archived: false, limit: 50, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/** The grid named in the route (`#/boundaries?grid=<id>`), if any. */
const routeGrid = (): string | null => new URLSearchParams(location.hash.split('?')[1] ?? '').get('grid');

export default function BoundariesScreen(): React.ReactElement {
  const me = useMe();
  const mayEdit = hasRole(me.role, BOUNDARY_EDITOR_ROLES);
  const mayCreateMarket = hasRole(me.role, MARKET_MANAGER_ROLES);
  const [units, setUnits] = useState<UnitView[]>([]);
  const [markets, setMarkets] = useState<MarketView[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [gridId, setGridId] = useState<string | null>(null);
  const [ring, setRing] = useState<LngLat[]>([]);
  const [original, setOriginal] = useState<LngLat[]>([]);
  const [merchants, setMerchants] = useState<MerchantRow[]>([]);
  const [merchantsLoading, setMerchantsLoading] = useState(false);
  const [selected, setSelected] = useState(-1);
  const [dragging, setDragging] = useState(-1);
  const [refused, setRefused] = useState(-1);
  const [moves, setMoves] = useState<BoundaryMoveView[] | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [saving, setSaving] = useState(false);
  const [marketId, setMarketId] = useState<string | null>(null);
  const [marketGrids, setMarketGrids] = useState<Set<string> | null>(null);
  const [savingMarket, setSavingMarket] = useState(false);
  /** A market being created: its name and branch, its grids picked on the map (`marketGrids`). */
  const [draft, setDraft] = useState<{ name: string; branchId: string } | null>(null);
  const dragFrom = useRef<{ x: number; y: number; ring: LngLat[] } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const ringRef = useRef<LngLat[]>([]);
  const previewSeq = useRef(0);
  const [unitsPerPx, setUnitsPerPx] = useState(1);

  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  const allGrids = useMemo(() => units.filter((u) => u.kind === 'grid'), [units]);
  const grids = useMemo(() => allGrids.filter((u) => u.boundary && u.boundary.length >= MIN_POINTS), [allGrids]);
  const boxes = useMemo(() => new Map(grids.map((g) => [g.id, boxOf([g.boundary!])])), [grids]);
  const grid = gridId ? byId.get(gridId) : undefined;
  const changed = ring.length > 0 && !sameRing(ring, original);
  /** The selected grid has no boundary yet: head office draws one point by point. */
  const drawing = mayEdit && Boolean(grid) && original.length < MIN_POINTS;
  const closed = ring.length >= MIN_POINTS;

  const loadUnits = useCallback(async () => {
    const [u, m] = await Promise.all([call<{ items: UnitView[] }>('org', 'listUnits', {}), call<{ items: MarketView[] }>('org', 'listMarkets', { withCoverage: true })]);
    setUnits(u.items);
    setMarkets(m.items);
    return u.items;
  }, []);

  useEffect(() => {
    loadUnits().then(
      (items) => {
        const wanted = routeGrid();
        const first = items.find((g) => g.id === wanted && g.kind === 'grid') ?? items.find((g) => g.kind === 'grid' && g.boundary && g.boundary.length >= MIN_POINTS);
        if (first) setGridId(first.id);
      },
      (e) => setLoadError(errorText(e)),
    );
  }, [loadUnits]);

  // The selected grid's ring to edit, and the merchants of it and its neighbours.
  useEffect(() => {
    if (!gridId) return;
    const g = byId.get(gridId);
    if (!g) return;
    const r = ringOf(g);
    ringRef.current = r;
    setRing(r);
    setOriginal(r);
    setSelected(-1);
    setRefused(-1);
    setMoves(null);
    setPreviewError(null);
    history.replaceState(null, '', `#/boundaries?grid=${encodeURIComponent(gridId)}`);
    // Only on a new grid: a reload of the units after a save keeps the merchants' request below.
  }, [gridId, byId]);

  /** Where a grid without a boundary lies: the grids of its group, else of its branch, else all (their box). */
  const around = useMemo(() => {
    if (!grid || boxes.has(grid.id)) return null;
    for (const ancestor of [...grid.unitPath].reverse()) {
      const near = grids.filter((g) => g.unitPath.includes(ancestor));
      if (near.length) return boxOf(near.map((g) => g.boundary!));
    }
    return grids.length ? boxOf(grids.map((g) => g.boundary!)) : null;
  }, [grid, grids, boxes]);

  const neighbourIds = useMemo(() => {
    const own = gridId ? boxes.get(gridId) : undefined;
    if (own) {
      const near = grow(own, 0.25);
      return grids.filter((g) => g.id !== gridId && meets(boxes.get(g.id)!, near)).map((g) => g.id);
    }
    return around ? grids.filter((g) => meets(boxes.get(g.id)!, around)).slice(0, DRAW_NEIGHBOURS).map((g) => g.id) : [];
  }, [gridId, grids, boxes, around]);

  const loadMerchants = useCallback(async (id: string, neighbours: string[]) => {
    setMerchantsLoading(true);
    try {
      const lists = await Promise.all([merchantsOf(id, OWN_PAGES), ...neighbours.map((n) => merchantsOf(n, NEIGHBOUR_PAGES))]);
      setMerchants(lists.flat().filter((m) => m.location));
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setMerchantsLoading(false);
    }
  }, []);
  const neighbourKey = neighbourIds.join(',');
  useEffect(() => {
    if (gridId) void loadMerchants(gridId, neighbourKey ? neighbourKey.split(',') : []);
  }, [gridId, neighbourKey, loadMerchants]);

  // The view: the selected grid with a margin on every side, fixed while its points move.
  const view = useMemo(() => {
    const own = gridId ? boxes.get(gridId) : undefined;
    if (own) return grow(own, 0.6);
    return around ? grow(around, 0.3) : null;
  }, [gridId, boxes, around]);
  const proj = useMemo(() => (view ? projection(view) : null), [view]);

  // Handles keep their size on screen whatever the scale: the projected units one pixel spans.
  useLayoutEffect(() => {
    const svg = svgRef.current;
    if (!svg || !proj) return;
    const measure = () => {
      const r = svg.getBoundingClientRect();
      if (r.width && r.height) setUnitsPerPx(Math.max(proj.width / r.width, proj.height / r.height));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(svg);
    return () => ro.disconnect();
  }, [proj]);

  /** The map point under the pointer. */
  const pointAt = (clientX: number, clientY: number): LngLat | null => {
    const svg = svgRef.current;
    const ctm = svg?.getScreenCTM();
    if (!svg || !ctm || !proj) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return proj.from(p.x, p.y);
  };

  const preview = async (next: LngLat[]) => {
    if (!gridId) return;
    const seq = ++previewSeq.current;
    setRefused(-1);
    // A boundary being drawn is previewed once it has its third point.
    if (next.length < MIN_POINTS) {
      setMoves(null);
      setPreviewError(null);
      setPreviewing(false);
      return;
    }
    // The shared shape rule first: a ring the function would refuse outright needs no call.
    const problem = polygonProblem(next);
    if (problem) {
      setMoves(null);
      setPreviewError(problem);
      return;
    }
    setPreviewing(true);
    setPreviewError(null);
    try {
      const out = await call<BoundaryPreview>('org', 'previewBoundary', { unitId: gridId, boundary: next });
      if (seq !== previewSeq.current) return;
      setMoves(out.moves);
    } catch (e) {
      if (seq !== previewSeq.current) return;
      const point = e instanceof CallError ? e.details?.pointIndex : undefined;
      setRefused(typeof point === 'number' ? point : -1);
      setMoves(null);
      setPreviewError(errorText(e));
    } finally {
      if (seq === previewSeq.current) setPreviewing(false);
    }
  };

  const edit = (next: LngLat[], select: number) => {
    ringRef.current = next;
    setRing(next);
    setSelected(select);
    void preview(next);
  };

  const onPointDown = (i: number) => (e: React.PointerEvent<SVGCircleElement>) => {
    // While a save runs the ring is about to be replaced by the saved one: an edit now would be lost.
    if (!mayEdit || marketGrids || saving) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    dragFrom.current = { x: e.clientX, y: e.clientY, ring: ringRef.current };
    setDragging(i);
    setSelected(i);
  };
  const onPointMove = (i: number) => (e: React.PointerEvent<SVGCircleElement>) => {
    if (dragging !== i) return;
    const at = pointAt(e.clientX, e.clientY);
    if (!at) return;
    const next = ringRef.current.map((p, k) => (k === i ? at : p));
    ringRef.current = next;
    setRing(next);
  };
  const onPointUp = (i: number) => (e: React.PointerEvent<SVGCircleElement>) => {
    if (dragging !== i) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    setDragging(-1);
    const start = dragFrom.current;
    dragFrom.current = null;
    if (start && Math.hypot(e.clientX - start.x, e.clientY - start.y) < CLICK_SLOP_PX) {
      // A click, not a move: the point is selected (to remove it), the ring stays as it was.
      ringRef.current = start.ring;
      setRing(start.ring);
      setSelected(i);
      return;
    }
    const at = pointAt(e.clientX, e.clientY);
    const next = at ? ringRef.current.map((p, k) => (k === i ? at : p)) : ringRef.current;
    if (sameRing(next, original)) return reset();
    edit(next, i);
  };
  /** A new point in the middle of the edge from point i to the next. */
  const addPoint = (i: number) => {
    if (!mayEdit || marketGrids || saving) return;
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const mid: LngLat = [round6((a[0] + b[0]) / 2), round6((a[1] + b[1]) / 2)];
    edit([...ring.slice(0, i + 1), mid, ...ring.slice(i + 1)], i + 1);
  };

  /** Drawing: the point clicked on the map is the boundary's next one (not a click on a point or a "+"). */
  const onMapClick = (e: React.MouseEvent<SVGSVGElement>) => {
    if (!drawing || marketGrids || saving) return;
    if ((e.target as Element).closest('.c-map-point, .c-map-add')) return;
    const at = pointAt(e.clientX, e.clientY);
    if (!at) return;
    if (ring.length >= MAX_DRAWN_POINTS) return;
    edit([...ring, at], -1);
  };
  const undoPoint = () => {
    if (!ring.length || saving) return;
    edit(ring.slice(0, -1), -1);
  };

  /** The point i removed, previewed like a move; a boundary keeps at least {@link MIN_POINTS} points (one being drawn may go below). */
  const removePoint = (i: number) => {
    if (!mayEdit || marketGrids || saving || i < 0 || i >= ring.length) return;
    if (ring.length <= MIN_POINTS && !drawing) {
      setPreviewError(`边界至少需要 ${MIN_POINTS} 个点，不能再删除`);
      return;
    }
    const next = ring.filter((_, k) => k !== i);
    if (sameRing(next, original)) return reset();
    edit(next, -1);
  };

  const reset = () => {
    previewSeq.current++;
    ringRef.current = original;
    setRing(original);
    setSelected(-1);
    setRefused(-1);
    setMoves(null);
    setPreviewError(null);
    setPreviewing(false);
  };

  const save = async () => {
    if (!gridId) return;
    setSaving(true);
    try {
      const out = await call<BoundarySaved>('org', 'saveBoundary', { unitId: gridId, boundary: ring });
      MessagePlugin.success(out.moves.length ? `已保存，${out.moves.length} 个商户已移交到新网格` : '已保存，没有商户更换网格');
      setConfirming(false);
      // Neighbours sharing a moved point changed too: read the units again, then the merchants.
      const items = await loadUnits();
      const saved = ringOf(items.find((u) => u.id === gridId));
      ringRef.current = saved;
      setRing(saved);
      setOriginal(saved);
      setMoves(null);
      setSelected(-1);
      await loadMerchants(gridId, neighbourIds);
    } catch (e) {
      setConfirming(false);
      setPreviewError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const market = marketId ? markets.find((m) => m.id === marketId) : undefined;
  const shaded = marketGrids ?? new Set(market?.gridIds ?? []);
  const toggleMarketGrid = (id: string) => {
    if (!marketGrids) return;
    const next = new Set(marketGrids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setMarketGrids(next);
  };
  const branches = useMemo(() => units.filter((x) => x.kind === 'branch'), [units]);
  const branchOf = (id: string | null): string | undefined => (id ? byId.get(id)?.unitPath.find((p) => byId.get(p)?.kind === 'branch') : undefined);
  const startDraft = () => {
    setMarketId(null);
    setDraft({ name: '', branchId: branchOf(gridId) ?? (me.role === 'branch' ? me.unit?.id : branches[0]?.id) ?? '' });
    setMarketGrids(new Set());
  };
  const cancelPicking = () => {
    setDraft(null);
    setMarketGrids(null);
  };
  const createMarket = async () => {
    if (!draft || !marketGrids) return;
    setSavingMarket(true);
    try {
      const out = await call<MarketView>('org', 'createMarket', { name: draft.name.trim(), branchId: draft.branchId, gridIds: [...marketGrids] });
      const m = await call<{ items: MarketView[] }>('org', 'listMarkets', { withCoverage: true });
      setMarkets(m.items);
      setMarketId(out.id);
      cancelPicking();
      MessagePlugin.success(`商圈「${out.name}」已创建，覆盖 ${out.gridIds.length} 个网格`);
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setSavingMarket(false);
    }
  };
  const saveMarket = async () => {
    if (!market || !marketGrids) return;
    setSavingMarket(true);
    try {
      const out = await call<MarketView>('org', 'updateMarket', { marketId: market.id, gridIds: [...marketGrids] });
      setMarkets((prev) => prev.map((m) => (m.id === out.id ? { ...m, ...out } : m)));
      setMarketGrids(null);
      MessagePlugin.success(`商圈「${out.name}」已更新，覆盖 ${out.gridIds.length} 个网格`);
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setSavingMarket(false);
    }
  };

  const gridOptions = useMemo(
    () =>
      allGrids.map((g) => {
        const branch = g.unitPath.map((id) => byId.get(id)).find((u) => u?.kind === 'branch');
        const name = boxes.has(g.id) ? g.name : `${g.name}（未划边界）`;
        return { value: g.id, label: branch ? `${branch.name} · ${name}` : name };
      }),
    [allGrids, boxes, byId],
  );
  const legend = useMemo(() => LIFECYCLE_CLASSES.map((c) => ({ c, n: merchants.filter((m) => m.lifecycleClass === c).length })), [merchants]);
  const visible = useMemo(() => (view ? grids.filter((g) => meets(boxes.get(g.id)!, view)) : []), [grids, boxes, view]);

  const moveColumns: PrimaryTableCol<BoundaryMoveView>[] = [
    { colKey: 'merchantName', title: '商户' },
    { colKey: 'fromGridName', title: '原网格', width: 160 },
    { colKey: 'toGridName', title: '新网格', width: 160 },
  ];
  const marketColumns: PrimaryTableCol<MarketView>[] = [
    { colKey: 'name', title: '商圈', width: 160 },
    { colKey: 'branchId', title: '支行', width: 140, cell: ({ row }) => byId.get(row.branchId)?.name ?? row.branchId },
    { colKey: 'gridIds', title: '覆盖网格', cell: ({ row }) => row.gridIds.map((g) => byId.get(g)?.name ?? g).join('、') || '未关联网格' },
    {
      colKey: 'coverage',
      title: '收单覆盖',
      width: 160,
      cell: ({ row }) => (row.merchantCount ? `${row.coveredCount ?? 0}/${row.merchantCount}（${Math.round(((row.coveredCount ?? 0) / row.merchantCount) * 100)}%）` : '暂无商户'),
    },
  ];

  if (loadError) return <Alert theme="error" message={loadError} />;
  const u = unitsPerPx;
  const to = proj?.to;

  return (
    <div className="screen screen-boundaries">
      <div className="c-toolbar">
        <Select
          style={{ width: 320 }}
          filterable
          placeholder="选择网格"
          options={gridOptions}
          value={gridId ?? undefined}
          disabled={changed || Boolean(marketGrids)}
          onChange={(v) => setGridId(String(v))}
        />
        <span className="c-muted">
          {drawing && !closed
            ? `本网格还没有边界：在地图上依次点出边界的点（至少 ${MIN_POINTS} 个）`
            : changed
              ? '边界已修改：保存或恢复后才能换网格'
              : mayEdit
                ? '拖动编号的边界点，点边上的“+”加一个点，或点一个点后删除它'
                : grid && !boxes.has(grid.id)
                  ? '本网格还没有边界：由总行划定'
                  : '只读：边界由总行调整'}
        </span>
      </div>
      <div className="c-map-layout">
        <div className="c-map-box">
          {proj && to && grid ? (
            <svg
              ref={svgRef}
              className="c-map"
              data-testid="boundary-map"
              viewBox={`0 0 ${proj.width.toFixed(1)} ${proj.height.toFixed(1)}`}
              role="img"
              aria-label={`${grid.name}的边界地图`}
              data-drawing={drawing ? 'true' : undefined}
              style={drawing && !marketGrids ? { cursor: 'crosshair' } : undefined}
              onClick={onMapClick}
            >
              {visible
                .filter((g) => g.id !== gridId)
                .map((g) => (
                  <polygon
                    key={g.id}
                    data-grid-id={g.id}
                    className={marketGrids ? 'c-map-grid pickable' : 'c-map-grid'}
                    points={pointsAttr(openRing(g.boundary!), to)}
                    fill={shaded.has(g.id) ? `${MARKET}40` : `${GREY}14`}
                    stroke={shaded.has(g.id) ? MARKET : GREY}
                    strokeWidth={1.5}
                    vectorEffect="non-scaling-stroke"
                    onClick={() => toggleMarketGrid(g.id)}
                  >
                    <title>{g.name}</title>
                  </polygon>
                ))}
              {closed ? (
                <polygon
                  data-grid-id={grid.id}
                  data-testid="boundary-ring"
                  className={marketGrids ? 'c-map-grid pickable' : 'c-map-grid'}
                  points={pointsAttr(ring, to)}
                  fill={shaded.has(grid.id) ? `${MARKET}40` : `${BLUE}1f`}
                  stroke={BLUE}
                  strokeWidth={3}
                  vectorEffect="non-scaling-stroke"
                  onClick={() => toggleMarketGrid(grid.id)}
                />
              ) : (
                ring.length === 2 && <polyline data-testid="boundary-line" points={pointsAttr(ring, to)} fill="none" stroke={BLUE} strokeWidth={3} vectorEffect="non-scaling-stroke" />
              )}
              {visible.map((g) => {
                const c = to(centroid(g.id === gridId && ring.length >= 3 ? ring : openRing(g.boundary!)));
                return (
                  <text key={`l-${g.id}`} x={c[0]} y={c[1]} className="c-map-label" fontSize={12 * u} textAnchor="middle">
                    {g.name}
                  </text>
                );
              })}
              {merchants.map((m) => {
                const p = to([m.location!.lng, m.location!.lat]);
                return (
                  <circle
                    key={m.id}
                    className="c-map-merchant"
                    data-merchant-id={m.id}
                    data-grid-id={m.gridId}
                    data-class={m.lifecycleClass}
                    cx={p[0]}
                    cy={p[1]}
                    r={3.5 * u}
                    fill={LIFECYCLE_CLASS_COLORS[m.lifecycleClass as keyof typeof LIFECYCLE_CLASS_COLORS] ?? BLUE}
                    stroke="#fff"
                    strokeWidth={0.8 * u}
                  >
                    <title>{`${m.name}（${LIFECYCLE_CLASS_LABELS[m.lifecycleClass as keyof typeof LIFECYCLE_CLASS_LABELS] ?? m.lifecycleClass}）`}</title>
                  </circle>
                );
              })}
              {mayEdit &&
                !marketGrids &&
                closed &&
                ring.map((a, i) => {
                  const b = ring[(i + 1) % ring.length];
                  const p = to([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
                  return (
                    <g key={`add-${i}`} className="c-map-add" data-testid="boundary-add-point" data-after={i} onClick={() => addPoint(i)} role="button" aria-label={`在第${i + 1}和第${((i + 1) % ring.length) + 1}个点之间加一个点`}>
                      <circle cx={p[0]} cy={p[1]} r={6 * u} fill="#fff" stroke={BLUE} strokeWidth={1.2 * u} />
                      <text x={p[0]} y={p[1] + 4 * u} fontSize={12 * u} textAnchor="middle" fill={BLUE}>
                        +
                      </text>
                    </g>
                  );
                })}
              {ring.map((p, i) => {
                const [x, y] = to(p);
                const color = i === refused ? RED : i === selected ? BLUE : '#fff';
                return (
                  <g key={`pt-${i}`}>
                    <circle
                      className={mayEdit && !marketGrids ? 'c-map-point editable' : 'c-map-point'}
                      data-testid="boundary-point"
                      data-index={i}
                      data-lng={p[0]}
                      data-lat={p[1]}
                      cx={x}
                      cy={y}
                      r={(i === selected || i === refused ? 9 : 7) * u}
                      fill={color}
                      stroke={i === refused ? RED : BLUE}
                      strokeWidth={2 * u}
                      onPointerDown={onPointDown(i)}
                      onPointerMove={onPointMove(i)}
                      onPointerUp={onPointUp(i)}
                    >
                      <title>{`第${i + 1}个点 ${p[0]}, ${p[1]}`}</title>
                    </circle>
                    <text x={x + 10 * u} y={y - 10 * u} fontSize={12 * u} className="c-map-number" fill={i === refused ? RED : '#333'}>
                      {i + 1}
                    </text>
                  </g>
                );
              })}
            </svg>
          ) : (
            <div className="c-loading" role="status">加载中…</div>
          )}
          <div className="c-map-legend" aria-label="商户分类图例">
            {legend.map(({ c, n }) => (
              <span key={c} className="c-map-chip">
                <i style={{ background: LIFECYCLE_CLASS_COLORS[c] }} />
                {LIFECYCLE_CLASS_LABELS[c]} {n}
              </span>
            ))}
            <span className="c-muted">{merchantsLoading ? '正在加载商户…' : `本网格及相邻网格的 ${merchants.length} 个商户`}</span>
          </div>
        </div>
        <aside className="c-map-side" aria-label="边界修改">
          <h3 className="c-h2">{grid?.name ?? ''}</h3>
          <div className="c-muted">{ring.length} 个边界点{selected >= 0 && ring[selected] ? `；第 ${selected + 1} 个点 ${ring[selected][0]}, ${ring[selected][1]}` : ''}</div>
          {previewError && (
            <div data-testid="boundary-error">
              <Alert theme="error" message={previewError} />
            </div>
          )}
          {previewing && <div className="c-muted" role="status">正在计算将更换网格的商户…</div>}
          {!previewing && !previewError && changed && moves && (
            <div data-testid="boundary-preview">
              <p className="c-moves-title">
                将更换网格的商户：<strong data-testid="boundary-moves-count">{moves.length}</strong> 户
              </p>
              <Table rowKey="merchantId" data={moves} columns={moveColumns} size="small" maxHeight={320} empty="没有商户会更换网格" />
            </div>
          )}
          {mayEdit && (
            <Space style={{ marginTop: 12 }} breakLine>
              <Button
                variant="outline"
                theme="danger"
                data-testid="boundary-remove-point"
                disabled={selected < 0 || selected >= ring.length || (ring.length <= MIN_POINTS && !drawing) || saving || Boolean(marketGrids)}
                onClick={() => removePoint(selected)}
              >
                {selected >= 0 && selected < ring.length ? `删除第 ${selected + 1} 个点` : '删除选中的点'}
              </Button>
              {drawing && (
                <Button variant="outline" data-testid="boundary-undo-point" disabled={!ring.length || saving} onClick={undoPoint}>
                  撤销上一个点
                </Button>
              )}
              <Button variant="outline" disabled={!changed || saving} onClick={reset}>
                {drawing ? '清除' : '恢复原边界'}
              </Button>
              <Button theme="primary" disabled={!changed || !closed || previewing || Boolean(previewError) || !moves} loading={saving} onClick={() => setConfirming(true)}>
                保存边界
              </Button>
            </Space>
          )}
        </aside>
      </div>

      <h3 className="c-h2">商圈</h3>
      <div className="c-toolbar">
        {draft && marketGrids ? (
          <>
            <Input
              style={{ width: 200 }}
              placeholder="商圈名称"
              maxlength={40}
              value={draft.name}
              onChange={(v) => setDraft({ ...draft, name: String(v) })}
              data-testid="market-name"
            />
            <Select
              style={{ width: 200 }}
              filterable
              placeholder="所属支行"
              options={branches.map((b) => ({ value: b.id, label: b.name }))}
              value={draft.branchId || undefined}
              onChange={(v) => setDraft({ ...draft, branchId: String(v) })}
            />
            <span className="c-muted">在地图上点本支行的网格加入新商圈（已选 {marketGrids.size} 个）</span>
            <Button theme="primary" size="small" loading={savingMarket} disabled={!draft.name.trim() || !draft.branchId} onClick={() => void createMarket()}>
              创建商圈
            </Button>
            <Button variant="outline" size="small" onClick={cancelPicking}>
              取消
            </Button>
          </>
        ) : market ? (
          <>
            <Tag theme="warning">{market.name}</Tag>
            {marketGrids ? (
              <>
                <span className="c-muted">在地图上点网格加入或移出本商圈（已选 {marketGrids.size} 个）</span>
                <Button theme="primary" size="small" loading={savingMarket} onClick={() => void saveMarket()}>
                  保存商圈网格
                </Button>
                <Button variant="outline" size="small" onClick={() => setMarketGrids(null)}>
                  取消
                </Button>
              </>
            ) : (
              <>
                <Button size="small" variant="outline" disabled={changed} onClick={() => setMarketGrids(new Set(market.gridIds))}>
                  在地图上改网格
                </Button>
                <Button size="small" variant="text" onClick={() => setMarketId(null)}>
                  取消选中
                </Button>
              </>
            )}
          </>
        ) : (
          <>
            <span className="c-muted">点一个商圈，在地图上标出它覆盖的网格</span>
            {mayCreateMarket && (
              <Button size="small" variant="outline" disabled={changed} onClick={startDraft}>
                新建商圈
              </Button>
            )}
          </>
        )}
      </div>
      <Table
        rowKey="id"
        data={markets}
        columns={marketColumns}
        size="small"
        maxHeight={320}
        empty="没有商圈"
        onRowClick={({ row }) => {
          if (marketGrids) return;
          setMarketId(row.id);
          const first = row.gridIds.find((g) => boxes.has(g));
          if (first && !changed && !row.gridIds.includes(gridId ?? '')) setGridId(first);
        }}
      />
      <Dialog
        visible={confirming}
        header="保存边界"
        body={moves?.length ? `保存后 ${moves.length} 个商户将移交到新网格，并记入商户历史。` : '没有商户会因此更换网格。'}
        confirmBtn={{ content: '保存', loading: saving }}
        cancelBtn="取消"
        onConfirm={() => void save()}
        onClose={() => setConfirming(false)}
      />
    </div>
  );
}
