// Test support (mini program): a fake `wx` global (the mini program side may fake wx) with the platform's tap-only
// rule for requestSubscribeMessage, scripted answers, and wx.cloud.callFunction routed to in-memory functions.

type Obj = Record<string, unknown>;
type Callbacks = { success?: (r: any) => void; fail?: (e: any) => void; complete?: (r: any) => void };
export type FunctionHandler = (data: Obj) => unknown | Promise<unknown>;

export type SubscribeAnswer = { success: Record<string, string> } | { fail: { errCode: number; errMsg: string } };

/** Set true only while a tap is being dispatched (see `tap()` in simulate.ts). */
export const gesture = { active: false };

export interface WxMock {
  requestSubscribeMessage: jest.Mock;
  showToast: jest.Mock;
  showModal: jest.Mock;
  openSetting: jest.Mock;
  getSetting: jest.Mock;
  navigateTo: jest.Mock;
  setClipboardData: jest.Mock;
  /** The last text put on the clipboard. */
  clipboard: string | null;
  callFunction: jest.Mock;
  /** Every callFunction as `{ name, data }`, in order, including ones that failed. */
  calls: { name: string; data: Obj }[];
  /** Next answers of requestSubscribeMessage (the last one repeats). */
  subscribeAnswers: SubscribeAnswer[];
  /** Next `confirm` answers of showModal (default true). */
  modalAnswers: boolean[];
  subscriptionsSetting: { mainSwitch: boolean; itemSettings?: Record<string, string> } | null;
  handlers: Record<string, FunctionHandler>;
  /** Make the next `n` calls to `name` fail: `lost` = the function ran but the answer was lost; `down` = never ran. */
  failNext(name: string, n: number, mode: 'lost' | 'down'): void;
}

const later = (fn: () => void) => void Promise.resolve().then(fn);

function settle(opts: Callbacks, ok: boolean, value: unknown): void {
  later(() => {
    if (ok) opts.success?.(value);
    else opts.fail?.(value);
    opts.complete?.(value);
  });
}

export function installWx(): WxMock {
  const failures: Record<string, { n: number; mode: 'lost' | 'down' }> = {};
  const m = {
    calls: [],
    subscribeAnswers: [{ success: {} }],
    modalAnswers: [],
    subscriptionsSetting: { mainSwitch: true },
    handlers: {},
    failNext(name: string, n: number, mode: 'lost' | 'down') {
      failures[name] = { n, mode };
    },
  } as unknown as WxMock;

  m.requestSubscribeMessage = jest.fn((opts: Callbacks & { tmplIds: string[] }) => {
    // [RSM-MD] "仅在点击行为时调用": outside a tap the platform refuses.
    if (!gesture.active) {
      return settle(opts, false, { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
    }
    const answer = m.subscribeAnswers.length > 1 ? m.subscribeAnswers.shift()! : m.subscribeAnswers[0]!;
    if ('fail' in answer) return settle(opts, false, answer.fail);
    return settle(opts, true, { errMsg: 'requestSubscribeMessage:ok', ...answer.success });
  });
  m.showToast = jest.fn((opts: Callbacks) => settle(opts, true, { errMsg: 'showToast:ok' }));
  m.showModal = jest.fn((opts: Callbacks) => {
    const confirm = m.modalAnswers.length > 0 ? m.modalAnswers.shift()! : true;
    settle(opts, true, { errMsg: 'showModal:ok', confirm, cancel: !confirm });
  });
  m.openSetting = jest.fn((opts: Callbacks) =>
    settle(opts, true, { errMsg: 'openSetting:ok', authSetting: {}, subscriptionsSetting: { mainSwitch: true } }));
  m.getSetting = jest.fn((opts: Callbacks & { withSubscriptions?: boolean }) =>
    settle(opts, true, {
      errMsg: 'getSetting:ok',
      authSetting: {},
      ...(opts.withSubscriptions && m.subscriptionsSetting ? { subscriptionsSetting: m.subscriptionsSetting } : {}),
    }));
  m.navigateTo = jest.fn((opts: Callbacks) => settle(opts, true, { errMsg: 'navigateTo:ok' }));
  m.clipboard = null;
  m.setClipboardData = jest.fn((opts: Callbacks & { data: string }) => {
    m.clipboard = opts.data;
    settle(opts, true, { errMsg: 'setClipboardData:ok' });
  });
  m.callFunction = jest.fn(async ({ name, data }: { name: string; data: Obj }) => {
    m.calls.push({ name, data: JSON.parse(JSON.stringify(data)) as Obj });
    const f = failures[name];
    if (f && f.n > 0) {
      f.n -= 1;
      if (f.mode === 'lost') await m.handlers[name]?.(data);
      throw { errCode: -1, errMsg: 'cloud.callFunction:fail request timeout' };
    }
    const h = m.handlers[name];
    if (!h) throw { errCode: -501000, errMsg: `cloud.callFunction:fail FunctionName parameter could not be found: ${name}` };
    return { errMsg: 'cloud.callFunction:ok', requestID: 'req', result: await h(data) };
  });

  const g = globalThis as unknown as { wx: Obj };
  // miniprogram-simulate installs its own partial `wx`; keep its helpers, override what the app uses.
  g.wx = Object.assign(g.wx ?? {}, {
    requestSubscribeMessage: m.requestSubscribeMessage,
    showToast: m.showToast,
    showModal: m.showModal,
    openSetting: m.openSetting,
    getSetting: m.getSetting,
    navigateTo: m.navigateTo,
    setClipboardData: m.setClipboardData,
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    cloud: { init: jest.fn(), callFunction: m.callFunction },
  });
  return m;
}

/** Calls of one function action, payloads only. */
export function callsOf(m: WxMock, name: string, action: string): Obj[] {
  return m.calls.filter((c) => c.name === name && c.data['action'] === action).map((c) => c.data);
}
