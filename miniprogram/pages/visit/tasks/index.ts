import { fetchTasks } from '../../../services/visit.service';
import type { TaskOut } from '../../../services/visit.service';
import { describeError } from '../../../utils/errors';
import { chinaDay } from '../../../vendor/shared';
import { CHECK_LABELS, TASK_KIND_LABELS, reasonLabel } from '../../../utils/labels';
import { safeSetData } from '../../../utils/set-data';

/** A task as the list shows it. */
export function toTaskRow(t: TaskOut, today = chinaDay()) {
  const overdue = t.status === 'open' && (t.isOverdue || t.dueDay < today);
  return {
    id: t.id,
    merchantId: t.merchantId,
    merchantName: t.merchantName ?? '商户',
    kindLabel: TASK_KIND_LABELS[t.kind] ?? t.kind,
    detail: t.check ? `整改：${CHECK_LABELS[t.check] ?? t.check}` : (t.openedBy?.detail ?? reasonLabel(t.openedBy?.reason)),
    overdue,
    dueLabel: t.status === 'done' ? '已完成' : overdue ? `已逾期（${t.dueDay}）` : `${t.dueDay} 前完成`,
  };
}

/** My tasks: open and done follow-ups (six-check fixes, abnormal visits, win-backs). */
Component({
  data: { filter: 'open' as 'open' | 'done', status: 'loading', error: '', items: [] as ReturnType<typeof toTaskRow>[] },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  methods: {
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        const page = await fetchTasks({ status: this.data.filter });
        await safeSetData(this, { items: page.items.map((t) => toTaskRow(t)), status: page.items.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onFilter(e: WechatMiniprogram.TouchEvent) {
      this.setData({ filter: e.currentTarget.dataset.value as 'open' | 'done' });
      void this.load();
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      if (this.data.filter === 'open') wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${e.currentTarget.dataset.merchant}&taskId=${e.currentTarget.dataset.id}` });
      else wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.merchant}` });
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
