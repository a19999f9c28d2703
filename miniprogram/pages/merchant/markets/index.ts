import { createMarket, fetchMarkets, fetchUnits, updateMarket, type Market, type Unit } from '../../../api/org.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { textScale } from '../../../behaviors/text-scale';
import { describeError, fieldErrors } from '../../../utils/errors';
import { definePage } from '../../../utils/page';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { marketRow } from '../../../utils/map';

interface GridOption {
  id: string;
  name: string;
  branchId: string;
  checked: boolean;
}

/**
 * A branch's markets (商圈), made from its grids (head office for any branch, a branch manager for its
 * own): the list with each market's grids and coverage, a form to create one or edit one (name, grids).
 * The server checks scope and that every grid is the branch's.
 */
definePage<{ _markets?: Market[]; _grids?: Unit[] }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: {
    markets: [] as ReturnType<typeof marketRow>[],
    branches: [] as { id: string; name: string }[],
    branchIndex: 0,
    editingId: '',
    name: '',
    grids: [] as GridOption[],
    errors: {} as Record<string, string>,
    formError: '',
    busy: false,
  },
  methods: {
    load() {
      return this.runLoad(async () => {
        const [me, units, markets, branches] = await Promise.all([requireMe(), fetchUnits({ kind: 'grid' }), fetchMarkets({ withCoverage: true }), fetchUnits({ kind: 'branch' })]);
        this._markets = markets.items;
        this._grids = units.items;
        const names = Object.fromEntries(units.items.map((u: Unit) => [u.id, u.name]));
        const own = me.role === 'branch' ? branches.items.filter((b: Unit) => b.id === me.unit?.id) : branches.items;
        await safeSetData(this, {
          status: 'ready',
          markets: markets.items.map((m: Market) => marketRow(m, names)),
          branches: own.map((b: Unit) => ({ id: b.id, name: b.name })),
        });
        this.showGrids([]);
      });
    },
    /** The form's grid choices: those of the chosen branch (a market's own branch when editing). */
    showGrids(checked: string[]) {
      const branchId = this.data.branches[this.data.branchIndex]?.id ?? '';
      const grids = (this._grids ?? []).filter((g) => g.unitPath.includes(branchId)).map((g) => ({ id: g.id, name: g.name, branchId, checked: checked.includes(g.id) }));
      this.setData({ grids });
    },
    onBranch(e: WechatMiniprogram.PickerChange) {
      this.setData({ branchIndex: Number(e.detail.value) });
      this.showGrids([]);
    },
    onName(e: WechatMiniprogram.Input) {
      this.setData({ name: e.detail.value, errors: {} });
    },
    onToggleGrid(e: WechatMiniprogram.TouchEvent) {
      const id = (e.currentTarget.dataset as { id: string }).id;
      this.setData({ grids: this.data.grids.map((g) => (g.id === id ? { ...g, checked: !g.checked } : g)) });
    },
    onEdit(e: WechatMiniprogram.TouchEvent) {
      const m = this._markets?.find((x) => x.id === (e.currentTarget.dataset as { id: string }).id);
      if (!m) return;
      const branchIndex = Math.max(0, this.data.branches.findIndex((b) => b.id === m.branchId));
      this.setData({ editingId: m.id, name: m.name, branchIndex, errors: {}, formError: '' });
      this.showGrids(m.gridIds);
    },
    onCancel() {
      this.setData({ editingId: '', name: '', errors: {}, formError: '' });
      this.showGrids([]);
    },
    async onSubmit() {
      if (this.data.busy) return;
      const name = this.data.name.trim();
      if (!name) return this.setData({ errors: { name: '请填写商圈名称' } });
      const gridIds = this.data.grids.filter((g) => g.checked).map((g) => g.id);
      this.setData({ busy: true, formError: '', errors: {} });
      try {
        if (this.data.editingId) await updateMarket({ marketId: this.data.editingId, name, gridIds });
        else await createMarket({ name, branchId: this.data.branches[this.data.branchIndex]?.id ?? '', gridIds });
        wx.showToast({ title: this.data.editingId ? '已保存' : '已新建', icon: 'success' });
        this.setData({ editingId: '', name: '' });
        await this.load();
      } catch (err) {
        const errors = fieldErrors(err);
        this.setData({ errors, formError: Object.keys(errors).length ? '' : describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
