import { fetchClassList, type ClassListItem, type LifecycleClass } from '../../../api/lifecycle.api';
import { describeError } from '../../../utils/errors';
import { LIFECYCLE_CLASS_LABELS, TASK_KIND_LABELS } from '../../../utils/labels';
import { appendList, safeSetData } from '../../../utils/set-data';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

const HINTS: Record<string, string> = {
  'to-win': '已建档、未在本行开通收单：上门营销',
  qualified: '收单交易达标：保持回访',
  premium: '交易量大或本行产品多：重点维护',
  abnormal: '交易下滑、长期无交易或设备解绑：系统已派走访任务',
  lost: '收单关闭或 90 天无交易：系统已派挽回任务',
};

/** A to-do row: the merchant, why it is in this class, and its open task. */
export function toRow(m: ClassListItem) {
  return {
    id: m.id,
    name: m.name,
    address: [m.classSince ? `${m.classSince} 起` : '', m.operatorMobile ?? ''].filter(Boolean).join(' · '),
    reason: m.reason ?? '',
    hasTask: Boolean(m.openTask),
    taskLabel: m.openTask ? `${TASK_KIND_LABELS[m.openTask.kind] ?? m.openTask.kind} · ${m.openTask.dueDay} 前` : '',
  };
}

/** Lists by lifecycle class (名单制), worked as to-do lists. */
definePage()({
  behaviors: [textScale, loadable],
  data: {
    cls: 'abnormal', classes: ['abnormal', 'lost', 'to-win', 'qualified', 'premium'].map((value) => ({ value, label: LIFECYCLE_CLASS_LABELS[value] })),
    hint: HINTS.abnormal, items: [] as ReturnType<typeof toRow>[], nextCursor: null as string | null, loadingMore: false,
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      if (query.class && LIFECYCLE_CLASS_LABELS[query.class]) this.setData({ cls: query.class, hint: HINTS[query.class] });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
        const page = await fetchClassList({ cls: this.data.cls as LifecycleClass });
        await safeSetData(this, { items: page.items.map(toRow), nextCursor: page.nextCursor, status: page.items.length ? 'ready' : 'empty' });
      });
    },
    async onReachBottom() {
      if (this.data.loadingMore || !this.data.nextCursor) return;
      this.setData({ loadingMore: true });
      try {
        const page = await fetchClassList({ cls: this.data.cls as LifecycleClass, cursor: this.data.nextCursor });
        await appendList(this, 'items', this.data.items.length, page.items.map(toRow), { nextCursor: page.nextCursor });
      } catch (err) {
        wx.showToast({ title: describeError(err), icon: 'none' });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
    onClass(e: WechatMiniprogram.TouchEvent) {
      const cls = String(e.currentTarget.dataset.value);
      this.setData({ cls, hint: HINTS[cls] });
      void this.load();
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.id}` });
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
