import { config, STORAGE_KEYS } from '../../config';
import { acceptPrivacy, bindAccount } from '../../api/user.api';
import { setLocalOpenid } from '../../api/transport';
import { describeError, fieldErrors } from '../../utils/errors';
import { setMe } from '../../utils/session';
import { definePage } from '../../utils/page';
import { textScale } from '../../behaviors/text-scale';

const DEMO = [
  { openid: 'demo-hq', label: '总行' },
  { openid: 'demo-branch', label: '支行行长' },
  { openid: 'demo-leader', label: '网格长' },
  { openid: 'demo-member', label: '网格员' },
  { openid: 'demo-marketing', label: '营销助理' },
  { openid: 'demo-maintenance', label: '维护助理' },
];

/** Sign-in: binds this WeChat user to a staff record with the one-time code (local mode: demo accounts). */
definePage()({
  behaviors: [textScale],
  data: { code: '', agreed: false, submitting: false, error: '', fieldError: '', isLocal: config.mode === 'local', demoAccounts: DEMO },
  methods: {
    /** Opened from a binding code's QR (`pages/login/index?code=…`): the code is filled in. */
    onLoad(query: Record<string, string> = {}) {
      if (query.code) this.setData({ code: decodeURIComponent(query.code).slice(0, 16) });
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ code: e.detail.value, fieldError: '', error: '' });
    },
    onToggleAgree() {
      this.setData({ agreed: !this.data.agreed });
    },
    onOpenPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
    async onSubmit() {
      if (this.data.submitting) return;
      if (!this.data.agreed) {
        this.setData({ error: '请先阅读并同意《隐私保护指引》。' });
        return;
      }
      this.setData({ submitting: true, error: '', fieldError: '' });
      try {
        const me = await bindAccount(this.data.code);
        setMe(me);
        const pending = wx.getStorageSync(STORAGE_KEYS.privacyPending) as string;
        if (pending) {
          // The agreement accepted before binding is recorded now; a failure leaves it pending for next time.
          await acceptPrivacy(pending).then(() => wx.removeStorageSync(STORAGE_KEYS.privacyPending), () => undefined);
        }
        wx.showToast({ title: `欢迎，${me.name}`, icon: 'success' });
        wx.switchTab({ url: '/pages/workbench/index' });
      } catch (err) {
        this.setData({ error: describeError(err), fieldError: fieldErrors(err).code ?? '' });
      } finally {
        this.setData({ submitting: false });
      }
    },
    onDemo(e: WechatMiniprogram.TouchEvent) {
      setLocalOpenid(String(e.currentTarget.dataset.openid));
      setMe(null);
      wx.switchTab({ url: '/pages/workbench/index' });
    },
  },
});
