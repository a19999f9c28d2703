import { fetchGridsInScope, fetchPlacements, reviewPlacement, type GridOption, type PlacementRow } from '../../../api/placement.api';
import { describeError } from '../../../utils/errors';
import { shortTime } from '../../../utils/format';
import { definePage } from '../../../utils/page';
import { PLACEMENT_REASON_LABELS } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

function filedLine(p: PlacementRow['placement']): string {
  return `${shortTime(p.at)} 建档`;
}

/**
 * Manual placements (手动定格) for grid leaders, branches and head office: merchants whose grid the filer
 * picked (no fix, or a fix outside every boundary), oldest first, to confirm or move to another grid.
 */
definePage()({
  behaviors: [textScale],
  data: { status: 'loading', loadError: '', error: '', items: [] as (PlacementRow & { gridName: string; reasonLabel: string; filedLine: string })[], more: false, grids: [] as GridOption[] },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  methods: {
    async load() {
      this.setData({ status: 'loading', loadError: '' });
      try {
        const [page, grids] = await Promise.all([fetchPlacements(), fetchGridsInScope()]);
        const names = new Map(grids.map((g) => [g.id, g.name]));
        const items = page.items.map((r) => ({ ...r, gridName: names.get(r.gridId) ?? r.gridId, reasonLabel: PLACEMENT_REASON_LABELS[r.placement.reason], filedLine: filedLine(r.placement) }));
        this.setData({ items, more: page.more, grids, status: items.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ status: 'error', loadError: describeError(err) });
      }
    },
    async review(input: { id: string; decision: 'confirm' | 'move'; toGridId?: string }) {
      this.setData({ error: '' });
      try {
        await reviewPlacement(input);
        wx.showToast({ title: input.decision === 'confirm' ? '已确认' : '已调整网格', icon: 'success' });
        await this.load();
      } catch (err) {
        this.setData({ error: describeError(err) });
      }
    },
    onConfirm(e: WechatMiniprogram.TouchEvent) {
      void this.review({ id: String(e.currentTarget.dataset.id), decision: 'confirm' });
    },
    onMove(e: WechatMiniprogram.PickerChange) {
      const grid = this.data.grids[Number(e.detail.value)];
      if (grid) void this.review({ id: String(e.currentTarget.dataset.id), decision: 'move', toGridId: grid.id });
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.id}` });
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
