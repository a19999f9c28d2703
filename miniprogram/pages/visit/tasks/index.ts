import { fetchTasks, fetchVisitPhotoUrls } from '../../../api/visit.api';
import { fetchMerchantPhotoUrls } from '../../../api/merchant.api';
import type { TaskOut } from '../../../api/visit.api';
import { describeError } from '../../../utils/errors';
import { CHECK_LABELS, TASK_KIND_LABELS, reasonLabel } from '../../../utils/labels';
import { askReminders } from '../../../utils/reminders';
import { closeTaskWithReason, mayCloseTask } from '../../../utils/task-actions';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

/** A task as the list shows it. */
export function toTaskRow(t: TaskOut, caller: { role: string; staffId: string } | null = null) {
  // Overdue as the server reads it, as of the bank's day (a demo bank's fixed as-of day), never the phone's today.
  const overdue = t.status === 'open' && t.isOverdue;
  return {
    id: t.id,
    merchantId: t.merchantId,
    merchantName: t.merchantName ?? '商户',
    /** the visit whose photos the task shows beside the storefront's: the one that opened it, else the one that settled it */
    visitId: t.openedBy?.visitId ?? t.pendingVisitId ?? t.closedByVisitId ?? '',
    kindLabel: TASK_KIND_LABELS[t.kind] ?? t.kind,
    status: t.status,
    detail: t.check ? `整改：${CHECK_LABELS[t.check] ?? t.check}` : (t.openedBy?.detail ?? reasonLabel(t.openedBy?.reason)),
    overdue,
    /** 关闭 with a reason: the caller's own task where the server allows it (never a six-check follow-up) */
    canClose: mayCloseTask(t, caller),
    /** a flagged visit already done, waiting for the leader: opening it must not start another visit */
    pending: t.status === 'open' && Boolean(t.pendingVisitId),
    // A flagged visit already done waits for the leader: the task is not the assignee's to redo.
    dueLabel: t.status === 'done' ? '已完成' : t.pendingVisitId ? '已走访，待网格长确认' : overdue ? `已逾期（${t.dueDay}）` : `${t.dueDay} 前完成`,
  };
}

/** My tasks: open and done (six-check fixes, abnormal visits, win-backs, marketing), a page at a time; a task opens its visit. */
definePage()({
  behaviors: [textScale, loadsWhenAttached],
  data: { filter: 'open' as 'open' | 'done', items: [] as ReturnType<typeof toTaskRow>[], nextCursor: null as string | null, loadingMore: false, role: '', staffId: '', remindNote: '', photoNote: '', notice: '' },
  methods: {
    load() {
      return this.runLoad(async () => {
        const page = await fetchTasks({ status: this.data.filter });
        // The role picks the reminders offered (a leader's digest) and, with the staff id, which tasks 关闭 is offered on.
        if (!this.data.role) await requireMe().then((me) => this.setData({ role: me.role ?? '', staffId: me.staffId ?? '' }), () => undefined);
        await safeSetData(this, { notice: '', items: page.items.map((t) => toTaskRow(t, this.caller())), nextCursor: page.nextCursor, status: page.items.length ? 'ready' : 'empty' });
      });
    },
    caller() {
      return this.data.role ? { role: this.data.role, staffId: this.data.staffId } : null;
    },
    /** 关闭 on one's own task: the board's reason sheet; the row then shows the task as the server answered. */
    async onClose(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      try {
        const closed = await closeTaskWithReason(id);
        const i = this.data.items.findIndex((r) => r.id === id);
        if (closed && i >= 0) this.setData({ [`items[${i}]`]: toTaskRow(closed, this.caller()), notice: '' });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
    /** 开启提醒: the subscription panel, straight from the tap (WeChat shows it only then). */
    onRemind() {
      askReminders(this.data.role).then(
        (accepted) => this.setData({ remindNote: accepted.length ? `已开启 ${accepted.length} 项提醒，每项可收到一次。` : '未开启提醒，可随时再次开启。' }),
        (err) => this.setData({ remindNote: describeError(err) }),
      );
    },
    async onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true });
      try {
        const page = await fetchTasks({ status: this.data.filter, cursor: this.data.nextCursor });
        await safeSetData(this, { items: [...this.data.items, ...page.items.map((t) => toTaskRow(t, this.caller()))], nextCursor: page.nextCursor });
      } catch (err) {
        this.setData({ error: describeError(err) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onFilter(e: WechatMiniprogram.TouchEvent) {
      this.setData({ filter: e.currentTarget.dataset.value as 'open' | 'done' });
      void this.load();
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.items.find((r) => r.id === e.currentTarget.dataset.id);
      // Open and not waiting for the leader: the right visit for it; otherwise the merchant's record.
      if (this.data.filter === 'open' && row && row.status === 'open' && !row.pending) wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${e.currentTarget.dataset.merchant}&taskId=${e.currentTarget.dataset.id}` });
      else wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.merchant}` });
    },
    /**
     * The task's photos full screen: the visit's that opened or settled it (its checks' included), then the
     * merchant's storefront, each through a temporary link the functions give callers in scope.
     */
    async onPhotos(e: WechatMiniprogram.TouchEvent) {
      const { merchant, visit } = e.currentTarget.dataset as { merchant: string; visit?: string };
      this.setData({ photoNote: '' });
      try {
        const [v, m] = await Promise.all([visit ? fetchVisitPhotoUrls(visit) : null, fetchMerchantPhotoUrls(merchant)]);
        const urls = [...(v?.files ?? []), ...m.files].flatMap((f) => (f.url ? [f.url] : []));
        if (!urls.length) return this.setData({ photoNote: '这个任务还没有照片。' });
        wx.previewImage({ urls, current: urls[0] });
      } catch (err) {
        this.setData({ photoNote: describeError(err) });
      }
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
