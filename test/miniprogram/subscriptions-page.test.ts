/** @jest-environment jsdom */
// Mini program page tests (miniprogram-simulate, official compiler): 我的订阅's new states — consent history (pages,
// empty, export to the clipboard), the deleteMyData receipt, "always keep" for long-term templates and with the main
// switch off.
import { fakeSubscriptions } from './support/fake-functions';
import { mount, node, tap, textOf, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
let subs: ReturnType<typeof fakeSubscriptions>;

beforeEach(() => {
  wx = installWx();
  subs = fakeSubscriptions();
  wx.handlers['subscriptions'] = subs.handler;
});

async function open(): Promise<Comp> {
  const page = mount('pages/subscriptions/subscriptions');
  page.instance['onShow']();
  await waitFor(() => page.data['rows'].length === 5 && !page.data['loading'], 'grants listed');
  return page;
}

const entry = (at: number, result: string, source: string, title = '活动开始提醒') => ({
  at, templateId: 'TPL_EVENT_REMINDER', title, result, status: null, source, page: 'pages/events/events', button: 'remind',
});
// 2026-05-01 10:00 / 09:00 / 08:00 Beijing time.
const T = Date.UTC(2026, 4, 1, 2, 0);

describe('pages/subscriptions: consent history', () => {
  it('shows my history newest first in Beijing time, page by page', async () => {
    subs.history.push(entry(T, 'revoke', 'client'), entry(T - 3600_000, 'unsubscribe', 'event'), entry(T - 7200_000, 'accept', 'client'));
    const page = await open();
    expect(textOf(page)).not.toContain('我撤销了订阅');
    await tap(page, '#show-history');
    await waitFor(() => page.data['historyRows'].length === 2, 'first page');
    let text = textOf(page);
    expect(text).toContain('2026-05-01 10:00');
    expect(text).toContain('活动开始提醒：我撤销了订阅（小程序内）');
    expect(text).toContain('活动开始提醒：在微信中设为拒收（微信推送）');
    expect(callsOf(wx, 'subscriptions', 'history')).toEqual([{ action: 'history' }]);
    await tap(page, '#more-history');
    await waitFor(() => page.data['historyRows'].length === 3, 'second page');
    text = textOf(page);
    expect(text).toContain('2026-05-01 08:00');
    expect(text).toContain('活动开始提醒：同意（小程序内）');
    expect(callsOf(wx, 'subscriptions', 'history')[1]).toEqual({ action: 'history', cursor: '2:x' });
    expect(page.querySelector('#more-history')).toBeUndefined();
  });

  it('says so when there is no history yet', async () => {
    const page = await open();
    await tap(page, '#show-history');
    await waitFor(() => page.querySelector('#history-empty') !== undefined, 'empty state');
    expect(textOf(page)).toContain('还没有授权记录');
  });

  it('a template no longer in the registry is shown as such', async () => {
    subs.history.push({ ...entry(T, 'accept', 'client'), title: null });
    const page = await open();
    await tap(page, '#show-history');
    await waitFor(() => textOf(page).includes('已下线的消息：同意'), 'unknown template row');
  });

  it('exports the history as CSV to the clipboard and says how many entries', async () => {
    subs.history.push(entry(T, 'accept', 'client'), entry(T - 1000, 'reject', 'event'));
    const page = await open();
    await tap(page, '#export-history');
    await waitFor(() => wx.setClipboardData.mock.calls.length === 1, 'clipboard');
    expect(wx.clipboard?.split('\r\n')).toEqual([
      'time_utc,template_id,title,result',
      '2026-05-01T02:00:00.000Z,TPL_EVENT_REMINDER,活动开始提醒,accept',
      '2026-05-01T01:59:59.000Z,TPL_EVENT_REMINDER,活动开始提醒,reject',
    ]);
    await waitFor(() => wx.showModal.mock.calls.some((c) => String(c[0].content).includes('2 条授权记录')), 'export alert');
  });

  it('an empty history is not copied', async () => {
    const page = await open();
    await tap(page, '#export-history');
    await waitFor(() => wx.showToast.mock.calls.some((c) => c[0].title === '还没有授权记录'), 'toast');
    expect(wx.setClipboardData).not.toHaveBeenCalled();
  });
});

describe('pages/subscriptions: deleteMyData receipt', () => {
  it('after deleting, shows what was removed per collection and clears the shown history', async () => {
    subs.history.push(entry(T, 'accept', 'client'), entry(T - 1000, 'accept', 'event'));
    const page = await open();
    await tap(page, '#show-history');
    await waitFor(() => page.data['historyRows'].length === 2, 'history shown');
    wx.modalAnswers = [true];
    await tap(page, '#delete-data');
    await waitFor(() => wx.showModal.mock.calls.some((c) => c[0].title === '已删除'), 'receipt shown');
    const receipt = wx.showModal.mock.calls.find((c) => c[0].title === '已删除')![0].content as string;
    expect(receipt).toBe('共删除 3 条：订阅次数 1 条、授权记录 2 条。删除时间 2026-05-01 10:30（北京时间）。');
    expect(page.data['historyRows']).toEqual([]);
    expect(page.data['historyOpen']).toBe(false);
  });
});

describe('pages/subscriptions: "always keep"', () => {
  it('long-term: "always accept" is not described as one message per tap', async () => {
    wx.subscriptionsSetting = { mainSwitch: true, itemSettings: { TPL_SERVICE_NOTICE: 'accept', TPL_EVENT_REMINDER: 'accept' } };
    const page = await open();
    const longTerm = textOf(node(page, '#item-TPL_SERVICE_NOTICE'));
    expect(longTerm).toContain('总是接收（不再弹窗）');
    expect(longTerm).not.toContain('1 条');
    expect(textOf(node(page, '#item-TPL_EVENT_REMINDER'))).toContain('每次点击仍只增加 1 条');
  });

  it('main switch off: the kept choice is shown as not in effect', async () => {
    wx.subscriptionsSetting = { mainSwitch: false, itemSettings: { TPL_EVENT_REMINDER: 'accept' } };
    const page = await open();
    expect(textOf(node(page, '#item-TPL_EVENT_REMINDER'))).toContain('总开关已关闭，暂不生效');
    expect(textOf(node(page, '#item-TPL_ORDER_STATUS'))).not.toContain('暂不生效');
  });
});
