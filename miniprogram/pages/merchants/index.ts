import { fetchMerchants, type MerchantFilters, type MerchantRow } from '../../api/merchant.api';
import { describeError } from '../../utils/errors';
import { LIFECYCLE_CLASS_LABELS, industryName } from '../../utils/labels';
import { scanMerchant } from '../../utils/scan';
import { appendList, safeSetData } from '../../utils/set-data';
import { definePage } from '../../utils/page';
import { textScale } from '../../behaviors/text-scale';

const PAGE_SIZE = 20;

/** A list row: the masked operator, class and completeness. */
export function toRow(m: MerchantRow) {
  return {
    id: m.id,
    name: m.name,
    address: m.address ?? '',
    lifecycleClass: m.lifecycleClass,
    classLabel: LIFECYCLE_CLASS_LABELS[m.lifecycleClass] ?? '',
    industryLabel: industryName(m.industry),
    operatorLine: [m.operatorName, m.operatorMobile].filter(Boolean).join(' '),
    isComplete: m.isComplete,
    /** closed or moved (archived) since that day */
    archivedDay: m.archived?.day ?? '',
  };
}

/**
 * Merchants in my scope: one search box (name or street beginning, door plate, mobile, licence code, acquiring
 * merchant number), 扫码查户, class filters, infinite scroll (cursor paging), pull to refresh.
 */
definePage<{ _seq?: number }>()({
  behaviors: [textScale],
  data: {
    q: '', lifecycleClass: '', incompleteOnly: false, archivedOnly: false, scanError: '',
    classFilters: [{ value: '', label: '全部' }, ...Object.entries(LIFECYCLE_CLASS_LABELS).map(([value, label]) => ({ value, label }))],
    status: 'loading', error: '', items: [] as ReturnType<typeof toRow>[], nextCursor: null as string | null, loadingMore: false, moreError: '',
  },
  lifetimes: {
    attached() {
      void this.reload();
    },
  },
  methods: {
    filters(): MerchantFilters {
      const f: MerchantFilters = { limit: PAGE_SIZE };
      if (this.data.q.trim()) f.q = this.data.q.trim();
      if (this.data.lifecycleClass) f.lifecycleClass = this.data.lifecycleClass as MerchantFilters['lifecycleClass'];
      if (this.data.incompleteOnly) f.isComplete = false;
      if (this.data.archivedOnly) f.archived = true;
      return f;
    },
    async reload() {
      const seq = (this._seq = (this._seq ?? 0) + 1);
      this.setData({ status: 'loading', error: '', moreError: '' });
      try {
        const page = await fetchMerchants(this.filters());
        if (seq !== this._seq) return; // a newer search replaced this one
        await safeSetData(this, { items: page.items.map(toRow), nextCursor: page.nextCursor, status: page.items.length ? 'ready' : 'empty' });
      } catch (err) {
        if (seq === this._seq) this.setData({ status: 'error', error: describeError(err) });
      }
    },
    async loadMore() {
      if (this.data.loadingMore || !this.data.nextCursor) return;
      this.setData({ loadingMore: true, moreError: '' });
      try {
        const page = await fetchMerchants({ ...this.filters(), cursor: this.data.nextCursor });
        // Only the new page travels to the view, by index keys.
        await appendList(this, 'items', this.data.items.length, page.items.map(toRow), { nextCursor: page.nextCursor });
      } catch (err) {
        this.setData({ moreError: describeError(err) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onSearchInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ q: e.detail.value });
    },
    onSearch() {
      void this.reload();
    },
    onClear() {
      this.setData({ q: '' });
      void this.reload();
    },
    onClassFilter(e: WechatMiniprogram.TouchEvent) {
      this.setData({ lifecycleClass: String(e.currentTarget.dataset.value ?? '') });
      void this.reload();
    },
    onIncomplete() {
      this.setData({ incompleteOnly: !this.data.incompleteOnly });
      void this.reload();
    },
    onArchived() {
      this.setData({ archivedOnly: !this.data.archivedOnly });
      void this.reload();
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.id}` });
    },
    /** 扫码查户: a merchant's code opens its detail (refused there, saying so, outside the caller's scope). */
    async onScan() {
      this.setData({ scanError: '' });
      this.setData({ scanError: await scanMerchant() });
    },
    onMap() {
      wx.navigateTo({ url: '/pages/merchant/map/index' });
    },
    onPullDownRefresh() {
      void this.reload().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      void this.loadMore();
    },
  },
});
