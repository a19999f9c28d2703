import { fetchMerchant } from '../../../api/merchant.api';
import { fetchUnits } from '../../../api/org.api';
import { suggestGrid, transferMerchant } from '../../../api/grid.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { transferNeedsReason } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

/**
 * Moving a merchant to another grid (leaders, branches, head office): the grid boundary containing the
 * merchant is suggested; any other grid needs a reason. One client id per transfer, kept across retries.
 */
definePage()({
  behaviors: [textScale, loadable],
  data: {
    id: '', name: '', fromId: '', fromName: '', suggestedId: '', suggestedName: '',
    grids: [] as { id: string; name: string }[], gridIndex: -1, reason: '', needsReason: false,
    errors: {} as Record<string, string>, submitError: '', busy: false, transferId: '',
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      this.setData({ id: query.id ?? '' });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
          const [m, suggestion, units] = await Promise.all([fetchMerchant(this.data.id), suggestGrid(this.data.id), fetchUnits({ kind: 'grid' })]);
          const grids = units.items.map((u) => ({ id: u.id, name: u.name }));
          await safeSetData(this, {
            name: m.name,
            fromId: m.gridId,
            fromName: grids.find((g) => g.id === m.gridId)?.name ?? m.gridId,
            suggestedId: suggestion.suggestedGridId ?? '',
            suggestedName: suggestion.suggestedGridName ?? '',
            grids: grids.filter((g) => g.id !== m.gridId),
            status: 'ready',
          });
      });
    },
    pick(index: number) {
      const grid = this.data.grids[index];
      this.setData({ gridIndex: index, needsReason: grid ? transferNeedsReason(this.data.suggestedId || null, grid.id) : false, errors: {}, transferId: '' });
    },
    onGrid(e: WechatMiniprogram.PickerChange) {
      this.pick(Number(e.detail.value));
    },
    onUseSuggestion() {
      this.pick(this.data.grids.findIndex((g) => g.id === this.data.suggestedId));
    },
    onReason(e: WechatMiniprogram.Input) {
      this.setData({ reason: e.detail.value, errors: {} });
    },
    async onSubmit() {
      if (this.data.busy) return;
      const grid = this.data.grids[this.data.gridIndex];
      if (!grid) return this.setData({ errors: { toGridId: '请选择目标网格' } });
      if (this.data.needsReason && !this.data.reason.trim()) return this.setData({ errors: { reason: '商户位置不在该网格边界内，请填写原因' } });
      const transferId = this.data.transferId || newId();
      this.setData({ busy: true, submitError: '', transferId });
      try {
        await transferMerchant({ id: this.data.id, toGridId: grid.id, transferId, ...(this.data.reason.trim() ? { reason: this.data.reason } : {}) });
        wx.showToast({ title: `已移交到${grid.name}`, icon: 'success' });
        wx.navigateBack({});
      } catch (err) {
        const errors = fieldErrors(err);
        this.setData({ errors, submitError: Object.keys(errors).length ? '' : describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
