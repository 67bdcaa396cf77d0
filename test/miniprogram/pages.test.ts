/** @jest-environment jsdom */
// Mini program page tests (miniprogram-simulate, official compiler): 活动 (remind-me flow, open tracking) and 我的订阅.
import { fakeOrders, fakeReminders, fakeSubscriptions } from './support/fake-functions';
import { mount, node, sleep, tap, textOf, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
let subs: ReturnType<typeof fakeSubscriptions>;
let rem: ReturnType<typeof fakeReminders>;

beforeEach(() => {
  wx = installWx();
  subs = fakeSubscriptions();
  rem = fakeReminders(Date.now(), () => subs.remaining['TPL_EVENT_REMINDER'] ?? 0);
  wx.handlers['subscriptions'] = subs.handler;
  wx.handlers['reminders'] = rem.handler;
  wx.handlers['track'] = rem.track;
});


describe('pages/events', () => {
  async function open(query: Record<string, string> = {}): Promise<Comp> {
    const page = mount('pages/events/events');
    page.instance['onLoad'](query);
    await waitFor(() => page.data['rows'].length === 2 && !page.data['loading'], 'events listed');
    return page;
  }

  it('"提醒我": accept → record → reminders.create 10 minutes before → reminder shown', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    const page = await open();
    expect(textOf(page)).toContain('周末读书会');
    await tap(node(page, '#remind-ev-1'), '#btn');
    await waitFor(() => rem.state.created.length === 1 && !!page.querySelector('#reminder-ev-1'), 'reminder created and shown');

    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_EVENT_REMINDER']);
    const record = callsOf(wx, 'subscriptions', 'record')[0]!;
    expect(record['placement']).toEqual({ page: 'pages/events/events', button: 'remind-me' });
    expect(rem.state.created[0]).toEqual({ action: 'create', eventId: 'ev-1', minutesBefore: 10 });
    // create came after the grant was recorded (the ledger needs it)
    const order = wx.calls.map((c) => `${c.name}.${c.data['action']}`);
    expect(order.indexOf('subscriptions.record')).toBeLessThan(order.indexOf('reminders.create'));
    const ev = rem.events[0]!;
    expect(rem.reminders['rem-ev-1']!.dueAt).toBe(ev.startAt - 10 * 60_000);
    expect(textOf(page)).toContain('已设置提醒');
    expect(page.querySelector('#remind-ev-1')).toBeUndefined();
    expect(page.querySelector('#cancel-ev-1')).toBeTruthy();
  });

  it('"提醒我" rejected: no reminder is created', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'reject' } }];
    const page = await open();
    await tap(node(page, '#remind-ev-2'), '#btn');
    await waitFor(() => callsOf(wx, 'subscriptions', 'record').length === 1, 'report');
    await sleep(30);
    expect(rem.state.created).toHaveLength(0);
    expect(page.querySelector('#remind-ev-2')).toBeTruthy();
  });

  it('cancel a reminder', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    const page = await open();
    await tap(node(page, '#remind-ev-1'), '#btn');
    await waitFor(() => !!page.querySelector('#cancel-ev-1'), 'cancel button');
    await tap(page, '#cancel-ev-1');
    await waitFor(() => rem.state.cancelled.length === 1 && !!page.querySelector('#remind-ev-1'), 'cancelled');
    expect(callsOf(wx, 'reminders', 'cancel')).toEqual([{ action: 'cancel', reminderId: 'rem-ev-1' }]);
  });

  it('a skipped reminder says why in Chinese (not in success green) and offers to subscribe again', async () => {
    rem.reminders['rem-ev-1'] = { id: 'rem-ev-1', eventId: 'ev-1', dueAt: Date.now() - 60_000, status: 'skipped', reason: 'no_grant' };
    const page = await open();
    const label = page.querySelector('#reminder-ev-1');
    expect(label?.dom?.textContent).toBe('未发送：订阅次数已用完');
    expect((label?.dom as unknown as { className?: string } | undefined)?.className).toContain('reminder-warn');
    expect(page.querySelector('#cancel-ev-1')).toBeFalsy();
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    await tap(node(page, '#resubscribe-ev-1'), '#btn');
    await waitFor(() => callsOf(wx, 'subscriptions', 'record').length === 1, 'the new grant recorded');
    expect(callsOf(wx, 'subscriptions', 'record')[0]!['placement']).toEqual({ page: 'pages/events/events', button: 'resubscribe' });
  });

  it('opened from a message: the event is highlighted; the page itself reports nothing (the app hook does)', async () => {
    const page = await open({ eventId: 'ev-1', deliveryId: encodeURIComponent('reminder:rem-ev-1:o-dev') });
    expect(page.data['rows'][0].highlight).toBe(true);
    await sleep(30);
    expect(callsOf(wx, 'track', 'open')).toHaveLength(0);
  });

  it('without deliveryId nothing is tracked', async () => {
    await open();
    expect(callsOf(wx, 'track', 'open')).toHaveLength(0);
  });
});

