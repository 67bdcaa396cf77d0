// Mini program: app entry — initialises wx.cloud on the configured environment, and counts an open from a message
// once, whatever page it opens (the one app-level hook: lib/opens.ts).
import { cloudEnv } from './env';
import { reportLaunchOpen, type LaunchOptions } from './lib/opens';

App({
  onLaunch() {
    if (!wx.cloud) {
      console.error('请使用 2.2.3 或以上的基础库以使用云能力');
      return;
    }
    wx.cloud.init({ env: cloudEnv(), traceUser: true });
  },
  // onShow runs at a cold start too (after onLaunch) and whenever a tap on a message brings the app back.
  onShow(options: LaunchOptions) {
    if (wx.cloud) void reportLaunchOpen(options);
  },
});
