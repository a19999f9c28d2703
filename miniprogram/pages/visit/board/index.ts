import { fetchStaff, fetchUnits } from '../../../api/org.api';
import { confirmTask, fetchTasks, reassignTask, type TaskOut } from '../../../api/visit.api';
import { describeError } from '../../../utils/errors';
import { CHECK_LABELS, TASK_KIND_LABELS, reasonLabel } from '../../../utils/labels';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { TASK_KINDS, TASK_MANAGER_ROLES, chinaDay } from '../../../vendor/shared';
import { closeTaskWithReason } from '../../../utils/task-actions';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

const STATE_LABELS: Record<string, string> = { open: '待办', overdue: '已逾期', pending: '待确认', done: '已完成' };

/** A task as the board shows it. */
export function toBoardRow(t: TaskOut) {
  return {
    id: t.id,
    merchantId: t.merchantId,
    gridId: t.gridId,
    merchantName: t.merchantName ?? '商户',
    kindLabel: TASK_KIND_LABELS[t.kind] ?? t.kind,
    detail: t.check ? `整改：${CHECK_LABELS[t.check] ?? t.check}` : (t.openedBy?.detail ?? reasonLabel(t.openedBy?.reason)),
    assignee: t.assigneeName ?? (t.assigneeId ? t.assigneeId : '未分配'),
    state: t.state,
    stateLabel: STATE_LABELS[t.state] ?? t.state,
    due: t.status === 'done' ? `完成于 ${(t.closedAt ?? '').slice(0, 10)}` : `${t.dueDay} 前完成`,
  };
}

type Row = ReturnType<typeof toBoardRow>;

/**
 * The team board (leaders, branches, head office; members for their grids, read only): a unit's tasks by
 * kind, status, grid, assignee and overdue, a page at a time; leaders and above close with a reason,
 * reassign and confirm a flagged visit's closing.
 */