describe('pages/subscriptions', () => {
  async function open(): Promise<Comp> {
    const page = mount('pages/subscriptions/subscriptions');
    page.instance['onShow']();
    await waitFor(() => page.data['rows'].length === 5 && !page.data['loading'], 'grants listed');
    return page;
  }

  it('lists every template, syncs getSetting (own templates only) and shows the main switch', async () => {
    wx.subscriptionsSetting = { mainSwitch: true, itemSettings: { TPL_ORDER_STATUS: 'acceptWithForcePush', SYS_MSG_TYPE_INTERACTIVE: 'accept' } };
    const page = await open();
    expect(wx.getSetting.mock.calls[0][0]).toMatchObject({ withSubscriptions: true });
    expect(subs.state.synced).toEqual([{ action: 'syncSettings', mainSwitch: true, itemSettings: { TPL_ORDER_STATUS: 'acceptWithForcePush' } }]);
    const text = textOf(page);
    for (const t of ['活动开始提醒', '订单状态通知', '新品上架通知', '办事进度通知', '申请结果通知']) expect(text).toContain(t);
    expect(text).toContain('已开启');
    expect(text).toContain('总是接收');
  });

  it('ask again → remaining updates from the report', async () => {
    wx.subscribeAnswers = [{ success: { TPL_NEW_ARRIVAL: 'accept' } }];
    const page = await open();
    await tap(node(page, '#ask-TPL_NEW_ARRIVAL'), '#btn');
    await waitFor(() => textOf(page).includes('还可接收 1 条'), 'remaining 1 shown');
    expect(page.data['rows']).toHaveLength(5); // record answers the asked template only; the others stay listed
    expect(callsOf(wx, 'subscriptions', 'record')[0]).toMatchObject({
      placement: { page: 'pages/subscriptions/subscriptions', button: 'ask-again' }, tmplIds: ['TPL_NEW_ARRIVAL'],
    });
  });

  it('main switch off: no ask-again buttons, a way to the settings page', async () => {
    wx.subscriptionsSetting = { mainSwitch: false };
    const page = await open();
    expect(textOf(page)).toContain('已关闭');
    expect(page.querySelector('#ask-TPL_NEW_ARRIVAL')).toBeUndefined();
    await tap(page, '#open-settings');
    await waitFor(() => wx.openSetting.mock.calls.length === 1, 'openSetting');
  });

  it('revoke after confirm; delete my data after confirm', async () => {
    subs.remaining['TPL_ORDER_STATUS'] = 2;
    const page = await open();
    wx.modalAnswers = [true];
    await tap(page, '#revoke-TPL_ORDER_STATUS');
    await waitFor(() => subs.state.revoked.length === 1, 'revoke');
    expect(callsOf(wx, 'subscriptions', 'revoke')).toEqual([{ action: 'revoke', templateId: 'TPL_ORDER_STATUS' }]);

    wx.modalAnswers = [false];
    await tap(page, '#delete-data');
    await sleep(30);
    expect(subs.state.deleted).toBe(0);
    wx.modalAnswers = [true];
    await tap(page, '#delete-data');
    await waitFor(() => subs.state.deleted === 1, 'deleteMyData');
    expect(callsOf(wx, 'subscriptions', 'deleteMyData')).toEqual([{ action: 'deleteMyData', confirm: true }]);
  });
});

describe('pages/order (example team page)', () => {
  it('place, then 立即支付 asks for the order-status template inside the tap and records it for the order, then pays', async () => {
    const orders = fakeOrders();
    wx.handlers['orderStatus'] = orders.handler;
    wx.subscribeAnswers = [{ success: { TPL_ORDER_STATUS: 'accept' } }];
    const page = mount('pages/order/order');
    page.instance['onLoad']({});
    await waitFor(() => !!page.querySelector('#place'), 'demo product');
    await tap(page, '#place');
    await waitFor(() => !!page.querySelector('#pay'), 'order placed');
    expect(textOf(page)).toContain('待支付');
    await tap(node(page, '#pay'), '#btn');
    await waitFor(() => callsOf(wx, 'orderStatus', 'pay').length === 1 && textOf(page).includes('已支付'), 'paid');
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_ORDER_STATUS']);
    const rec = callsOf(wx, 'subscriptions', 'record')[0]!;
    expect(rec).toMatchObject({ placement: { page: 'pages/order/order', button: 'pay' }, purpose: 'order:A100000', result: { TPL_ORDER_STATUS: 'accept' } });
  });

  it('opened from the notification card: shows the order by id', async () => {
    const orders = fakeOrders();
    wx.handlers['orderStatus'] = orders.handler;
    orders.orders['A900000'] = { _id: 'A900000', item: '手冲咖啡豆 250g', amountFen: 12800, status: 'shipped' };
    const page = mount('pages/order/order');
    page.instance['onLoad']({ id: 'A900000' });
    await waitFor(() => textOf(page).includes('已发货'), 'order shown');
    expect(textOf(page)).toContain('￥128.00');
    expect(page.querySelector('#pay')).toBeFalsy();
  });
});
