import { assignGrids, fetchStaff, fetchUnits, type Staff, type Unit } from '../../../api/org.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { describeError } from '../../../utils/errors';
import { definePage } from '../../../utils/page';
import { ROLE_LABELS } from '../../../vendor/shared';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

const KIND_LABELS: Record<string, string> = { bank: '总行', branch: '支行', group: '网格长组', grid: '网格' };

/** A unit as the tree lists it. */
function toUnitRow(u: Unit) {
  return { id: u.id, name: u.name, kind: u.kind, kindLabel: KIND_LABELS[u.kind], areaLabel: u.area ? (u.area === 'city' ? ' · 城区' : ' · 乡镇') : '', hasBoundary: Boolean(u.boundary?.length) };
}

/** Grids and their staff (head office): browse the unit tree, see and change who serves each grid. */
definePage<{ _staff?: Staff[] }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: { crumbs: [] as { id: string; name: string }[], units: [] as ReturnType<typeof toUnitRow>[], grid: null as null | { id: string; name: string }, gridStaff: [] as { id: string; name: string; roleLabel: string }[], assignError: '' },
  methods: {
    load() {
      const parent = this.data.crumbs[this.data.crumbs.length - 1];
      return this.runLoad(async () => {
        const { items } = await fetchUnits(parent ? { parentId: parent.id } : { kind: 'branch' });
        await safeSetData(this, {
          units: items.map(toUnitRow),
          status: items.length ? 'ready' : 'empty',
        });
      });
    },
    async onUnit(e: WechatMiniprogram.TouchEvent) {
      const { id, name, kind } = e.currentTarget.dataset as { id: string; name: string; kind: string };
      if (kind !== 'grid') {
        this.setData({ crumbs: [...this.data.crumbs, { id, name }], grid: null });
        return void this.load();
      }
      this.setData({ grid: { id, name }, assignError: '' });
      await this.loadGridStaff();
    },
    async loadGridStaff() {
      const grid = this.data.grid;
      if (!grid) return;
      try {
        // The grid's own people, read by the server on the grid (its home unit or assigned grids), not a page of the branch filtered here.
        const { items } = await fetchStaff({ unitId: grid.id, limit: 50 });
        this._staff = items;
        this.setData({ gridStaff: items.filter((s: Staff) => s.gridIds.includes(grid.id)).map((s: Staff) => ({ id: s.id, name: s.name, roleLabel: ROLE_LABELS[s.role] })) });
      } catch (err) {
        this.setData({ assignError: describeError(err) });
      }
    },
    async onRemove(e: WechatMiniprogram.TouchEvent) {
      const staff = (this._staff ?? []).find((s) => s.id === e.currentTarget.dataset.id);
      const grid = this.data.grid;
      if (!staff || !grid) return;
      try {
        await assignGrids({ staffId: staff.id, gridIds: staff.gridIds.filter((g) => g !== grid.id), reason: '网格人员调整' });
        await this.loadGridStaff();
      } catch (err) {
        this.setData({ assignError: describeError(err) });
      }
    },
    onGroups() {
      const grid = this.data.grid;
      if (grid) wx.navigateTo({ url: `/pages/grid/groups/index?gridId=${grid.id}&name=${encodeURIComponent(grid.name)}` });
    },
    onCrumb(e: WechatMiniprogram.TouchEvent) {
      this.setData({ crumbs: this.data.crumbs.slice(0, Number(e.currentTarget.dataset.index) + 1), grid: null });
      void this.load();
    },
    onTop() {
      this.setData({ crumbs: [], grid: null });
      void this.load();
    },
  },
});
