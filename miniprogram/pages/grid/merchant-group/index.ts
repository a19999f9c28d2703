import { fetchMerchant } from '../../../api/merchant.api';
import { fetchWechatGroups, setMerchantGroup } from '../../../api/grid.api';
import { describeError } from '../../../utils/errors';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { textScale } from '../../../behaviors/text-scale';

const NONE = '__none';

/** Which of its grid's WeChat groups a merchant is in, and changing it. */
definePage()({
  behaviors: [textScale, loadable],
  data: { id: '', name: '', saveError: '', current: NONE, options: [] as { id: string; name: string; count: number | null }[] },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      this.setData({ id: query.id ?? '' });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
          const m = await fetchMerchant(this.data.id);
          const { items } = await fetchWechatGroups(m.gridId);
          await safeSetData(this, {
            name: m.name,
            current: m.wechatGroupId ?? NONE,
            options: [...items.map((g) => ({ id: g.id, name: g.name, count: g.merchantCount ?? 0 })), { id: NONE, name: '不在任何群', count: null }],
            status: 'ready',
          });
      });
    },
    async onPick(e: WechatMiniprogram.TouchEvent) {
      const picked = String(e.currentTarget.dataset.id);
      if (picked === this.data.current) return;
      this.setData({ saveError: '' });
      try {
        const { merchant } = await setMerchantGroup(this.data.id, picked === NONE ? null : picked);
        this.setData({ current: merchant.wechatGroupId ?? NONE });
        wx.showToast({ title: '已更新', icon: 'success' });
        await this.load();
      } catch (err) {
        this.setData({ saveError: describeError(err) });
      }
    },
  },
});
