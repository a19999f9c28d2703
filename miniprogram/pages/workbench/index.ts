import { fetchTasks, type TaskOut } from '../../api/visit.api';
import { fetchMyNotices } from '../../api/grid.api';
import { getVisitQueue } from '../../offline/index';
import type { QueueSummary } from '../../offline/visit-queue';
import { describeError } from '../../utils/errors';
import { ROUTE_ROLES, chinaDay, chinaMinuteOfDay } from '../../vendor/shared';
import { CHECK_LABELS, TASK_KIND_LABELS } from '../../utils/labels';
import { bankDayOf, requireMe } from '../../utils/session';
import { safeSetData } from '../../utils/set-data';
import { scanMerchant } from '../../utils/scan';
import { definePage } from '../../utils/page';
import { textScale } from '../../behaviors/text-scale';

const STATE_LABELS: Record<string, string> = { waiting: '等待发送', sending: '发送中…', rejected: '被退回，需处理' };

/** A task as today's list shows it. */
type TaskCard = TaskOut & { kindLabel: string; checkLabel: string; overdue: boolean; dueLabel: string };
/** A visit waiting to sync, as the list shows it. */
type QueueRow = QueueSummary['items'][number] & { stateLabel: string };

/** Workbench: today's tasks, quick actions (file, revisit, scan), and the visits waiting to sync. */
definePage<{ _off?: () => void; _shown?: boolean }>()({
  behaviors: [textScale],
  data: {
    greeting: '你好', name: '', unitName: '', today: chinaDay(),
    taskStatus: 'loading', taskError: '', tasks: [] as TaskCard[],
    /** unread notices, shown until read */
    notices: [] as { id: string; title: string; unitName: string }[], moreNotices: false,
    /** 今日路线 only for the roles that walk one (the server refuses the others); posting for hq and branches */
    canRoute: false, canPost: false,
    queue: { waiting: 0, sending: 0, rejected: 0, items: [] as QueueRow[] }, online: true, scanError: '',
  },
  lifetimes: {
    attached() {
      const queue = getVisitQueue();
      this._off = queue.subscribe((s: QueueSummary) => this.showQueue(s));
      this.showQueue(queue.summary());
      wx.onNetworkStatusChange((r) => this.setData({ online: r.isConnected }));
      const h = Math.floor(chinaMinuteOfDay(new Date()) / 60);
      this.setData({ greeting: h < 11 ? '早上好' : h < 14 ? '中午好' : h < 18 ? '下午好' : '晚上好' });
      void this.load();
    },
    detached() {
      this._off?.();
    },
  },
  methods: {
    async load() {
      try {
        const me = await requireMe();
        this.setData({
          name: me.name,
          unitName: me.unit?.name ?? '',
          canRoute: (ROUTE_ROLES as readonly string[]).includes(me.role),
          canPost: me.role === 'hq' || me.role === 'branch',
        });
      } catch (err) {
        this.setData({ taskStatus: 'error', taskError: describeError(err) });
        return;
      }
      await Promise.all([this.loadTasks(), this.loadNotices()]);
    },
    /** Unread notices; a failure leaves the card out rather than blocking the workbench. */
    async loadNotices() {
      try {
        const page = await fetchMyNotices({ unread: true, limit: 3 });
        this.setData({ notices: page.items.map((n) => ({ id: n.id, title: n.title, unitName: n.unitName })), moreNotices: Boolean(page.nextCursor) });
      } catch {
        this.setData({ notices: [], moreNotices: false });
      }
    },
    onNotices() {
      wx.navigateTo({ url: '/pages/grid/notices/index' });
    },
    /** `quiet`: the list stays as it is until the answer comes (a refresh on coming back, no flicker). */
    async loadTasks(quiet = false) {
      if (!quiet || this.data.taskStatus === 'error') this.setData({ taskStatus: 'loading', taskError: '' });
      try {
        // Due and overdue as of the bank's day (a demo bank's fixed as-of day), as the server marks them.
        const [page, today] = await Promise.all([fetchTasks({ status: 'open' }), requireMe().then(bankDayOf, () => chinaDay())]);
        const tasks: TaskCard[] = page.items.slice(0, 10).map((t) => ({
          ...t,
          kindLabel: TASK_KIND_LABELS[t.kind] ?? t.kind,
          checkLabel: t.check ? CHECK_LABELS[t.check] : '',
          overdue: t.isOverdue,
          dueLabel: t.isOverdue ? `已逾期 ${t.dueDay.slice(5)}` : t.dueDay === today ? '今天到期' : `${t.dueDay.slice(5)} 到期`,
        }));
        await safeSetData(this, { tasks, taskStatus: tasks.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ taskStatus: 'error', taskError: describeError(err) });
      }
    },
    onShow() {
      // Coming back from a revisit or a filing (a tab page stays loaded): its tasks may have changed.
      if (this._shown && this.data.name) void Promise.all([this.loadTasks(true), this.loadNotices()]);
      this._shown = true;
    },
    showQueue(s: QueueSummary) {
      void safeSetData(this, { queue: { ...s, items: s.items.map((i) => ({ ...i, stateLabel: STATE_LABELS[i.state] })) } });
    },
    onRetrySync(e: WechatMiniprogram.TouchEvent) {
      getVisitQueue().retry(String(e.currentTarget.dataset.id));
    },
    onQueue() {
      wx.navigateTo({ url: '/pages/merchant/queue/index' });
    },
    onFile() {
      wx.navigateTo({ url: '/pages/merchant/form/index' });
    },
    onRevisit() {
      wx.switchTab({ url: '/pages/merchants/index' });
    },
    onLists() {
      wx.navigateTo({ url: '/pages/lifecycle/lists/index' });
    },
    onAllTasks() {
      wx.navigateTo({ url: '/pages/visit/tasks/index' });
    },
    onTask(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${e.currentTarget.dataset.merchant}&taskId=${e.currentTarget.dataset.id}` });
    },
    async onScan() {
      this.setData({ scanError: '' });
      this.setData({ scanError: await scanMerchant() });
    },
    onPullDownRefresh() {
      void this.loadTasks().then(() => wx.stopPullDownRefresh());
      void getVisitQueue().flush();
    },
  },
});
