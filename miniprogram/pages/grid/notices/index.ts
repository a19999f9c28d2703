import { fetchMyNotices, type Notice, readNotice } from '../../../api/grid.api';
import { describeError } from '../../../utils/errors';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { chinaTime } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

const card = (n: Notice) => ({ id: n.id, title: n.title, body: n.body, unitName: n.unitName, postedByName: n.postedByName, when: chinaTime(n.postedAt, 'YYYY-MM-DD HH:mm'), isRead: Boolean(n.isRead), open: false });

/** The notices that reach the signed-in staff member, newest first; opening one marks it read. */
Component({
  behaviors: [textScale],
  data: { status: 'loading', error: '', notices: [] as ReturnType<typeof card>[], cursor: '', canPost: false },
  methods: {
    onLoad() {
      void this.load();
    },
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        const [me, page] = await Promise.all([requireMe().catch(() => null), fetchMyNotices({})]);
        await safeSetData(this, { canPost: me?.role === 'hq' || me?.role === 'branch', notices: page.items.map(card), cursor: page.nextCursor ?? '', status: page.items.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    async onMore() {
      try {
        const page = await fetchMyNotices({ cursor: this.data.cursor });
        await safeSetData(this, { notices: [...this.data.notices, ...page.items.map(card)], cursor: page.nextCursor ?? '' });
      } catch (err) {
        wx.showToast({ title: describeError(err), icon: 'none' });
      }
    },
    async onOpen(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      const index = this.data.notices.findIndex((n) => n.id === id);
      if (index < 0) return;
      this.setData({ [`notices[${index}].open`]: !this.data.notices[index].open });
      if (this.data.notices[index].isRead) return;
      try {
        await readNotice(id);
        this.setData({ [`notices[${index}].isRead`]: true });
      } catch (err) {
        wx.showToast({ title: describeError(err), icon: 'none' });
      }
    },
    onPost() {
      wx.navigateTo({ url: '/pages/grid/notice-post/index' });
    },
  },
});
