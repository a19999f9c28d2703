import { fetchMyNotices, type Notice, readNotice } from '../../../api/grid.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { describeError } from '../../../utils/errors';
import { definePage } from '../../../utils/page';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { NOTICE_POSTER_ROLES, chinaTime } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

const card = (n: Notice) => ({ id: n.id, title: n.title, body: n.body, unitName: n.unitName, postedByName: n.postedByName, when: chinaTime(n.postedAt, 'YYYY-MM-DD HH:mm'), isRead: Boolean(n.isRead), open: false });

/**
 * The notices that reach the signed-in staff member, read and unread, newest first; opening one marks it read.
 * Reached from the workbench's notices card and from 我的 › 通知; posters go on to 发布通知.
 */
definePage()({
  behaviors: [textScale, loadsWhenAttached],
  data: { notices: [] as ReturnType<typeof card>[], cursor: '', canPost: false },
  methods: {
    load() {
      return this.runLoad(async () => {
        const [me, page] = await Promise.all([requireMe().catch(() => null), fetchMyNotices({})]);
        await safeSetData(this, { canPost: Boolean(me && NOTICE_POSTER_ROLES.includes(me.role)), notices: page.items.map(card), cursor: page.nextCursor ?? '', status: page.items.length ? 'ready' : 'empty' });
      });
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
