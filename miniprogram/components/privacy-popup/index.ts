import { definePage } from '../../utils/page';
import { answerPrivacy, onPrivacyPrompt } from '../../utils/privacy';

/** The privacy popup: shown when WeChat needs the user's agreement before location or camera use. */
definePage<{ _off?: () => void }>()({
  data: { visible: false },
  lifetimes: {
    attached() {
      this._off = onPrivacyPrompt((visible) => this.setData({ visible }));
    },
    detached() {
      this._off?.();
    },
  },
  methods: {
    onAgree() {
      answerPrivacy(true);
    },
    onRefuse() {
      answerPrivacy(false);
      this.triggerEvent('refused');
    },
    onOpenContract() {
      wx.openPrivacyContract({});
    },
  },
});
