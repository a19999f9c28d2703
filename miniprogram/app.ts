import { config } from './config';
import { getVisitQueue } from './offline/index';
import { installPrivacyHandler } from './utils/privacy';

App({
  globalData: {},
  onLaunch() {
    if (config.mode === 'cloud') wx.cloud.init({ env: config.envId, traceUser: true });
    installPrivacyHandler();
    // Start sending whatever visits were queued before the app was last closed.
    void getVisitQueue().flush();
  },
});
