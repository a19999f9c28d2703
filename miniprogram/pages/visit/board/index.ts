import { fetchStaff, fetchUnits } from '../../../api/org.api';
import { fetchTasks, type TaskOut } from '../../../api/visit.api';
import { describeError } from '../../../utils/errors';
import { TASK_KIND_LABELS } from '../../../utils/labels';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { TASK_KINDS, chinaDay, templatesFor } from '../../../vendor/shared';
import { askReminders } from '../../../utils/reminders';
import { actOnTask, closeTaskWithReason, confirmFlaggedVisit, managesTasks, reassignInGrid, toTaskCard, type Caller, type TaskCard } from '../../../utils/task-actions';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

/** A task as the board shows it: the shared card, with a leader's actions (members read only). */
export function toBoardRow(t: TaskOut, caller: Caller = null) {
  return toTaskCard(t, managesTasks(caller) ? caller : null);
}

type Row = TaskCard;

/**
 * The team board (leaders, branches, head office; members for their grids, read only): a unit's tasks by
 * kind, status, grid, assignee and overdue, a page at a time; leaders and above close with a reason,
 * reassign and confirm a flagged visit's closing.
 */
definePage()({
  behaviors: [textScale, loadable],
  data: {
    notice: '', canManage: false, caller: null as Caller, canDigest: false, remindNote: '',
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
        const caller = { role: me.role, staffId: me.staffId };
        this.setData({ canManage: managesTasks(caller), caller, canDigest: templatesFor(me.role).includes('daily-digest'), grids, gridNames: ['全部网格', ...grids.map((g) => g.name)], notice: 'error' in units ? units.error : '' });
      } catch (err) {
        return this.setData({ status: 'error', error: describeError(err) });
      }
      await this.load();
    },
    /** 开启日报提醒: the digest's subscription panel, straight from the tap (WeChat shows it only then), as 我的任务 asks. */
    onDigest() {
      askReminders(this.data.caller?.role ?? '', ['daily-digest']).then(
        (accepted) => this.setData({ remindNote: accepted.length ? '已开启团队任务日报，可收到一次。' : '未开启日报提醒，可随时再次开启。' }),
        (err) => this.setData({ remindNote: describeError(err) }),
      );
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
        await safeSetData(this, { items: page.items.map((t) => toBoardRow(t, this.data.caller)), nextCursor: page.nextCursor, status: page.items.length ? 'ready' : 'empty' });
      });
    },
    async onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const page = await fetchTasks({ ...this.filter(), cursor: this.data.nextCursor });
        await safeSetData(this, { items: [...this.data.items, ...page.items.map((t) => toBoardRow(t, this.data.caller))], nextCursor: page.nextCursor });
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
      if (i >= 0) this.setData({ [`items[${i}]`]: toBoardRow(t, this.data.caller), notice: '' });
    },
    onClose(e: WechatMiniprogram.TouchEvent) {
      return actOnTask(this, () => closeTaskWithReason(String(e.currentTarget.dataset.id)), (t) => this.replace(t));
    },
    onReassign(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.items.find((r) => r.id === String(e.currentTarget.dataset.id));
      if (row) return actOnTask(this, () => reassignInGrid(row), (t) => this.replace(t));
    },
    onConfirm(e: WechatMiniprogram.TouchEvent) {
      return actOnTask(this, () => confirmFlaggedVisit(String(e.currentTarget.dataset.id)), (t) => this.replace(t));
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
