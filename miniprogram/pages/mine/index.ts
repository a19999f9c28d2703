import { describeError } from '../../utils/errors';
import { shortTime } from '../../utils/format';
import { requireMe } from '../../utils/session';

/** My profile: who I am, my unit and grids, privacy status, and the menus my role may use. */
Component({
  data: { status: 'loading', error: '', me: {} as any, initial: '', unitLine: '', gridLine: '', privacyLine: '', isHq: false, isBranch: false, canExport: false },
  lifetimes: {
    attached() {
      void this.load();
    },
  },
  methods: {
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        const me = await requireMe();
        this.setData({
          status: 'ready',
          me,
          initial: Array.from(me.name)[0] ?? '',
          unitLine: me.unitPath.map((u) => u.name).join(' / '),
          gridLine: me.grids.length ? me.grids.map((g) => g.name).join('、') : '—',
          privacyLine: me.privacyAcceptedAt ? `已同意（${shortTime(me.privacyAcceptedAt)}）` : '未同意',
          isHq: me.role === 'hq',
          isBranch: me.role === 'branch',
          canExport: me.role === 'hq' || me.role === 'branch',
          // The team board: leaders and above, members for their grids (docs/domain.md §5 "Tasks").
          canBoard: ['hq', 'branch', 'leader', 'member'].includes(me.role),
        });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onGo(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