definePage()({
  behaviors: [textScale, loadable],
  data: {
    notice: '', canManage: false,
    statusFilter: 'open' as 'open' | 'done', kind: '', overdue: false,
    kinds: [{ value: '', label: '全部' }, ...TASK_KINDS.map((k) => ({ value: k, label: TASK_KIND_LABELS[k] ?? k }))],
    grids: [] as { id: string; name: string }[], gridNames: ['全部网格'] as string[], gridIndex: 0,
    staff: [] as { id: string; name: string }[], staffNames: ['全部人员'] as string[], staffIndex: 0,
    items: [] as Row[], nextCursor: null as string | null, loadingMore: false, today: chinaDay(),
  },
  lifetimes: {
    attached() {
      void this.init();
    },
  },
  methods: {
    async init() {
      try {
        const me = await requireMe();
        // The grid filter is secondary: the board still shows, and the notice says why the filter is empty.
        const units = await fetchUnits({ kind: 'grid' }).catch((err) => ({ items: [] as { id: string; name: string }[], error: `网格列表未能读取：${describeError(err)}` }));
        const grids = units.items.map((u) => ({ id: u.id, name: u.name }));
        this.setData({ canManage: (TASK_MANAGER_ROLES as readonly string[]).includes(me.role), grids, gridNames: ['全部网格', ...grids.map((g) => g.name)], notice: 'error' in units ? units.error : '' });
      } catch (err) {
        return this.setData({ status: 'error', error: describeError(err) });
      }
      await this.load();
    },
    filter() {
      const d = this.data;
      const grid = d.gridIndex > 0 ? d.grids[d.gridIndex - 1] : null;
      const person = d.staffIndex > 0 ? d.staff[d.staffIndex - 1] : null;
      return {
        scope: 'unit' as const,
        status: d.statusFilter,
        ...(grid ? { unitId: grid.id } : {}),
        ...(d.kind ? { kind: d.kind as TaskOut['kind'] } : {}),
        ...(person ? { assigneeId: person.id } : {}),
        ...(d.overdue && d.statusFilter === 'open' ? { overdue: true } : {}),
      };
    },
    load() {
      return this.runLoad(async () => {
        const page = await fetchTasks(this.filter());
        await safeSetData(this, { items: page.items.map(toBoardRow), nextCursor: page.nextCursor, status: page.items.length ? 'ready' : 'empty' });
      });
    },
    async onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const page = await fetchTasks({ ...this.filter(), cursor: this.data.nextCursor });
        await safeSetData(this, { items: [...this.data.items, ...page.items.map(toBoardRow)], nextCursor: page.nextCursor });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onStatus(e: WechatMiniprogram.TouchEvent) {
      this.setData({ statusFilter: e.currentTarget.dataset.value as 'open' | 'done' });
      void this.load();
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: String(e.currentTarget.dataset.value ?? '') });
      void this.load();
    },
    onOverdue() {
      this.setData({ overdue: !this.data.overdue });
      void this.load();
    },
    async onGrid(e: WechatMiniprogram.PickerChange) {
      const gridIndex = Number(e.detail.value);
      this.setData({ gridIndex, staffIndex: 0, staff: [], staffNames: ['全部人员'] });
      const grid = gridIndex > 0 ? this.data.grids[gridIndex - 1] : null;
      if (grid) {
        // The assignee filter offers the grid's active staff.
        const staff = await fetchStaff({ unitId: grid.id, status: 'active', limit: 50 }).catch((err) => ({ items: [] as { id: string; name: string }[], error: `人员列表未能读取：${describeError(err)}` }));
        const people = staff.items.map((s) => ({ id: s.id, name: s.name }));
        this.setData({ staff: people, staffNames: ['全部人员', ...people.map((p) => p.name)], notice: 'error' in staff ? staff.error : '' });
      }
      void this.load();
    },
    onAssignee(e: WechatMiniprogram.PickerChange) {
      this.setData({ staffIndex: Number(e.detail.value) });
      void this.load();
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.merchant}` });
    },
    /** Replaces a row with the task as the server answered. */
    replace(t: TaskOut) {
      const i = this.data.items.findIndex((r) => r.id === t.id);
      if (i >= 0) this.setData({ [`items[${i}]`]: toBoardRow(t), notice: '' });
    },
    async onClose(e: WechatMiniprogram.TouchEvent) {
      try {
        const closed = await closeTaskWithReason(String(e.currentTarget.dataset.id));
        if (closed) this.replace(closed);
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
    async onReassign(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      const row = this.data.items.find((r) => r.id === id);
      if (!row) return;
      try {
        const field = (s: { role: string }) => s.role === 'member' || s.role === 'marketing' || s.role === 'maintenance';
        const staff = await fetchStaff({ unitId: row.gridId, status: 'active', limit: 50 });
        // The grid's field staff, at most six (an action sheet's limit); with more, the name is asked and
        // searched by the server (listStaff `q`: names beginning with it, in the grid).
        let people = staff.items.filter(field);
        if (people.length > 6 || staff.nextCursor) {
          const name = await askName();
          if (!name) return;
          people = (await fetchStaff({ unitId: row.gridId, status: 'active', q: name, limit: 20 })).items.filter(field);
          if (!people.length) return this.setData({ notice: `该网格没有姓名以「${name}」开头的在岗人员。` });
        }
        people = people.slice(0, 6);
        if (!people.length) return this.setData({ notice: '该网格没有可改派的在岗人员。' });
        wx.showActionSheet({
          itemList: people.map((p) => p.name),
          success: async (r) => {
            try {
              this.replace(await reassignTask(id, people[r.tapIndex].id));
            } catch (err) {
              this.setData({ notice: describeError(err) });
            }
          },
          fail: () => undefined,
        });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
    onConfirm(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      wx.showModal({
        title: '确认走访',
        content: '该走访超出商户范围。确认后任务按此走访关闭；退回则任务保持待办。',
        confirmText: '确认关闭',
        cancelText: '退回',
        success: async (r) => {
          try {
            this.replace(await confirmTask(id, Boolean(r.confirm)));
          } catch (err) {
            this.setData({ notice: describeError(err) });
          }
        },
      });
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});/** Asks for (the beginning of) a name in a modal with a text box; '' when cancelled or left empty. */
function askName(): Promise<string> {
  return new Promise((resolve) =>
    wx.showModal({
      title: '改派给',
      editable: true,
      placeholderText: '输入姓名（可只输姓）',
      success: (r) => resolve(r.confirm ? String((r as { content?: string }).content ?? '').trim() : ''),
      fail: () => resolve(''),
    }),
  );
}


