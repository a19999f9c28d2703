import { confirmConsoleSignIn, declineConsoleSignIn, fetchMe } from '../../../api/user.api';
import { describeError } from '../../../utils/errors';
import { textScale } from '../../../behaviors/text-scale';
import { definePage } from '../../../utils/page';
import { CONSOLE_SESSION_HOURS, mayUseConsole } from '../../../vendor/shared';

/**
 * Opened by scanning the head-office console's sign-in code (扫码): the person confirms that the computer
 * signs in as them (for CONSOLE_SESSION_HOURS hours), or declines. Only head office and branch people may;
 * the function refuses others with the reason, which the page shows.
 */
definePage<{ _ticket?: string }>()({
  behaviors: [textScale],
  data: { status: 'loading', name: '', roleLabel: '', unit: '', hours: CONSOLE_SESSION_HOURS, busy: false, error: '' },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      this._ticket = query.ticket ?? '';
      try {
        const me = await fetchMe();
        const allowed = mayUseConsole(me.role);
        this.setData({
          name: me.name,
          roleLabel: me.roleLabel,
          unit: me.unit?.name ?? '',
          status: allowed ? 'ask' : 'refused',
          error: allowed ? '' : `控制台仅供总行和支行人员使用，${me.roleLabel}请在小程序里办理。`,
        });
      } catch (err) {
        this.setData({ status: 'refused', error: describeError(err) });
      }
    },
    async onConfirm() {
      if (this.data.busy || !this._ticket) return;
      this.setData({ busy: true, error: '' });
      try {
        await confirmConsoleSignIn(this._ticket);
        this.setData({ status: 'done' });
      } catch (err) {
        this.setData({ error: describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
    async onDecline() {
      if (this._ticket) await declineConsoleSignIn(this._ticket).catch(() => undefined);
      this.setData({ status: 'declined' });
      wx.navigateBack({ fail: () => undefined });
    },
  },
});
