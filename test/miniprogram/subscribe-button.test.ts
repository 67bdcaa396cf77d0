/** @jest-environment jsdom */
// Mini program component tests: subscribe-button under miniprogram-simulate with the official WeChat compiler.
import { fakeSubscriptions } from './support/fake-functions';
import { listen, mount, tap, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

const PAGE = 'pages/events/events';
let wx: WxMock;
let subs: ReturnType<typeof fakeSubscriptions>;

beforeEach(() => {
  wx = installWx();
  subs = fakeSubscriptions();
  wx.handlers['subscriptions'] = subs.handler;
});

function button(props: Record<string, unknown>): { comp: Comp; results: any[] } {
  const comp = mount('components/subscribe-button/index', { page: PAGE, button: 'remind-me', retryDelay: 1, ...props });
  return { comp, results: listen(comp, 'result') };
}

describe('subscribe-button', () => {
  it('tap → request inside the tap → report to subscriptions.record → result event', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept', TPL_NEW_ARRIVAL: 'acceptWithAlert' } }];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');

    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL']);
    const records = callsOf(wx, 'subscriptions', 'record');
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual({
      action: 'record',
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      placement: { page: PAGE, button: 'remind-me' },
      tmplIds: ['TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL'],
      result: { TPL_EVENT_REMINDER: 'accept', TPL_NEW_ARRIVAL: 'acceptWithAlert' },
    });
    const r = results[0];
    expect(r.requestId).toBe(records[0]!['requestId']);
    expect(r.outcome.accepted).toEqual(['TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL']);
    expect(r).toMatchObject({ reported: true, counted: true });
    expect(r.grants.find((g: any) => g.templateId === 'TPL_EVENT_REMINDER').remaining).toBe(1);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '订阅成功', icon: 'success' }));
    expect(comp.data['busy']).toBe(false);
  });

  it('a new request id per tap', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'first result');
    await tap(comp, '#btn');
    await waitFor(() => results.length === 2, 'second result');
    const ids = callsOf(wx, 'subscriptions', 'record').map((c) => c['requestId']);
    expect(new Set(ids).size).toBe(2);
    expect(subs.remaining['TPL_EVENT_REMINDER']).toBe(2);
  });

  it('reject: reported as reject, nothing granted, the user is told', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'reject' } }];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');
    expect(callsOf(wx, 'subscriptions', 'record')[0]).toMatchObject({ result: { TPL_EVENT_REMINDER: 'reject' } });
    expect(results[0].outcome).toMatchObject({ kind: 'result', accepted: [], rejected: ['TPL_EVENT_REMINDER'] });
    expect(subs.remaining['TPL_EVENT_REMINDER'] ?? 0).toBe(0);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('拒绝') }));
    expect(wx.openSetting).not.toHaveBeenCalled();
  });

  it('ban: reported as ban, a modal explains it', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'ban' } }];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');
    expect(callsOf(wx, 'subscriptions', 'record')[0]).toMatchObject({ result: { TPL_EVENT_REMINDER: 'ban' } });
    expect(results[0].outcome.banned).toEqual(['TPL_EVENT_REMINDER']);
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '消息已被屏蔽' }));
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  it('20004 (main switch off): modal → openSetting, and the error is reported', async () => {
    wx.subscribeAnswers = [{ fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail:The main switch is switched off' } }];
    wx.modalAnswers = [true];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1 && wx.openSetting.mock.calls.length === 1, 'result and openSetting');
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal).toMatchObject({ confirmText: '去设置', content: expect.stringContaining('总开关') });
    expect(wx.showModal.mock.invocationCallOrder[0]).toBeLessThan(wx.openSetting.mock.invocationCallOrder[0]!);
    expect(wx.openSetting.mock.calls[0][0]).toMatchObject({ withSubscriptions: true });
    expect(callsOf(wx, 'subscriptions', 'record')[0]).toMatchObject({
      error: { errCode: 20004, errMsg: expect.stringContaining('main switch') },
    });
    expect(results[0].outcome.error).toMatchObject({ errCode: 20004, action: 'settings' });
  });

  it('20004 with the modal cancelled: no openSetting', async () => {
    wx.subscribeAnswers = [{ fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail' } }];
    wx.modalAnswers = [false];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1 && wx.showModal.mock.calls.length === 1, 'result and modal');
    expect(wx.openSetting).not.toHaveBeenCalled();
  });

  it('a retried report counts once: same request id after a failed callFunction', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    wx.failNext('subscriptions', 1, 'lost'); // the function ran, the answer never came back
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');
    const records = callsOf(wx, 'subscriptions', 'record');
    expect(records).toHaveLength(2);
    expect(records[1]!['requestId']).toBe(records[0]!['requestId']);
    expect(records[1]).toEqual(records[0]);
    expect(subs.state.counted).toBe(1);
    expect(subs.remaining['TPL_EVENT_REMINDER']).toBe(1);
    expect(results[0]).toMatchObject({ reported: true, counted: false });
  });

  it('a report that never gets through: 3 attempts, then the result says so', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    wx.failNext('subscriptions', 5, 'down');
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');
    expect(callsOf(wx, 'subscriptions', 'record')).toHaveLength(3);
    // The mock's transport failure is a request timeout: said so, not 网络异常 (lib/api-errors.ts transportError).
    expect(results[0]).toMatchObject({ reported: false, reportError: '请求超时，请稍后重试' });
    expect(comp.data['busy']).toBe(false);
  });

  it('refuses one-time mixed with long-term before calling WeChat', async () => {
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER', 'TPL_SERVICE_NOTICE'] });
    await tap(comp, '#btn');
    await waitFor(() => results.length === 1, 'result event');
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(wx.calls).toHaveLength(0);
    expect(results[0].outcome).toMatchObject({ kind: 'refused' });
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('一次性订阅和长期订阅') }));
  });

  it('refuses more than 3 templates, and kinds given by property override the registry', async () => {
    const four = button({ tmplIds: ['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL', 'TPL_APPLY_RESULT'] });
    await tap(four.comp, '#btn');
    await waitFor(() => four.results.length === 1, 'refusal');
    expect(four.results[0].outcome.error.message).toContain('最多');
    const mixed = button({ tmplIds: ['A_TPL', 'B_TPL'], kinds: { A_TPL: 'one-time', B_TPL: 'long-term' } });
    await tap(mixed.comp, '#btn');
    await waitFor(() => mixed.results.length === 1, 'refusal');
    expect(mixed.results[0].outcome.kind).toBe('refused');
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  });

  it('outside a tap the platform refuses (the fake enforces it), so onTap is the only entry', async () => {
    wx.subscribeAnswers = [{ success: { TPL_EVENT_REMINDER: 'accept' } }];
    const { comp, results } = button({ tmplIds: ['TPL_EVENT_REMINDER'] });
    comp.instance['onTap'](); // called programmatically: no gesture
    await waitFor(() => results.length === 1, 'result event');
    expect(results[0].outcome.kind).toBe('error');
    expect(results[0].outcome.error.message).toBe('请点击按钮后再订阅');
  });
});
