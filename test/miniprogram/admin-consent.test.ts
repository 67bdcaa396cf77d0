/** @jest-environment jsdom */
// Mini program admin page test (miniprogram-simulate, official compiler): pages/admin/consent — an admin enters a
// user's openid and reads that user's consent history page by page (Beijing time), exports it as CSV to the
// clipboard; a bad openid is caught before any call; a non-admin gets the function's FORBIDDEN, shown as such.
import { mount, node, tap, textOf, type, settle, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
const T = Date.UTC(2026, 4, 1, 2, 0); // 2026-05-01 10:00 Beijing time
const entry = (at: number, result: string, source: string) => ({
  at, templateId: 'TPL_EVENT_REMINDER', title: '活动开始提醒', result, status: null, source, page: 'pages/events/events', button: 'remind',
});
const ADMIN_HISTORY = [entry(T, 'revoke', 'client'), entry(T - 3600_000, 'accept', 'event'), entry(T - 7200_000, 'accept', 'client')];

/** The subscriptions function as an admin (`admin: true`) or a mini program user sees it (FORBIDDEN). */
function subscriptions(admin: boolean) {
  return (data: Record<string, unknown>) => {
    if (!admin) return { ok: false, error: { code: 'FORBIDDEN', message: 'admins only' } };
    if (data['openid'] !== 'o-alice') return data['action'] === 'exportUserHistory'
      ? { ok: true, data: { format: 'csv', filename: 'consent-history.csv', count: 0, truncated: false, content: 'time_utc\r\n' } }
      : { ok: true, data: { entries: [], next: null } };
    if (data['action'] === 'userHistory') {
      return data['cursor'] ? { ok: true, data: { entries: ADMIN_HISTORY.slice(2), next: null } } : { ok: true, data: { entries: ADMIN_HISTORY.slice(0, 2), next: '2:x' } };
    }
    if (data['action'] === 'exportUserHistory') {
      return { ok: true, data: { format: 'csv', filename: 'consent-history.csv', count: 3, truncated: false, content: 'time_utc,template_id\r\n2026-05-01T02:00:00.000Z,TPL_EVENT_REMINDER\r\n' } };
    }
    return { ok: false, error: { code: 'UNKNOWN_ACTION', message: 'unknown' } };
  };
}

beforeEach(() => {
  wx = installWx();
});

async function enter(page: Comp, openid: string): Promise<void> {
  type(page, '#openid', openid);
  await settle();
}

describe('pages/admin/consent', () => {
  it('is registered in app.json and linked from the admin entry (the campaigns page)', async () => {
    const app = (await import('../../miniprogram/app.json')) as { pages: string[] };
    expect(app.pages).toContain('pages/admin/consent/consent');
    wx.handlers['campaigns'] = () => ({ ok: true, data: { campaigns: [] } });
    const page = mount('pages/admin/campaigns/campaigns');
    await tap(page, '#consent');
    expect(wx.navigateTo.mock.calls[0][0].url).toBe('/pages/admin/consent/consent');
  });

  it('an admin reads a user\'s history newest first in Beijing time, page by page', async () => {
    wx.handlers['subscriptions'] = subscriptions(true);
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({});
    await enter(page, 'o-alice');
    await tap(page, '#query');
    await waitFor(() => page.data['rows'].length === 2, 'first page');
    let text = textOf(page);
    expect(text).toContain('o-alice 的授权记录');
    expect(text).toContain('2026-05-01 10:00');
    expect(text).toContain('活动开始提醒：我撤销了订阅（小程序内）');
    expect(text).toContain('活动开始提醒：同意（微信推送）');
    expect(callsOf(wx, 'subscriptions', 'userHistory')).toEqual([{ action: 'userHistory', openid: 'o-alice' }]);
    await tap(page, '#more');
    await waitFor(() => page.data['rows'].length === 3, 'second page');
    text = textOf(page);
    expect(text).toContain('2026-05-01 08:00');
    expect(callsOf(wx, 'subscriptions', 'userHistory')[1]).toEqual({ action: 'userHistory', openid: 'o-alice', cursor: '2:x' });
    expect(page.querySelector('#more')).toBeUndefined();
  });

  it('opens with ?openid= and loads at once; a user with no history says so', async () => {
    wx.handlers['subscriptions'] = subscriptions(true);
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({ openid: 'o-nobody' });
    await waitFor(() => page.querySelector('#empty') !== undefined, 'empty state');
    expect(textOf(page)).toContain('该用户还没有授权记录');
  });

  it('exports the user\'s history as CSV to the clipboard', async () => {
    wx.handlers['subscriptions'] = subscriptions(true);
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({});
    await enter(page, 'o-alice');
    await tap(page, '#export');
    await waitFor(() => wx.setClipboardData.mock.calls.length === 1, 'clipboard');
    expect(wx.clipboard).toContain('2026-05-01T02:00:00.000Z,TPL_EVENT_REMINDER');
    expect(callsOf(wx, 'subscriptions', 'exportUserHistory')).toEqual([{ action: 'exportUserHistory', openid: 'o-alice' }]);
    await waitFor(() => wx.showModal.mock.calls.some((c) => String(c[0].content).includes('3 条授权记录')), 'export alert');
  });

  it('a malformed or empty openid is caught on the page: no call', async () => {
    wx.handlers['subscriptions'] = subscriptions(true);
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({});
    await tap(page, '#query');
    expect(textOf(node(page, '#problem'))).toContain('请输入用户的 openid');
    await enter(page, 'o-alice; drop');
    await tap(page, '#query');
    expect(textOf(node(page, '#problem'))).toContain('只能包含字母');
    expect(callsOf(wx, 'subscriptions', 'userHistory')).toHaveLength(0);
  });

  it('a non-admin is refused by the function: the page shows 没有权限 and no history', async () => {
    wx.handlers['subscriptions'] = subscriptions(false);
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({});
    await enter(page, 'o-alice');
    await tap(page, '#query');
    await waitFor(() => page.querySelector('#error') !== undefined, 'error shown');
    expect(textOf(node(page, '#error'))).toBe('没有权限执行此操作');
    expect(page.querySelector('#history')).toBeUndefined();
    await tap(page, '#export');
    await waitFor(() => wx.showModal.mock.calls.some((c) => String(c[0].content).includes('没有权限')), 'export refused');
    expect(wx.setClipboardData).not.toHaveBeenCalled();
  });
});
