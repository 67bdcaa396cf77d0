// Mini program: app entry — initialises wx.cloud on the configured environment.
import { CLOUD_ENV } from './env';

App({
  onLaunch() {
    if (!wx.cloud) {
      console.error('请使用 2.2.3 或以上的基础库以使用云能力');
      return;
    }
    wx.cloud.init({ env: CLOUD_ENV, traceUser: true });
  },
});
