import { createWechatGroup, fetchWechatGroups, renameWechatGroup } from '../../../api/grid.api';
import { fetchUnits } from '../../../api/org.api';
import { loadable } from '../../../behaviors/loadable';
import { describeError } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { definePage } from '../../../utils/page';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

type GridChoice = { id: string; name: string };

/**
 * A grid's merchant WeChat groups: the members of each, those in none, create and rename. Opened with a grid
 * (网格与人员) it shows that one; opened from 我的 it shows the caller's first grid (else the first in scope), and
 * the grids in scope can be switched with the picker.
 */
definePage<{ _pendingId?: string }>()({
  behaviors: [textScale, loadable],
  data: {
    gridId: '', gridName: '', grids: [] as GridChoice[], gridIndex: -1,
    groups: [] as { id: string; name: string; merchantCount: number }[], ungrouped: 0,
    newName: '', formError: '', busy: false, editingId: '', editName: '',
  },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      await this.runLoad(async () => {
        // The grids in scope for the picker (a member: its own grids; a branch: its branch's).
        const [me, units] = await Promise.all([requireMe().catch(() => null), fetchUnits({ kind: 'grid' })]);
        const grids: GridChoice[] = (units?.items ?? []).map((u) => ({ id: u.id, name: u.name }));
        let chosen: GridChoice | undefined;
        if (query.gridId) chosen = { id: query.gridId, name: decodeURIComponent(query.name ?? '') };
        else chosen = me?.grids?.[0] ?? grids[0];
        if (chosen && !grids.some((g) => g.id === chosen?.id)) grids.unshift(chosen);
        if (!chosen) return this.setData({ status: 'empty', grids });
        this.setData({ grids, gridIndex: grids.findIndex((g) => g.id === chosen?.id), gridId: chosen.id, gridName: chosen.name || grids.find((g) => g.id === chosen?.id)?.name || '' });
        await this.fetchGroups();
      });
    },
    load() {
      return this.runLoad(() => this.fetchGroups());
    },
    async fetchGroups() {
      const { items, ungrouped } = await fetchWechatGroups(this.data.gridId);
      await safeSetData(this, { groups: items.map((g) => ({ id: g.id, name: g.name, merchantCount: g.merchantCount ?? 0 })), ungrouped, status: items.length ? 'ready' : 'empty' });
    },
    onGrid(e: WechatMiniprogram.PickerChange) {
      const grid = this.data.grids[Number(e.detail.value)];
      if (!grid) return;
      this._pendingId = undefined;
      this.setData({ gridIndex: Number(e.detail.value), gridId: grid.id, gridName: grid.name, editingId: '', formError: '' });
      void this.load();
    },
    onNewName(e: WechatMiniprogram.Input) {
      this.setData({ newName: e.detail.value, formError: '' });
    },
    async onCreate() {
      if (this.data.busy || !this.data.gridId) return;
      // The client id of the group being created, kept across a retry of the same create.
      const id = this._pendingId ?? newId();
      this._pendingId = id;
      this.setData({ busy: true, formError: '' });
      try {
        await createWechatGroup({ id, name: this.data.newName, gridId: this.data.gridId });
        this._pendingId = undefined;
        this.setData({ newName: '' });
        await this.load();
      } catch (err) {
        this.setData({ formError: describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
    onRename(e: WechatMiniprogram.TouchEvent) {
      const { id, name } = e.currentTarget.dataset as { id: string; name: string };
      this.setData({ editingId: id, editName: name });
    },
    onEditName(e: WechatMiniprogram.Input) {
      this.setData({ editName: e.detail.value });
    },
    async onSaveRename() {
      try {
        await renameWechatGroup(this.data.editingId, this.data.editName);
        this.setData({ editingId: '' });
        await this.load();
      } catch (err) {
        this.setData({ formError: describeError(err) });
      }
    },
  },
});
