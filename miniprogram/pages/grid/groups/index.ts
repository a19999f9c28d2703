import { createWechatGroup, fetchWechatGroups, renameWechatGroup } from '../../../api/grid.api';
import { describeError } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

/** A grid's merchant WeChat groups: the members of each, those in none, create and rename. */
Component({
  behaviors: [textScale],
  data: {
    gridId: '', gridName: '', status: 'loading', error: '', groups: [] as { id: string; name: string; merchantCount: number }[], ungrouped: 0,
    newName: '', formError: '', busy: false, editingId: '', editName: '',
    /** the client id of the group being created, kept across a retry of the same create */
    pendingId: '',
  },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      // Opened without a grid (a member's own screen), it shows the caller's first grid.
      if (!query.gridId) {
        const grid = (await requireMe().catch(() => null))?.grids?.[0];
        if (grid) query = { gridId: grid.id, name: encodeURIComponent(grid.name) };
      }
      this.setData({ gridId: query.gridId ?? '', gridName: decodeURIComponent(query.name ?? '') });
      void this.load();
    },
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        const { items, ungrouped } = await fetchWechatGroups(this.data.gridId);
        await safeSetData(this, { groups: items.map((g) => ({ id: g.id, name: g.name, merchantCount: g.merchantCount ?? 0 })), ungrouped, status: items.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onNewName(e: WechatMiniprogram.Input) {
      this.setData({ newName: e.detail.value, formError: '' });
    },
    async onCreate() {
      if (this.data.busy) return;
      const id = this.data.pendingId || newId();
      this.setData({ busy: true, formError: '', pendingId: id });
      try {
        await createWechatGroup({ id, name: this.data.newName, gridId: this.data.gridId });
        this.setData({ newName: '', pendingId: '' });
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
