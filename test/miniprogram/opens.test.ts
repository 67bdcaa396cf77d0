/** @jest-environment jsdom */
// Mini program: opens are counted by ONE app-level hook (app.ts onShow → lib/opens.ts) on any page a message opens —
// once per delivery per session, with the decoded delivery id; launches without a delivery id report nothing.
import { loadApp } from './support/app';
import { sleep, waitFor } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
beforeEach(() => {
  wx = installWx();
  wx.handlers['track'] = async () => ({ ok: true, data: { counted: true } });
});

it('a message that opens any page (not only events) reports the open once, from onShow', async () => {
  const app = loadApp();
  const deliveryId = 'campaign:c-42:o-dev';
  const launch = { path: 'pages/subscriptions/subscriptions', query: { tab: 'all', deliveryId: encodeURIComponent(deliveryId) }, scene: 1014 };
  app.onLaunch?.(launch);
  app.onShow?.(launch);
  await waitFor(() => callsOf(wx, 'track', 'open').length === 1, 'track.open');
  app.onShow?.(launch); // back to the foreground with the same launch options
  await sleep(30);
  expect(callsOf(wx, 'track', 'open')).toEqual([{ action: 'open', deliveryId }]);
  expect(((globalThis as unknown as { wx: { cloud: { init: jest.Mock } } }).wx.cloud.init)).toHaveBeenCalledTimes(1);
});

it('no delivery id, or a malformed one: nothing is reported', async () => {
  const app = loadApp();
  app.onShow?.({ path: 'pages/index/index', query: {}, scene: 1001 });
  app.onShow?.({ path: 'pages/index/index', query: { deliveryId: '{"$ne":1}' }, scene: 1014 });
  await sleep(30);
  expect(callsOf(wx, 'track', 'open')).toHaveLength(0);
});

it('the cloud environment follows the running version: release → the production env id, develop → the test one', () => {
  const g = globalThis as unknown as { wx: { getAccountInfoSync?: () => unknown; cloud: { init: jest.Mock } } };
  g.wx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx1', envVersion: 'release' } });
  loadApp().onLaunch?.({});
  g.wx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx1', envVersion: 'develop' } });
  loadApp().onLaunch?.({});
  expect(g.wx.cloud.init.mock.calls.map((c) => (c[0] as { env: string }).env)).toEqual(['tixing-prod', 'tixing-local']);
});
