import { STORAGE_KEYS } from '../../config';
import { acceptPrivacy } from '../../api/user.api';
import { describeError, ServiceError } from '../../utils/errors';
import { shortTime } from '../../utils/format';
import { definePage } from '../../utils/page';
import { textScale } from '../../behaviors/text-scale';

export const PRIVACY_VERSION = '2025-07';

/** The privacy agreement text; accepting records the version on the server. */
definePage()({
  behaviors: [textScale],
  data: { version: PRIVACY_VERSION, acceptedAt: '', saving: false, error: '' },
  lifetimes: {
    attached() {
      const at = wx.getStorageSync(STORAGE_KEYS.privacyAgreed) as string;
      if (at) this.setData({ acceptedAt: shortTime(at) });
    },
  },
  methods: {
    async onAccept() {
      this.setData({ saving: true, error: '' });
      try {
        const r = await acceptPrivacy(PRIVACY_VERSION);
        wx.setStorageSync(STORAGE_KEYS.privacyAgreed, r.privacyAcceptedAt);
        this.setData({ acceptedAt: shortTime(r.privacyAcceptedAt) });
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'UNAUTHENTICATED') {
          // Not yet bound: the agreement is remembered on the device and sent right after binding.
          const at = new Date().toISOString();
          wx.setStorageSync(STORAGE_KEYS.privacyAgreed, at);
          wx.setStorageSync(STORAGE_KEYS.privacyPending, PRIVACY_VERSION);
          this.setData({ acceptedAt: shortTime(at) });
        } else {
          this.setData({ error: describeError(err) });
        }
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
