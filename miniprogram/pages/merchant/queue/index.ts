import { getOfflineQueue } from '../../../offline/index';
import type { QueueSummary } from '../../../offline/visit-queue';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

const STATE_LABELS: Record<string, string> = { waiting: '等待发送', sending: '发送中…', rejected: '被退回，需修改后重新发送' };

/**
 * The offline queue (待同步): every filing and visit kept on the device, in sending order, with what the
 * server said about a refused one. A filing opens back into the form to fix; any can be resent or discarded.
 */
definePage<{ _off?: () => void }>()({
  behaviors: [textScale],
  data: { items: [] as (QueueSummary['items'][number] & { stateLabel: string })[], online: true },
  lifetimes: {
    attached() {
      const queue = getOfflineQueue();
      this._off = queue.subscribe((s: QueueSummary) => this.show(s));
      this.show(queue.summary());
      wx.getNetworkType({ success: (r) => this.setData({ online: r.networkType !== 'none' }) });
    },
    detached() {
      this._off?.();
    },
  },
  methods: {
    show(s: QueueSummary) {
      void safeSetData(this, { items: s.items.map((i) => ({ ...i, stateLabel: STATE_LABELS[i.state] })) });
    },
    onShow() {
      // Back from the form: the fixed filing may have been sent.
      this.show(getOfflineQueue().summary());
    },
    onEdit(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/merchant/form/index?queued=${e.currentTarget.dataset.id}` });
    },
    onResend(e: WechatMiniprogram.TouchEvent) {
      getOfflineQueue().retry(String(e.currentTarget.dataset.id));
    },
    onDiscard(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      wx.showModal({
        title: '放弃这条记录？',
        content: '放弃后该记录和照片将从手机上删除，无法恢复。',
        confirmText: '放弃',
        confirmColor: '#d54941',
        success: (r) => {
          if (r.confirm) void getOfflineQueue().discard(id);
        },
      });
    },
    onPullDownRefresh() {
      void getOfflineQueue().flush().then(() => wx.stopPullDownRefresh());
    },
  },
});
