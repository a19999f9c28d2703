import { answerPrivacy, onPrivacyPrompt } from '../../utils/privacy';

/** The privacy popup: shown when WeChat needs the user's agreement before location or camera use. */
Component({
  data: { visible: false },
  lifetimes: {
    attached() {
      const self = this as any;
      self._off = onPrivacyPrompt((visible) => this.setData({ visible }));
    },
    detached() {
      (this as any)._off?.();
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
