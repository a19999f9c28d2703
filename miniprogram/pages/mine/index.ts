import { shortTime } from '../../utils/format';
import type { Me } from '../../api/user.api';
import { requireMe } from '../../utils/session';
import { loadsWhenAttached } from '../../behaviors/loadable';
import { definePage } from '../../utils/page';
import { EXPORT_ROLES, NOTICE_POSTER_ROLES, PLACEMENT_REVIEWER_ROLES, TASK_BOARD_ROLES, WECHAT_GROUP_ROLES, hasRole } from '../../vendor/shared';
import { textScale } from '../../behaviors/text-scale';
import { TEXT_SIZES, type TextSize } from '../../utils/text-scale';
import { chooseTextSize, chosenTextSize } from '../../utils/text-setting';

/** My profile: who I am, my unit and grids, privacy status, and the menus my role may use. */
definePage()({
  behaviors: [textScale, loadsWhenAttached],
  data: { me: {} as Partial<Me>, initial: '', unitLine: '', gridLine: '', privacyLine: '', isHq: false, isBranch: false, canExport: false, canBoard: false, canReviewPlacements: false, canGroups: false, canPostNotices: false, textSizes: TEXT_SIZES, textSize: 'system' as TextSize },
  lifetimes: {
    attached() {
      this.setData({ textSize: chosenTextSize() });
    },
  },
  methods: {
    /** 字体大小: kept on the phone; this page and the pages behind it take it at once. */
    onTextSize(e: WechatMiniprogram.TouchEvent) {
      const size = String(e.currentTarget.dataset.size) as TextSize;
      chooseTextSize(size);
      this.setData({ textSize: chosenTextSize() });
      for (const page of getCurrentPages() as unknown as { applyTextScale?: () => void }[]) page.applyTextScale?.();
      this.applyTextScale();
    },
    load() {
      return this.runLoad(async () => {
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
          // The shared lists the functions check: the menu never offers what the function refuses.
          canExport: hasRole(me.role, EXPORT_ROLES),
          // The team board: leaders and above, members for their grids (docs/domain.md §5 "Tasks").
          canBoard: hasRole(me.role, TASK_BOARD_ROLES),
          // Manual placements are reviewed by the grid leader and those above (docs/domain.md §2).
          canReviewPlacements: hasRole(me.role, PLACEMENT_REVIEWER_ROLES),
          // A grid's merchant WeChat groups: whoever may create and rename them (the page starts on the caller's first grid).
          canGroups: WECHAT_GROUP_ROLES.includes(me.role),
          canPostNotices: NOTICE_POSTER_ROLES.includes(me.role),
        });
      });
    },
    onGo(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
