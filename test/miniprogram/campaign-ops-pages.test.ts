/** @jest-environment jsdom */
// Mini program admin page tests (miniprogram-simulate, official compiler) for campaign operations: a repeating,
// local-time, budgeted campaign in the editor; a series' occurrences and "end" on the detail page; the daily-quota
// banner on the list and detail pages.
import { fakeCampaigns, fakeTemplates } from './support/fake-admin';
import { change, mount, tap, textOf, type, waitFor, node } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
let camp: ReturnType<typeof fakeCampaigns>;
const QUOTA = { until: Date.UTC(2026, 4, 1, 16), errCode: 45009, message: '配额已用完，2026-05-02 00:00 北京时间 恢复' };
const OCCURRENCES = [
  { id: 's1.20260831', sendAtLocal: '2026-08-31 09:00', status: 'scheduled', skipReason: null, progress: { targeted: 0, sent: 0, skipped: 0, failed: 0, pending: 0 } },
  { id: 's1.20260630', sendAtLocal: '2026-06-30 09:00', status: 'cancelled', skipReason: 'series_paused', progress: { targeted: 0, sent: 0, skipped: 0, failed: 0, pending: 0 } },
  { id: 's1.20260531', sendAtLocal: '2026-05-31 09:00', status: 'completed', skipReason: null, progress: { targeted: 3, sent: 3, skipped: 0, failed: 0, pending: 0 } },
];

beforeEach(() => {
  wx = installWx();
  camp = fakeCampaigns();
  wx.handlers['templates'] = fakeTemplates().handler;
  // The fake campaigns function plus what this feature adds: the quota pause, occurrences and `end`.
  wx.handlers['campaigns'] = (d: Record<string, any>) => {
    if (d['action'] === 'occurrences') return { ok: true, data: { recurrence: '每月 31 日 09:00', next: null, occurrences: OCCURRENCES } };
    if (d['action'] === 'end') {
      camp.campaigns[d['id']]!['status'] = 'completed';
      return { ok: true, data: { id: d['id'], status: 'completed', changed: true, skipped: ['s1.20260831'] } };
    }
    const r = camp.handler(d) as { ok: boolean; data?: Record<string, unknown> };
    if (r.ok && (d['action'] === 'list' || d['action'] === 'get')) r.data = { ...r.data, quotaPause: QUOTA };
    return r;
  };
  (globalThis as any).wx.redirectTo = jest.fn();
});

it('editor: repeat weekly on 一,五 at 09:00 in each user\'s zone with a daily budget → create, then schedule without a date', async () => {
  const page = mount('pages/admin/campaign-edit/campaign-edit');
  void page.instance['onLoad']({});
  await waitFor(() => page.data['templates'].length === 2, 'templates');
  change(page, '#template', 0);
  type(page, '#name', '周报');
  await waitFor(() => page.data['fields'].length === 4, 'fields');
  for (const [k, v] of Object.entries({ thing1: '周末读书会', time2: '2030年1月1日 09:00', thing3: '图书馆', thing4: '别迟到' })) type(page, `#field-${k}`, v);
  change(page, '#repeat', 2);
  await waitFor(() => !!page.querySelector('#repeat-weekdays'), 'weekdays input');
  expect(page.querySelector('#date')).toBeUndefined(); // a repeating campaign has no date
  type(page, '#repeat-weekdays', '一,五');
  change(page, '#time', '09:00');
  change(page, '#local-time', true);
  type(page, '#daily-budget', '500');
  await tap(page, '#schedule');
  await waitFor(() => callsOf(wx, 'campaigns', 'schedule').length === 1, 'schedule');
  expect(callsOf(wx, 'campaigns', 'create')[0]).toMatchObject({ recurrence: { kind: 'weekly', at: '09:00', weekdays: [1, 5] }, localTime: true, dailyBudget: 500 });
  expect(callsOf(wx, 'campaigns', 'schedule')[0]).toEqual({ action: 'schedule', id: 'c1', zone: 'Asia/Shanghai' });
});

it('editor: a weekly repeat without weekdays is refused locally, in Chinese', async () => {
  const page = mount('pages/admin/campaign-edit/campaign-edit');
  void page.instance['onLoad']({});
  await waitFor(() => page.data['templates'].length === 2, 'templates');
  change(page, '#repeat', 2);
  await waitFor(() => !!page.querySelector('#repeat-weekdays'), 'weekdays input');
  type(page, '#repeat-weekdays', '八');
  await tap(page, '#save');
  await waitFor(() => page.data['problems'].length > 0, 'problems');
  expect(page.data['problems']).toContain('每周重复请填写星期几，如 1,5 或 一,五');
  expect(callsOf(wx, 'campaigns', 'create')).toHaveLength(0);
});

it('detail: a series shows its rule, each occurrence with its own counts or why it was skipped, the quota banner, and can be ended', async () => {
  camp.campaigns['s1'] = { _id: 's1', name: '月末读书会', templateId: 'TPL_EVENT_REMINDER', status: 'scheduled', recurrence: { kind: 'monthly', day: 31, at: '09:00' } };
  const page = mount('pages/admin/campaign-detail/campaign-detail');
  page.instance['onLoad']({ id: 's1' });
  page.instance['onShow']();
  await waitFor(() => page.data['occurrences'].length === 3, 'occurrences');
  expect(textOf(node(page, '#repeat'))).toBe('重复：每月 31 日 09:00（北京时间）');
  expect(textOf(node(page, '#occ-1'))).toContain('2026-06-30 09:00 系列暂停期间，已跳过（不补发）');
  expect(textOf(node(page, '#occ-2'))).toContain('已发送 3/3');
  expect(textOf(node(page, '#quota'))).toBe('配额已用完，2026-05-02 00:00 北京时间 恢复');
  await tap(page, '#end');
  await waitFor(() => callsOf(wx, 'campaigns', 'end').length === 1, 'end');
  expect(callsOf(wx, 'campaigns', 'end')[0]).toEqual({ action: 'end', id: 's1' });
  page.instance['onUnload']();
});

it('list: "配额已用完，… 恢复" above the campaigns while sending is paused for the quota', async () => {
  camp.campaigns['c9'] = { _id: 'c9', name: '读书会提醒', templateId: 'TPL_EVENT_REMINDER', status: 'running', sendAt: Date.UTC(2026, 0, 1, 1, 0) };
  const page = mount('pages/admin/campaigns/campaigns');
  page.instance['onShow']();
  await waitFor(() => page.data['rows'].length === 1, 'rows');
  expect(textOf(node(page, '#quota'))).toBe('配额已用完，2026-05-02 00:00 北京时间 恢复');
});
